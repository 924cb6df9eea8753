import type { FaultRule } from './faults';
import type { DriftKind } from './picture';

/** How the stand-in behaves: set when it starts, changed at run time with `configure`. */

export interface StandInSettings {
	/** Time from submission until an operation is done. */
	latencyMs: number;
	/** Operations running at once before new ones get 429 (Veo's per-project quota). */
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
	 * scikit-image's sample photographs (see samplePhotos.ts): when given, mugs and cups are drawn
	 * as a photographed cup in the prop's colour, which offline object detectors recognise.
	 */
	photosDir?: string;
}

export const DEFAULT_SETTINGS: StandInSettings = {
	latencyMs: 1500,
	maxConcurrentOperations: 10,
	quotaRetryDelaySeconds: 1,
	driftRate: 0,
	driftKinds: ['prop_color', 'lighting', 'character'],
	faults: [],
	seed: 1,
	fileProcessingMs: 300,
};
