import type { DecisionRecord } from '../decisions';
import type { DriftDimension, ReviewTag } from '../types';
import { round } from './numbers';
import { routeOf, thresholdsOf, type DimensionThresholds, type Thresholds } from './report';

/**
 * Every human decision is a label. Replaying people's decisions against the drift reports the
 * clips had shows how automatic routing agreed with them, per dimension (clips a person approved
 * that QA flagged on it, clips a person rejected that QA passed), and which per-dimension
 * thresholds would have let at most 2% of the rejected clips pass with the least review.
 */

/** The most rejected clips that may pass unseen: one in fifty. */
export const MAX_REJECTED_PASSED = 0.02;
/** Fewer decisions than this make the recommendation a guess: it is given, with a warning. */
const ENOUGH_DECISIONS = 50;
const ENOUGH_REJECTIONS = 10;
/** Thresholds are recommended on this grid (0.05 to 0.95). */
const GRID = Array.from({ length: 19 }, (_, index) => round(0.05 * (index + 1), 2));

/** The dimensions a person's tag blames. */
const TAG_DIMENSIONS: Record<ReviewTag, DriftDimension[]> = {
	character: ['character'],
	lighting: ['lighting', 'palette'],
	props: ['props'],
	motion: ['technical', 'continuity'],
	other: ['semantic'],
};

export interface RoutingOutcome {
	/** Decided clips the routing would send to a person. */
	review: number;
	/** Rejected clips the routing would pass unseen, and their share of the rejected. */
	rejectedPassed: number;
	rejectedPassedShare: number | null;
	/** Approved clips the routing would send back to generation. */
	approvedRegenerated: number;
}

export interface DimensionAgreement {
	/** Decided clips that measured this dimension. */
	clips: number;
	/** Clips a person approved that QA flagged on this dimension (drift at or above its pass threshold). */
	approvedButFlagged: number;
	/** Clips a person rejected, blaming this dimension (by tag), that QA passed. */
	rejectedButPassed: number;
	current: { pass: number; fail: number };
	recommended: { pass: number; fail: number };
}

export interface Calibration {
	decisions: { approved: number; rejected: number; undecided: number };
	target: string;
	current: RoutingOutcome;
	recommended: RoutingOutcome;
	dimensions: Partial<Record<DriftDimension, DimensionAgreement>>;
	/** The recommended per-dimension thresholds, as the Drift Score node and the CLI take them. */
	thresholds: Partial<Record<DriftDimension, DimensionThresholds>>;
	notes: string[];
}

type Decided = DecisionRecord & { decision: 'approved' | 'rejected' };

/** Where a recorded clip goes under these thresholds; without thresholds, where it went. */
const replay = (record: DecisionRecord, thresholds?: Thresholds) =>
	thresholds
		? routeOf(record.drift.dimensions, record.drift.technicalDefects?.length ?? 0, thresholds).route
		: record.drift.route;

function outcome(records: Decided[], thresholds?: Thresholds): RoutingOutcome {
	let review = 0;
	let rejectedPassed = 0;
	let approvedRegenerated = 0;
	for (const record of records) {
		const route = replay(record, thresholds);
		if (route === 'review') review += 1;
		if (route === 'pass' && record.decision === 'rejected') rejectedPassed += 1;
		if (route === 'regenerate' && record.decision === 'approved') approvedRegenerated += 1;
	}
	const rejected = records.filter((record) => record.decision === 'rejected').length;
	return {
		review,
		rejectedPassed,
		rejectedPassedShare: rejected ? round(rejectedPassed / rejected, 4) : null,
		approvedRegenerated,
	};
}

const meets = (result: RoutingOutcome, rejected: number) =>
	result.rejectedPassed <= Math.floor(MAX_REJECTED_PASSED * rejected);

const withDimension = (
	thresholds: Thresholds,
	dimension: DriftDimension,
	limits: DimensionThresholds,
): Thresholds => ({
	...thresholds,
	dimensions: {
		...thresholds.dimensions,
		[dimension]: { ...thresholds.dimensions?.[dimension], ...limits },
	},
});

/**
 * The dimensions a rejected clip is blamed on: those its tags name (that were measured), else the
 * one that drifted furthest past its pass threshold.
 */
function blamed(record: Decided, current: Thresholds): DriftDimension[] {
	const measured = Object.keys(record.drift.dimensions) as DriftDimension[];
	const tagged = measured.filter((dimension) =>
		record.tags.some((tag) => TAG_DIMENSIONS[tag]?.includes(dimension)),
	);
	if (tagged.length) return tagged;
	const furthest = measured.sort(
		(a, b) =>
			record.drift.dimensions[b]!.drift -
			thresholdsOf(current, b).pass -
			(record.drift.dimensions[a]!.drift - thresholdsOf(current, a).pass),
	)[0];
	return furthest ? [furthest] : [];
}

/**
 * The pass thresholds: each dimension as high as it can be while still catching every rejected
 * clip blamed on it; then, one dimension at a time, raised further while the whole routing still
 * lets at most 2% of the rejected clips pass.
 */
