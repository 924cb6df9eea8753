import { createHash } from 'crypto';

import { runFfmpeg } from '../edges/ffmpeg/ffmpeg';
import { backgroundColor, pictureFilter, type Picture } from './picture';

/** Renders a real H.264 MP4 of a picture at the size and length Veo would deliver. */

export function frameSize(aspectRatio: string, resolution: string): { width: number; height: number } {
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

export async function renderClip(request: RenderRequest, outputPath: string): Promise<void> {
	const { width, height } = frameSize(request.aspectRatio, request.resolution);
	const duration = String(request.durationSeconds);
	// A tone of its own per prompt, so clips differ in sound as they do in picture.
	const frequency = 180 + (createHash('sha256').update(request.prompt).digest()[0] % 200);
	const args = [
		'-y',
		'-f',
		'lavfi',
		'-i',
		`color=c=${backgroundColor(request.picture)}:s=${width}x${height}:r=24:d=${duration}`,
	];
	if (request.withAudio) {
		args.push('-f', 'lavfi', '-i', `sine=frequency=${frequency}:sample_rate=48000:duration=${duration}`);
	}
	args.push('-filter_complex', pictureFilter(request.picture, width, height), '-map', '[v]');
	if (request.withAudio) args.push('-map', '1:a', '-c:a', 'aac', '-b:a', '96k', '-ac', '2');
	args.push(
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
	);
	await runFfmpeg(args);
}
