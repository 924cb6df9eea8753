import { HISTOGRAM_CELLS, histogramCell, histogramDistance, type Frame } from './similarity';

/**
 * What is measured of a clip in one decoding pass, and the accumulators that measure it as the
 * decoder streams frames and audio samples in. Only a few frames are kept (for the look scorers
 * and the contact sheet); of the others only a handful of numbers each.
 */

export interface FrameStats {
	atSeconds: number;
	/** Mean luma, 0-255. */
	meanLuma: number;
	/** Share of pixels darker than DARK_LUMA. */
	darkShare: number;
	/**
	 * Mean luma difference between neighbouring pixels (0-255): how much structure the picture has.
	 * A black frame has none; a dark night shot still has edges, lights and texture.
	 */
	structure: number;
	/** Colour-histogram distance (0-1) to the previous frame, and to the one before that. */
	changeFromPrevious: number;
	changeFromTwoBefore: number;
	/** Share of pixels visibly changed since the frame MOTION_LAG_SECONDS earlier. */
	motionShare: number;
}

export interface AudioLevels {
	/** Root-mean-square level of the whole track, dBFS (-Infinity for digital silence). */
	rmsDb: number;
	peakDb: number;
	/** Share of samples at full scale: the waveform was cut off there. */
	clippedShare: number;
	/** Share of 50 ms windows quieter than SILENT_DB. */
	silentShare: number;
	samples: number;
}

export interface ClipMeasurements {
	/** False when no frame could be decoded; `problem` says why. */
	readable: boolean;
	/** Why the file is damaged or unreadable (the decoder's first complaint). */
	problem?: string;
	durationSeconds: number;
	width: number;
	height: number;
	frameRate: number;
	hasAudio: boolean;
	frames: FrameStats[];
	/** Frames spread evenly over the clip, for the look scorers and the contact sheet. */
	samples: Frame[];
	/** Larger frames, for scorers that find faces and objects, when a scorer asked for them. */
	detail?: Frame[];
	first?: Frame;
	last?: Frame;
	audio?: AudioLevels;
	sizeBytes: number;
}

/** A pixel this dark (luma) reads as black. */
const DARK_LUMA = 28;
/** Luma change a pixel needs to count as moved: above what compression noise does to small frames. */
const MOTION_PIXEL_DELTA = 6;
/** Motion is measured against a frame this far back, so slow movement adds up to visible change. */
export const MOTION_LAG_SECONDS = 0.25;

/** Times at which to keep a frame: the middles of `count` equal parts of the clip. */
export function sampleTimes(durationSeconds: number, count: number): number[] {
	return Array.from({ length: count }, (_, index) => ((index + 0.5) * durationSeconds) / count);
}

/** Frames a scorer needs at a larger size than the look scorers': how many, and their longest side. */
export interface DetailRequest {
	count: number;
	maxSide: number;
}

/** Which decoded frames (by index) are nearest the middles of `count` equal parts of the clip, each once. */
export function sampleFrameIndices(
	durationSeconds: number,
	count: number,
	frameRate: number,
): number[] {
	return [
		...new Set(
			sampleTimes(durationSeconds, count).map((seconds) =>
				Math.max(0, Math.ceil(seconds * frameRate - 0.5)),
			),
		),
	];
}

/** Per-frame statistics, fed one decoded frame at a time. */
export class FrameAnalyser {
	readonly frames: FrameStats[] = [];
	readonly samples: Frame[] = [];
	first?: Frame;
	last?: Frame;
	private readonly histograms: Float64Array[] = [];
	private readonly lumas: Uint8Array[] = [];
	private readonly lag: number;
	private nextSample = 0;

	constructor(
		readonly width: number,
		readonly height: number,
		readonly frameRate: number,
		private readonly keepAt: number[],
	) {
		this.lag = Math.max(1, Math.round(MOTION_LAG_SECONDS * frameRate));
	}

