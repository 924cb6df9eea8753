import type { CutFormat } from '../../core/assembly/path';
import type { Timeline } from '../../core/assembly/timeline';
import type { AudioTrackRequest, LoudnessTarget, Quality, RenditionFit } from '../../core/assembly/types';

/**
 * ffmpeg filter graphs for assembly, as text. Every file a filter reads (LUT, captions, slate
 * titles) is named by the caller inside its working folder and passed relative to it, so nothing
 * from users is ever spliced into the graph.
 */

export const SAMPLE_RATE = 48_000;
const AUDIO_FORMAT = `aresample=${SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo`;
/** Seconds over which music fades out at the end of the cut. */
const MUSIC_FADE_SECONDS = 2;

export type GraphSource = { kind: 'clip'; hasAudio: boolean } | { kind: 'slate'; titleFile: string };

export interface OutputPicture {
	width: number;
	height: number;
	fit: RenditionFit;
}

export const samplesOf = (frames: number, frameRate: number) => Math.round((frames / frameRate) * SAMPLE_RATE);
const seconds = (frames: number, frameRate: number) => (frames / frameRate).toFixed(6);

interface Chains {
	video: string[];
	audio: string[];
}

/** Each source as exactly its timeline length, at the cut's size, rate and pixel format, with stereo sound. */
function sourceChains(sources: GraphSource[], timeline: Timeline, format: CutFormat): Chains {
	const { width, height, frameRate } = format;
	const fade = timeline.transition === 'fadeThroughBlack' ? timeline.transitionFrames : 0;
	const last = sources.length - 1;
	const chains: Chains = { video: [], audio: [] };
	sources.forEach((source, index) => {
		const frames = timeline.shots[index].frames;
		const video: string[] = ['setpts=PTS-STARTPTS'];
		if (source.kind === 'slate') {
			const size = Math.max(8, Math.round(height / 18));
			video.push(`drawtext=textfile=${source.titleFile}:expansion=none:fontcolor=white:fontsize=${size}:line_spacing=${Math.round(size / 3)}:x=(w-text_w)/2:y=(h-text_h)/2`);
		}
		video.push(
			`fps=${frameRate}`,
			`scale=${width}:${height}:force_original_aspect_ratio=decrease`,
			`pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`,
			'setsar=1',
			'format=yuv420p',
			// A clip a frame short after rate conversion holds its last frame; then every source is cut to length.
			'tpad=stop_mode=clone:stop=2',
			`trim=end_frame=${frames}`,
			'setpts=PTS-STARTPTS',
		);
		const audio = source.kind === 'clip' && source.hasAudio ? [`[${index}:a]asetpts=PTS-STARTPTS`, AUDIO_FORMAT, 'apad'] : [`anullsrc=r=${SAMPLE_RATE}:cl=stereo`];
		audio.push(`atrim=end_sample=${samplesOf(frames, frameRate)}`);
		if (fade && index > 0) {
			video.push(`fade=t=in:s=0:n=${fade}`);
			audio.push(`afade=t=in:d=${seconds(fade, frameRate)}`);
		}
		if (fade && index < last) {
			video.push(`fade=t=out:s=${frames - fade}:n=${fade}`);
			audio.push(`afade=t=out:st=${seconds(frames - fade, frameRate)}:d=${seconds(fade, frameRate)}`);
		}
		chains.video.push(`[${index}:v]${video.join(',')}[v${index}]`);
		chains.audio.push(`${audio.join(',')}[a${index}]`);
	});
	return chains;
}

