import { spawn } from 'child_process';
import { promises as fs } from 'fs';

import { InvalidInputError, NonRetryableFailure } from '../../core/failures';
import {
	AudioAnalyser,
	FrameAnalyser,
	sampleFrameIndices,
	sampleTimes,
	type ClipMeasurements,
	type DetailRequest,
} from '../../core/scoring/measurements';
import type { MediaFile, MediaReader } from '../../core/scoring/scorer';
import type { Frame } from '../../core/scoring/similarity';
import {
	debugLog,
	ffmpegPaths,
	probeMedia,
	startFailure,
	STDERR_TAIL_BYTES,
	summariseLog,
	type FfmpegPaths,
	type MediaInfo,
} from './ffmpeg';
import { inputArgs, inputFormat, oversizeReason, pictureSize, type MediaRole } from './inputs';
import { readMp4Facts } from './mp4Header';

/**
 * Decoding for the drift scorers. A clip is decoded once, at a reduced size, straight to raw RGB
 * on one pipe and to float samples on another; the core's analysers measure each frame as it
 * arrives and keep only a few, so neither the clip nor its frames are held in memory and no
 * temporary file is written. Scorers that need a few larger frames (faces, objects) get them from
 * the same pass, on a third pipe.
 */

export interface SamplingOptions {
	/** Frames kept for the look scorers and the contact sheet. */
	samples?: number;
	/** Longest side of a decoded frame, in pixels. */
	maxSide?: number;
	paths?: FfmpegPaths;
}

const SAMPLE_COUNT = 8;
const MAX_SIDE = 160;
/** Faster footage is measured at this rate: flicker and freezes show at 30 frames a second. */
const MAX_FRAME_RATE = 30;

/** The size a picture is decoded at: its aspect ratio, the long side at most `maxSide`, even sides. */
function reducedSize(
	width: number,
	height: number,
	maxSide = MAX_SIDE,
): { width: number; height: number } {
	const scale = Math.min(1, maxSide / Math.max(width, height));
	const even = (value: number) => Math.max(2, Math.round((value * scale) / 2) * 2);
	return { width: even(width), height: even(height) };
}

/** Cuts a byte stream into fixed-size pieces, each a fresh array the receiver may keep. */
function splitter(
	pieceBytes: number,
	onPiece: (piece: Uint8Array) => void,
): (chunk: Buffer) => void {
	let piece = new Uint8Array(pieceBytes);
	let filled = 0;
	return (chunk) => {
		for (let offset = 0; offset < chunk.length; ) {
			const take = Math.min(pieceBytes - filled, chunk.length - offset);
			piece.set(chunk.subarray(offset, offset + take), filled);
			filled += take;
			offset += take;
			if (filled === pieceBytes) {
				onPiece(piece);
				piece = new Uint8Array(pieceBytes);
				filled = 0;
			}
		}
	};
}

/** Reads little-endian float samples from a byte stream whose chunks may split a sample. */
function floatReader(onSamples: (samples: Float32Array) => void): (chunk: Buffer) => void {
	let carry = Buffer.alloc(0);
	return (chunk) => {
		const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
		const whole = bytes.length - (bytes.length % 4);
		// A fresh array starts its own buffer, so the float view over it is aligned.
		const aligned = new Uint8Array(whole);
		aligned.set(bytes.subarray(0, whole));
		onSamples(new Float32Array(aligned.buffer));
		carry = Buffer.from(bytes.subarray(whole));
	};
}

interface Decoded {
	code: number | null;
	/** ffmpeg's complaints (it runs with `-v error`): empty for a clean decode. */
	errors: string[];
}

type ChunkReader = (chunk: Buffer) => void;

/**
 * Runs ffmpeg on `file` with raw video on stdout and, when asked, raw audio on file descriptor 3
 * and detail frames on 4. Its complaints name the file as the caller does, never by its path.
 */
function decode(
	paths: FfmpegPaths,
	file: MediaFile,
	args: string[],
	onVideo: ChunkReader,
	more: { audio?: ChunkReader; detail?: ChunkReader } = {},
): Promise<Decoded> {
	return new Promise((resolve, reject) => {
		const child = spawn(paths.ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', ...args], {
			stdio: [
				'ignore',
				'pipe',
				'pipe',
				more.audio ? 'pipe' : 'ignore',
				more.detail ? 'pipe' : 'ignore',
			],
		});
		let stderr = '';
		child.stdout!.on('data', onVideo);
		if (more.audio) (child.stdio[3] as NodeJS.ReadableStream).on('data', more.audio);
		if (more.detail) (child.stdio[4] as NodeJS.ReadableStream).on('data', more.detail);
		child.stderr!.on('data', (chunk: Buffer) => {
			stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
		});
		child.on('error', (error: NodeJS.ErrnoException) => reject(startFailure(paths.ffmpeg, error)));
		child.on('close', (code) => {
			if (stderr) debugLog('ffmpeg %o:\n%s', args, stderr);
			const errors = summariseLog(stderr.split('\n'), { [file.path]: file.name }).filter(Boolean);
			resolve({ code, errors });
		});
	});
}

