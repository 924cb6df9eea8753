/**
 * The production state that travels through every node of the pipeline.
 *
 * A batch is a list of shot items; each carries the whole scene bible, its shot, its status and
 * the history of its takes, so any node can act on any item without looking elsewhere.
 * Plain data only (JSON-serialisable): n8n stores it between nodes and across restarts.
 */

export type VeoAspectRatio = '16:9' | '9:16';
/** 360p is Gemini Omni's draft size; Veo starts at 720p. */
export type Resolution = '360p' | '720p' | '1080p' | '4k';

export interface ReferenceImage {
	/** Name of the binary property on the item that holds the image. */
	binaryProperty: string;
	mimeType?: string;
}

export interface Character {
	id: string;
	name: string;
	description: string;
	referenceImage?: ReferenceImage;
}

export interface Location {
	id: string;
	name: string;
	description: string;
	/** A picture of how this place looks (light, colour, exposure): its shots are judged against it. */
	lookReference?: ReferenceImage;
}

export interface Prop {
	id: string;
	name: string;
	description: string;
	/** The colour the prop must have in every shot, in plain words ("blue"). */
	color?: string;
	/** Further rules the prop must obey ("always full", "logo facing camera"). */
	constraints: string[];
}

export interface Style {
	look: string;
	palette: string[];
	lighting: string;
	/** A picture of the film's look, for shots whose location has none of its own. */
	lookReference?: ReferenceImage;
	aspectRatio: VeoAspectRatio;
	resolution: Resolution;
}

export interface SceneBible {
	title: string;
	logline: string;
	style: Style;
	characters: Character[];
	locations: Location[];
	props: Prop[];
	/** Rules every shot obeys ("no text on screen", "brand blue is #1a4dff"). */
	rules: string[];
	negativePrompt: string;
}

export type ConstraintDimension =
	| 'character'
	| 'props'
	| 'lighting'
	| 'palette'
	| 'camera'
	| 'other';

/** Something a checker (a person or the Gemini judge) can verify by looking at the clip. */
export interface CheckableConstraint {
	id: string;
	text: string;
	dimension: ConstraintDimension;
}

export interface Shot {
	id: string;
	sequence: number;
	description: string;
	camera: string;
	durationSeconds: number;
	characters: string[];
	props: string[];
	location?: string;
	/** Overrides the bible's lighting for this shot. */
	lighting?: string;
	/** True when this shot continues the previous one without a cut in time or place. */
	continuousWithPrevious: boolean;
	continuityNotes?: string;
	dialogue?: string;
	constraints: CheckableConstraint[];
}

/** A scene bible with its shot list: what Scene Spec produces and everything else obeys. */
export interface SceneSpec {
	bible: SceneBible;
	shots: Shot[];
}

export const SHOT_STATUSES = [
	'pending',
	'generated',
	'scored',
	'approved',
	'needs_review',
	'needs_regeneration',
	'failed',
] as const;
export type ShotStatus = (typeof SHOT_STATUSES)[number];

/** `submitted`: the operation is running (Submit Only); the others are final for the take. */
export type TakeOutcome = 'submitted' | 'generated' | 'failed' | 'safety_filtered' | 'timed_out';

export interface ClipReference {
	/** Binary property on the item that holds the clip. */
	binaryProperty: string;
	mimeType: string;
	/** Google's file URI, kept when the user asks for it (valid for two days on the Gemini API). */
	fileUri?: string;
	durationSeconds?: number;
	width?: number;
	height?: number;
	bytes?: number;
}

export interface TakeTimings {
	submittedAt: string;
	finishedAt?: string;
	/** Seconds from submission until the clip (or the failure) was known. */
	generationSeconds?: number;
	pollCount?: number;
}

export type DriftDimension =
	| 'technical'
	| 'lighting'
	| 'palette'
	| 'continuity'
	| 'character'
	| 'props'
	| 'semantic';

export interface DimensionScore {
	/** 0 = exactly what the bible asks for, 1 = nothing like it. */
	drift: number;
	/** 0 = a guess, 1 = certain. */
	confidence: number;
	reasons: string[];
	/** The raw figures behind the score, for people who want numbers. */
	measures?: Record<string, number | string | boolean>;
}

export type DriftRoute = 'pass' | 'review' | 'regenerate';

/** The semantic judge's answer on one checkable constraint of the shot. */
export interface ConstraintVerdict {
	id: string;
	text: string;
	dimension: ConstraintDimension;
	passed: boolean;
	/** 0 = a guess, 1 = certain. */
	confidence: number;
	/** What the judge saw, in a sentence. */
	evidence: string;
	/** The moment of the clip that shows it. */
	atSeconds?: number;
}

/**
 * A small picture Drift Score made beside a finding (the previous shot's last frame, a face crop,
 * a swatch of the asked colour), held in a binary property of the item and shown on the board.
 */
export interface DriftEvidence {
	/** The dimension whose finding it shows. */
	dimension: DriftDimension;
	/** The binary property on the item that holds the picture (JPEG or PNG). */
	binaryProperty: string;
	/** What it shows, in words: its caption and its text alternative. */
	caption: string;
	/** The moment of the clip it shows, when it is a frame of the clip. */
	atSeconds?: number;
}

