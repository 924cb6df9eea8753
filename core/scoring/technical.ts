import type { DimensionScore, Resolution, VeoAspectRatio } from '../types';
import { SILENT_DB, type ClipMeasurements, type FrameStats } from './measurements';
import { round } from './numbers';

/**
 * Technical QA over measured numbers: is the clip the length and size that was asked for, does it
 * stay lit, moving and steady, does it hold one shot, does its sound work. Any defect makes the
 * clip unusable whatever else it gets right, so each one sends the clip back to generation.
 */

export type DefectKind =
	| 'unreadable'
	| 'damaged'
	| 'duration'
	| 'resolution'
	| 'black'
	| 'frozen'
	| 'flicker'
	| 'cut'
	| 'no_audio'
	| 'silent_audio'
	| 'clipping_audio';

export interface TechnicalDefect {
	kind: DefectKind;
	text: string;
	/** The part of the clip it affects, when it is not the whole clip. */
	fromSeconds?: number;
	toSeconds?: number;
}

export interface TechnicalExpectations {
	durationSeconds: number;
	aspectRatio: VeoAspectRatio;
	resolution: Resolution;
	expectAudio: boolean;
}

/** The confidence of measured technical facts: high, as they are measured rather than judged. */
const TECHNICAL_CONFIDENCE = 0.95;
/** Veo delivers the asked length to the frame; more than this off is a wrong or cut-short clip. */
const DURATION_TOLERANCE_SECONDS = 0.5;
/**
 * A frame this dark on average, with nearly all pixels dark and next to no structure, is black. A
 * night shot can be as dark on average, but its pixels differ from their neighbours (edges, lights,
 * texture): a black frame, even encoded, measures under 0.5 between neighbours; the night clips of
 * the development set 1.5-6.
 */
const BLACK_MEAN_LUMA = 20;
const BLACK_DARK_SHARE = 0.97;
const BLACK_MAX_STRUCTURE = 1;
/** Shorter black stretches are fades; longer ones are holes in the picture. */
const BLACK_MIN_SECONDS = 0.5;
/** Fewer pixels than this moving means the picture stands still; for this long, it froze. */
const FROZEN_MOTION_SHARE = 0.0005;
const FROZEN_MIN_SECONDS = 1;
/** Mean-luma jumps (0-255) that reverse direction this often within a second are flicker. */
const FLICKER_JUMP = 3;
const FLICKER_REVERSALS_PER_SECOND = 3;
/** A colour change this abrupt between frames, that then holds, is a cut to another shot. */
const CUT_CHANGE = 0.5;
const CUT_SETTLED_CHANGE = 0.25;
const CUT_HELD_CHANGE = 0.4;
/** Share of samples at full scale above which the sound audibly distorts. */
const CLIPPING_SHARE = 0.001;

const SIZES: Record<Resolution, [number, number]> = {
	'360p': [640, 360],
	'720p': [1280, 720],
	'1080p': [1920, 1080],
	'4k': [3840, 2160],
};

/** The frame size Veo and Gemini Omni deliver at this aspect ratio and resolution. */
export function expectedFrameSize(
	aspectRatio: VeoAspectRatio,
	resolution: Resolution,
): { width: number; height: number } {
	const [long, short] = SIZES[resolution];
	return aspectRatio === '9:16' ? { width: short, height: long } : { width: long, height: short };
}

interface Stretch {
	from: number;
	to: number;
}

/** Runs of consecutive frames for which `holds` is true, as [first, last] frame indexes. */
function stretches(
	frames: FrameStats[],
	holds: (frame: FrameStats, index: number) => boolean,
): Stretch[] {
	const found: Stretch[] = [];
	let start = -1;
	frames.forEach((frame, index) => {
		if (holds(frame, index)) {
			if (start < 0) start = index;
		} else if (start >= 0) {
			found.push({ from: start, to: index - 1 });
			start = -1;
		}
	});
	if (start >= 0) found.push({ from: start, to: frames.length - 1 });
	return found;
}

const seconds = (value: number) => `${value.toFixed(1)} s`;

function isBlack(frame: FrameStats): boolean {
	return (
		frame.meanLuma < BLACK_MEAN_LUMA &&
		frame.darkShare >= BLACK_DARK_SHARE &&
		frame.structure < BLACK_MAX_STRUCTURE
	);
}

