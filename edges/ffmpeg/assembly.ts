import { promises as fs } from 'fs';
import path from 'path';

import { parseCubeLut } from '../../core/assembly/cube';
import { buildCmx3600, buildOtio } from '../../core/assembly/editLists';
import type { CutFormat, PathDecision } from '../../core/assembly/path';
import { planCut, slateText, type CutPlan } from '../../core/assembly/plan';
import { buildProductionReport, type ProductionReport } from '../../core/assembly/report';
import { renderReportHtml } from '../../core/assembly/reportHtml';
import { formatSrt, parseSrt } from '../../core/assembly/srt';
import type { Timeline } from '../../core/assembly/timeline';
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
	copiedSoundGraph,
	finishingGraph,
	LOUDNESS_MEASURE_CHAIN,
	loudnessChain,
	MP4_ARGS,
	outputAudioChains,
	outputPictureChains,
	parseEbur128Summary,
	samplesOf,
	videoEncoderArgs,
	type GraphSource,
	type LoudnessMeasurement,
	type OutputPicture,
} from './assemblyGraph';
import { ffmpegPaths, probeMedia, runFfmpeg, runFfmpegWithLog, type FfmpegPaths } from './ffmpeg';
import { readMp4Facts } from './mp4Header';

/**
 * Renders a planned cut with ffmpeg. Everything happens in one working folder the caller owns and
 * removes; ffmpeg runs there, and every file it is given was named by the caller, so graph text
 * never carries a user's file name. Clips are read from disk by ffmpeg: nothing is held in memory.
 */

export type CutSource = { kind: 'clip'; file: string; facts: ClipFacts } | { kind: 'slate'; titleFile: string };

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
	audioTrack?: AudioTrackRequest & { file: string };
	loudness?: LoudnessTarget;
	/** The master first, then the renditions. */
	outputs: CutOutput[];
	poster: { file: string; atSeconds: number };
}

export interface CutResult {
	/** Integrated loudness before normalisation, when a target was set. */
	measuredLufs?: number;
	/** Why loudness was left as it was (silence cannot be normalised). */
	loudnessSkipped?: string;
}

export type ProbeVerdict = { ok: true; facts: ClipFacts } | { ok: false; reason: string };

/** What a clip is: from its MP4 header when it has one (no process started), else from ffprobe. */
export async function probeClip(filePath: string, paths: FfmpegPaths = ffmpegPaths()): Promise<ProbeVerdict> {
	try {
		const mp4 = await readMp4Facts(filePath);
		if (mp4) return { ok: true, facts: mp4 };
	} catch {
		// Not an MP4 this reader understands: ffprobe decides.
	}
	let info;
	try {
		info = await probeMedia(filePath, paths);
	} catch (error) {
		return { ok: false, reason: `is not readable as video (${(error as Error).message.split('\n')[0]})` };
	}
	if (!info.video || !info.video.width) return { ok: false, reason: `has no video stream (${info.formatName || 'unknown format'}${info.audio ? ', sound only' : ''})` };
	return {
		ok: true,
		facts: {
			durationSeconds: info.video.frames && info.video.frameRate ? info.video.frames / info.video.frameRate : info.durationSeconds,
			video: { codec: info.video.codec, width: info.video.width, height: info.video.height, frameRate: info.video.frameRate, frames: info.video.frames },
			audio: info.audio ? { codec: info.audio.codec, channels: info.audio.channels, sampleRate: info.audio.sampleRate } : undefined,
		},
	};
}

