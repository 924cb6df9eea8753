import { parseSceneSpec } from '../../core/schema';
import { createShotItems } from '../../core/shotItems';
import { transition } from '../../core/status';
import type { SceneSpec, ShotItem } from '../../core/types';
import { runFfmpeg } from '../../edges/ffmpeg/ffmpeg';
export { PHOTOS_DIR, skimagePhotos, type PhotoName } from '../../google-api-standin/samplePhotos';
import { takeFor } from './reviewItems';

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
	const inputs = photos.flatMap((photo) => [
		'-loop',
		'1',
		'-framerate',
		'24',
		'-t',
		String(seconds),
		'-i',
		photo,
	]);
	const fitted = photos.map(
		(_, index) =>
			`[${index}:v]scale=${width}:720:force_original_aspect_ratio=decrease,pad=${width}:720:(ow-iw)/2:(oh-ih)/2,setsar=1[p${index}]`,
	);
	const joined =
		photos.length > 1
			? `${photos.map((_, index) => `[p${index}]`).join('')}hstack=inputs=${photos.length}[row]`
			: '[p0]null[row]';
	const push = `[row]pad=1280:720:(ow-iw)/2:0,scale=w='1280*(1+0.004*t)':h=-2:eval=frame,crop=1280:720,format=yuv420p[v]`;
	await runFfmpeg([
		'-y',
		...inputs,
		'-filter_complex',
		[...fitted, joined, push].join(';'),
		'-map',
		'[v]',
		'-r',
		'24',
		'-c:v',
		'libx264',
		'-preset',
		'ultrafast',
		'-crf',
		'20',
		'-t',
		String(seconds),
		file,
	]);
	return file;
}

/** The photograph with only a rectangle's colours turned round the hue circle (orange + 190 degrees reads blue). */
export async function recolorRegion(
	source: string,
	file: string,
	box: { x: number; y: number; width: number; height: number },
	degrees: number,
): Promise<string> {
	const [x, y, width, height] = [box.x, box.y, box.width, box.height].map(Math.round);
	return editPhoto(
		source,
		file,
		`split[whole][part];[part]crop=${width}:${height}:${x}:${y},hue=h=${degrees}[turned];[whole][turned]overlay=${x}:${y}`,
	);
}

/**
 * A shot of Eileen (astronaut.png is her reference image, binary `ref_eileen`) with a mug the bible
 * wants blue, which the object model can check, and a neon sign, which it cannot.
 */
export function photoShotSpec(): SceneSpec {
	return parseSceneSpec({
		bible: {
			title: 'Mission Morning',
			style: {
				look: 'documentary',
				palette: [],
				lighting: 'soft studio light',
				aspectRatio: '16:9',
				resolution: '720p',
			},
			characters: [
				{
					id: 'eileen',
					name: 'Eileen',
					description: 'an astronaut in an orange flight suit',
					referenceImage: { binaryProperty: 'ref_eileen', mimeType: 'image/png' },
				},
			],
			props: [
				{ id: 'mug', name: 'mug', description: 'an espresso cup on a saucer', color: 'blue' },
				{ id: 'sign', name: 'neon sign', description: 'glowing above the counter' },
			],
		},
		shots: [
			{
				id: 'shot-01',
				sequence: 1,
				description: 'Eileen before her coffee',
				durationSeconds: 8,
				characters: ['eileen'],
				props: ['mug', 'sign'],
			},
		],
	});
}

/** Eileen's shot as Veo Generate leaves it: generated, with one take. */
export function photoShotItem(): ShotItem {
	const [pending] = createShotItems(photoShotSpec(), 'gemini-omni-1.2-flash');
	return transition({ ...pending, takes: [takeFor(pending, 1)] }, 'generated');
}