function recommendPass(
	records: Decided[],
	dimensions: DriftDimension[],
	current: Thresholds,
): Thresholds {
	const rejected = records.filter((record) => record.decision === 'rejected');
	let thresholds = current;
	for (const dimension of dimensions) {
		const fail = thresholdsOf(current, dimension).fail;
		const caught = rejected
			.filter((record) => blamed(record, current).includes(dimension))
			.map((record) => record.drift.dimensions[dimension]!.drift);
		const highest = GRID.filter(
			(value) => value <= fail && caught.every((drift) => drift >= value),
		);
		thresholds = withDimension(thresholds, dimension, {
			pass: highest.length ? highest[highest.length - 1] : GRID[0],
		});
	}
	for (const dimension of dimensions) {
		const fail = thresholdsOf(current, dimension).fail;
		for (const pass of GRID.filter(
			(value) => value > thresholdsOf(thresholds, dimension).pass && value <= fail,
		)) {
			const tried = withDimension(thresholds, dimension, { pass });
			if (!meets(outcome(records, tried), rejected.length)) break;
			thresholds = tried;
		}
	}
	return thresholds;
}

/** The lowest fail threshold (not under the pass one) that sends back at most 2% of the approved clips on this dimension. */
function recommendFail(
	records: Decided[],
	dimension: DriftDimension,
	thresholds: Thresholds,
): number {
	const approved = records.filter((record) => record.decision === 'approved');
	const pass = thresholdsOf(thresholds, dimension).pass;
	for (const fail of GRID.filter((value) => value >= pass)) {
		const sentBack = approved.filter((record) => {
			const score = record.drift.dimensions[dimension];
			return score && score.drift >= fail && score.confidence >= thresholds.minConfidence;
		}).length;
		if (sentBack <= Math.floor(MAX_REJECTED_PASSED * approved.length)) return fail;
	}
	return 1;
}

function agreement(
	records: Decided[],
	dimension: DriftDimension,
	current: Thresholds,
	recommended: Thresholds,
): DimensionAgreement {
	const measured = records.filter((record) => record.drift.dimensions[dimension]);
	// Each clip against the thresholds it was routed with, when its report kept them.
	const passOf = (record: DecisionRecord) =>
		thresholdsOf(record.drift.thresholds ?? current, dimension).pass;
	return {
		clips: measured.length,
		approvedButFlagged: measured.filter(
			(record) =>
				record.decision === 'approved' &&
				record.drift.dimensions[dimension]!.drift >= passOf(record),
		).length,
		rejectedButPassed: records.filter(
			(record) =>
				record.decision === 'rejected' &&
				record.drift.route === 'pass' &&
				record.tags.some((tag) => TAG_DIMENSIONS[tag]?.includes(dimension)),
		).length,
		current: thresholdsOf(current, dimension),
		recommended: thresholdsOf(recommended, dimension),
	};
}

/** How the routing agreed with people, and the thresholds that would have met the target with the least review. */
export function calibrate(records: DecisionRecord[], current: Thresholds): Calibration {
	const decided = records.filter(
		(record): record is Decided => record.decision === 'approved' || record.decision === 'rejected',
	);
	const approved = decided.filter((record) => record.decision === 'approved').length;
	const rejected = decided.length - approved;
	const dimensions = [
		...new Set(
			decided.flatMap((record) => Object.keys(record.drift.dimensions) as DriftDimension[]),
		),
	].sort();
	let recommended = recommendPass(decided, dimensions, current);
	for (const dimension of dimensions)
		recommended = withDimension(recommended, dimension, {
			fail: recommendFail(decided, dimension, recommended),
		});
	const notes: string[] = [];
	if (decided.length < ENOUGH_DECISIONS || rejected < ENOUGH_REJECTIONS)
		notes.push(
			`Only ${decided.length} decided clips (${rejected} rejected): ` +
				`at least ${ENOUGH_DECISIONS} decisions with ${ENOUGH_REJECTIONS} rejections make a 2% target meaningful; ` +
				'treat these thresholds as a first guess.',
		);
	const result = outcome(decided, recommended);
	if (!meets(result, rejected))
		notes.push(
			'No thresholds pass at most 2% of the rejected clips: ' +
				'some rejected clips measured no drift at all (see the tags and notes of those decisions; ' +
				'their problem is one the scorers do not measure).',
		);
	return {
		decisions: {
			approved,
			rejected,
			undecided: records.length - decided.length,
		},
		target: `at most ${MAX_REJECTED_PASSED * 100}% of rejected clips passed, with the least review`,
		current: outcome(decided),
		recommended: result,
		dimensions: Object.fromEntries(
			dimensions.map((dimension) => [
				dimension,
				agreement(decided, dimension, current, recommended),
			]),
		),
		thresholds: Object.fromEntries(
			dimensions.map((dimension) => [dimension, thresholdsOf(recommended, dimension)]),
		),
		notes,
	};
}