/** Probes many clips, a few at a time (ffprobe fallbacks are processes). Results in input order. */
export async function probeClips(files: string[], paths: FfmpegPaths = ffmpegPaths(), concurrency = 4): Promise<ProbeVerdict[]> {
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

/** The concat demuxer's list: names relative to the working folder, which holds the list too. */
async function writeConcatList(job: CutJob): Promise<string> {
	const listFile = 'concat.txt';
	const lines = job.sources.map((source) => (source.kind === 'clip' ? `file '${source.file}'\n` : ''));
	await fs.writeFile(path.join(job.workDir, listFile), lines.join(''));
	return listFile;
}

function sourceInputArgs(job: CutJob, format: CutFormat): string[] {
	return job.sources.flatMap((source, index) =>
		source.kind === 'clip'
			? ['-i', source.file]
			: ['-f', 'lavfi', '-i', `color=c=0x1c1c1c:s=${format.width}x${format.height}:r=${format.frameRate}:d=${((job.timeline.shots[index].frames + 2) / format.frameRate).toFixed(3)}`],
	);
}

function trackInputArgs(job: CutJob): string[] {
	if (!job.audioTrack) return [];
	return [...(job.audioTrack.loop ? ['-stream_loop', '-1'] : []), '-i', job.audioTrack.file];
}

/** The first loudness pass, over the sound graph only (no picture is decoded). */
async function measureLoudness(job: CutJob, inputArgs: string[], soundGraph: string[], paths: FfmpegPaths): Promise<LoudnessMeasurement> {
	const graph = [...soundGraph, LOUDNESS_MEASURE_CHAIN].join(';');
	const { stderr } = await runFfmpegWithLog([...inputArgs, '-filter_complex', graph, '-map', '[aout]', '-f', 'null', '-'], { cwd: job.workDir }, paths);
	const measured = parseEbur128Summary(stderr);
	if (!measured) throw new NonRetryableFailure(`could not read the loudness measurement from ffmpeg: ${stderr.slice(-300)}`);
	return measured;
}

/** Measures when a target is set; silence (or near it) is left alone, since no gain can bring it up. */
async function loudnessPlan(job: CutJob, inputArgs: string[], soundGraph: string[], paths: FfmpegPaths): Promise<{ measured?: LoudnessMeasurement; result: CutResult }> {
	if (!job.loudness) return { result: {} };
	const measured = await measureLoudness(job, inputArgs, soundGraph, paths);
	if (!Number.isFinite(measured.integratedLufs) || measured.integratedLufs < -70) {
		return { result: { loudnessSkipped: `the sound is silent (measured ${measured.integratedLufs} LUFS): left as it is` } };
	}
	return { measured, result: { measuredLufs: measured.integratedLufs } };
}

/** The re-encoding path: one ffmpeg run, one decode of every clip, one encode per output. */
async function renderFinished(job: CutJob, paths: FfmpegPaths): Promise<CutResult> {
	const format = job.decision.format;
	const graphSources: GraphSource[] = job.sources.map((source) =>
		source.kind === 'clip' ? { kind: 'clip', hasAudio: Boolean(source.facts.audio) } : { kind: 'slate', titleFile: source.titleFile },
	);
	const graph = finishingGraph(graphSources, job.timeline, format, job.lutFile, job.audioTrack);
	const inputArgs = [...sourceInputArgs(job, format), ...trackInputArgs(job)];
	const { measured, result } = await loudnessPlan(job, inputArgs, graph.audio, paths);
	const chains = [
		...graph.video,
		...graph.audio,
		loudnessChain(job.loudness, measured),
		...outputPictureChains('[vgraded]', job.outputs.map((output) => output.picture), job.captionsFile),
		...outputAudioChains(job.outputs.length),
	];
	const outputs = job.outputs.flatMap((output, index) => ['-map', `[vout${index}]`, ...videoEncoderArgs(job.quality), '-map', `[aout${index}]`, ...AUDIO_ENCODER_ARGS, ...MP4_ARGS, '-y', output.file]);
	await runFfmpeg([...inputArgs, '-filter_complex', chains.join(';'), ...outputs], { cwd: job.workDir }, paths);
	return result;
}

/** The copy path: packets joined as they are; the sound re-encoded only when music or loudness ask for it. */
async function renderCopied(job: CutJob, paths: FfmpegPaths): Promise<CutResult> {
	const listFile = await writeConcatList(job);
	const master = job.outputs[0].file;
	// Every clip has the same codec header (checked by the path decision), so packets go through as
	// they are: auto_convert would rewrite each H.264 keyframe with an in-band copy of that header.
	const concatInput = ['-f', 'concat', '-auto_convert', '0', '-i', listFile];
	let result: CutResult = {};
	if (job.decision.audio === 'copy') {
		await runFfmpeg([...concatInput, '-map', '0:v', '-map', '0:a?', '-c', 'copy', ...MP4_ARGS, '-y', master], { cwd: job.workDir }, paths);
	} else {
		const first = job.sources.find((source) => source.kind === 'clip');
		const hasAudio = Boolean(first?.kind === 'clip' && first.facts.audio);
		const inputArgs = [...concatInput, ...trackInputArgs(job)];
		const sound = copiedSoundGraph(hasAudio, job.audioTrack, samplesOf(job.timeline.totalFrames, job.timeline.frameRate));
		const plan = await loudnessPlan(job, inputArgs, sound, paths);
		result = plan.result;
		const graph = [...sound, loudnessChain(job.loudness, plan.measured)].join(';');
		await runFfmpeg(
			[...inputArgs, '-filter_complex', graph, '-map', '0:v', '-c:v', 'copy', '-map', '[aout]', ...AUDIO_ENCODER_ARGS, ...MP4_ARGS, '-y', master],
			{ cwd: job.workDir },
			paths,
		);
	}
	const renditions = job.outputs.slice(1);
	if (renditions.length) {
		const pictures = outputPictureChains('[0:v]', renditions.map((output) => output.picture), undefined);
		await runFfmpeg(
			[
				'-i',
				master,
				'-filter_complex',
				pictures.join(';'),
				...renditions.flatMap((output, index) => ['-map', `[vout${index}]`, '-map', '0:a?', ...videoEncoderArgs(job.quality), '-c:a', 'copy', ...MP4_ARGS, '-y', output.file]),
			],
			{ cwd: job.workDir },
			paths,
		);
	}
	return result;
}

/** Renders the master, the renditions and the poster frame into the working folder. */
export async function renderCut(job: CutJob, paths: FfmpegPaths = ffmpegPaths()): Promise<CutResult> {
	const result = job.decision.video === 'copy' ? await renderCopied(job, paths) : await renderFinished(job, paths);
	await runFfmpeg(['-ss', job.poster.atSeconds.toFixed(3), '-i', job.outputs[0].file, '-frames:v', '1', '-q:v', '3', '-y', job.poster.file], { cwd: job.workDir }, paths);
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
	};
}