	push(rgb: Uint8Array): void {
		const atSeconds = this.frames.length / this.frameRate;
		const frame: Frame = { atSeconds, width: this.width, height: this.height, rgb };
		// One pass over the pixels for everything measured per frame: this runs for every frame decoded.
		const pixels = rgb.length / 3;
		const luma = new Uint8Array(pixels);
		const counts = new Int32Array(HISTOGRAM_CELLS);
		let sum = 0;
		let dark = 0;
		for (let pixel = 0, offset = 0; pixel < pixels; pixel++, offset += 3) {
			const r = rgb[offset];
			const g = rgb[offset + 1];
			const b = rgb[offset + 2];
			const value = (77 * r + 150 * g + 29 * b) >> 8;
			luma[pixel] = value;
			sum += value;
			dark += value < DARK_LUMA ? 1 : 0;
			counts[histogramCell(r, g, b)]++;
		}
		// Structure: differences to the right and below neighbour, on every other row and column (cheap, enough).
		const { width, height } = this;
		let edges = 0;
		let pairs = 0;
		for (let y = 0; y + 1 < height; y += 2) {
			for (let x = 0, index = y * width; x + 1 < width; x += 2, index += 2) {
				edges +=
					Math.abs(luma[index] - luma[index + 1]) + Math.abs(luma[index] - luma[index + width]);
				pairs += 2;
			}
		}
		const histogram = Float64Array.from(counts, (count) => count / pixels);
		const before =
			this.lumas.length >= this.lag ? this.lumas[this.lumas.length - this.lag] : undefined;
		let moved = 0;
		if (before) {
			for (let pixel = 0; pixel < pixels; pixel++) {
				const change = luma[pixel] - before[pixel];
				if (change > MOTION_PIXEL_DELTA || change < -MOTION_PIXEL_DELTA) moved++;
			}
		}
		const [previous, twoBefore] = [
			this.histograms[this.histograms.length - 1],
			this.histograms[this.histograms.length - 2],
		];
		this.frames.push({
			atSeconds,
			meanLuma: sum / pixels,
			darkShare: dark / pixels,
			structure: pairs ? edges / pairs : 0,
			changeFromPrevious: previous ? histogramDistance(previous, histogram) : 0,
			changeFromTwoBefore: twoBefore ? histogramDistance(twoBefore, histogram) : 0,
			motionShare: before ? moved / pixels : 1,
		});
		this.histograms.push(histogram);
		if (this.histograms.length > 2) this.histograms.shift();
		this.lumas.push(luma);
		if (this.lumas.length > this.lag) this.lumas.shift();

		this.first ??= frame;
		this.last = frame;
		while (
			this.nextSample < this.keepAt.length &&
			atSeconds + 0.5 / this.frameRate >= this.keepAt[this.nextSample]
		) {
			if (this.samples[this.samples.length - 1] !== frame) this.samples.push(frame);
			this.nextSample += 1;
		}
	}
}

/** A 50 ms window quieter than this (dBFS) is silence. */
export const SILENT_DB = -60;
const CLIPPED_LEVEL = 0.999;
const AUDIO_WINDOW_SECONDS = 0.05;

function toDb(level: number): number {
	return level > 0 ? 20 * Math.log10(level) : -Infinity;
}

/** Sound levels, fed interleaved float samples (-1 to 1) as the decoder delivers them. */
export class AudioAnalyser {
	private sumSquares = 0;
	private peak = 0;
	private clipped = 0;
	private count = 0;
	private windowSquares = 0;
	private windowCount = 0;
	private windows = 0;
	private silentWindows = 0;
	private readonly windowSize: number;

	constructor(sampleRate: number, channels: number) {
		this.windowSize = Math.max(1, Math.round(sampleRate * channels * AUDIO_WINDOW_SECONDS));
	}

	push(samples: ArrayLike<number>): void {
		for (let index = 0; index < samples.length; index++) {
			const sample = samples[index];
			const magnitude = Math.abs(sample);
			this.sumSquares += sample * sample;
			this.windowSquares += sample * sample;
			if (magnitude > this.peak) this.peak = magnitude;
			if (magnitude >= CLIPPED_LEVEL) this.clipped += 1;
			this.count += 1;
			if (++this.windowCount === this.windowSize) this.closeWindow();
		}
	}

	private closeWindow(): void {
		this.windows += 1;
		if (toDb(Math.sqrt(this.windowSquares / this.windowCount)) < SILENT_DB) this.silentWindows += 1;
		this.windowSquares = 0;
		this.windowCount = 0;
	}

	finish(): AudioLevels {
		if (this.windowCount) this.closeWindow();
		return {
			rmsDb: this.count ? toDb(Math.sqrt(this.sumSquares / this.count)) : -Infinity,
			peakDb: toDb(this.peak),
			clippedShare: this.count ? this.clipped / this.count : 0,
			silentShare: this.windows ? this.silentWindows / this.windows : 1,
			samples: this.count,
		};
	}
}
