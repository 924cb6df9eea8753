/**
 * Names of the binary properties the pipeline's nodes agree on, so a clip or a reference image
 * attached by one node is found by the next without configuration.
 */

/** A character's reference image on every shot item: `ref_<character id>`. */
export function referenceImageProperty(characterId: string): string {
	return `ref_${characterId}`;
}

export const DEFAULT_CLIP_PROPERTY = 'clip';
export const CONTACT_SHEET_PROPERTY = 'contactSheet';

/** Drift Score's poster frame of a take: the frame its report points at. */
export function posterProperty(attempt: number): string {
	return `drift_take${attempt}_poster`;
}

/** Drift Score's pictures beside a take's findings, numbered from 1. */
export function evidenceProperty(attempt: number, index: number): string {
	return `drift_take${attempt}_${index + 1}`;
}
