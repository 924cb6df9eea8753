import { InvalidInputError, type Problem } from '../failures';
import type { SceneBible, Shot, ShotItem, Take } from '../types';

/**
 * What Assemble works with: the shot items of one or more pipelines in, one cut per pipeline out.
 * Plain data; ffmpeg and n8n stay outside.
 */

export type TransitionKind = 'cut' | 'crossfade' | 'fadeThroughBlack';
export type RenditionAspect = '16:9' | '9:16' | '1:1' | '4:5';
export type RenditionFit = 'crop' | 'pad';
export type Quality = 'draft' | 'standard' | 'high';

export interface RenditionRequest {
	aspectRatio: RenditionAspect;
	fit: RenditionFit;
	/** Pixels of the shorter side: 1080 gives 1920x1080, 1080x1920, 1080x1080 or 1080x1350. */
	shortSide: number;
}

export interface AudioTrackRequest {
	binaryProperty: string;
	/** Music plays under the clips' own sound; a voice-over ducks the clips' sound while it speaks. */
	role: 'music' | 'voiceOver';
	/** Gain applied to the track, in dB. */
	levelDb: number;
	loop: boolean;
}

export type CaptionRequest =
	| { source: 'dialogue' }
	| { source: 'srtText'; text: string }
	| { source: 'srtBinary'; binaryProperty: string };

export interface LoudnessTarget {
	integratedLufs: number;
	truePeakDb: number;
	loudnessRange: number;
}

export interface AssemblyOptions {
	/** Where the newest take's clip is when its recorded binary property is gone (see `findTakeClip`). */
	clipProperty: string;
	missingShots: 'fail' | 'slate';
	/** Take ids that win over the newest approved take of their shot. */
	takeOverrides: string[];
	transition: { kind: TransitionKind; durationSeconds: number };
	/** Normalise every clip to this size and frame rate; by default the clips' most common ones. */
	target: { width?: number; height?: number; frameRate?: number };
	lutProperty?: string;
	captions?: CaptionRequest;
	audioTrack?: AudioTrackRequest;
	loudness?: LoudnessTarget;
	renditions: RenditionRequest[];
	quality: Quality;
	/** Seconds into the cut for the poster frame; by default the middle of the first shot. */
	posterAtSeconds?: number;
}

/** One input item, as Assemble sees it. */
export interface AssemblyInput {
	itemIndex: number;
	item: ShotItem;
	/** Names of the binary properties the item carries. */
	binaryProperties: string[];
}

/** The approved take that fills a shot's place in the cut. */
export interface ClipSlot {
	kind: 'clip';
	shot: Shot;
	itemIndex: number;
	take: Take;
	binaryProperty: string;
	chosenBy: 'only' | 'newest' | 'override';
	/** Other approved takes of the same shot (from duplicate items) that were not used. */
	passedOver: Array<{ itemIndex: number; takeId: string }>;
}

/** A titled card in place of a shot that has no approved take. */
export interface SlateSlot {
	kind: 'slate';
	shotId: string;
	shot?: Shot;
	durationSeconds: number;
	reason: string;
}

export type CutSlot = ClipSlot | SlateSlot;

/** The shots of one pipeline in cut order, and every item that carried them. */
export interface PipelineCut {
	pipelineId: string;
	bible: SceneBible;
	model: string;
	slots: CutSlot[];
	inputs: AssemblyInput[];
	notes: string[];
}

/** What a probe says of a clip (from its MP4 header or from ffprobe). */
export interface ClipFacts {
	durationSeconds: number;
	video: {
		codec: string;
		width: number;
		height: number;
		frameRate: number;
		frames?: number;
		configKey?: string;
	};
	audio?: { codec: string; channels: number; sampleRate: number; configKey?: string };
}

/**
 * Bad input traced to one item, so n8n points at it. The message still names the item and the
 * field, for people reading the error out of context.
 */
export class AssemblyInputError extends InvalidInputError {
	constructor(
		problems: Problem[],
		hint: string | undefined,
		readonly itemIndex: number | undefined,
	) {
		super(problems, hint);
		this.name = 'AssemblyInputError';
	}
}

export function slotShotId(slot: CutSlot): string {
	return slot.kind === 'clip' ? slot.shot.id : slot.shotId;
}