/** Joins the prepared sources into `[vcat]` and `[acat]`: concat for cuts and fades, xfade/acrossfade for crossfades. */
function joinChains(count: number, timeline: Timeline): Chains {
	if (count === 1) return { video: ['[v0]null[vcat]'], audio: ['[a0]anull[acat]'] };
	if (timeline.transition !== 'crossfade') {
		// Two concat filters rather than one with v=1:a=1, so the sound can be measured without the picture.
		const pads = (kind: string) => Array.from({ length: count }, (_, index) => `[${kind}${index}]`).join('');
		return { video: [`${pads('v')}concat=n=${count}:v=1:a=0[vcat]`], audio: [`${pads('a')}concat=n=${count}:v=0:a=1[acat]`] };
	}
	const chains: Chains = { video: [], audio: [] };
	const duration = seconds(timeline.transitionFrames, timeline.frameRate);
	const samples = samplesOf(timeline.transitionFrames, timeline.frameRate);
	for (let index = 1; index < count; index++) {
		const previousVideo = index === 1 ? '[v0]' : `[vx${index - 1}]`;
		const previousAudio = index === 1 ? '[a0]' : `[ax${index - 1}]`;
		const videoOut = index === count - 1 ? '[vcat]' : `[vx${index}]`;
		const audioOut = index === count - 1 ? '[acat]' : `[ax${index}]`;
		const offset = seconds(timeline.shots[index].startFrame, timeline.frameRate);
		chains.video.push(`${previousVideo}[v${index}]xfade=transition=fade:duration=${duration}:offset=${offset}${videoOut}`);
		chains.audio.push(`${previousAudio}[a${index}]acrossfade=ns=${samples}:c1=tri:c2=tri${audioOut}`);
	}
	return chains;
}

/**
 * The sound of the cut from `[acat]` to `[amix]`: the track (music under the clips, or a
 * voice-over the clips duck under) laid over the cut's length. Input `trackInput` is the track.
 */
export function trackChains(track: AudioTrackRequest | undefined, trackInput: number, totalSamples: number): string[] {
	if (!track) return ['[acat]anull[amix]'];
	const total = totalSamples / SAMPLE_RATE;
	const shape = [`[${trackInput}:a]asetpts=PTS-STARTPTS`, AUDIO_FORMAT, `volume=${track.levelDb}dB`, 'apad', `atrim=end_sample=${totalSamples}`];
	if (track.role === 'music' && total > 2 * MUSIC_FADE_SECONDS) shape.push(`afade=t=out:st=${(total - MUSIC_FADE_SECONDS).toFixed(6)}:d=${MUSIC_FADE_SECONDS}`);
	if (track.role === 'music') {
		return [`${shape.join(',')}[track]`, '[acat][track]amix=inputs=2:duration=first:normalize=0[amix]'];
	}
	return [
		`${shape.join(',')},asplit=2[voice][key]`,
		'[acat][key]sidechaincompress=threshold=0.03:ratio=8:attack=15:release=350[ducked]',
		'[ducked][voice]amix=inputs=2:duration=first:normalize=0[amix]',
	];
}

/** What the first pass measured, as EBU R128 defines it. */
export interface LoudnessMeasurement {
	integratedLufs: number;
	/** The relative gate of the integrated measurement. */
	thresholdLufs: number;
	loudnessRange: number;
	truePeakDb: number;
}

/**
 * `[amix]` to `[aout]`: loudnorm's second pass with the first pass's figures. Linear when the gain
 * keeps true peaks under the target (the mix keeps its dynamics); loudnorm falls back to its
 * dynamic mode when it would not.
 */
export function loudnessChain(target: LoudnessTarget | undefined, measured: LoudnessMeasurement | undefined): string {
	if (!target || !measured) return '[amix]anull[aout]';
	const { integratedLufs, truePeakDb, loudnessRange } = target;
	return (
		`[amix]loudnorm=I=${integratedLufs}:TP=${truePeakDb}:LRA=${loudnessRange}` +
		`:measured_I=${measured.integratedLufs}:measured_TP=${measured.truePeakDb}:measured_LRA=${measured.loudnessRange}` +
		`:measured_thresh=${measured.thresholdLufs}:linear=true,${AUDIO_FORMAT}[aout]`
	);
}

/**
 * The first pass measures with ebur128 rather than loudnorm's own first pass, whose figures run
 * about 1 LU low on short cuts (it leaves out the end of its look-ahead window).
 */
export const LOUDNESS_MEASURE_CHAIN = '[amix]ebur128=peak=true:framelog=verbose[aout]';

/** Reads the summary ebur128 prints at the end of ffmpeg's log. */
export function parseEbur128Summary(log: string): LoudnessMeasurement | undefined {
	const summary = log.slice(log.lastIndexOf('Summary:'));
	const figure = (pattern: RegExp) => {
		const match = pattern.exec(summary);
		return match ? (match[1] === '-inf' ? -Infinity : Number(match[1])) : undefined;
	};
	const integratedLufs = figure(/I:\s+(-?[\d.]+|-inf) LUFS/);
	const thresholdLufs = figure(/Integrated loudness:[\s\S]*?Threshold:\s+(-?[\d.]+|-inf) LUFS/);
	const loudnessRange = figure(/LRA:\s+(-?[\d.]+) LU/);
	const truePeakDb = figure(/Peak:\s+(-?[\d.]+|-inf) dBFS/);
	if (integratedLufs === undefined || thresholdLufs === undefined || loudnessRange === undefined || truePeakDb === undefined) return undefined;
	return { integratedLufs, thresholdLufs, loudnessRange, truePeakDb };
}

