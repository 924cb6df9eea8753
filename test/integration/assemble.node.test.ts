import { promises as fs } from 'fs';
import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';
import { tmpdir } from 'os';
import path from 'path';

import { parseDecisionLines } from '../../core/decisions';
import type { ProductionReport } from '../../core/assembly/report';
import type { ShotItem } from '../../core/types';
import { probeMedia } from '../../edges/ffmpeg/ffmpeg';
import { Assemble } from '../../nodes/Assemble/Assemble.node';
import {
	makeClip,
	makeTone,
	pipelineItems,
	type ClipLook,
	type TakeSpec,
} from '../helpers/assembly';
import { edlShots, parseCmx3600, readOtioVideoTrack } from '../helpers/editLists';
import {
	brightPixels,
	integratedLufs,
	meanRgb,
	packetHashes,
	topLevelBoxes,
} from '../helpers/media';
import { mockNodeContext, type MockContext } from '../helpers/mockNodeContext';

/**
 * The Assemble node with a mocked n8n context (filesystem-mode binaries) and real ffmpeg, on small
 * clips made here: 320x180, 2 s, a colour and a tone each, so order, grade and sound can be measured.
 */

jest.setTimeout(120_000);

const PARAMETERS = {
	missingShots: 'fail',
	transition: 'cut',
	transitionDuration: 0.5,
	loudness: 'none',
	captions: 'none',
	audioTrack: {},
	renditions: {},
	options: { quality: 'draft' },
};
const RED: ClipLook = { color: 'red', tone: 330 };
const GREEN: ClipLook = { color: 'lime', tone: 440 };
const BLUE: ClipLook = { color: 'blue', tone: 550 };

let clipDir: string;
const clips = new Map<string, string>();

/** One file per look, made once: items that share a look share the file's bytes. */
async function clipFile(look: ClipLook): Promise<string> {
	const key = JSON.stringify(look);
	if (!clips.has(key)) {
		const file = path.join(clipDir, `clip-${clips.size}.mp4`);
		await makeClip(file, look);
		clips.set(key, file);
	}
	return clips.get(key)!;
}

beforeAll(async () => {
	clipDir = await fs.mkdtemp(path.join(tmpdir(), 'assemble-test-clips-'));
});
afterAll(() => fs.rm(clipDir, { recursive: true, force: true }));

interface Run {
	output: INodeExecutionData[];
	mock: MockContext;
	file: (binary: IBinaryData) => string;
}

/** Items with every generated take's clip attached under its property and the newest under "clip". */
async function runAssemble(
	items: ShotItem[],
	looks: ClipLook[],
	parameters: Record<string, unknown> = {},
	extra: Record<string, { file: string; name: string }> = {},
): Promise<Run> {
	const input: INodeExecutionData[] = [];
	const mock = mockNodeContext({
		items: input,
		parameters: { ...PARAMETERS, ...parameters },
		nodeName: 'Assemble',
	});
	for (const [index, item] of items.entries()) {
		const binary: Record<string, IBinaryData> = {};
		for (const take of item.takes.filter((candidate) => candidate.clip)) {
			const source = await clipFile(looks[index]);
			binary[take.clip!.binaryProperty] = await mock.context.helpers.prepareBinaryData(
				await fs.readFile(source),
				`${item.pipelineId}-${take.id}.mp4`,
				'video/mp4',
			);
			binary.clip = binary[take.clip!.binaryProperty];
		}
		for (const [name, attachment] of Object.entries(extra)) {
			binary[name] = await mock.context.helpers.prepareBinaryData(
				await fs.readFile(attachment.file),
				attachment.name,
			);
		}
		input.push({ json: item as never, binary });
	}
	const [output] = await new Assemble().execute.call(mock.context);
	return {
		output,
		mock,
		file: (binary) => path.join(mock.binaryDir, binary.id!.replace(/^mock:/, '')),
	};
}

const clipHashes = new Map<string, string[]>();

/** The packet hashes of the test clips of these looks, one after another (each clip hashed once). */
async function hashesOf(looks: ClipLook[], stream: 'v' | 'a' = 'v'): Promise<string[]> {
	const lists = [];
	for (const look of looks) {
		const key = `${JSON.stringify(look)}:${stream}`;
		if (!clipHashes.has(key)) clipHashes.set(key, await packetHashes(await clipFile(look), stream));
		lists.push(...clipHashes.get(key)!);
	}
	return lists;
}

const reportOf = (entry: INodeExecutionData) => entry.json.report as unknown as ProductionReport;
const near = (actual: number, expected: number, tolerance: number) =>
	expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance);
