import type { Frame } from './similarity';

/**
 * What the offline character and prop checks need of a vision model, whichever library runs it:
 * faces with a description that can be compared, and objects of the COCO classes. Implemented by
 * the vision edge; the checks themselves (core/scoring/identity.ts, props.ts) are plain arithmetic
 * on what it finds.
 */

/** A rectangle in a frame's pixels. */
export interface Box {
	x: number;
	y: number;
	width: number;
	height: number;
}

export interface FoundFace {
	/** The detector's confidence, 0-1. */
	score: number;
	box: Box;
	/** The face's description; comparable only with another from the same model. */
	embedding: number[];
}

export interface FoundObject {
	/** A COCO class name as the detector spells it ("cup", "cell phone"). */
	label: string;
	score: number;
	box: Box;
}

export interface Detections {
	faces: FoundFace[];
	objects: FoundObject[];
}

export interface DetectionWanted {
	faces: boolean;
	objects: boolean;
}

export interface VisionModels {
	/** Faces and objects in a frame; each kind only when asked for. */
	detect(frame: Frame, wanted: DetectionWanted): Promise<Detections>;
	/** How alike two faces look: about 1 for the same face, near 0.3 for strangers. */
	faceSimilarity(first: number[], second: number[]): number;
}

/**
 * The offline checks: models loaded when a clip first needs them (a batch with nothing to check
 * never loads them), or why the checks are off.
 */
export type OfflineVision =
	| {
			models: () => Promise<VisionModels>;
			/** Whether models that cannot load skip the checks, with the reason in the report, instead of failing the clip. */
			skipUnavailable: boolean;
	  }
	| { skipped: string };
