import { InvalidInputError } from '../failures';
import type { TransitionKind } from './types';

/**
 * Timeline maths in whole frames, so the cut, the edit lists and the captions agree to the frame.
 *
 * A crossfade overlaps the end of one shot with the start of the next: the cut is shorter by the
 * transition's length at every join. A fade through black fades the outgoing shot out over the
 * first half of the transition's length and the incoming one in over the second half, without
 * overlap: the cut keeps its length.
 */

export interface TimelineShot {
	/** Where the shot starts and ends on the cut, in frames (end exclusive). */
	startFrame: number;
	endFrame: number;
	frames: number;
}

export interface Timeline {
	frameRate: number;
	transition: TransitionKind;
	/** Overlap at each join (crossfade), or the length of each fade (fade through black), in frames. */
	transitionFrames: number;
	shots: TimelineShot[];
	totalFrames: number;
}

export function framesOf(seconds: number, frameRate: number): number {
	return Math.round(seconds * frameRate);
}

export function secondsOf(frames: number, frameRate: number): number {
	return frames / frameRate;
}

/**
 * Lays the shots end to end. `labels` name the shots in errors ("shot-03 is 0.4 s long, shorter
 * than two 0.5 s crossfades").
 */
export function buildTimeline(
	durationsSeconds: number[],
	labels: string[],
	frameRate: number,
	transition: { kind: TransitionKind; durationSeconds: number },
): Timeline {
	const frames = durationsSeconds.map((seconds) => Math.max(1, framesOf(seconds, frameRate)));
	const transitionFrames =
		transition.kind === 'cut' || frames.length < 2
			? 0
			: Math.max(1, framesOf(transition.durationSeconds, frameRate));
	if (transition.kind === 'crossfade') {
		// A shot in the middle gives frames to the join before it and the one after it.
		const tooShort = frames.findIndex(
			(count, index) =>
				count < transitionFrames * ((index > 0 ? 1 : 0) + (index < frames.length - 1 ? 1 : 0)) + 1,
		);
		if (tooShort >= 0 && transitionFrames > 0) {
			throw new InvalidInputError(
				[
					{
						path: 'transitionDuration',
						message:
							`${labels[tooShort]} is ${durationsSeconds[tooShort].toFixed(2)} s long, ` +
							`too short for ${transition.durationSeconds} s crossfades at both ends`,
					},
				],
				'Shorten the transition, or use cuts.',
			);
		}
	}
	const fadeFrames = transition.kind === 'fadeThroughBlack' ? Math.floor(transitionFrames / 2) : 0;
	if (fadeFrames > 0) {
		const tooShort = frames.findIndex((count) => count < transitionFrames);
		if (tooShort >= 0) {
			throw new InvalidInputError(
				[
					{
						path: 'transitionDuration',
						message:
							`${labels[tooShort]} is ${durationsSeconds[tooShort].toFixed(2)} s long, ` +
							`shorter than the ${transition.durationSeconds} s fade`,
					},
				],
				'Shorten the transition, or use cuts.',
			);
		}
	}
	const overlap = transition.kind === 'crossfade' ? transitionFrames : 0;
	const shots: TimelineShot[] = [];
	let start = 0;
	for (const count of frames) {
		shots.push({ startFrame: start, endFrame: start + count, frames: count });
		start += count - overlap;
	}
	const last = shots[shots.length - 1];
	return {
		frameRate,
		transition: transitionFrames ? transition.kind : 'cut',
		transitionFrames: transition.kind === 'fadeThroughBlack' ? fadeFrames : transitionFrames,
		shots,
		totalFrames: last ? last.endFrame : 0,
	};
}

/** Frames per second as timecode counts them: whole frames (non-drop-frame). */
export function timecodeBase(frameRate: number): number {
	return Math.max(1, Math.round(frameRate));
}

/** `HH:MM:SS:FF`, non-drop-frame. */
export function timecode(frames: number, frameRate: number): string {
	const base = timecodeBase(frameRate);
	const pad = (value: number) => String(value).padStart(2, '0');
	const totalSeconds = Math.floor(frames / base);
	return (
		`${pad(Math.floor(totalSeconds / 3600))}:${pad(Math.floor(totalSeconds / 60) % 60)}:${pad(totalSeconds % 60)}:` +
		`${pad(frames % base)}`
	);
}

/** The part of a shot no transition covers, in seconds: where its caption can stand. */
export function clearSpanSeconds(
	timeline: Timeline,
	index: number,
): { start: number; end: number } {
	const shot = timeline.shots[index];
	const overlap = timeline.transition === 'crossfade' ? timeline.transitionFrames : 0;
	const start = shot.startFrame + (index > 0 ? overlap : 0);
	const end = shot.endFrame - (index < timeline.shots.length - 1 ? overlap : 0);
	return { start: secondsOf(start, timeline.frameRate), end: secondsOf(end, timeline.frameRate) };
}

/**
 * A stretch of the cut rendered on its own: one shot's frames, or (for a crossfade) the end of one
 * shot dissolving into the start of the next. Pieces follow each other exactly, so rendering them
 * one at a time and joining the results gives the whole cut with one or two clips open at once.
 */
export interface TimelinePiece {
	startFrame: number;
	frames: number;
	/** The shots the piece shows and which of their frames (end exclusive); two for a dissolve. */
	shots: Array<{ index: number; fromFrame: number; toFrame: number }>;
	fadeInFrames: number;
	fadeOutFrames: number;
}

export function timelinePieces(timeline: Timeline): TimelinePiece[] {
	const last = timeline.shots.length - 1;
	if (timeline.transition !== 'crossfade') {
		const fade = timeline.transition === 'fadeThroughBlack' ? timeline.transitionFrames : 0;
		return timeline.shots.map((shot, index) => ({
			startFrame: shot.startFrame,
			frames: shot.frames,
			shots: [{ index, fromFrame: 0, toFrame: shot.frames }],
			fadeInFrames: index > 0 ? fade : 0,
			fadeOutFrames: index < last ? fade : 0,
		}));
	}
	const overlap = timeline.transitionFrames;
	const pieces: TimelinePiece[] = [];
	timeline.shots.forEach((shot, index) => {
		if (index > 0) {
			const previous = timeline.shots[index - 1];
			pieces.push({
				startFrame: shot.startFrame,
				frames: overlap,
				shots: [
					{ index: index - 1, fromFrame: previous.frames - overlap, toFrame: previous.frames },
					{ index, fromFrame: 0, toFrame: overlap },
				],
				fadeInFrames: 0,
				fadeOutFrames: 0,
			});
		}
		const fromFrame = index > 0 ? overlap : 0;
		const toFrame = index < last ? shot.frames - overlap : shot.frames;
		pieces.push({
			startFrame: shot.startFrame + fromFrame,
			frames: toFrame - fromFrame,
			shots: [{ index, fromFrame, toFrame }],
			fadeInFrames: 0,
			fadeOutFrames: 0,
		});
	});
	return pieces;
}