/** Probes every clip; a file that is not video is an error naming the item and the binary property. */
async function factsOfClips(request: AssembleRequest, paths: FfmpegPaths): Promise<Array<ClipFacts | undefined>> {
	const slots = request.cut.slots;
	const files = request.clipFiles.map((file) => (file ? path.join(request.workDir, file) : undefined));
	const verdicts = await probeClips(files.filter((file): file is string => Boolean(file)), paths);
	let next = 0;
	return slots.map((slot, index) => {
		if (!files[index]) return undefined;
		const verdict = verdicts[next++];
		if (verdict.ok) return verdict.facts;
		const clipSlot = slot.kind === 'clip' ? slot : undefined;
		throw new AssemblyInputError(
			[{ path: `binary.${clipSlot?.binaryProperty}`, message: `the clip of ${clipSlot?.take.id} (${clipSlot?.shot.id}) ${verdict.reason}` }],
			'Assemble needs the video clips Veo Generate attached; check that no node in between replaced them.',
			clipSlot?.itemIndex,
		);
	});
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
	if (request.lutFile) parseCubeLut(await fs.readFile(path.join(workDir, request.lutFile), 'utf8'), 'options.lutProperty');
	const srtCues = options.captions && options.captions.source !== 'dialogue' ? parseSrt(request.captionsText ?? '', options.captions.source === 'srtText' ? 'srtText' : 'srtProperty') : undefined;
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
		renditions: plan.renditions.map((rendition) => ({ suffix: rendition.suffix, file: `cut-${rendition.suffix}.mp4` })),
		poster: 'poster.jpg',
		edl: 'cut.edl',
		otio: 'cut.otio',
		reportJson: 'report.json',
		reportHtml: 'report.html',
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
			audioTrack: request.audioTrack && options.audioTrack ? { ...options.audioTrack, file: request.audioTrack.file } : undefined,
			loudness: options.loudness,
			outputs: [
				{ file: files.master },
				...plan.renditions.map((rendition, index) => ({ file: files.renditions[index].file, picture: { width: rendition.width, height: rendition.height, fit: rendition.fit } })),
			],
			poster: { file: files.poster, atSeconds: plan.posterAtSeconds },
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
	await write(files.otio, JSON.stringify(buildOtio(cut.bible.title, plan.timeline, plan.editSources, request.audioTrack && { name: request.audioTrack.name }), null, 2));
	await write(files.reportJson, JSON.stringify(report, null, 2));
	await write(files.reportHtml, renderReportHtml(report));
	return { report, plan, files };
}
