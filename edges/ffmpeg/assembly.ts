import { promises as fs } from 'fs';
import path from 'path';

import { parseCubeLut } from '../../core/assembly/cube';
import { buildCmx3600, buildOtio } from '../../core/assembly/editLists';
import type { PathDecision } from '../../core/assembly/path';
import { planCut, slateText, type CutPlan } from '../../core/assembly/plan';
import { decisionsOfCut, decisionsText } from '../../core/assembly/decisionsExport';
import { buildProductionReport, type ProductionReport } from '../../core/assembly/report';
import { renderReportHtml } from '../../core/assembly/reportHtml';
import { formatSrt, parseSrt } from '../../core/assembly/srt';
import { timelinePieces, type Timeline } from '../../core/assembly/timeline';
import {
	AssemblyInputError,
	type AssemblyOptions,
	type AudioTrackRequest,
	type ClipFacts,
	type LoudnessTarget,
	type PipelineCut,
	type Quality,
} from '../../core/assembly/types';
import { NonRetryableFailure } from '../../core/failures';
import {
	AUDIO_ENCODER_ARGS,
	LOUDNESS_MEASURE_CHAIN,
	loudnessChain,
	mp4Args,
	outputPictureChains,
	parseEbur128Summary,
	runGraph,
	samplesOf,
	soundGraph,
	videoEncoderArgs,
	type GraphSource,
	type LoudnessMeasurement,
	type OutputPicture,
} from './assemblyGraph';
import { ffmpegPaths, probeMedia, runFfmpeg, runFfmpegWithLog, type FfmpegPaths } from './ffmpeg';
import { concatInputArgs, inputArgs, inputFormat, oversizeReason } from './inputs';
import { readMp4Facts } from './mp4Header';

/**
 * Renders a planned cut with ffmpeg. Everything happens in one working folder the caller owns and
 * removes; ffmpeg runs there, and every file it is given was named by the caller, so graph text
 * never carries a user's file name. Clips are read from disk by ffmpeg: nothing is held in memory.
 */

export type CutSource =
	| { kind: 'clip'; file: string; facts: ClipFacts }
	| { kind: 'slate'; titleFile: string };

export interface CutOutput {
	file: string;
	/** Absent for the master, which has the cut's own size. */
	picture?: OutputPicture;
}

export interface CutJob {
	workDir: string;
	sources: CutSource[];
	timeline: Timeline;
	decision: PathDecision;
	quality: Quality;
	lutFile?: string;
	captionsFile?: string;
	/** The track's file and the demuxer it is read with (inputFormat chose it). */
	audioTrack?: AudioTrackRequest & { file: string; demuxer: string };
	loudness?: LoudnessTarget;
	/** The master first, then the renditions. */
	outputs: CutOutput[];
	poster: { file: string; atSeconds: number };
	/** What to call the input files in a failure's message ("the clip of shot-03-take-2"). */
	names?: Record<string, string>;
}

export interface CutResult {
	/** Integrated loudness before normalisation, when a target was set. */
	measuredLufs?: number;
	/** Why loudness was left as it was (silence cannot be normalised). */
	loudnessSkipped?: string;
}

export type ProbeVerdict = { ok: true; facts: ClipFacts } | { ok: false; reason: string };

/**
 * What a clip is, and that it is whole: from its MP4 header when it has one (no process started),
 * else from ffprobe. Only an MP4 or MOV file is read (see inputs.ts); a picture too large to
 * decode is refused from the header; a clip whose index places samples past the end of the file
 * (a cut-short download) is refused, so the cut never holds less than the report says.
 */
