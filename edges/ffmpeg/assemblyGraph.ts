import type { CutFormat } from '../../core/assembly/path';
import type { TimelinePiece } from '../../core/assembly/timeline';
import type {
	AudioTrackRequest,
	LoudnessTarget,
	Quality,
	RenditionFit,
} from '../../core/assembly/types';

/**
 * ffmpeg filter graphs for assembly, as text. Every file a filter reads (LUT, captions, slate
 * titles) is named by the caller inside its working folder and passed relative to it, so nothing
 * from users is ever spliced into the graph.
 */

export const SAMPLE_RATE = 48_000;
const AUDIO_FORMAT = `aresample=${SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo`;
/** Seconds over which music fades out at the end of the cut. */
const MUSIC_FADE_SECONDS = 2;

export type GraphSource =
	| { kind: 'clip'; hasAudio: boolean }
	| { kind: 'slate'; titleFile: string };

export interface OutputPicture {
	width: number;
	height: number;
	fit: RenditionFit;
}

export const samplesOf = (frames: number, frameRate: number) =>
	Math.round((frames / frameRate) * SAMPLE_RATE);
const seconds = (frames: number, frameRate: number) => (frames / frameRate).toFixed(6);

/** One use of an input in a run: which frames of its shot go to which piece. */
interface InputUse {
	piece: number;
	slot: number;
	fromFrame: number;
	toFrame: number;
}

/** Input `input` at the cut's rate, split into the frame ranges its uses need, each at the cut's size, to `[pv<piece>_<slot>]`. */
function inputVideo(
	input: number,
	source: GraphSource,
	format: CutFormat,
	uses: InputUse[],
): string[] {
	const { width, height, frameRate } = format;
	const head = ['setpts=PTS-STARTPTS'];
	if (source.kind === 'slate') {
		const size = Math.max(8, Math.round(height / 18));
		head.push(
			`drawtext=textfile=${source.titleFile}:expansion=none:fontcolor=white:fontsize=${size}:` +
				`line_spacing=${Math.round(size / 3)}:x=(w-text_w)/2:y=(h-text_h)/2`,
		);
	}
	// A clip a frame short after rate conversion holds its last frame, so every shot has its full length.
	head.push(`fps=${frameRate}`, 'tpad=stop_mode=clone:stop=2');
	const branches = uses.map((use) => `[in${input}_${use.piece}]`);
	const chains = [
		`[${input}:v]${head.join(',')}${uses.length > 1 ? `,split=${uses.length}` : ''}${branches.join('')}`,
	];
	for (const [index, use] of uses.entries()) {
		// Cut before scaling: frames outside the piece are decoded, but no more work is spent on them.
		chains.push(
			`${branches[index]}trim=start_frame=${use.fromFrame}:end_frame=${use.toFrame},setpts=PTS-STARTPTS,` +
				`scale=${width}:${height}:force_original_aspect_ratio=decrease,` +
				`pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p[pv${use.piece}_${use.slot}]`,
		);
	}
	return chains;
}

/** The same ranges of the input's sound as stereo at 48 kHz (silence for slates and silent clips), to `[pa<piece>_<slot>]`. */
function inputAudio(
	input: number,
	source: GraphSource,
	frameRate: number,
	uses: InputUse[],
): string[] {
	const range = (use: InputUse) => [
		samplesOf(use.fromFrame, frameRate),
		samplesOf(use.toFrame, frameRate),
	];
	if (source.kind !== 'clip' || !source.hasAudio) {
		return uses.map(
			(use) =>
				`anullsrc=r=${SAMPLE_RATE}:cl=stereo,atrim=end_sample=${range(use)[1] - range(use)[0]}[pa${use.piece}_${use.slot}]`,
		);
	}
	const branches = uses.map((use) => `[ain${input}_${use.piece}]`);
	return [
		`[${input}:a]asetpts=PTS-STARTPTS,${AUDIO_FORMAT},apad${uses.length > 1 ? `,asplit=${uses.length}` : ''}${branches.join('')}`,
		...uses.map(
			(use, index) =>
				`${branches[index]}atrim=start_sample=${range(use)[0]}:end_sample=${range(use)[1]},` +
				`asetpts=PTS-STARTPTS[pa${use.piece}_${use.slot}]`,
		),
	];
}