export interface DriftReport {
	drift: number;
	confidence: number;
	dimensions: Partial<Record<DriftDimension, DimensionScore>>;
	reasons: string[];
	correctivePrompt?: string;
	route: DriftRoute;
	/** Defects that make a clip unusable whatever else it gets right. */
	technicalDefects: string[];
	/** What was measured, each dimension with what it was judged against. */
	measured?: Array<{ dimension: DriftDimension; against: string }>;
	/** What could not be measured, and why: never by itself a reason to send a clip to a person. */
	skipped: Array<{ scorer: string; reason: string }>;
	/** Per-constraint verdicts, when the semantic judge ran. */
	constraints?: ConstraintVerdict[];
	/** The thresholds the clip was routed with, so its route can be replayed and calibrated. */
	thresholds?: {
		pass: number;
		fail: number;
		minConfidence: number;
		dimensions?: Partial<Record<DriftDimension, { pass?: number; fail?: number }>>;
		reviewUnverified?: boolean;
	};
	/** The frame the report points at, shown on the board before the clip plays. */
	poster?: { binaryProperty: string; atSeconds: number };
	/** Pictures beside the findings, in the order of the findings they show. */
	evidence?: DriftEvidence[];
	scoredAt: string;
}

export const REVIEW_TAGS = ['character', 'lighting', 'props', 'motion', 'other'] as const;
export type ReviewTag = (typeof REVIEW_TAGS)[number];

export type ReviewVerdict = 'approved' | 'rejected' | 'undecided';

export interface ReviewAnnotation {
	atSeconds?: number;
	text: string;
}

export interface ReviewDecision {
	decision: ReviewVerdict;
	note?: string;
	tags: ReviewTag[];
	annotations: ReviewAnnotation[];
	reviewer?: string;
	decidedAt: string;
}

export interface Take {
	id: string;
	attempt: number;
	prompt: string;
	negativePrompt: string;
	model: string;
	/** Length asked for; the clip is checked against it, also when fetched in a later execution. */
	requestedDurationSeconds: number;
	/** Veo's operation name, or Gemini Omni's interaction id: what Check and Fetch looks up. */
	operationName?: string;
	outcome: TakeOutcome;
	/** Why a take failed or was filtered, in words. */
	reason?: string;
	safetyReasons?: string[];
	clip?: ClipReference;
	/** Further videos of the same request (when more than one was asked for). */
	alternateClips?: ClipReference[];
	/** Estimated cost in US dollars from the model table, or what Google billed in tokens (Gemini
	 * Omni); filtered videos are not charged. */
	costUsd: number;
	/** Output tokens Google billed for the take (Gemini Omni). */
	outputTokens?: number;
	/** A fresh generation, or an edit of an earlier take of the shot (Gemini Omni). */
	mode?: 'generate' | 'edit';
	/** The take this one edits. */
	editOf?: string;
	/** Why an edit that was wanted became a fresh generation. */
	editFallback?: string;
	/** The previous shot's take whose last frame this take starts from. */
	firstFrameFrom?: string;
	timings: TakeTimings;
	drift?: DriftReport;
	review?: ReviewDecision;
}

export type CorrectionSource = 'drift' | 'review';

/** A correction that must reach every later prompt of the shot. */
export interface CorrectiveNote {
	source: CorrectionSource;
	text: string;
	takeId?: string;
	tags?: ReviewTag[];
	at: string;
}

export interface StatusChange {
	from: ShotStatus;
	to: ShotStatus;
	reason?: string;
	at: string;
}

/**
 * The format of the shot item, written on every item. n8n stores items across executions (a
 * review that waits for days, operations fetched by Check and Fetch after an upgrade), so a node
 * may read an item an older version of the package wrote: `parseShotItem` upgrades it step by
 * step, and refuses one from a newer version.
 *
 * - 1: items written before the version was recorded (no `formatVersion`). Takes made before
 *   the requested length was recorded lack `requestedDurationSeconds`; `allShotIds`,
 *   `statusHistory`, `takes` and `correctiveNotes` may be absent.
 * - 2: `formatVersion` is written; every take records `requestedDurationSeconds` (version 1 takes
 *   without it asked for the shot's own length), and the lists are always present.
 * - 3: `shotCount` and `shotPosition` replace `allShotIds` (every shot id of the pipeline on every
 *   item, which made a batch grow with the square of its shots).
 */
export const SHOT_ITEM_FORMAT_VERSION = 3;

/** The JSON of one n8n item between the pipeline's nodes. */
export interface ShotItem {
	/** See `SHOT_ITEM_FORMAT_VERSION`. */
	formatVersion: number;
	pipelineId: string;
	bible: SceneBible;
	shot: Shot;
	/**
	 * How many shots the pipeline has, and this shot's place among them (1 = first in sequence
	 * order): Assemble tells a missing shot by its place. Items once carried every shot id of the
	 * pipeline (`allShotIds`), which made a batch grow with the square of its shots.
	 */
	shotCount: number;
	shotPosition: number;
	status: ShotStatus;
	statusReason?: string;
	statusHistory: StatusChange[];
	takes: Take[];
	correctiveNotes: CorrectiveNote[];
	/** The Veo model the shot list was planned for. */
	model: string;
	/** How the spec was made, so a team can tell which prompt wording made which shot list. */
	provenance?: SpecProvenance;
}

export interface SpecProvenance {
	mode: 'fromBrief' | 'fromJson' | 'defineInNode';
	promptVersion?: string;
	languageModel?: string;
}
