import { promises as fs } from 'fs';
import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';
import { tmpdir } from 'os';
import path from 'path';

import { parseSceneSpec } from '../../core/schema';
import { createShotItems } from '../../core/shotItems';
import { transition } from '../../core/status';
import type { ShotItem } from '../../core/types';
import { readMp4Facts } from '../../edges/ffmpeg/mp4Header';
import { Assemble } from '../../nodes/Assemble/Assemble.node';
import { DriftScore } from '../../nodes/DriftScore/DriftScore.node';
import { FIXTURE_TIME, makeClip, makeTake, makeTone, pipelineItems } from '../helpers/assembly';
import { mockNodeContext } from '../helpers/mockNodeContext';
import { cafeSpec } from '../helpers/specs';

/**
 * What ffmpeg is allowed to open (issue 15, points 1, 7, 12 and 14b). ffmpeg picks a demuxer from
 * a file's bytes, and some demuxers open further files by name: an HLS playlist named
 * `innocent.mp4` with the type video/mp4 made Assemble pull a file of the server's into the cut.
 * Every input is now read with the demuxer its role allows and the `file` protocol only; a clip
 * whose index promises more than the file holds, and a picture too large to decode, are refused
 * from their headers. No message names a server path.
 */

jest.setTimeout(120_000);

let dir: string;
/** A real clip outside any working folder: what a playlist would smuggle into the cut. */
let secretClip: string;