export async function probeClip(
	filePath: string,
	paths: FfmpegPaths = ffmpegPaths(),
): Promise<ProbeVerdict> {
	const format = await inputFormat(filePath, 'clip');
	if (!format.ok) return format;
	let mp4;
	try {
		mp4 = await readMp4Facts(filePath);
	} catch {
		// Not an MP4 this reader understands: ffprobe decides.
	}
	if (mp4) {
		const tooLarge = oversizeReason(mp4.video.width, mp4.video.height);
		if (tooLarge) return { ok: false, reason: tooLarge };
		if (mp4.dataEndBytes > mp4.fileBytes)
			return {
				ok: false,
				reason:
					`is cut short: its index places ${mp4.video.frames} frames in ${mp4.dataEndBytes} bytes, ` +
					`the file has ${mp4.fileBytes} (generate the clip again)`,
			};
		return { ok: true, facts: mp4 };
	}
	let info;
	try {
		// Counting packets reads the file without decoding it: a cut-short file comes up short.
		info = await probeMedia(filePath, paths, 'mov', 'the clip', ['-count_packets']);
	} catch (error) {
		return {
			ok: false,
			reason: `is not readable as video (${(error as Error).message.split('\n').pop()})`,
		};
	}
	if (!info.video || !info.video.width)
		return {
			ok: false,
			reason: `has no video stream (${info.formatName || 'unknown format'}${info.audio ? ', sound only' : ''})`,
		};
	const tooLarge = oversizeReason(info.video.width, info.video.height);
	if (tooLarge) return { ok: false, reason: tooLarge };
	const statedFrames = info.video.frames ?? Math.round(info.durationSeconds * info.video.frameRate);
	if (info.video.packets !== undefined && info.video.packets < statedFrames - 1)
		return {
			ok: false,
			reason: `is cut short: it states ${statedFrames} frames and holds ${info.video.packets} (generate the clip again)`,
		};
	return {
		ok: true,
		facts: {
			durationSeconds:
				info.video.frames && info.video.frameRate
					? info.video.frames / info.video.frameRate
					: info.durationSeconds,
			video: {
				codec: info.video.codec,
				width: info.video.width,
				height: info.video.height,
				frameRate: info.video.frameRate,
				frames: info.video.frames,
			},
			audio: info.audio
				? {
						codec: info.audio.codec,
						channels: info.audio.channels,
						sampleRate: info.audio.sampleRate,
					}
				: undefined,
		},
	};
}

