import { spawn } from 'child_process';
import path from 'path';
import { debuglog } from 'util';

import { NonRetryableFailure, withoutServerPaths } from '../../core/failures';
import { inputArgs } from './inputs';

/**
 * The one place that runs ffmpeg and ffprobe. Always with an argument array, never a shell, so
 * file names and text from users cannot become commands. The binaries come from the system (or
 * from FFMPEG_PATH / FFPROBE_PATH, or a node option that passes paths in).
 */

export interface FfmpegPaths {
	ffmpeg: string;
	ffprobe: string;
}

export function ffmpegPaths(overrides: Partial<FfmpegPaths> = {}): FfmpegPaths {
	return {
		ffmpeg: overrides.ffmpeg?.trim() || process.env.FFMPEG_PATH || 'ffmpeg',
		ffprobe: overrides.ffprobe?.trim() || process.env.FFPROBE_PATH || 'ffprobe',
	};
}

const INSTALL_HINT =
	'Install ffmpeg (Debian/Ubuntu: apt-get install -y ffmpeg; macOS: brew install ffmpeg; ' +
	'n8n Docker image: apk add ffmpeg), or set FFMPEG_PATH and FFPROBE_PATH to the binaries.';

export interface RunOptions {
	cwd?: string;
	/** Kept whole in memory: use only for small outputs (JSON, thumbnails, a few raw frames). */
	collectStdout?: boolean;
	/** Bytes written to the process's standard input, then closed. */
	stdin?: Buffer | string;
	signal?: AbortSignal;
	/** How to name the files in the arguments in a failure's message (by their role: "the clip of shot-03 take 2"). */
	names?: Record<string, string>;
}

export interface RunResult {
	stdout: Buffer;
	stderr: string;
}

export const STDERR_TAIL_BYTES = 16_384;

/** Why a binary could not start, with how to install it when it is missing. */
export function startFailure(binary: string, error: NodeJS.ErrnoException): NonRetryableFailure {
	// Named without its folder: FFMPEG_PATH is the server's business, the message is the user's.
	const name = path.basename(binary);
	return error.code === 'ENOENT'
		? new NonRetryableFailure(`${name} was not found`, { hint: INSTALL_HINT, cause: error })
		: new NonRetryableFailure(`${name} could not start: ${withoutServerPaths(error.message)}`, {
				cause: error,
			});
}

/**
 * ffmpeg's full output of a failed run, for the person running n8n (`NODE_DEBUG=veo-pipeline`):
 * messages shown to users summarise it without the server's paths.
 */
export const debugLog = debuglog('veo-pipeline');

/**
 * The lines of ffmpeg's log as a person should read them: each file named by its role, any other
 * path on the server left out, the `[demuxer @ 0x...]` prefixes dropped.
 */
export function summariseLog(lines: string[], names: Record<string, string> = {}): string[] {
	const known = Object.entries(names).sort(([a], [b]) => b.length - a.length);
	return lines.map((line) => {
		let text = line.trim().replace(/^\[[^\]]*\]\s*/, '');
		for (const [file, role] of known) text = text.split(file).join(role);
		return withoutServerPaths(text);
	});
}

function run(binary: string, args: string[], options: RunOptions): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(binary, args, {
			cwd: options.cwd,
			stdio: [
				options.stdin === undefined ? 'ignore' : 'pipe',
				options.collectStdout ? 'pipe' : 'ignore',
				'pipe',
			],
			signal: options.signal,
		});
		const stdout: Buffer[] = [];
		let stderr = '';
		child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
		child.stderr!.on('data', (chunk: Buffer) => {
			stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
		});
		if (options.stdin !== undefined) child.stdin!.end(options.stdin);
		child.on('error', (error: NodeJS.ErrnoException) => reject(startFailure(binary, error)));
		child.on('close', (code) => {
			if (code === 0) {
				resolve({ stdout: Buffer.concat(stdout), stderr });
				return;
			}
			debugLog('%s %o exited with code %d:\n%s', binary, args, code, stderr);
			const lastLines = summariseLog(stderr.trim().split('\n').slice(-6), options.names);
			const name = path.basename(binary);
			reject(new NonRetryableFailure(`${name} exited with code ${code}: ${lastLines.join('\n')}`));
		});
	});
}

/**
 * Fails with the install hint when ffprobe cannot run. Veo Generate calls it before submitting
 * anything: without ffprobe every downloaded clip would fail its check and be paid for again.
 */
export async function assertFfprobeAvailable(paths: FfmpegPaths = ffmpegPaths()): Promise<void> {
	await run(paths.ffprobe, ['-version'], {});
}

export function runFfmpeg(
	args: string[],
	options: RunOptions = {},
	paths: FfmpegPaths = ffmpegPaths(),
): Promise<RunResult> {
	return run(paths.ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], options);
}

/** Like runFfmpeg, but keeps ffmpeg's informational log (filters such as ebur128 report there). */
export function runFfmpegWithLog(
	args: string[],
	options: RunOptions = {},
	paths: FfmpegPaths = ffmpegPaths(),
): Promise<RunResult> {
	return run(paths.ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'info', ...args], options);
}

export interface MediaInfo {
	durationSeconds: number;
	formatName: string;
	sizeBytes: number;
	video?: {
		codec: string;
		width: number;
		height: number;
		frameRate: number;
		pixelFormat: string;
		frames?: number;
		/** Packets read, when the probe counted them (`-count_packets`). */
		packets?: number;
	};
	audio?: {
		codec: string;
		channels: number;
		sampleRate: number;
		channelLayout?: string;
	};
}