beforeAll(async () => {
	dir = await fs.mkdtemp(path.join(tmpdir(), 'security-media-'));
	secretClip = path.join(dir, 'secret.mp4');
	await makeClip(secretClip, { color: 'yellow', tone: 0 });
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

/** An HLS playlist whose one segment is a file on the server. */
const playlist = (target: string) =>
	Buffer.from(
		`#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n${target}\n#EXT-X-ENDLIST\n`,
	);

/** Every server path a message could leak: the test folder, the temp folder, the home folder. */
function expectNoServerPath(text: string): void {
	expect(text).not.toContain(dir);
	expect(text).not.toContain(tmpdir());
	expect(text).not.toMatch(/\/(tmp|root|home|etc|var)\//);
}

/** The node's defaults (cuts, fail on a missing shot, nothing added), at draft quality. */
const ASSEMBLE_PARAMETERS = { options: { quality: 'draft' } };

/** Two approved shots; `bytesOf(index)` is the clip of each (a real one by default). */
async function runAssemble(
	clipBytes: (index: number) => Promise<Buffer>,
	parameters: Record<string, unknown> = {},
	extra: Record<string, { bytes: Buffer; name: string; mimeType: string }> = {},
) {
	const items = pipelineItems([[{}], [{}]]);
	const input: INodeExecutionData[] = [];
	const mock = mockNodeContext({
		items: input,
		parameters: { ...ASSEMBLE_PARAMETERS, ...parameters },
		nodeName: 'Assemble',
	});
	for (const [index, item] of items.entries()) {
		const take = item.takes[0];
		const clip = await mock.context.helpers.prepareBinaryData(
			await clipBytes(index),
			'innocent.mp4',
			'video/mp4',
		);
		const binary: Record<string, IBinaryData> = { [take.clip!.binaryProperty]: clip, clip };
		for (const [name, file] of Object.entries(extra))
			binary[name] = await mock.context.helpers.prepareBinaryData(
				file.bytes,
				file.name,
				file.mimeType,
			);
		input.push({ json: item as never, binary });
	}
	return new Assemble().execute.call(mock.context);
}

async function assembleError(...args: Parameters<typeof runAssemble>): Promise<Error> {
	const error = await runAssemble(...args).then(
		() => undefined,
		(thrown: Error) => thrown,
	);
	if (!error) throw new Error('Assemble accepted the input');
	return error;
}

const realClip = async (color = 'red') => {
	const file = path.join(dir, `${color}.mp4`);
	await makeClip(file, { color });
	return fs.readFile(file);
};

describe('Assemble opens clips and sound only with the demuxer their role allows', () => {
	it('refuses an HLS playlist named innocent.mp4 and typed video/mp4, naming the item and take', async () => {
		const error = await assembleError(async (index) =>
			index === 1 ? playlist(secretClip) : realClip(),
		);
		expect(error.message).toMatch(/^Item 1: binary\.clip_take1: the clip of shot-02-take-1/);
		expect(error.message).toMatch(/is an HLS playlist, not an MP4 or MOV video/);
		expectNoServerPath(`${error.message} ${(error as { description?: string }).description}`);
	});

	it('refuses a playlist of a relative name and a concat list as well', async () => {
		const relative = await assembleError(async (index) =>
			index === 0 ? playlist('secret.mp4') : realClip(),
		);
		expect(relative.message).toMatch(/Item 0: .*HLS playlist/);
		const concat = await assembleError(async (index) =>
			index === 0 ? Buffer.from(`ffconcat version 1.0\nfile '${secretClip}'\n`) : realClip(),
		);
		expect(concat.message).toMatch(/Item 0: .*an ffconcat list, not an MP4 or MOV video/);
	});

	it('refuses a music track that is a playlist, naming the property', async () => {
		const tone = path.join(dir, 'tone.m4a');
		await makeTone(tone, 2, 300);
		const error = await assembleError(
			() => realClip(),
			{ audioTrack: { track: { binaryProperty: 'music', role: 'music', levelDb: -12 } } },
			{ music: { bytes: playlist(tone), name: 'music.mp3', mimeType: 'audio/mpeg' } },
		);
		expect(error.message).toMatch(/audioTrack\.binaryProperty: "music" is an HLS playlist/);
		expectNoServerPath(error.message);
	});

	it('still assembles real clips with a real music track', async () => {
		const tone = path.join(dir, 'music.m4a');
		await makeTone(tone, 2, 300);
		const [output] = await runAssemble(
			() => realClip('blue'),
			{ audioTrack: { track: { binaryProperty: 'music', role: 'music', levelDb: -12 } } },
			{ music: { bytes: await fs.readFile(tone), name: 'music.m4a', mimeType: 'audio/mp4' } },
		);
		expect(output[0].json).toMatchObject({ durationSeconds: 4 });
	});

	it('refuses a picture passed as a clip from its first bytes, before any decoding', async () => {
		const error = await assembleError(async (index) =>
			index === 0 ? pngHeader(640, 360) : realClip(),
		);
		expect(error.message).toMatch(/Item 0: .*is a PNG image, not an MP4 or MOV video/);
	});

	it('refuses a clip whose header states a picture too large to decode (12000x12000)', async () => {
		const huge = await withVideoSize(await realClip('teal'), 12000, 12000);
		expect((await readMp4FactsOf(huge))?.video).toMatchObject({ width: 12000, height: 12000 });
		const error = await assembleError(async (index) => (index === 1 ? huge : realClip()));
		expect(error.message).toMatch(
			/Item 1: .*the clip of shot-02-take-1 .*12000x12000 pixels, more than the largest picture this package decodes/,
		);
	});
});

describe('Assemble checks from the MP4 index that every clip holds what it says (point 7)', () => {
	it('refuses a clip cut to 30% of its bytes, naming the item and take, before anything is rendered', async () => {
		const whole = await realClip('purple');
		const cut = whole.subarray(0, Math.floor(whole.length * 0.3));
		const error = await assembleError(async (index) => (index === 1 ? cut : realClip()));
		expect(error.message).toMatch(
			new RegExp(
				String.raw`^Item 1: binary\.clip_take1: the clip of shot-02-take-1 \(shot-02\) is cut short: ` +
					String.raw`its index places 48 frames in \d+ bytes, the file has \d+`,
			),
		);
		expectNoServerPath(error.message);
	});
});

/** The node's defaults, without the offline vision models (these clips hold no faces or props). */
const DRIFT_PARAMETERS = { offlineChecks: 'off' };

/** One freshly generated shot with `clip` as its clip (and Mya's reference image when given). */
async function runDriftScore(
	clip: Buffer,
	reference?: Buffer,
	continueOnFail = false,
): Promise<INodeExecutionData[][]> {
	const raw = cafeSpec(1, 2);
	if (reference)
		raw.bible.characters[0].referenceImage = { binaryProperty: 'ref_mya', mimeType: 'image/png' };
	const [planned] = createShotItems(parseSceneSpec(raw), 'gemini-omni-1.2-flash');
	const item: ShotItem = transition(
		{ ...planned, takes: [makeTake(planned.shot.id, 1, planned.shot.durationSeconds)] },
		'generated',
		undefined,
		FIXTURE_TIME(1),
	);
	const input: INodeExecutionData[] = [];
	const mock = mockNodeContext({ items: input, parameters: DRIFT_PARAMETERS, continueOnFail });
	const binary: Record<string, IBinaryData> = {
		clip: await mock.context.helpers.prepareBinaryData(clip, 'innocent.mp4', 'video/mp4'),
	};
	if (reference)
		binary.ref_mya = await mock.context.helpers.prepareBinaryData(
			reference,
			'mya.png',
			'image/png',
		);
	input.push({ json: item as never, binary });
	return new DriftScore().execute.call(mock.context);
}

describe('Drift Score opens clips and reference images only with the demuxer their role allows', () => {
	it('refuses an HLS playlist named innocent.mp4 and typed video/mp4, naming the item and property', async () => {
		const error = await runDriftScore(playlist(secretClip)).then(
			() => undefined,
			(thrown: Error) => thrown,
		);
		expect(error?.message).toMatch(
			/^Item 0: the clip of shot-01 take 1 \(binary "clip"\): is an HLS playlist, not an MP4 or MOV video/,
		);
		expectNoServerPath(error!.message);
	});

	it('with Continue On Fail, sends the refused clip to review as an error item, never to Pass', async () => {
		const [pass, review] = await runDriftScore(playlist(secretClip), undefined, true);
		expect(pass).toEqual([]);
		expect(String(review[0].json.error)).toMatch(/HLS playlist/);
	});

	it('refuses a reference image whose header states 12000x12000 pixels, before decoding it', async () => {
		const error = await runDriftScore(await realClip('orange'), pngHeader(12000, 12000)).then(
			() => undefined,
			(thrown: Error) => thrown,
		);
		expect(error?.message).toMatch(
			/the reference image of Mya \(binary "ref_mya"\): is 12000x12000 pixels, more than the largest picture/,
		);
	});

	it('refuses a reference image that is a playlist', async () => {
		const error = await runDriftScore(await realClip('orange'), playlist(secretClip)).then(
			() => undefined,
			(thrown: Error) => thrown,
		);
		expect(error?.message).toMatch(
			/the reference image of Mya \(binary "ref_mya"\): is an HLS playlist, not a PNG, JPEG or WebP image/,
		);
	});

	it('reports a clip without an index without naming the folder it was scored in', async () => {
		const whole = Buffer.from(await realClip('navy'));
		// The index box renamed: an MP4 start that neither the header reader nor ffprobe can play.
		whole.write('junk', whole.indexOf('moov', 0, 'latin1'), 'latin1');
		const [, , regenerate] = await runDriftScore(whole);
		const item = regenerate[0].json as unknown as ShotItem;
		const reasons = item.takes[0].drift!.reasons.join('\n');
		expect(reasons).toMatch(/damaged|cannot be played/);
		expectNoServerPath(reasons);
		expectNoServerPath(JSON.stringify(item));
	});
});

/** A PNG that is only its signature, an IHDR of the given size and IEND: enough for a header check. */
function pngHeader(width: number, height: number): Buffer {
	const chunk = (type: string, body: Buffer) => {
		const length = Buffer.alloc(4);
		length.writeUInt32BE(body.length);
		return Buffer.concat([length, Buffer.from(type, 'latin1'), body, Buffer.alloc(4)]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr.set([8, 2, 0, 0, 0], 8);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

/** The clip with the size in its visual sample entry (and track header) rewritten. */
async function withVideoSize(clip: Buffer, width: number, height: number): Promise<Buffer> {
	const copy = Buffer.from(clip);
	// The first "avc1" is a brand in ftyp; the sample entry is the one inside stsd.
	const avc1 = copy.indexOf('avc1', copy.indexOf('stsd', 0, 'latin1'), 'latin1');
	// The sample entry's body starts after its type; width and height are at 24 and 26 of it.
	copy.writeUInt16BE(width, avc1 + 4 + 24);
	copy.writeUInt16BE(height, avc1 + 4 + 26);
	return copy;
}

async function readMp4FactsOf(bytes: Buffer) {
	const file = path.join(dir, `probe-${bytes.length}.mp4`);
	await fs.writeFile(file, bytes);
	return readMp4Facts(file);
}
