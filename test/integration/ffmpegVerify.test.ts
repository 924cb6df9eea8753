import { promises as fs } from 'fs';
import path from 'path';

import { probeMedia, runFfmpeg, verifyPlayableVideo } from '../../edges/ffmpeg/ffmpeg';
import { makeTempDir, removeDir } from './helpers';

/**
 * verifyPlayableVideo against real ffmpeg, for both places an MP4 can keep its index (the moov
 * box). Veo and the stand-in deliver "faststart" files, with moov before the media data: cut such
 * a file in half and the index survives, so ffprobe still reports the full length and only
 * decoding shows that frames are missing.
 */

jest.setTimeout(30_000);

let dir: string;

/** The top-level MP4 boxes in file order: ['ftyp', 'moov', 'free', 'mdat'] or [..., 'mdat', 'moov']. */
async function topLevelBoxes(file: string): Promise<string[]> {
	const bytes = await fs.readFile(file);
	const boxes: string[] = [];
	for (let offset = 0; offset + 8 <= bytes.length; ) {
		const size = bytes.readUInt32BE(offset);
		boxes.push(bytes.toString('latin1', offset + 4, offset + 8));
		if (size < 8) break;
		offset += size;
	}
	return boxes;
}

async function makeClip(name: string, faststart: boolean): Promise<string> {
	const file = path.join(dir, name);
	await runFfmpeg([
		'-f',
		'lavfi',
		'-i',
		'testsrc=size=320x180:rate=24:duration=3',
		'-f',
		'lavfi',
		'-i',
		'sine=frequency=300:sample_rate=48000:duration=3',
		'-pix_fmt',
		'yuv420p',
		'-c:v',
		'libx264',
		'-preset',
		'ultrafast',
		'-c:a',
		'aac',
		...(faststart ? ['-movflags', '+faststart'] : []),
		'-shortest',
		file,
	]);
	return file;
}

async function halfOf(file: string): Promise<string> {
	const bytes = await fs.readFile(file);
	const cut = file.replace(/\.mp4$/, '-half.mp4');
	await fs.writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
	return cut;
}

beforeAll(async () => {
	dir = await makeTempDir('ffmpeg');
});

afterAll(async () => {
	await removeDir(dir);
});

describe('verifyPlayableVideo', () => {
	it('accepts whole clips with either box order', async () => {
		for (const faststart of [true, false]) {
			const file = await makeClip(`whole-${faststart}.mp4`, faststart);
			const verdict = await verifyPlayableVideo(file, 3);
			expect(verdict).toMatchObject({ ok: true, info: { video: { width: 320, height: 180 } } });
		}
	});

	it('catches a truncated faststart clip while decoding, though its probe looks whole', async () => {
		const file = await makeClip('faststart.mp4', true);
		expect((await topLevelBoxes(file)).indexOf('moov')).toBeLessThan(
			(await topLevelBoxes(file)).indexOf('mdat'),
		);
		const cut = await halfOf(file);

		// The index survived: ffprobe reports the full three seconds of a half file.
		expect((await probeMedia(cut)).durationSeconds).toBeCloseTo(3, 1);

		const verdict = await verifyPlayableVideo(cut, 3);
		expect(verdict.ok).toBe(false);
		if (!verdict.ok)
			expect(verdict.reason).toMatch(/^does not decode to the end \(.*partial file\)$/);
	});

	it('catches a truncated clip with the index at the end already when probing', async () => {
		const file = await makeClip('moov-at-end.mp4', false);
		const boxes = await topLevelBoxes(file);
		expect(boxes.indexOf('moov')).toBeGreaterThan(boxes.indexOf('mdat'));
		const cut = await halfOf(file);

		const verdict = await verifyPlayableVideo(cut, 3);
		expect(verdict.ok).toBe(false);
		if (!verdict.ok)
			expect(verdict.reason).toMatch(/^not readable as video \(.*moov atom not found/s);
	});

	it('refuses a whole clip shorter than the duration asked for', async () => {
		const file = await makeClip('short.mp4', true);
		const verdict = await verifyPlayableVideo(file, 8);
		expect(verdict).toEqual({ ok: false, reason: 'is 3.00 s long, 8 s were asked for' });
	});

	it('refuses audio without video, and a file that is not media at all', async () => {
		const audio = path.join(dir, 'audio.m4a');
		await runFfmpeg(['-f', 'lavfi', '-i', 'sine=frequency=300:duration=1', '-c:a', 'aac', audio]);
		expect(await verifyPlayableVideo(audio, undefined)).toEqual({
			ok: false,
			reason: 'has no video stream',
		});

		const text = path.join(dir, 'not-a-video.mp4');
		await fs.writeFile(text, '<html>quota exceeded</html>');
		const verdict = await verifyPlayableVideo(text, 8);
		expect(verdict.ok).toBe(false);
		if (!verdict.ok) expect(verdict.reason).toMatch(/^not readable as video/);
	});
});
