import type { FaultRule } from './faults';
import type { DriftKind } from './picture';

/** How the stand-in behaves: set when it starts, changed at run time with `configure`. */

export interface StandInSettings {
	/** Time from submission until a Veo operation or an interaction is done. */
	latencyMs: number;
	/** Of that time, how long a new interaction reports `queued` before `in_progress`. */
	interactionQueuedMs: number;
	/**
	 * Video jobs (Veo operations and interactions together) running at once before new ones get
	 * 429, as a project's quota of concurrent generations.
	 */
	maxConcurrentOperations: number;
	/** The delay a quota 429 advertises. */
	quotaRetryDelaySeconds: number;
	/** Share of clips (0-1) that come back drifted, and the kinds of drift to choose from. */
	driftRate: number;
	driftKinds: DriftKind[];
	faults: FaultRule[];
	seed: number;
	/** When set, only this key is accepted (otherwise any key is). */
	apiKey?: string;
	/** How long an uploaded file stays PROCESSING. */
	fileProcessingMs: number;
	/**
	 * The largest clip an interaction delivers inline; a bigger one ends `incomplete`. Reported
	 * near 4 MB (apidog.com, "How to use the Gemini Omni 1.1 Flash API": "handle 4MB URI delivery").
	 */
	inlineVideoLimitBytes: number;
	/**
	 * scikit-image's sample photographs (see samplePhotos.ts): when given, mugs and cups are drawn
	 * as a photographed cup in the prop's colour, which offline object detectors recognise.
	 */
	photosDir?: string;
}

export const DEFAULT_SETTINGS: StandInSettings = {
	latencyMs: 1500,
	interactionQueuedMs: 0,
	maxConcurrentOperations: 10,
	quotaRetryDelaySeconds: 1,
	driftRate: 0,
	driftKinds: ['prop_color', 'lighting', 'character'],
	faults: [],
	seed: 1,
	fileProcessingMs: 300,
	inlineVideoLimitBytes: 4 * 1024 * 1024,
};