function unreadable(problem: string, sizeBytes: number): ClipMeasurements {
	return {
		readable: false,
		problem,
		durationSeconds: 0,
		width: 0,
		height: 0,
		frameRate: 0,
		hasAudio: false,
		frames: [],
		samples: [],
		sizeBytes,
	};
}

/** A file refused before ffmpeg opens it: the error names it as the caller does. */
function refuse(file: MediaFile, reason: string, hint: string): never {
	throw new InvalidInputError([{ path: file.name, message: reason }], hint);
}

const HINTS: Record<MediaRole, string> = {
	clip: 'Point the node at the binary property that holds the clip Veo Generate made (an MP4).',
	picture: 'Attach a PNG, JPEG or WebP reference image.',
	sound: 'Attach a sound file.',
};

/**
 * The stream facts of a file and the demuxer it is read with: from its MP4 header when it has one
 * (no process to start), else ffprobe's. Only what the role allows is opened (see inputs.ts), and
 * a picture larger than the package decodes is refused from its header.
 */
async function probeFile(
	file: MediaFile,
	paths: FfmpegPaths,
	role: MediaRole,
): Promise<{ info?: MediaInfo; problem?: string; sizeBytes: number; demuxer: string }> {
	const { size } = await fs.stat(file.path);
	if (!size) {
		throw new InvalidInputError(
			[{ path: file.name, message: 'is empty (0 bytes)' }],
			'The download or an earlier node produced an empty file: generate the clip again.',
		);
	}
	const format = await inputFormat(file.path, role);
	// Bytes of no known format are a damaged file, which the scorers report; a file of another
	// format (a playlist, a picture, a web page) is the wrong input, refused by name.
	if (!format.ok && format.unrecognised && role === 'clip')
		return { problem: 'its bytes are not an MP4 or MOV video', sizeBytes: size, demuxer: '' };
	if (!format.ok) refuse(file, format.reason, HINTS[role]);
	const { demuxer } = format;
	const refuseIfTooLarge = (picture?: { width: number; height: number }) => {
		const tooLarge = picture && oversizeReason(picture.width, picture.height);
		if (tooLarge) refuse(file, tooLarge, HINTS[role]);
	};
	if (role === 'picture') refuseIfTooLarge(await pictureSize(file.path, demuxer));
	const mp4 = role === 'clip' ? await readMp4Facts(file.path).catch(() => undefined) : undefined;
	if (mp4) {
		const { video, audio } = mp4;
		refuseIfTooLarge(video);
		return {
			info: {
				durationSeconds: mp4.durationSeconds,
				formatName: 'mp4',
				sizeBytes: size,
				video: {
					codec: video.codec,
					width: video.width,
					height: video.height,
					frameRate: video.frameRate,
					pixelFormat: '',
					frames: video.frames,
				},
				audio: audio && {
					codec: audio.codec,
					channels: audio.channels,
					sampleRate: audio.sampleRate,
				},
			},
			sizeBytes: size,
			demuxer,
		};
	}
	let info: MediaInfo;
	try {
		info = await probeMedia(file.path, paths, demuxer, file.name);
	} catch (error) {
		return {
			problem: (error as Error).message.split('\n').pop()!,
			sizeBytes: size,
			demuxer,
		};
	}
	refuseIfTooLarge(info.video);
	return { info, sizeBytes: size, demuxer };
}

function requireVideoStream(file: MediaFile, info: MediaInfo): NonNullable<MediaInfo['video']> {
	if (info.video) return info.video;
	throw new InvalidInputError(
		[
			{
				path: file.name,
				message: `has no video stream (${info.audio ? 'it holds sound only' : `it reads as ${info.formatName || 'an unknown format'}`})`,
			},
		],
		'Point the node at the binary property that holds the clip.',
	);
}

const RAW_RGB = ['-fps_mode', 'passthrough', '-pix_fmt', 'rgb24', '-f', 'rawvideo'];

