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