/** `[<input>]` to the picture of one output: scaled and cropped or padded to its size, captions burned in last. */
export function pictureChain(input: string, output: string, picture: OutputPicture | undefined, captionsFile: string | undefined): string {
	const steps: string[] = [];
	if (picture) {
		const { width, height, fit } = picture;
		steps.push(
			`scale=${width}:${height}:force_original_aspect_ratio=${fit === 'crop' ? 'increase' : 'decrease'}:force_divisible_by=2`,
			fit === 'crop' ? `crop=${width}:${height}` : `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`,
			'setsar=1',
		);
	}
	// Burned after cropping, so a portrait rendition does not cut the captions off at the sides.
	if (captionsFile) steps.push(`subtitles=filename=${captionsFile}:force_style='FontName=DejaVu Sans,Fontsize=20,Outline=2,Shadow=0,MarginV=24'`);
	return `${input}${steps.length ? steps.join(',') : 'null'}${output}`;
}

/** `[<input>]split` into one picture per output, each through `pictureChain`, to `[vout<i>]`. */
export function outputPictureChains(input: string, pictures: Array<OutputPicture | undefined>, captionsFile: string | undefined): string[] {
	if (pictures.length === 1) return [pictureChain(input, '[vout0]', pictures[0], captionsFile)];
	const branches = pictures.map((_, index) => `[vsplit${index}]`);
	return [`${input}split=${pictures.length}${branches.join('')}`, ...pictures.map((picture, index) => pictureChain(branches[index], `[vout${index}]`, picture, captionsFile))];
}

/** `[aout]` to one `[aout<i>]` per output. */
export function outputAudioChains(count: number): string[] {
	if (count === 1) return ['[aout]anull[aout0]'];
	return [`[aout]asplit=${count}${Array.from({ length: count }, (_, index) => `[aout${index}]`).join('')}`];
}

/**
 * The re-encoding path's graph up to the graded picture `[vgraded]` and the mixed sound `[amix]`,
 * picture and sound apart: loudness is measured on the sound alone, without decoding any picture.
 */
export function finishingGraph(sources: GraphSource[], timeline: Timeline, format: CutFormat, lutFile: string | undefined, track: AudioTrackRequest | undefined): Chains {
	const prepared = sourceChains(sources, timeline, format);
	const joined = joinChains(sources.length, timeline);
	const grade = lutFile ? `[vcat]lut3d=file=${lutFile}:interp=tetrahedral,format=yuv420p[vgraded]` : '[vcat]null[vgraded]';
	return {
		video: [...prepared.video, ...joined.video, grade],
		audio: [...prepared.audio, ...joined.audio, ...trackChains(track, sources.length, samplesOf(timeline.totalFrames, timeline.frameRate))],
	};
}

/** The sound of the copy path: the clips' sound as the concat demuxer joins it (input 0), laid to the cut's length. */
export function copiedSoundGraph(hasAudio: boolean, track: AudioTrackRequest | undefined, totalSamples: number): string[] {
	const base = hasAudio ? `[0:a]${AUDIO_FORMAT},apad,atrim=end_sample=${totalSamples}[acat]` : `anullsrc=r=${SAMPLE_RATE}:cl=stereo,atrim=end_sample=${totalSamples}[acat]`;
	return [base, ...trackChains(track, 1, totalSamples)];
}

const X264: Record<Quality, string[]> = {
	draft: ['-preset', 'ultrafast', '-crf', '24'],
	standard: ['-preset', 'veryfast', '-crf', '20'],
	high: ['-preset', 'medium', '-crf', '17'],
};

export function videoEncoderArgs(quality: Quality): string[] {
	return ['-c:v', 'libx264', ...X264[quality], '-pix_fmt', 'yuv420p', '-profile:v', 'high'];
}

export const AUDIO_ENCODER_ARGS = ['-c:a', 'aac', '-b:a', '192k', '-ar', String(SAMPLE_RATE)];
export const MP4_ARGS = ['-movflags', '+faststart'];