/**
 * The video half of the decoding arguments: every frame small on stdout and, when detail frames are
 * asked for, the chosen frames larger on file descriptor 4. A split filter gives both outputs the same
 * frames, so `select` counts frames exactly as the frame analyser does.
 */
function videoOutputs(
	rateFilters: string[],
	small: { width: number; height: number },
	detail?: { indices: number[]; width: number; height: number },
): string[] {
	const scaleSmall = `scale=${small.width}:${small.height}:flags=area`;
	if (!detail)
		return ['-map', '0:v:0', '-vf', [...rateFilters, scaleSmall].join(','), ...RAW_RGB, 'pipe:1'];
	const chosen = detail.indices.map((index) => `eq(n,${index})`).join('+');
	const graph = [
		`[0:v:0]${[...rateFilters, 'split=2'].join(',')}[every][some]`,
		`[every]${scaleSmall}[small]`,
		`[some]select='${chosen}',scale=${detail.width}:${detail.height}:flags=area[detail]`,
	].join(';');
	return [
		'-filter_complex',
		graph,
		'-map',
		'[small]',
		...RAW_RGB,
		'pipe:1',
		'-map',
		'[detail]',
		...RAW_RGB,
		'pipe:4',
	];
}

/** Everything the drift scorers measure of a clip, from one decoding pass; larger frames too when asked. */
export async function measureClip(
	file: MediaFile,
	options: SamplingOptions = {},
	detailRequest?: DetailRequest,
): Promise<ClipMeasurements> {
	const paths = options.paths ?? ffmpegPaths();
	const probed = await probeFile(file, paths, 'clip');
	if (!probed.info) return unreadable(probed.problem ?? 'ffprobe cannot read it', probed.sizeBytes);
	const { info } = probed;
	const video = requireVideoStream(file, info);
	const size = reducedSize(video.width, video.height, options.maxSide);
	const frameRate = Math.min(video.frameRate || 24, MAX_FRAME_RATE);
	const frames = new FrameAnalyser(
		size.width,
		size.height,
		frameRate,
		sampleTimes(info.durationSeconds, options.samples ?? SAMPLE_COUNT),
	);
	const audio =
		info.audio && info.audio.channels > 0
			? new AudioAnalyser(info.audio.sampleRate, info.audio.channels)
			: undefined;

	const detail = detailRequest && {
		...reducedSize(video.width, video.height, detailRequest.maxSide),
		indices: sampleFrameIndices(info.durationSeconds, detailRequest.count, frameRate),
	};
	const detailFrames: Frame[] = [];

	const rateFilters = video.frameRate > MAX_FRAME_RATE ? [`fps=${MAX_FRAME_RATE}`] : [];
	const args = [
		...inputArgs(probed.demuxer, file.path),
		...videoOutputs(rateFilters, size, detail),
	];
	if (audio) args.push('-map', '0:a:0', '-c:a', 'pcm_f32le', '-f', 'f32le', 'pipe:3');
	const decoded = await decode(
		paths,
		file,
		args,
		splitter(size.width * size.height * 3, (rgb) => frames.push(rgb)),
		{
			audio: audio && floatReader((samples) => audio.push(samples)),
			detail:
				detail &&
				splitter(detail.width * detail.height * 3, (rgb) => {
					// Frames arrive in the order selected; a clip shorter than its header says delivers fewer.
					detailFrames.push({
						atSeconds: detail.indices[detailFrames.length] / frameRate,
						width: detail.width,
						height: detail.height,
						rgb,
					});
				}),
		},
	);
	if (!frames.frames.length)
		return unreadable(
			decoded.errors[0] ?? `ffmpeg exited with code ${decoded.code} before any frame`,
			probed.sizeBytes,
		);
	return {
		readable: true,
		problem:
			decoded.errors[0] ??
			(decoded.code ? `decoding stopped (ffmpeg exited with code ${decoded.code})` : undefined),
		durationSeconds: info.durationSeconds,
		width: video.width,
		height: video.height,
		frameRate,
		hasAudio: Boolean(info.audio),
		frames: frames.frames,
		samples: frames.samples,
		...(detail ? { detail: detailFrames } : {}),
		first: frames.first,
		last: frames.last,
		audio: audio?.finish(),
		sizeBytes: probed.sizeBytes,
	};
}