interface ProbeStream {
	codec_type?: string;
	codec_name?: string;
	width?: number;
	height?: number;
	avg_frame_rate?: string;
	r_frame_rate?: string;
	pix_fmt?: string;
	nb_frames?: string;
	nb_read_packets?: string;
	channels?: number;
	sample_rate?: string;
	channel_layout?: string;
}

function parseRate(rate: string | undefined): number {
	if (!rate) return 0;
	const [numerator, denominator] = rate.split('/').map(Number);
	return denominator ? numerator / denominator : numerator || 0;
}

/**
 * What ffprobe says of a media file, read with the given demuxer (an MP4/MOV clip by default; see
 * inputs.ts); throws when the file is not readable that way. `name` is how errors call the file.
 */
export async function probeMedia(
	filePath: string,
	paths: FfmpegPaths = ffmpegPaths(),
	demuxer = 'mov',
	name = 'the file',
	extraArgs: string[] = [],
): Promise<MediaInfo> {
	return (await probe(filePath, paths, demuxer, name, extraArgs)).info;
}

/** One ffprobe run: the file's description, and the errors ffprobe logged on the way. */
async function probe(
	filePath: string,
	paths: FfmpegPaths,
	demuxer: string,
	name: string,
	extraArgs: string[] = [],
): Promise<{ info: MediaInfo; errorLog: string }> {
	const { stdout, stderr } = await run(
		paths.ffprobe,
		[
			'-v',
			'error',
			...extraArgs,
			'-print_format',
			'json',
			'-show_format',
			'-show_streams',
			...inputArgs(demuxer, filePath),
		],
		{ collectStdout: true, names: { [filePath]: name } },
	);
	const probe = JSON.parse(stdout.toString('utf8')) as {
		format?: { duration?: string; format_name?: string; size?: string };
		streams?: ProbeStream[];
	};
	const video = probe.streams?.find((stream) => stream.codec_type === 'video');
	const audio = probe.streams?.find((stream) => stream.codec_type === 'audio');
	const info: MediaInfo = {
		durationSeconds: Number(probe.format?.duration ?? 0),
		formatName: probe.format?.format_name ?? '',
		sizeBytes: Number(probe.format?.size ?? 0),
		video: video
			? {
					codec: video.codec_name ?? '',
					width: video.width ?? 0,
					height: video.height ?? 0,
					frameRate: parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate),
					pixelFormat: video.pix_fmt ?? '',
					frames: video.nb_frames ? Number(video.nb_frames) : undefined,
					packets: video.nb_read_packets ? Number(video.nb_read_packets) : undefined,
				}
			: undefined,
		audio: audio
			? {
					codec: audio.codec_name ?? '',
					channels: audio.channels ?? 0,
					sampleRate: Number(audio.sample_rate ?? 0),
					channelLayout: audio.channel_layout,
				}
			: undefined,
	};
	return {
		info,
		errorLog: summariseLog(stderr.trim().split('\n'), { [filePath]: name }).join('\n'),
	};
}

/**
 * Decodes the whole video stream once and reports whether it is complete: a truncated download
 * probes fine from its header but fails or comes up short when decoded. One ffprobe run both
 * describes the file and decodes every frame (`-count_frames`), half the processes and CPU of a
 * probe followed by an ffmpeg decode, which counts when a batch checks ten clips at once. The
 * info it returns describes the video stream only.
 */
export async function verifyPlayableVideo(
	filePath: string,
	expectedDurationSeconds: number | undefined,
	paths: FfmpegPaths = ffmpegPaths(),
): Promise<{ ok: true; info: MediaInfo } | { ok: false; reason: string }> {
	let info: MediaInfo;
	let decodeLog: string;
	try {
		({ info, errorLog: decodeLog } = await probe(filePath, paths, 'mov', 'the clip', [
			'-count_frames',
			'-select_streams',
			'v:0',
		]));
	} catch (error) {
		return { ok: false, reason: `not readable as video (${(error as Error).message})` };
	}
	if (!info.video) return { ok: false, reason: 'has no video stream' };
	// With +faststart (as Veo and the stand-in deliver) the moov header is at the front and survives
	// truncation, so the description shows the full length; the demuxer then logs "partial file"
	// at error level while ffprobe still exits 0. Any error is a fault; a cut file's decoder errors
	// come from the cut, so "partial file" is the reason to give when it is there.
	const errors = decodeLog.trim().split('\n').filter(Boolean);
	const firstError = errors.find((line) => line.includes('partial file')) ?? errors[0];
	if (firstError) return { ok: false, reason: `does not decode to the end (${firstError})` };
	if (expectedDurationSeconds && info.durationSeconds < expectedDurationSeconds - 0.5) {
		return {
			ok: false,
			reason: `is ${info.durationSeconds.toFixed(2)} s long, ${expectedDurationSeconds} s were asked for`,
		};
	}
	return { ok: true, info };
}

/**
 * The clip's last frame as a JPEG (small enough to send inline as an image part), for a shot
 * that starts where the previous one ended. The input is read as MP4 from the local file only.
 */
export async function extractLastFrame(
	clipPath: string,
	imagePath: string,
	paths: FfmpegPaths = ffmpegPaths(),
): Promise<void> {
	await runFfmpeg(
		[
			'-y',
			// Seeking from the end keeps the decode to the last second whatever the clip's length.
			'-sseof',
			'-1',
			...inputArgs('mov', clipPath),
			'-map',
			'0:v:0',
			// Overwrites the one output image with each frame, so the last frame is what remains.
			'-update',
			'1',
			'-q:v',
			'2',
			imagePath,
		],
		{ names: { [clipPath]: 'the clip of the previous shot', [imagePath]: 'its last frame' } },
		paths,
	);
}