const isRed = ([r, g, b]: number[]) => r > 200 && g < 60 && b < 60;
const isGreen = ([r, g, b]: number[]) => g > 200 && r < 60 && b < 60;
const isBlue = ([r, g, b]: number[]) => b > 200 && r < 60 && g < 60;

async function textOf(run: Run, binary: IBinaryData): Promise<string> {
	return (await run.mock.readBinary(binary)).toString('utf8');
}

describe('Assemble with real ffmpeg', () => {
	it(
		'joins matching clips in shot order without re-encoding, one cut per pipeline, with renditions, poster, ' +
			'edit lists and report',
		async () => {
			// shot-02 was regenerated once; the items arrive out of order, with a second pipeline among them.
			const takes: TakeSpec[][] = [
				[{ route: 'pass' }],
				[{ route: 'regenerate' }, { route: 'review', review: 'approved' }],
				[{ route: 'pass' }],
			];
			const film = pipelineItems(takes, { title: 'Morning Ritual' });
			const other = pipelineItems([[{}]], { title: 'Product B' });
			const run = await runAssemble(
				[film[2], other[0], film[0], film[1]],
				[BLUE, GREEN, RED, GREEN],
				{
					renditions: {
						rendition: [
							{ aspectRatio: '9:16', fit: 'crop', shortSide: 180 },
							{ aspectRatio: '1:1', fit: 'pad', shortSide: 120 },
						],
					},
				},
			);
			expect(run.output).toHaveLength(2);
			const [cut, second] = run.output;
			expect(cut.pairedItem).toEqual([{ item: 0 }, { item: 2 }, { item: 3 }]);
			expect(second.pairedItem).toEqual([{ item: 1 }]);
			expect(second.json).toMatchObject({ pipelineId: other[0].pipelineId, durationSeconds: 2 });
			expect(cut.json).toMatchObject({
				pipelineId: film[0].pipelineId,
				path: 'fast',
				durationSeconds: 6,
				width: 320,
				height: 180,
			});

			const video = run.file(cut.binary!.cut);
			// Every packet is the clips' own, in shot order: nothing was re-encoded.
			expect(await packetHashes(video)).toEqual(await hashesOf([RED, GREEN, BLUE]));
			expect(await packetHashes(video, 'a')).toEqual(await hashesOf([RED, GREEN, BLUE], 'a'));
			// The index is at the front, so the cut plays while it downloads.
			expect((await topLevelBoxes(video)).filter((type) => type !== 'free')).toEqual([
				'ftyp',
				'moov',
				'mdat',
			]);
			expect(isRed(await meanRgb(video, 1))).toBe(true);
			expect(isGreen(await meanRgb(video, 3))).toBe(true);
			expect(isBlue(await meanRgb(video, 5))).toBe(true);

			const portrait = await probeMedia(run.file(cut.binary!.cut_9x16));
			const square = await probeMedia(run.file(cut.binary!.cut_1x1));
			expect([
				portrait.video?.width,
				portrait.video?.height,
				square.video?.width,
				square.video?.height,
			]).toEqual([180, 320, 120, 120]);
			near(portrait.durationSeconds, 6, 0.05);
			expect(cut.json.binaryProperties).toEqual({
				video: 'cut',
				renditions: { '9:16': 'cut_9x16', '1:1': 'cut_1x1' },
				poster: 'poster',
				edl: 'edl',
				otio: 'otio',
				report: 'report',
				reportHtml: 'reportHtml',
				decisions: 'decisions',
			});

			const poster = await run.mock.readBinary(cut.binary!.poster);
			expect([poster[0], poster[1], cut.binary!.poster.mimeType]).toEqual([
				0xff,
				0xd8,
				'image/jpeg',
			]);
			expect(isRed(await meanRgb(run.file(cut.binary!.poster), 0))).toBe(true);

			const edl = parseCmx3600(await textOf(run, cut.binary!.edl), 24);
			expect(edlShots(edl.events)).toEqual(['shot-01', 'shot-02', 'shot-03']);
			expect(
				edl.events.map((event) => [event.lines[0].recordIn, event.lines[0].recordOut]),
			).toEqual([
				[0, 48],
				[48, 96],
				[96, 144],
			]);
			expect(edl.events[1].comments).toContain(
				`FROM CLIP NAME: ${film[1].pipelineId}-shot-02-take-2.mp4`,
			);
			const otio = readOtioVideoTrack(await textOf(run, cut.binary!.otio));
			expect(otio.durationFrames).toBe(144);
			expect(otio.items.map((item) => item.takeId)).toEqual([
				'shot-01-take-1',
				'shot-02-take-2',
				'shot-03-take-1',
			]);

			const report = JSON.parse(await textOf(run, cut.binary!.report)) as ProductionReport;
			expect(report).toEqual(reportOf(cut));
			expect(report.totals).toMatchObject({
				shots: 3,
				takesTried: 4,
				clipsGenerated: 4,
				clipsApprovedOnFirstTry: 2,
				regenerations: 1,
				humanReviews: 1,
				costUsd: 3.2,
				approvedSeconds: 6,
			});
			expect(report.cut).toMatchObject({ video: 'copy', audio: 'copy', reencodeReasons: [] });
			expect(await textOf(run, cut.binary!.reportHtml)).toContain('<h1>Morning Ritual</h1>');
			// The decisions export the report names, as the calibration reads it.
			expect(cut.binary!.decisions.fileName).toBe(report.decisions.fileName);
			expect(parseDecisionLines(await textOf(run, cut.binary!.decisions), 'decisions').length).toBe(
				report.decisions.records,
			);
		},
	);

	it('finishes with crossfades, a LUT, captions from dialogue, music and social loudness, in every rendition', async () => {
		const items = pipelineItems([[{}], [{}], [{}]], { dialogue: ['Morning, Mya.', '', ''] });
		const music = path.join(clipDir, 'music.m4a');
		await makeTone(music, 1, 220);
		// Swaps red and green: the red first shot must come out green.
		const swap = [
			'LUT_3D_SIZE 2',
			...[0, 1].flatMap((b) => [0, 1].flatMap((g) => [0, 1].map((r) => `${g} ${r} ${b}`))),
		].join('\n');
		const lut = path.join(clipDir, 'swap.cube');
		await fs.writeFile(lut, swap);
		const run = await runAssemble(
			items,
			[RED, BLUE, BLUE],
			{
				transition: 'crossfade',
				captions: 'dialogue',
				loudness: 'social',
				audioTrack: { track: { binaryProperty: 'music', role: 'music', levelDb: -12, loop: true } },
				renditions: { rendition: [{ aspectRatio: '9:16', fit: 'crop', shortSide: 180 }] },
				options: { quality: 'draft', lutProperty: 'grade' },
			},
			{ music: { file: music, name: 'music.m4a' }, grade: { file: lut, name: 'swap.cube' } },
		);
		const [cut] = run.output;
		const report = reportOf(cut);
		expect(cut.json.path).toBe('finishing');
		expect(report.cut.reencodeReasons).toEqual([
			'crossfades between shots',
			'a colour grade (LUT)',
			'burned-in captions',
			'a music track',
			'loudness normalised to -14 LUFS',
		]);

		const video = run.file(cut.binary!.cut);
		const info = await probeMedia(video);
		expect((await topLevelBoxes(video)).filter((type) => type !== 'free')).toEqual([
			'ftyp',
			'moov',
			'mdat',
		]);
		// Two 0.5 s crossfades take 1 s off 3 x 2 s.
		near(info.durationSeconds, 5, 0.05);
		expect(report.cut.durationSeconds).toBe(5);
		expect(isGreen(await meanRgb(video, 0.7, 'iw:ih/2:0:0'))).toBe(true);
		expect(isBlue(await meanRgb(video, 2.5, 'iw:ih/2:0:0'))).toBe(true);
		expect(await brightPixels(video, 0.7, 'iw:ih/4:0:ih*3/4')).toBeGreaterThan(30);
		expect(await brightPixels(video, 2.5, 'iw:ih/4:0:ih*3/4')).toBe(0);
		near(await integratedLufs(video), -14, 1);
		expect(report.cut.loudness).toEqual({ targetLufs: -14, measuredLufs: expect.any(Number) });

		const portrait = run.file(cut.binary!.cut_9x16);
		expect((await probeMedia(portrait)).video).toMatchObject({ width: 180, height: 320 });
		expect(await brightPixels(portrait, 0.7, 'iw:ih/4:0:ih*3/4')).toBeGreaterThan(30);

		const edl = parseCmx3600(await textOf(run, cut.binary!.edl), 24);
		expect(
			edl.events.map((event) =>
				event.lines.map((line) => `${line.transition}${line.transitionFrames ?? ''}`).join(' '),
			),
		).toEqual(['C', 'C D12', 'C D12']);
		expect(readOtioVideoTrack(await textOf(run, cut.binary!.otio)).durationFrames).toBe(120);
	});

	it(
		'normalises clips of another size, fades through black without changing the length, ' +
			'and meets EBU R128 under a voice-over',
		async () => {
			const items = pipelineItems([[{}], [{}], [{}]]);
			const voice = path.join(clipDir, 'voice.m4a');
			await makeTone(voice, 3, 880, 0.6);
			const run = await runAssemble(
				items,
				[RED, { ...GREEN, width: 640, height: 360 }, BLUE],
				{
					transition: 'fadeThroughBlack',
					loudness: 'broadcast',
					audioTrack: {
						track: { binaryProperty: 'voice', role: 'voiceOver', levelDb: 0, loop: false },
					},
				},
				{ voice: { file: voice, name: 'voice.m4a' } },
			);
			const [cut] = run.output;
			const report = reportOf(cut);
			expect(report.cut.reencodeReasons).toContain('shot-02 is 640x360, the cut 320x180');
			const video = run.file(cut.binary!.cut);
			const info = await probeMedia(video);
			expect(info.video).toMatchObject({ width: 320, height: 180 });
			near(info.durationSeconds, 6, 0.05);
			// At the join the picture has faded to black; in the middle of shot 2 it is green again.
			expect(Math.max(...(await meanRgb(video, 2)))).toBeLessThan(40);
			expect(isGreen(await meanRgb(video, 3))).toBe(true);
			near(await integratedLufs(video), -23, 1);
		},
	);

	it('keeps the picture packets when only the loudness changes', async () => {
		const items = pipelineItems([[{}], [{}]]);
		const run = await runAssemble(items, [RED, GREEN], { loudness: 'social' });
		const [cut] = run.output;
		const video = run.file(cut.binary!.cut);
		expect(reportOf(cut).cut).toMatchObject({ video: 'copy', audio: 'encode' });
		expect(await packetHashes(video)).toEqual(await hashesOf([RED, GREEN]));
		near(await integratedLufs(video), -14, 1);
	});

	it('puts a titled slate where a shot has no approved take, when asked, and says so', async () => {
		const items = pipelineItems([
			[{}],
			[{ outcome: 'safety_filtered', reason: 'person detected' }],
			[{}],
		]);
		const run = await runAssemble(items, [RED, RED, BLUE], { missingShots: 'slate' });
		const [cut] = run.output;
		const report = reportOf(cut);
		const video = run.file(cut.binary!.cut);
		near((await probeMedia(video)).durationSeconds, 6, 0.05);
		// A dark card with white text, between the red and the blue shot.
		const slate = await meanRgb(video, 3);
		expect(Math.max(...slate)).toBeLessThan(80);
		expect(await brightPixels(video, 3, 'iw:ih:0:0')).toBeGreaterThan(200);
		expect(isBlue(await meanRgb(video, 5))).toBe(true);
		expect(report.totals).toMatchObject({ slates: 1, shotsWithApprovedTake: 2 });
		expect(report.shots[1].inCut).toMatchObject({
			kind: 'slate',
			reason: 'status failed; person detected',
		});
		expect(report.notes).toContain(
			'shot-02: no approved take (status failed; person detected); a 2 s slate stands in',
		);
		const edl = parseCmx3600(await textOf(run, cut.binary!.edl), 24);
		expect(edl.events[1].comments).toContain('SHOT: shot-02  SLATE');
	});

	it('names the item and property of a clip that is not a video', async () => {
		const items = pipelineItems([[{}], [{}]]);
		const sound = path.join(clipDir, 'sound-only.m4a');
		await makeTone(sound, 1, 300);
		const input: INodeExecutionData[] = [];
		const mock = mockNodeContext({ items: input, parameters: PARAMETERS });
		const clip = await mock.context.helpers.prepareBinaryData(
			await fs.readFile(await clipFile(RED)),
			'a.mp4',
			'video/mp4',
		);
		const notVideo = await mock.context.helpers.prepareBinaryData(
			await fs.readFile(sound),
			'b.mp4',
			'video/mp4',
		);
		input.push(
			{ json: items[0] as unknown as IDataObject, binary: { clip_take1: clip } },
			{ json: items[1] as unknown as IDataObject, binary: { clip_take1: notVideo } },
		);
		await expect(new Assemble().execute.call(mock.context)).rejects.toThrow(
			/^Item 1: binary\.clip_take1: the clip of shot-02-take-1 \(shot-02\) has no video stream \(mov,mp4,m4a,3gp,3g2,mj2, sound only\)$/,
		);

		input[1].binary!.clip_take1 = await mock.context.helpers.prepareBinaryData(
			Buffer.from('<html>not a clip</html>'),
			'c.mp4',
			'video/mp4',
		);
		await expect(new Assemble().execute.call(mock.context)).rejects.toThrow(
			/^Item 1: binary\.clip_take1: the clip of shot-02-take-1 \(shot-02\) is an HTML or XML document, not an MP4 or MOV video$/,
		);
	});
});
