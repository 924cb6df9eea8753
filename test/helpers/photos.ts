import { execFile } from 'child_process';
import { existsSync, promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';

import { parseSceneSpec } from '../../core/schema';
import { createShotItems } from '../../core/shotItems';
import { transition } from '../../core/status';
import type { SceneSpec, ShotItem } from '../../core/types';
import { runFfmpeg } from '../../edges/ffmpeg/ffmpeg';
import { takeFor } from './reviewItems';

/**
 * Real photographs for the vision tests: scikit-image's sample pictures, which Debian ships in its
 * python3-skimage package (astronaut.png is Eileen Collins, camera.png a cameraman, coffee.png a cup
 * of coffee on a saucer, chelsea.png a cat). The package is fetched with apt-get once per machine
 * and unpacked into .cache/ in the repository, which git ignores; nothing is installed.
 */

const run = promisify(execFile);
const PACKAGE = 'python3-skimage';
const DATA_IN_PACKAGE = 'usr/lib/python3/dist-packages/skimage/data';
export const PHOTOS_DIR = path.resolve(__dirname, '..', '..', '.cache', 'skimage-data');
const PHOTOS = ['astronaut.png', 'camera.png', 'coffee.png', 'chelsea.png'];

export type PhotoName = 'astronaut' | 'camera' | 'coffee' | 'chelsea';

async function download(into: string): Promise<string> {
	const attempt = () => run('apt-get', ['download', PACKAGE], { cwd: into });
	try {
		await attempt();
	} catch (error) {
		// A fresh machine may not have read Debian's package lists yet.
		if (process.getuid?.() !== 0) throw error;
		await run('apt-get', ['update', '-qq']);
		await attempt();
	}
	const [deb] = (await fs.readdir(into)).filter((name) => name.endsWith('.deb'));
	if (!deb) throw new Error(`apt-get download ${PACKAGE} left no .deb in ${into}`);
	return path.join(into, deb);
}

/** The folder of photographs, fetched the first time; fails with what went wrong, never skips. */
export async function skimagePhotos(): Promise<(name: PhotoName) => string> {
	const photo = (name: PhotoName) => path.join(PHOTOS_DIR, `${name}.png`);
	if (PHOTOS.every((name) => existsSync(path.join(PHOTOS_DIR, name)))) return photo;
	const work = await fs.mkdtemp(path.join(os.tmpdir(), 'skimage-'));
	try {
		const deb = await download(work);
		await run('dpkg', ['-x', deb, path.join(work, 'x')]);
		const staged = path.join(work, 'photos');
		await fs.mkdir(staged);
		for (const name of PHOTOS) await fs.copyFile(path.join(work, 'x', DATA_IN_PACKAGE, name), path.join(staged, name));
		await fs.mkdir(path.dirname(PHOTOS_DIR), { recursive: true });
		// Another test file may have fetched them meanwhile: the first to finish wins.
		await fs.rename(staged, PHOTOS_DIR).catch((error: NodeJS.ErrnoException) => {
			if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
		});
		return photo;
	} catch (error) {
		throw new Error(`The vision tests need Debian's ${PACKAGE} photographs (apt-get download ${PACKAGE}, then dpkg -x), and fetching them failed: ${(error as Error).message}`);
	} finally {
		await fs.rm(work, { recursive: true, force: true });
	}
}

/** A photograph edited with ffmpeg filters (crop, flip, grade...), as a PNG. */
export async function editPhoto(source: string, file: string, filters: string): Promise<string> {
	await runFfmpeg(['-y', '-i', source, '-vf', filters, '-frames:v', '1', file]);
	return file;
}

/**
 * An H.264 clip at 720p, 24 frames a second, of photographs side by side (each scaled to fit its
 * share of the width) with a slow push-in, so the clip moves as a shot does.
 */
export async function photoClip(photos: string[], file: string, seconds = 8): Promise<string> {
	const width = Math.floor(1280 / photos.length / 2) * 2;
	const inputs = photos.flatMap((photo) => ['-loop', '1', '-framerate', '24', '-t', String(seconds), '-i', photo]);
	const fitted = photos.map((_, index) => `[${index}:v]scale=${width}:720:force_original_aspect_ratio=decrease,pad=${width}:720:(ow-iw)/2:(oh-ih)/2,setsar=1[p${index}]`);
	const joined = photos.length > 1 ? `${photos.map((_, index) => `[p${index}]`).join('')}hstack=inputs=${photos.length}[row]` : '[p0]null[row]';
	const push = `[row]pad=1280:720:(ow-iw)/2:0,scale=w='1280*(1+0.004*t)':h=-2:eval=frame,crop=1280:720,format=yuv420p[v]`;
	await runFfmpeg(['-y', ...inputs, '-filter_complex', [...fitted, joined, push].join(';'), '-map', '[v]', '-r', '24', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '20', '-t', String(seconds), file]);
	return file;
}

/** The photograph with only a rectangle's colours turned round the hue circle (orange + 190 degrees reads blue). */
export async function recolorRegion(source: string, file: string, box: { x: number; y: number; width: number; height: number }, degrees: number): Promise<string> {
	const [x, y, width, height] = [box.x, box.y, box.width, box.height].map(Math.round);
	return editPhoto(source, file, `split[whole][part];[part]crop=${width}:${height}:${x}:${y},hue=h=${degrees}[turned];[whole][turned]overlay=${x}:${y}`);
}

/**
 * A shot of Eileen (astronaut.png is her reference image, binary `ref_eileen`) with a mug the bible
 * wants blue, which the object model can check, and a neon sign, which it cannot.
 */
export function photoShotSpec(): SceneSpec {
	return parseSceneSpec({
		bible: {
			title: 'Mission Morning',
			style: { look: 'documentary', palette: [], lighting: 'soft studio light', aspectRatio: '16:9', resolution: '720p' },
			characters: [{ id: 'eileen', name: 'Eileen', description: 'an astronaut in an orange flight suit', referenceImage: { binaryProperty: 'ref_eileen', mimeType: 'image/png' } }],
			props: [
				{ id: 'mug', name: 'mug', description: 'an espresso cup on a saucer', color: 'blue' },
				{ id: 'sign', name: 'neon sign', description: 'glowing above the counter' },
			],
		},
		shots: [{ id: 'shot-01', sequence: 1, description: 'Eileen before her coffee', durationSeconds: 8, characters: ['eileen'], props: ['mug', 'sign'] }],
	});
}

/** Eileen's shot as Veo Generate leaves it: generated, with one take. */
export function photoShotItem(): ShotItem {
	const [pending] = createShotItems(photoShotSpec(), 'veo-3.1-fast-generate-preview');
	return transition({ ...pending, takes: [takeFor(pending, 1)] }, 'generated');
}
