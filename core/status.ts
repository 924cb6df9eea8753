import { InvalidInputError } from './failures';
import type { ShotItem, ShotStatus } from './types';

/**
 * The per-shot status machine. Every node moves a shot only along these edges, so a batch that
 * loops through the pipeline always knows where each shot stands and no shot can skip a step:
 *
 *   pending -> generated -> scored -> approved | needs_review | needs_regeneration
 *   needs_review -> approved | needs_regeneration          (the editor decides)
 *   needs_regeneration -> generated ... (another take)     or failed (attempt cap reached)
 *
 * `failed` is final; `approved` is final unless an editor reviewing every clip rejects it.
 */
const ALLOWED_TRANSITIONS: Record<ShotStatus, readonly ShotStatus[]> = {
	pending: ['generated', 'needs_review', 'failed'],
	generated: ['scored', 'approved', 'needs_review', 'needs_regeneration', 'failed'],
	scored: ['approved', 'needs_review', 'needs_regeneration', 'failed'],
	needs_review: ['approved', 'needs_regeneration', 'failed'],
	needs_regeneration: ['generated', 'needs_review', 'failed'],
	approved: ['needs_regeneration'],
	failed: [],
};

export const FINAL_STATUSES: readonly ShotStatus[] = ['approved', 'failed'];

export function canTransition(from: ShotStatus, to: ShotStatus): boolean {
	return ALLOWED_TRANSITIONS[from].includes(to);
}

export function isFinal(status: ShotStatus): boolean {
	return FINAL_STATUSES.includes(status);
}

/** Returns a copy of the item in its new status; throws when the step is not allowed. */
export function transition(
	item: ShotItem,
	to: ShotStatus,
	reason?: string,
	now: Date = new Date(),
): ShotItem {
	if (!canTransition(item.status, to)) {
		const allowed = ALLOWED_TRANSITIONS[item.status];
		throw new InvalidInputError(
			[
				{
					path: 'status',
					message:
						`shot "${item.shot.id}" cannot go from ${item.status} to ${to} ` +
						`(from ${item.status} it can go to ${allowed.length ? allowed.join(', ') : 'nothing: it is final'})`,
				},
			],
			'Check the order of the nodes: Veo Generate, then Drift Score, then Human Approval Wait, then Assemble.',
		);
	}
	return {
		...item,
		status: to,
		statusReason: reason,
		statusHistory: [
			...item.statusHistory,
			{ from: item.status, to, reason, at: now.toISOString() },
		],
	};
}

/** True when every shot of the batch is approved or failed: the loop in a workflow can close. */
export function allShotsFinal(items: Array<Pick<ShotItem, 'status'>>): boolean {
	return items.every((item) => isFinal(item.status));
}
