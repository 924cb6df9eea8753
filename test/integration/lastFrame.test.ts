import { promises as fs } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

import { extractLastFrame, probeMedia, runFfmpeg } from '../../edges/ffmpeg/ffmpeg';

/** A clip that is red for its first second and blue for its last, and its last frame as a JPEG. */
describe("a clip's last frame, for the shot that continues it", () => {
	let dir: string;
	beforeAll(async () => {
		dir = await fs.mkdtemp(path.join(tmpdir(), 'last-frame-'));
		await runFfmpeg([
			'-y',
			'-f',
			'lavfi',
			'-i',
			'color=c=red:s=320x180:r=24:d=1',
			'-f',
			'lavfi',
			'-i',
			'color=c=blue:s=320x180:r=24:d=1',
			'-filter_complex',
			'[0:v][1:v]concat=n=2:v=1[v]',
			'-map',
			'[v]',
			'-c:v',
			'libx264',
			'-pix_fmt',
			'yuv420p',
			'-movflags',
			'+faststart',
			path.join(dir, 'clip.mp4'),
		]);
	});
	afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

	it('is an image of the clip at its end', async () => {
		const image = path.join(dir, 'last.jpg');
		await extractLastFrame(path.join(dir, 'clip.mp4'), image);
		const info = await probeMedia(image, undefined, 'image2');
		expect(info.video).toMatchObject({ width: 320, height: 180 });
		// One pixel of the frame, as raw RGB: blue, the colour of the clip's last second.
		const { stdout } = await runFfmpeg(
			['-i', image, '-vf', 'scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
			{ collectStdout: true },
		);
		const [red, green, blue] = stdout;
		expect(blue).toBeGreaterThan(200);
		expect(red).toBeLessThan(60);
		expect(green).toBeLessThan(60);
	});

	it('refuses a file that is not an MP4', async () => {
		const playlist = path.join(dir, 'innocent.mp4');
		await fs.writeFile(playlist, '#EXTM3U\n#EXTINF:1,\n/etc/hostname\n');
		await expect(extractLastFrame(playlist, path.join(dir, 'x.jpg'))).rejects.toThrow();
	});
});
