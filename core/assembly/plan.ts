import type { EditSource } from './editLists';
import { aspectSuffix, renditionSize } from './options';
import { cutFormat, decidePath, type CutFormat, type PathDecision } from './path';
import { dialogueCues, type Cue } from './srt';
import { buildTimeline, clearSpanSeconds, secondsOf, type Timeline } from './timeline';
import {
	slotShotId,
	type AssemblyOptions,
	type ClipFacts,
	type PipelineCut,
	type RenditionRequest,
} from './types';

/**
 * Everything about a cut that can be decided before ffmpeg runs: its size and frame rate, fast or
 * finishing path, where each shot sits to the frame, the captions, the renditions, the poster.
 */

export interface PlannedRendition extends RenditionRequest {
	width: number;
	height: number;
	/** `9x16`: for binary property and file names. */
	suffix: string;
}

export interface CutPlan {
	format: CutFormat;
	decision: PathDecision;
	timeline: Timeline;
	cues?: Cue[];
	renditions: PlannedRendition[];
	posterAtSeconds: number;
	notes: string[];
	editSources: EditSource[];
}

export interface PlanInputs {
	/** Per slot: what the probe found (undefined for slates). */
	facts: Array<ClipFacts | undefined>;
	/** Per slot: the clip's file name as the editor will see it. */
	clipNames: string[];
	/** The parsed SRT, when captions come from SRT (parsed before any clip is touched). */
	srtCues?: Cue[];
}

export function planCut(cut: PipelineCut, options: AssemblyOptions, inputs: PlanInputs): CutPlan {
	const clipFacts = inputs.facts.filter((facts): facts is ClipFacts => Boolean(facts));
	const format = cutFormat(clipFacts, options, cut.bible.style);
	const durations = cut.slots.map((slot, index) =>
		slot.kind === 'clip' ? inputs.facts[index]!.durationSeconds : slot.durationSeconds,
	);
	const timeline = buildTimeline(
		durations,
		cut.slots.map(slotShotId),
		format.frameRate,
		options.transition,
	);

	let cues: Cue[] | undefined;
	const captions = options.captions;
	if (captions?.source === 'dialogue') {
		cues = dialogueCues(
			cut.slots.map((slot, index) => {
				const span = clearSpanSeconds(timeline, index);
				return { dialogue: slot.shot?.dialogue, startSeconds: span.start, endSeconds: span.end };
			}),
		);
	} else if (captions) {
		cues = inputs.srtCues;
	}

	const notes: string[] = [];
	if (captions?.source === 'dialogue' && !cues?.length)
		notes.push(
			'captions from dialogue were asked for, but no shot has dialogue: none were burned in',
		);
	const decision = decidePath(
		cut.slots,
		inputs.facts,
		cues?.length ? options : { ...options, captions: undefined },
		format,
	);

	const first = timeline.shots[0];
	const posterAtSeconds = Math.min(
		options.posterAtSeconds ?? secondsOf(first.startFrame + first.frames / 2, timeline.frameRate),
		Math.max(0, secondsOf(timeline.totalFrames - 1, timeline.frameRate)),
	);
	return {
		format,
		decision,
		timeline,
		cues: cues?.length ? cues : undefined,
		renditions: options.renditions.map((rendition) => ({
			...rendition,
			...renditionSize(rendition),
			suffix: aspectSuffix(rendition.aspectRatio),
		})),
		posterAtSeconds,
		notes,
		editSources: cut.slots.map((slot, index) =>
			slot.kind === 'clip'
				? { shotId: slot.shot.id, takeId: slot.take.id, name: inputs.clipNames[index] }
				: { shotId: slot.shotId, name: inputs.clipNames[index], slateReason: slot.reason },
		),
	};
}

function wrap(text: string, width: number, maxLines: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		if (line && line.length + 1 + word.length > width) {
			lines.push(line);
			line = '';
		}
		line = line ? `${line} ${word}` : word;
	}
	if (line) lines.push(line);
	return lines.length > maxLines
		? [...lines.slice(0, maxLines - 1), `${lines[maxLines - 1]}...`]
		: lines;
}

/** The text on a slate: which shot is missing and why, wrapped to fit a 16:9 or 9:16 frame. */
export function slateText(
	slot: { shotId: string; shot?: { sequence: number; description: string }; reason: string },
	portrait: boolean,
): string {
	const width = portrait ? 24 : 44;
	const heading = slot.shot ? `Shot ${slot.shot.sequence} (${slot.shotId})` : slot.shotId;
	return [
		heading,
		'NOT APPROVED',
		'',
		...wrap(slot.reason, width, 3),
		'',
		...wrap(slot.shot?.description ?? '', width, 2),
	]
		.join('\n')
		.trim();
}
