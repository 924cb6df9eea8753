import { InvalidInputError } from '../failures';
import { latestTake } from '../shotItems';
import { transition } from '../status';
import { sure } from './words';
import type { DriftReport, DriftRoute, ShotItem, ShotStatus } from '../types';

/**
 * Writes a drift report into a shot item: the report on the newest take, the status moved along
 * generated -> scored -> approved | needs_review | needs_regeneration, and, for a clip sent back,
 * a corrective note that Veo Generate puts into the next prompt.
 */

const STATUS_FOR_ROUTE: Record<DriftRoute, ShotStatus> = {
	pass: 'approved',
	review: 'needs_review',
	regenerate: 'needs_regeneration',
};

/** The take a report belongs to: the newest, which must have a clip. */
export function takeToScore(item: ShotItem): NonNullable<ReturnType<typeof latestTake>> {
	const take = latestTake(item);
	if (!take?.clip) {
		throw new InvalidInputError(
			[{ path: 'takes', message: `shot "${item.shot.id}" has no take with a clip to score` }],
			'Drift Score scores the clips Veo Generate made: connect it after Veo Generate.',
		);
	}
	return take;
}

export function recordDrift(item: ShotItem, report: DriftReport, now: Date = new Date()): ShotItem {
	const take = takeToScore(item);
	const takes = item.takes.map((candidate) =>
		candidate === take ? { ...candidate, drift: report } : candidate,
	);
	const scored = transition(
		{ ...item, takes },
		'scored',
		// The drift as stored (three decimals), never rounded onto a threshold it did not reach.
		`drift ${report.drift}, ${sure(report.confidence)}`,
		now,
	);
	const routed = transition(scored, STATUS_FOR_ROUTE[report.route], report.reasons[0], now);
	if (report.route !== 'regenerate') return routed;
	const text = report.correctivePrompt || report.reasons.slice(1).join(' ') || report.reasons[0];
	return {
		...routed,
		correctiveNotes: [
			...routed.correctiveNotes,
			{ source: 'drift', text, takeId: take.id, at: now.toISOString() },
		],
	};
}
