import { createHash } from 'crypto';
import { existsSync, promises as fs } from 'fs';
import path from 'path';

import { runFfmpeg } from '../edges/ffmpeg/ffmpeg';
import { backgroundColor, isCup, pictureFilter, type Picture } from './picture';

/** Renders a real H.264 MP4 of a picture at the size and length Veo would deliver. */

export function frameSize(
	aspectRatio: string,
	resolution: string,
): { width: number; height: number } {
	const long = resolution === '4k' ? 3840 : resolution === '1080p' ? 1920 : 1280;
	const short = resolution === '4k' ? 2160 : resolution === '1080p' ? 1080 : 720;
	return aspectRatio === '9:16' ? { width: short, height: long } : { width: long, height: short };
}

export interface RenderRequest {
	picture: Picture;
	prompt: string;
	durationSeconds: number;
	aspectRatio: string;
	resolution: string;
	withAudio: boolean;
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
		const key = createHash('sha256')
			.update(JSON.stringify([request.picture, width, height, request.durationSeconds, cupPhoto]))
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
): Promise<void> {
	const duration = String(durationSeconds);
	const photoInput = cupPhoto
		? ['-loop', '1', '-framerate', '24', '-t', duration, '-i', cupPhoto]
		: [];
	await runFfmpeg([
		'-y',
		'-f',
		'lavfi',
		'-i',
		`color=c=${backgroundColor(picture)}:s=${width}x${height}:r=24:d=${duration}`,
		...photoInput,
		'-filter_complex',
		pictureFilter(picture, width, height, cupPhoto ? { cup: 1 } : {}),
		'-map',
		'[v]',
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