/** Decodes frames at a fixed size and returns the last complete one. */
async function lastDecodedFrame(
	file: MediaFile,
	args: string[],
	width: number,
	height: number,
	paths: FfmpegPaths,
): Promise<Frame> {
	let last: Uint8Array | undefined;
	const decoded = await decode(
		paths,
		file,
		[
			...args,
			'-vf',
			`scale=${width}:${height}:flags=area`,
			'-pix_fmt',
			'rgb24',
			'-f',
			'rawvideo',
			'pipe:1',
		],
		splitter(width * height * 3, (rgb) => (last = rgb)),
	);
	if (!last) {
		throw new NonRetryableFailure(
			`${file.name}: no frame could be decoded (${decoded.errors[0] ?? `ffmpeg exited with code ${decoded.code}`})`,
		);
	}
	return { atSeconds: 0, width, height, rgb: last };
}

/** The last frame of a clip at the given size, from its final second only. */
export async function lastFrame(
	file: MediaFile,
	width: number,
	height: number,
	paths: FfmpegPaths = ffmpegPaths(),
): Promise<Frame> {
	// Only the clip's final second is decoded; a file that is not an MP4 or MOV is not opened.
	const format = await inputFormat(file.path, 'clip');
	if (!format.ok) refuse(file, format.reason, HINTS.clip);
	return lastDecodedFrame(
		file,
		['-sseof', '-1', ...inputArgs(format.demuxer, file.path), '-map', '0:v:0'],
		width,
		height,
		paths,
	);
}

/** A still image (a character's reference), decoded small. */
export async function readImage(
	file: MediaFile,
	paths: FfmpegPaths = ffmpegPaths(),
	maxSide = MAX_SIDE,
): Promise<Frame> {
	const probed = await probeFile(file, paths, 'picture');
	if (!probed.info?.video)
		refuse(
			file,
			`is not an image ffmpeg can read${probed.problem ? ` (${probed.problem})` : ''}`,
			HINTS.picture,
		);
	const size = reducedSize(probed.info.video.width, probed.info.video.height, maxSide);
	return lastDecodedFrame(
		file,
		[...inputArgs(probed.demuxer, file.path), '-map', '0:v:0', '-frames:v', '1'],
		size.width,
		size.height,
		paths,
	);
}

/**
 * The decoding the scorers use. Several clips of a batch may be scored at once and a clip's last
 * frame is the next shot's continuity reference: the last frames of measured clips are kept (not
 * their other frames), so a clip scored in the batch is never decoded twice.
 */
export function ffmpegMediaReader(options: SamplingOptions = {}): MediaReader {
	const paths = options.paths ?? ffmpegPaths();
	const measuring = new Map<string, Promise<ClipMeasurements>>();
	const lastFrames = new Map<string, Frame>();
	return {
		async measureClip(file, detail) {
			const measurement = measureClip(file, { ...options, paths }, detail);
			measuring.set(file.path, measurement);
			try {
				const measured = await measurement;
				if (measured.last) lastFrames.set(file.path, measured.last);
				return measured;
			} finally {
				measuring.delete(file.path);
			}
		},
		async lastFrame(file, width, height) {
			const known =
				lastFrames.get(file.path) ?? (await measuring.get(file.path)?.catch(() => undefined))?.last;
			if (known && known.width === width && known.height === height) return known;
			return lastFrame(file, width, height, paths);
		},
		readImage: (file, maxSide) => readImage(file, paths, maxSide ?? options.maxSide),
	};
}

/**
 * One frame of a clip, at a moment or its last, its longest side at most `maxSide`: for the
 * pictures beside a drift report's findings. Opened as every clip is (see inputs.ts); a seek
 * before the input decodes from the keyframe before the moment only.
 */
export async function frameAt(
	file: MediaFile,
	at: number | 'last',
	maxSide: number,
	paths: FfmpegPaths = ffmpegPaths(),
): Promise<Frame> {
	const probed = await probeFile(file, paths, 'clip');
	if (!probed.info) refuse(file, probed.problem ?? 'ffprobe cannot read it', HINTS.clip);
	const video = requireVideoStream(file, probed.info);
	const size = reducedSize(video.width, video.height, maxSide);
	const seek = at === 'last' ? ['-sseof', '-1'] : ['-ss', at.toFixed(3)];
	const frame = await lastDecodedFrame(
		file,
		[
			...seek,
			...inputArgs(probed.demuxer, file.path),
			'-map',
			'0:v:0',
			...(at === 'last' ? [] : ['-frames:v', '1']),
		],
		size.width,
		size.height,
		paths,
	);
	return { ...frame, atSeconds: at === 'last' ? probed.info.durationSeconds : at };
}