function blackDefects(frames: FrameStats[], frameSeconds: number): TechnicalDefect[] {
	return stretches(frames, isBlack)
		.map(({ from, to }) => ({
			from: frames[from].atSeconds,
			to: frames[to].atSeconds + frameSeconds,
		}))
		.filter(({ from, to }) => to - from >= BLACK_MIN_SECONDS)
		.map(({ from, to }) => ({
			kind: 'black',
			text: `the picture is black from ${seconds(from)} to ${seconds(to)}`,
			fromSeconds: from,
			toSeconds: to,
		}));
}

function frozenDefects(
	frames: FrameStats[],
	frameSeconds: number,
	lagSeconds: number,
): TechnicalDefect[] {
	// Motion compares each frame with one `lagSeconds` earlier, so a still stretch began that much sooner.
	return stretches(frames, (frame) => frame.motionShare < FROZEN_MOTION_SHARE && !isBlack(frame))
		.map(({ from, to }) => ({
			from: Math.max(0, frames[from].atSeconds - lagSeconds),
			to: frames[to].atSeconds + frameSeconds,
		}))
		.filter(({ from, to }) => to - from >= FROZEN_MIN_SECONDS)
		.map(({ from, to }) => ({
			kind: 'frozen',
			text: `the picture freezes from ${seconds(from)} to ${seconds(to)}`,
			fromSeconds: from,
			toSeconds: to,
		}));
}

/** Frames where brightness jumps one way and straight back: the flicker of a faulty render. */
function reversals(frames: FrameStats[]): number[] {
	const found: number[] = [];
	for (let index = 1; index + 1 < frames.length; index++) {
		const jump = frames[index].meanLuma - frames[index - 1].meanLuma;
		const back = frames[index + 1].meanLuma - frames[index].meanLuma;
		if (
			Math.abs(jump) >= FLICKER_JUMP &&
			Math.abs(back) >= FLICKER_JUMP &&
			Math.sign(jump) !== Math.sign(back)
		)
			found.push(index);
	}
	return found;
}

function flickerDefects(
	frames: FrameStats[],
	frameRate: number,
): { defects: TechnicalDefect[]; flickering: Set<number> } {
	const found = reversals(frames);
	const flickering = new Set<number>();
	const window = Math.max(2, Math.round(frameRate));
	for (const index of found) {
		const within = found.filter((other) => other >= index && other < index + window);
		if (within.length >= FLICKER_REVERSALS_PER_SECOND) {
			for (let frame = index - 1; frame <= within[within.length - 1] + 1; frame++)
				flickering.add(frame);
		}
	}
	const defects = stretches(frames, (_, index) => flickering.has(index)).map(
		({ from, to }): TechnicalDefect => ({
			kind: 'flicker',
			text: `the brightness flickers from ${seconds(frames[from].atSeconds)} to ${seconds(frames[to].atSeconds)}`,
			fromSeconds: frames[from].atSeconds,
			toSeconds: frames[to].atSeconds,
		}),
	);
	return { defects, flickering };
}

/**
 * An abrupt change between two settled pictures: the frame before it follows its own predecessor,
 * and the frame after it resembles the new picture, not the old one (so a one-frame flash is no cut).
 */
function cutDefects(frames: FrameStats[], flickering: Set<number>): TechnicalDefect[] {
	const defects: TechnicalDefect[] = [];
	for (let index = 1; index + 1 < frames.length; index++) {
		const [before, at, after] = [frames[index - 1], frames[index], frames[index + 1]];
		if (flickering.has(index) || isBlack(before) || isBlack(at)) continue;
		const settledBefore = before.changeFromPrevious < CUT_SETTLED_CHANGE;
		const settledAfter =
			after.changeFromPrevious < CUT_SETTLED_CHANGE && after.changeFromTwoBefore >= CUT_HELD_CHANGE;
		if (at.changeFromPrevious >= CUT_CHANGE && settledBefore && settledAfter) {
			defects.push({
				kind: 'cut',
				text: `the clip cuts to another picture at ${seconds(at.atSeconds)}`,
				fromSeconds: at.atSeconds,
				toSeconds: at.atSeconds,
			});
		}
	}
	return defects;
}