export interface RunGraphRequest {
	/** Consecutive pieces rendered by one ffmpeg run. */
	pieces: TimelinePiece[];
	/** The shots the run reads, one input each, in input order. */
	shots: number[];
	/** The source of each shot of `shots`. */
	sources: GraphSource[];
	format: CutFormat;
	lutFile?: string;
	/** The master (undefined: the cut's own picture) and the renditions. */
	pictures: Array<OutputPicture | undefined>;
	captionsFile?: string;
}

/**
 * Some pieces of the cut from the shots they share: each piece's picture for every output to
 * `[vout<piece>_<output>]` and its sound to `[aout<piece>]`. A dissolve is xfade/acrossfade of
 * exactly the overlapping frames; fades through black fade a piece's own ends; the grade and the
 * captions are applied here, so no later step re-encodes.
 */
export function runGraph(request: RunGraphRequest): string[] {
	const { pieces, shots, sources, format, lutFile } = request;
	const frameRate = format.frameRate;
	const chains: string[] = [];
	shots.forEach((shotIndex, input) => {
		const uses = pieces.flatMap((piece, pieceIndex) =>
			piece.shots.flatMap((shot, slot) =>
				shot.index === shotIndex
					? [{ piece: pieceIndex, slot, fromFrame: shot.fromFrame, toFrame: shot.toFrame }]
					: [],
			),
		);
		chains.push(
			...inputVideo(input, sources[input], format, uses),
			...inputAudio(input, sources[input], frameRate, uses),
		);
	});
	pieces.forEach((piece, index) => {
		if (piece.shots.length === 2) {
			chains.push(
				`[pv${index}_0][pv${index}_1]xfade=transition=fade:duration=${seconds(piece.frames, frameRate)}:offset=0[vpiece${index}]`,
			);
			chains.push(
				`[pa${index}_0][pa${index}_1]acrossfade=ns=${samplesOf(piece.frames, frameRate)}:c1=tri:c2=tri[aout${index}]`,
			);
		} else {
			const video: string[] = [];
			const audio: string[] = [];
			if (piece.fadeInFrames) {
				video.push(`fade=t=in:s=0:n=${piece.fadeInFrames}`);
				audio.push(`afade=t=in:d=${seconds(piece.fadeInFrames, frameRate)}`);
			}
			if (piece.fadeOutFrames) {
				video.push(`fade=t=out:s=${piece.frames - piece.fadeOutFrames}:n=${piece.fadeOutFrames}`);
				audio.push(
					`afade=t=out:st=${seconds(piece.frames - piece.fadeOutFrames, frameRate)}:d=${seconds(piece.fadeOutFrames, frameRate)}`,
				);
			}
			chains.push(
				`[pv${index}_0]${video.length ? video.join(',') : 'null'}[vpiece${index}]`,
				`[pa${index}_0]${audio.length ? audio.join(',') : 'anull'}[aout${index}]`,
			);
		}
		// lut3d has SIMD code for planar float only: twice as fast as on 8-bit RGB, and no rounding between steps.
		chains.push(
			lutFile
				? `[vpiece${index}]format=gbrpf32le,lut3d=file=${lutFile}:interp=tetrahedral,format=yuv420p[vgraded${index}]`
				: `[vpiece${index}]null[vgraded${index}]`,
		);
		chains.push(
			...outputPictureChains(
				`[vgraded${index}]`,
				request.pictures,
				request.captionsFile,
				Number(seconds(piece.startFrame, frameRate)),
				`${index}_`,
			),
		);
	});
	return chains;
}

/**
 * The sound of the cut from `[acat]` to `[amix]`: the track (music under the clips, or a
 * voice-over the clips duck under) laid over the cut's length. Input `trackInput` is the track.
 */
