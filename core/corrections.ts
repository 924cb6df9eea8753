import { findVideoModel } from './models';
import { omniEditInstruction } from './omniPrompt';
import { latestTake } from './shotItems';
import type { ShotItem } from './types';
import type { EditRequest } from './videoJobs';

/**
 * The corrective loop as an edit: a take a person rejected (or QA sent back) is changed by a
 * follow-up instruction on its own interaction, keeping everything the note does not mention,
 * instead of being generated anew. Only models that can edit, and only takes made by the same
 * model through an interaction; otherwise the shot is generated anew with the corrections in
 * its prompt.
 */

export type CorrectionMode = 'edit' | 'regenerate';

export type CorrectionPlan =
	| { kind: 'fresh' }
	| { kind: 'edit'; edit: EditRequest; takeId: string }
	/** An edit was wanted but cannot be made; the reason is recorded on the take. */
	| { kind: 'freshInstead'; reason: string };

export function planCorrection(
	item: ShotItem,
	model: string,
	mode: CorrectionMode,
): CorrectionPlan {
	const take = latestTake(item);
	if (item.status !== 'needs_regeneration' || mode !== 'edit' || !take) return { kind: 'fresh' };
	if (!findVideoModel(model)?.supportsEdit) return { kind: 'fresh' };
	if (!take.clip || !take.operationName) {
		return { kind: 'freshInstead', reason: `${take.id} has no clip to edit` };
	}
	if (take.model !== model || findVideoModel(take.model)?.api !== 'interactions') {
		return {
			kind: 'freshInstead',
			reason: `${take.id} was made by ${take.model}, which ${model} cannot edit`,
		};
	}
	const notes = item.correctiveNotes.filter((note) => note.takeId === take.id);
	if (!notes.length) {
		return { kind: 'freshInstead', reason: `nobody said what to change in ${take.id}` };
	}
	return {
		kind: 'edit',
		takeId: take.id,
		edit: {
			previousOperation: take.operationName,
			instruction: omniEditInstruction(notes.map((note) => note.text)),
		},
	};
}