function formatDefects(
	measured: ClipMeasurements,
	expected: TechnicalExpectations,
): TechnicalDefect[] {
	const defects: TechnicalDefect[] = [];
	if (Math.abs(measured.durationSeconds - expected.durationSeconds) > DURATION_TOLERANCE_SECONDS) {
		defects.push({
			kind: 'duration',
			text: `the clip is ${seconds(measured.durationSeconds)} long; the shot asks for ${expected.durationSeconds} s`,
		});
	}
	const size = expectedFrameSize(expected.aspectRatio, expected.resolution);
	const portrait = measured.height > measured.width;
	const aspectMatches =
		portrait === (expected.aspectRatio === '9:16') &&
		Math.abs(measured.width / measured.height - size.width / size.height) < 0.02;
	if (!aspectMatches || measured.width * measured.height < size.width * size.height) {
		defects.push({
			kind: 'resolution',
			text:
				`the clip is ${measured.width}x${measured.height}; ` +
				`the bible asks for ${expected.resolution} ${expected.aspectRatio} (${size.width}x${size.height})`,
		});
	}
	return defects;
}

function audioDefects(
	measured: ClipMeasurements,
	expected: TechnicalExpectations,
): TechnicalDefect[] {
	if (!measured.hasAudio) {
		return expected.expectAudio
			? [{ kind: 'no_audio', text: 'the clip has no sound track, though its model makes sound' }]
			: [];
	}
	const audio = measured.audio;
	if (!audio) return [];
	const defects: TechnicalDefect[] = [];
	if (expected.expectAudio && audio.rmsDb < SILENT_DB) {
		defects.push({
			kind: 'silent_audio',
			text: `the sound track is silent (level ${Number.isFinite(audio.rmsDb) ? `${audio.rmsDb.toFixed(0)} dB` : 'zero'})`,
		});
	}
	if (audio.clippedShare >= CLIPPING_SHARE) {
		defects.push({
			kind: 'clipping_audio',
			text: `the sound distorts: ${(audio.clippedShare * 100).toFixed(1)}% of it is cut off at full volume`,
		});
	}
	return defects;
}

export interface TechnicalVerdict {
	score: DimensionScore;
	defects: TechnicalDefect[];
}

/** Every technical defect of a measured clip, and the technical dimension's score. */
export function technicalVerdict(
	measured: ClipMeasurements,
	expected: TechnicalExpectations,
	motionLagSeconds: number,
): TechnicalVerdict {
	if (!measured.readable) {
		const defect: TechnicalDefect = {
			kind: 'unreadable',
			text: `the file cannot be played as video (${measured.problem ?? 'no frame decodes'})`,
		};
		return {
			defects: [defect],
			score: {
				drift: 1,
				confidence: TECHNICAL_CONFIDENCE,
				reasons: [defect.text],
				measures: { readable: false },
			},
		};
	}
	const frameSeconds = 1 / (measured.frameRate || 24);
	const { frames } = measured;
	const flicker = flickerDefects(frames, measured.frameRate || 24);
	const defects: TechnicalDefect[] = [
		...(measured.problem
			? [{ kind: 'damaged' as const, text: `the file is damaged: ${measured.problem}` }]
			: []),
		...formatDefects(measured, expected),
		...blackDefects(frames, frameSeconds),
		...frozenDefects(frames, frameSeconds, motionLagSeconds),
		...flicker.defects,
		...cutDefects(frames, flicker.flickering),
		...audioDefects(measured, expected),
	];
	const measures: Record<string, number | string | boolean> = {
		durationSeconds: round(measured.durationSeconds, 2),
		size: `${measured.width}x${measured.height}`,
		frameRate: round(measured.frameRate, 2),
		framesDecoded: frames.length,
		hasAudio: measured.hasAudio,
	};
	if (measured.audio) {
		measures.audioRmsDb = Number.isFinite(measured.audio.rmsDb)
			? round(measured.audio.rmsDb, 1)
			: 'silence';
		measures.audioClippedShare = round(measured.audio.clippedShare, 5);
	}
	return {
		defects,
		score: {
			drift: defects.length ? 1 : 0,
			confidence: TECHNICAL_CONFIDENCE,
			reasons: defects.length
				? defects.map((defect) => defect.text)
				: ['plays cleanly at the asked length and size'],
			measures,
		},
	};
}
