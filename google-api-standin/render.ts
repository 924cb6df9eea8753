import { createHash } from 'crypto';
import { existsSync, promises as fs } from 'fs';
import path from 'path';

import { runFfmpeg } from '../edges/ffmpeg/ffmpeg';
import { backgroundColor, isCup, pictureFilter, type Picture } from './picture';

/** Renders a real H.264 MP4 of a picture at the size and length Veo or Omni would deliver. */

const FRAME_SIZES: Record<string, [number, number]> = {
	'360p': [640, 360],
	'720p': [1280, 720],
	'1080p': [1920, 1080],
	'4k': [3840, 2160],
};

export function frameSize(
	aspectRatio: string,
	resolution: string,
): { width: number; height: number } {
	const [long, short] = FRAME_SIZES[resolution] ?? FRAME_SIZES['720p'];
	return aspectRatio === '9:16' ? { width: short, height: long } : { width: long, height: short };
}

export interface RenderRequest {
	picture: Picture;
	prompt: string;
	durationSeconds: number;
	aspectRatio: string;
	resolution: string;
	withAudio: boolean;
	/**
	 * Images the clip opens and closes on (Omni's `<FIRST_FRAME>` and `<LAST_FRAME>`): the first
	 * frame is the image itself, dissolving into the picture within a second; the last frame is the
	 * image, dissolved into over the last second.
	 */
	firstFramePath?: string;
	lastFramePath?: string;
}

/**
 * Encoding the picture is what costs (about 3 s of CPU for 8 s at 720p), and the shots of one
 * bible mostly ask for the same picture: each distinct picture is encoded once, and every clip
 * gets a copy of it with its own tone muxed in, so a batch of ten fits in a short latency on 2 cores.
 */
export class ClipRenderer {
	private readonly pictures = new Map<string, Promise<string>>();

	/** `photosDir`: scikit-image's sample photographs, when the stand-in was given them. */
	constructor(
		private readonly workDir: string,
		private readonly photosDir: () => string | undefined,
	) {}

	async render(request: RenderRequest, outputPath: string): Promise<void> {
		// Starting ffmpeg holds the event loop (0.1-0.3 s under load): start it once the requests
		// already waiting are answered, or ten submissions sent together start their clocks seconds apart.
		await new Promise<void>((resolve) => setImmediate(resolve));
		const picturePath = await this.pictureVideo(request);
		if (!request.withAudio) {
			await fs.copyFile(picturePath, outputPath);
			return;
		}
		const duration = String(request.durationSeconds);
		// A tone of its own per prompt, so clips differ in sound as they do in picture.
		const frequency = 180 + (createHash('sha256').update(request.prompt).digest()[0] % 200);
		await runFfmpeg([
			'-y',
			'-i',
			picturePath,
			'-f',
			'lavfi',
			'-i',
			`sine=frequency=${frequency}:sample_rate=48000:duration=${duration}`,
			'-map',
			'0:v',
			'-map',
			'1:a',
			'-c:v',
			'copy',
			'-c:a',
			'aac',
			'-b:a',
			'96k',
			'-ac',
			'2',
			'-movflags',
			'+faststart',
			'-t',
			duration,
			outputPath,
		]);
	}

	/** The silent picture track, encoded on first use; a failed encode is tried again next time. */
	private pictureVideo(request: RenderRequest): Promise<string> {
		const { width, height } = frameSize(request.aspectRatio, request.resolution);
		const cupPhoto = this.cupPhoto(request.picture);
		const frames = { first: request.firstFramePath, last: request.lastFramePath };
		const key = createHash('sha256')
			.update(
				JSON.stringify([request.picture, width, height, request.durationSeconds, cupPhoto, frames]),
			)
			.digest('hex')
			.slice(0, 16);
		let encoded = this.pictures.get(key);
		if (!encoded) {
			const picturePath = path.join(this.workDir, `picture-${key}.mp4`);
			encoded = encodePicture(
				request.picture,
				width,
				height,
				request.durationSeconds,
				picturePath,
				cupPhoto,
				frames,
			).then(() => picturePath);
			encoded.catch(() => this.pictures.delete(key));
			this.pictures.set(key, encoded);
		}
		return encoded;
	}

	private cupPhoto(picture: Picture): string | undefined {
		const folder = this.photosDir();
		const photo = folder ? path.join(folder, 'coffee.png') : undefined;
		return photo && picture.props.some((prop) => isCup(prop.name)) && existsSync(photo)
			? photo
			: undefined;
	}
}

async function encodePicture(
	picture: Picture,
	width: number,
	height: number,
	durationSeconds: number,
	outputPath: string,
	cupPhoto: string | undefined,
	frames: { first?: string; last?: string },
): Promise<void> {
	const duration = String(durationSeconds);
	const still = (image: string) => ['-loop', '1', '-framerate', '24', '-t', duration, '-i', image];
	const inputs: string[] = [];
	let nextInput = 1;
	const cupInput = cupPhoto ? nextInput++ : undefined;
	if (cupPhoto) inputs.push(...still(cupPhoto));
	let graph = pictureFilter(
		picture,
		width,
		height,
		cupInput !== undefined ? { cup: cupInput } : {},
	);
	let output = 'v';
	// Each frame image is scaled to fill the frame and laid over the picture, opaque at its end of
	// the clip and fading to transparent within a second.
	for (const [image, fade] of [
		[frames.first, 'fade=t=out:st=0.5:d=0.5:alpha=1'],
		[frames.last, `fade=t=in:st=${Math.max(0, durationSeconds - 1)}:d=0.5:alpha=1`],
	] as const) {
		if (!image) continue;
		const input = nextInput++;
		inputs.push(...still(image));
		graph +=
			`;[${input}:v]scale=${width}:${height}:force_original_aspect_ratio=increase,` +
			`crop=${width}:${height},setsar=1,format=rgba,${fade}[frame${input}]` +
			`;[${output}][frame${input}]overlay=shortest=1,format=yuv420p[with${input}]`;
		output = `with${input}`;
	}
	await runFfmpeg([
		'-y',
		'-f',
		'lavfi',
		'-i',
		`color=c=${backgroundColor(picture)}:s=${width}x${height}:r=24:d=${duration}`,
		...inputs,
		'-filter_complex',
		graph,
		'-map',
		`[${output}]`,
		'-c:v',
		'libx264',
		'-preset',
		'ultrafast',
		'-profile:v',
		'high',
		'-movflags',
		'+faststart',
		'-t',
		duration,
		outputPath,
	]);
}