export function trackChains(
	track: AudioTrackRequest | undefined,
	trackInput: number,
	totalSamples: number,
): string[] {
	if (!track) return ['[acat]anull[amix]'];
	const total = totalSamples / SAMPLE_RATE;
	const shape = [
		`[${trackInput}:a]asetpts=PTS-STARTPTS`,
		AUDIO_FORMAT,
		`volume=${track.levelDb}dB`,
		'apad',
		`atrim=end_sample=${totalSamples}`,
	];
	if (track.role === 'music' && total > 2 * MUSIC_FADE_SECONDS)
		shape.push(`afade=t=out:st=${(total - MUSIC_FADE_SECONDS).toFixed(6)}:d=${MUSIC_FADE_SECONDS}`);
	if (track.role === 'music') {
		return [
			`${shape.join(',')}[track]`,
			'[acat][track]amix=inputs=2:duration=first:normalize=0[amix]',
		];
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
export function loudnessChain(
	target: LoudnessTarget | undefined,
	measured: LoudnessMeasurement | undefined,
): string {
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
	if (
		integratedLufs === undefined ||
		thresholdLufs === undefined ||
		loudnessRange === undefined ||
		truePeakDb === undefined
	)
		return undefined;
	return { integratedLufs, thresholdLufs, loudnessRange, truePeakDb };
}

/**
 * `[<input>]` to the picture of one output: scaled and cropped or padded to its size, captions
 * burned in last. `captionsAtSeconds` is where the input starts in the cut: captions are timed on
 * the cut, so the frames are shifted there and back around the subtitles filter.
 */
export function pictureChain(
	input: string,
	output: string,
	picture: OutputPicture | undefined,
	captionsFile: string | undefined,
	captionsAtSeconds = 0,
): string {
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
	if (captionsFile) {
		steps.push(
			`setpts=PTS+${captionsAtSeconds}/TB`,
			`subtitles=filename=${captionsFile}:force_style='FontName=DejaVu Sans,Fontsize=20,Outline=2,Shadow=0,MarginV=24'`,
			'setpts=PTS-STARTPTS',
		);
	}
	return `${input}${steps.length ? steps.join(',') : 'null'}${output}`;
}

/** `[<input>]split` into one picture per output, each through `pictureChain`, to `[vout<prefix><i>]`. */
export function outputPictureChains(
	input: string,
	pictures: Array<OutputPicture | undefined>,
	captionsFile: string | undefined,
	captionsAtSeconds = 0,
	prefix = '',
): string[] {
	if (pictures.length === 1)
		return [pictureChain(input, `[vout${prefix}0]`, pictures[0], captionsFile, captionsAtSeconds)];
	const branches = pictures.map((_, index) => `[vsplit${prefix}${index}]`);
	return [
		`${input}split=${pictures.length}${branches.join('')}`,
		...pictures.map((picture, index) =>
			pictureChain(
				branches[index],
				`[vout${prefix}${index}]`,
				picture,
				captionsFile,
				captionsAtSeconds,
			),
		),
	];
}

/**
 * The cut's sound from input 0 (the clips, or the rendered pieces' sound, joined by the concat
 * demuxer) to `[amix]`, laid to the cut's length, with the track (input 1) mixed in.
 */
export function soundGraph(
	hasAudio: boolean,
	track: AudioTrackRequest | undefined,
	totalSamples: number,
): string[] {
	const base = hasAudio
		? `[0:a]${AUDIO_FORMAT},apad,atrim=end_sample=${totalSamples}[acat]`
		: `anullsrc=r=${SAMPLE_RATE}:cl=stereo,atrim=end_sample=${totalSamples}[acat]`;
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
/** Bytes of index per sample reserved at the front: ffmpeg's index takes about 10 (sizes, times, chunk offsets). */
const MOOV_BYTES_PER_SAMPLE = 40;

/**
 * The index (moov) at the front of the file, so players and upload pages can start before the end
 * arrives. Space is reserved for it up front rather than with +faststart, which rewrites the whole
 * file in a second pass: for a 90-minute film that doubles what is written. About 1% of the file
 * is left as a `free` box.
 */
export function mp4Args(frames: number, frameRate: number, shots: number): string[] {
	const audioPackets = Math.ceil((frames / frameRate) * (SAMPLE_RATE / 1024));
	return [
		'-moov_size',
		String(MOOV_BYTES_PER_SAMPLE * (frames + audioPackets + 4 * shots) + 65_536),
	];
}