/** Probes many clips, a few at a time (ffprobe fallbacks are processes). Results in input order. */
export async function probeClips(
	files: string[],
	paths: FfmpegPaths = ffmpegPaths(),
	concurrency = 4,
): Promise<ProbeVerdict[]> {
	const verdicts: ProbeVerdict[] = new Array(files.length);
	let next = 0;
	const worker = async () => {
		while (next < files.length) {
			const index = next++;
			verdicts[index] = await probeClip(files[index], paths);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
	return verdicts;
}

/** Pieces rendered at the same time: the machine's two cores are kept busy by two encoders. */
const PIECES_AT_ONCE = 2;

/** A concat demuxer list in the working folder, and the demuxer its files are read with. */
interface ConcatList {
	file: string;
	demuxer: 'mov' | 'wav';
}

/** Writes a concat demuxer list; names are relative to the working folder, which holds the list too. */
async function writeList(
	job: CutJob,
	file: string,
	files: string[],
	demuxer: ConcatList['demuxer'] = 'mov',
): Promise<ConcatList> {
	await fs.writeFile(
		path.join(job.workDir, file),
		files.map((name) => `file '${name}'\n`).join(''),
	);
	return { file, demuxer };
}

/**
 * The concat demuxer over files that share one codec header (the path decision or the piece
 * check made sure), so packets go through as they are; each listed file is read with the list's
 * demuxer only.
 */
const concatInput = (list: ConcatList) => concatInputArgs(list.file, list.demuxer);

const indexArgs = (job: CutJob) =>
	mp4Args(job.timeline.totalFrames, job.timeline.frameRate, job.sources.length);

function trackInputArgs(job: CutJob): string[] {
	if (!job.audioTrack) return [];
	return [
		...(job.audioTrack.loop ? ['-stream_loop', '-1'] : []),
		...inputArgs(job.audioTrack.demuxer, job.audioTrack.file),
	];
}

/** The first loudness pass, over the sound graph only (no picture is decoded). */
async function measureLoudness(
	job: CutJob,
	inputArgs: string[],
	sound: string[],
	paths: FfmpegPaths,
): Promise<LoudnessMeasurement> {
	const graph = [...sound, LOUDNESS_MEASURE_CHAIN].join(';');
	const { stderr } = await runFfmpegWithLog(
		[...inputArgs, '-filter_complex', graph, '-map', '[aout]', '-f', 'null', '-'],
		{ cwd: job.workDir, names: job.names },
		paths,
	);
	const measured = parseEbur128Summary(stderr);
	if (!measured)
		throw new NonRetryableFailure(
			`could not read the loudness measurement from ffmpeg: ${stderr.slice(-300)}`,
		);
	return measured;
}

/**
 * The cut's sound from a concat list (the clips, or the pieces' sound), with the track mixed in and
 * the loudness normalised in two passes, encoded once to `sound.m4a`.
 */
async function renderSound(
	job: CutJob,
	list: ConcatList,
	hasAudio: boolean,
	paths: FfmpegPaths,
): Promise<{ file: string; result: CutResult }> {
	const inputArgs = [...concatInput(list), ...trackInputArgs(job)];
	const sound = soundGraph(
		hasAudio,
		job.audioTrack,
		samplesOf(job.timeline.totalFrames, job.timeline.frameRate),
	);
	let measured: LoudnessMeasurement | undefined;
	const result: CutResult = {};
	if (job.loudness) {
		measured = await measureLoudness(job, inputArgs, sound, paths);
		// Silence cannot be brought up to a target: it is left as it is, and the report says so.
		if (!Number.isFinite(measured.integratedLufs) || measured.integratedLufs < -70) {
			result.loudnessSkipped = `the sound is silent (measured ${measured.integratedLufs} LUFS): left as it is`;
			measured = undefined;
		} else {
			result.measuredLufs = measured.integratedLufs;
		}
	}
	const file = 'sound.m4a';
	await runFfmpeg(
		[
			...inputArgs,
			'-filter_complex',
			[...sound, loudnessChain(job.loudness, measured)].join(';'),
			'-map',
			'[aout]',
			...AUDIO_ENCODER_ARGS,
			'-y',
			file,
		],
		{ cwd: job.workDir, names: job.names },
		paths,
	);
	return { file, result };
}

async function mux(
	job: CutJob,
	videoList: ConcatList,
	soundFile: string,
	output: string,
	paths: FfmpegPaths,
): Promise<void> {
	await runFfmpeg(
		[
			...concatInput(videoList),
			...inputArgs('mov', soundFile),
			'-map',
			'0:v',
			'-map',
			'1:a',
			'-c',
			'copy',
			...indexArgs(job),
			'-y',
			output,
		],
		{ cwd: job.workDir, names: job.names },
		paths,
	);
}

async function forEachLimited<T>(
	items: T[],
	limit: number,
	work: (item: T, index: number) => Promise<void>,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			await work(items[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A shot as an input; `frames` is how much of it the run needs, so a clip read for its head is not decoded to the end. */
function sourceInputArgs(job: CutJob, shotIndex: number, frames: number): string[] {
	const source = job.sources[shotIndex];
	const { width, height, frameRate } = job.decision.format;
	const seconds = ((frames + 2) / frameRate).toFixed(3);
	if (source.kind === 'slate')
		return [
			'-f',
			'lavfi',
			'-i',
			`color=c=0x1c1c1c:s=${width}x${height}:r=${frameRate}:d=${seconds}`,
		];
	// One decoding thread, as for the encoders: the runs side by side are the parallelism.
	return [
		...(frames < job.timeline.shots[shotIndex].frames ? ['-t', seconds] : []),
		'-threads',
		'1',
		...inputArgs('mov', source.file),
	];
}

/**
 * The re-encoding path, piece by piece (see `timelinePieces`). One ffmpeg run per shot renders the
 * pieces that start in it (its body, and the dissolve into the next shot, for which the next clip
 * is read only as far as the dissolve), writing each piece's picture for every output and its
 * sound as PCM; the pictures are then joined by stream copy, and the sound is mixed and normalised
 * over the whole cut. Memory stays that of two clips however long the cut, and two runs go at once.
 */
async function renderFinished(job: CutJob, paths: FfmpegPaths): Promise<CutResult> {
	const pieces = timelinePieces(job.timeline);
	const pictures = job.outputs.map((output) => output.picture);
	const pieceName = (index: number) => `piece-${String(index + 1).padStart(5, '0')}`;
	const runs = job.timeline.shots.map((_, shotIndex) =>
		pieces
			.map((piece, index) => ({ piece, index }))
			.filter(({ piece }) => piece.shots[0].index === shotIndex),
	);
	await forEachLimited(runs, PIECES_AT_ONCE, async (run) => {
		const shots = [...new Set(run.flatMap(({ piece }) => piece.shots.map((shot) => shot.index)))];
		const graph = runGraph({
			pieces: run.map(({ piece }) => piece),
			shots,
			sources: shots.map((shotIndex): GraphSource => {
				const source = job.sources[shotIndex];
				return source.kind === 'clip'
					? { kind: 'clip', hasAudio: Boolean(source.facts.audio) }
					: { kind: 'slate', titleFile: source.titleFile };
			}),
			format: job.decision.format,
			lutFile: job.lutFile,
			pictures,
			captionsFile: job.captionsFile,
		});
		const needed = (shotIndex: number) =>
			Math.max(
				...run.flatMap(({ piece }) =>
					piece.shots.filter((shot) => shot.index === shotIndex).map((shot) => shot.toFrame),
				),
			);
		const outputs = run.flatMap(({ index }, position) => [
			// One thread per encoder: two runs already keep both cores busy, and each x264 thread holds frames.
			...pictures.flatMap((_, output) => [
				'-map',
				`[vout${position}_${output}]`,
				...videoEncoderArgs(job.quality),
				'-threads',
				'1',
				'-y',
				`${pieceName(index)}-${output}.mp4`,
			]),
			...['-map', `[aout${position}]`, '-c:a', 'pcm_s16le', '-y', `${pieceName(index)}.wav`],
		]);
		await runFfmpeg(
			[
				...shots.flatMap((shotIndex) => sourceInputArgs(job, shotIndex, needed(shotIndex))),
				'-filter_complex',
				graph.join(';'),
				...outputs,
			],
			{ cwd: job.workDir, names: job.names },
			paths,
		);
	});
	const names = pieces.map((_, index) => pieceName(index));
	// Joining by copy needs one codec header throughout; x264 gives one for one size and setting.
	const headers = new Set(
		await Promise.all(
			names.map(
				async (name) =>
					(await readMp4Facts(path.join(job.workDir, `${name}-0.mp4`)))?.video.configKey,
			),
		),
	);
	if (headers.size !== 1 || headers.has(undefined))
		throw new NonRetryableFailure(
			'the rendered pieces of the cut came out with different codec headers and cannot be joined',
		);
	const sound = await renderSound(
		job,
		await writeList(
			job,
			'pieces-sound.txt',
			names.map((name) => `${name}.wav`),
			'wav',
		),
		true,
		paths,
	);
	for (const [output, { file }] of job.outputs.entries()) {
		await mux(
			job,
			await writeList(
				job,
				`pieces-${output}.txt`,
				names.map((name) => `${name}-${output}.mp4`),
			),
			sound.file,
			file,
			paths,
		);
	}
	return sound.result;
}

/** The copy path: packets joined as they are; the sound re-encoded only when music or loudness ask for it. */
async function renderCopied(job: CutJob, paths: FfmpegPaths): Promise<CutResult> {
	const clips = job.sources.flatMap((source) => (source.kind === 'clip' ? [source.file] : []));
	const list = await writeList(job, 'clips.txt', clips);
	const master = job.outputs[0].file;
	let result: CutResult = {};
	if (job.decision.audio === 'copy') {
		await runFfmpeg(
			[
				...concatInput(list),
				'-map',
				'0:v',
				'-map',
				'0:a?',
				'-c',
				'copy',
				...indexArgs(job),
				'-y',
				master,
			],
			{ cwd: job.workDir, names: job.names },
			paths,
		);
	} else {
		const first = job.sources[0];
		const sound = await renderSound(
			job,
			list,
			first.kind === 'clip' && Boolean(first.facts.audio),
			paths,
		);
		result = sound.result;
		await mux(job, list, sound.file, master, paths);
	}
	const renditions = job.outputs.slice(1);
	if (renditions.length) {
		const renditionPictures = outputPictureChains(
			'[0:v]',
			renditions.map((output) => output.picture),
			undefined,
		);
		await runFfmpeg(
			[
				...inputArgs('mov', master),
				'-filter_complex',
				renditionPictures.join(';'),
				...renditions.flatMap((output, index) => [
					'-map',
					`[vout${index}]`,
					'-map',
					'0:a?',
					...videoEncoderArgs(job.quality),
					'-c:a',
					'copy',
					...indexArgs(job),
					'-y',
					output.file,
				]),
			],
			{ cwd: job.workDir, names: job.names },
			paths,
		);
	}
	return result;
}

/** Renders the master, the renditions and the poster frame into the working folder. */
export async function renderCut(
	job: CutJob,
	paths: FfmpegPaths = ffmpegPaths(),
): Promise<CutResult> {
	const result =
		job.decision.video === 'copy'
			? await renderCopied(job, paths)
			: await renderFinished(job, paths);
	await runFfmpeg(
		[
			'-ss',
			job.poster.atSeconds.toFixed(3),
			...inputArgs('mov', job.outputs[0].file),
			'-frames:v',
			'1',
			'-q:v',
			'3',
			'-y',
			job.poster.file,
		],
		{ cwd: job.workDir, names: job.names },
		paths,
	);
	return result;
}

export interface AssembleRequest {
	cut: PipelineCut;
	options: AssemblyOptions;
	/** A folder the caller made and removes; every file below is named inside it. */
	workDir: string;
	/** Per slot: the clip's file (undefined for slates). */
	clipFiles: Array<string | undefined>;
	/** Per slot: the clip's name as the editor receives it, for the edit lists. */
	clipNames: string[];
	lutFile?: string;
	captionsText?: string;
	audioTrack?: { file: string; name: string };
	generatedAt?: Date;
	paths?: FfmpegPaths;
}

export interface AssembledCut {
	report: ProductionReport;
	plan: CutPlan;
	/** Files in the working folder. */
	files: {
		master: string;
		renditions: Array<{ suffix: string; file: string }>;
		poster: string;
		edl: string;
		otio: string;
		reportJson: string;
		reportHtml: string;
		/** The decisions export (JSON Lines), named in the report. */
		decisions: string;
	};
}

/** Probes every clip; a file that is not video is an error naming the item and the binary property. */
async function factsOfClips(
	request: AssembleRequest,
	paths: FfmpegPaths,
): Promise<Array<ClipFacts | undefined>> {
	const slots = request.cut.slots;
	const files = request.clipFiles.map((file) =>
		file ? path.join(request.workDir, file) : undefined,
	);
	const verdicts = await probeClips(
		files.filter((file): file is string => Boolean(file)),
		paths,
	);
	let next = 0;
	return slots.map((slot, index) => {
		if (!files[index]) return undefined;
		const verdict = verdicts[next++];
		if (verdict.ok) return verdict.facts;
		const clipSlot = slot.kind === 'clip' ? slot : undefined;
		throw new AssemblyInputError(
			[
				{
					path: `binary.${clipSlot?.binaryProperty}`,
					message: `the clip of ${clipSlot?.take.id} (${clipSlot?.shot.id}) ${verdict.reason}`,
				},
			],
			'Assemble needs the video clips Veo Generate attached; check that no node in between replaced them.',
			clipSlot?.itemIndex,
		);
	});
}

/** The demuxer the sound track is read with; a file that is not sound is an error naming the property. */
async function trackFormat(request: AssembleRequest): Promise<string> {
	const verdict = await inputFormat(path.join(request.workDir, request.audioTrack!.file), 'sound');
	if (verdict.ok) return verdict.demuxer;
	throw new AssemblyInputError(
		[
			{
				path: 'audioTrack.binaryProperty',
				message: `"${request.options.audioTrack?.binaryProperty}" ${verdict.reason}`,
			},
		],
		'Attach the music or voice-over as a sound file.',
		undefined,
	);
}

/** The input files by their role, for ffmpeg's messages: they name no file on the server. */
function inputNames(request: AssembleRequest): Record<string, string> {
	const names: Record<string, string> = {};
	request.cut.slots.forEach((slot, index) => {
		const file = request.clipFiles[index];
		if (file && slot.kind === 'clip') names[file] = `the clip of ${slot.take.id}`;
	});
	if (request.audioTrack)
		names[request.audioTrack.file] =
			`the ${request.options.audioTrack?.role === 'voiceOver' ? 'voice-over' : 'music'} track`;
	if (request.lutFile) names[request.lutFile] = 'the LUT';
	return names;
}

/**
 * Assembles one pipeline's cut from files in the working folder: probe, plan, render, and write
 * the edit lists and the production report beside the video. The n8n node and the benchmark both
 * come through here.
 */
export async function assembleCut(request: AssembleRequest): Promise<AssembledCut> {
	const paths = request.paths ?? ffmpegPaths();
	const { cut, options, workDir } = request;
	const write = (file: string, text: string) => fs.writeFile(path.join(workDir, file), text);

	// The small inputs are checked first, so a typo fails before any clip is probed or rendered.
	if (request.lutFile)
		parseCubeLut(
			await fs.readFile(path.join(workDir, request.lutFile), 'utf8'),
			'options.lutProperty',
		);
	const srtCues =
		options.captions && options.captions.source !== 'dialogue'
			? parseSrt(
					request.captionsText ?? '',
					options.captions.source === 'srtText' ? 'srtText' : 'srtProperty',
				)
			: undefined;
	const trackDemuxer = request.audioTrack && (await trackFormat(request));
	const facts = await factsOfClips(request, paths);
	const plan = planCut(cut, options, { facts, clipNames: request.clipNames, srtCues });
	const { format } = plan.decision;

	const sources: CutSource[] = [];
	for (const [index, slot] of cut.slots.entries()) {
		if (slot.kind === 'clip') {
			sources.push({ kind: 'clip', file: request.clipFiles[index]!, facts: facts[index]! });
		} else {
			const titleFile = `slate-${index + 1}.txt`;
			await write(titleFile, slateText(slot, format.height > format.width));
			sources.push({ kind: 'slate', titleFile });
		}
	}
	let captionsFile: string | undefined;
	if (plan.cues) {
		captionsFile = 'captions.srt';
		await write(captionsFile, formatSrt(plan.cues));
	}
	const files: AssembledCut['files'] = {
		master: 'cut.mp4',
		renditions: plan.renditions.map((rendition) => ({
			suffix: rendition.suffix,
			file: `cut-${rendition.suffix}.mp4`,
		})),
		poster: 'poster.jpg',
		edl: 'cut.edl',
		otio: 'cut.otio',
		reportJson: 'report.json',
		reportHtml: 'report.html',
		decisions: 'decisions.jsonl',
	};
	const result = await renderCut(
		{
			workDir,
			sources,
			timeline: plan.timeline,
			decision: plan.decision,
			quality: options.quality,
			lutFile: request.lutFile,
			captionsFile,
			audioTrack:
				request.audioTrack && options.audioTrack && trackDemuxer
					? { ...options.audioTrack, file: request.audioTrack.file, demuxer: trackDemuxer }
					: undefined,
			loudness: options.loudness,
			outputs: [
				{ file: files.master },
				...plan.renditions.map((rendition, index) => ({
					file: files.renditions[index].file,
					picture: { width: rendition.width, height: rendition.height, fit: rendition.fit },
				})),
			],
			poster: { file: files.poster, atSeconds: plan.posterAtSeconds },
			names: inputNames(request),
		},
		paths,
	);

	const report = buildProductionReport({
		cut,
		plan,
		options,
		measuredLufs: result.measuredLufs,
		renderNotes: result.loudnessSkipped ? [result.loudnessSkipped] : [],
		generatedAt: request.generatedAt ?? new Date(),
	});
	const withSound = Boolean(request.audioTrack) || facts.some((fact) => fact?.audio);
	await write(files.edl, buildCmx3600(cut.bible.title, plan.timeline, plan.editSources, withSound));
	await write(
		files.otio,
		JSON.stringify(
			buildOtio(
				cut.bible.title,
				plan.timeline,
				plan.editSources,
				request.audioTrack && { name: request.audioTrack.name },
			),
			null,
			2,
		),
	);
	await write(files.reportJson, JSON.stringify(report, null, 2));
	await write(files.reportHtml, renderReportHtml(report));
	await write(files.decisions, decisionsText(decisionsOfCut(cut)));
	return { report, plan, files };
}
