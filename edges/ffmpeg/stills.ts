import type { EvidenceMedia } from '../../core/scoring/evidence';
import type { Frame } from '../../core/scoring/similarity';
import { ffmpegPaths, runFfmpeg, type FfmpegPaths } from './ffmpeg';
import { frameAt, readImage } from './frameSampling';

/**
 * The pictures beside a drift report's findings and the poster frames, decoded and encoded by
 * ffmpeg: frames of clips and reference pictures read as the scorers read them (each input
 * checked for what its role allows), written out as small JPEGs.
 */

/** JPEG quality on ffmpeg's 2-31 scale (lower is better): small files that still show a face. */
const JPEG_QUALITY = 5;

/** A decoded frame as a JPEG, through ffmpeg's standard input: nothing is written to disk. */
export async function encodeJpeg(
	frame: Frame,
	paths: FfmpegPaths = ffmpegPaths(),
): Promise<Buffer> {
	const { stdout } = await runFfmpeg(
		[
			'-f',
			'rawvideo',
			'-pix_fmt',
			'rgb24',
			'-s',
			`${frame.width}x${frame.height}`,
			'-i',
			'pipe:0',
			'-frames:v',
			'1',
			'-q:v',
			String(JPEG_QUALITY),
			'-f',
			'image2pipe',
			'-c:v',
			'mjpeg',
			'pipe:1',
		],
		{
			stdin: Buffer.from(frame.rgb.buffer, frame.rgb.byteOffset, frame.rgb.byteLength),
			collectStdout: true,
		},
		paths,
	);
	return stdout;
}

export function ffmpegEvidenceMedia(paths: FfmpegPaths = ffmpegPaths()): EvidenceMedia {
	return {
		clipFrame: (file, at, maxSide) => frameAt(file, at, maxSide, paths),
		picture: (file, maxSide) => readImage(file, paths, maxSide),
		jpeg: (frame) => encodeJpeg(frame, paths),
	};
}
