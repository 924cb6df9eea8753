import { InvalidInputError } from '../../../core/failures';
import {
	applyReview,
	boardEntries,
	boardPlaceOf,
	decideTimedOut,
	needsReview,
	parseReviewSubmission,
	reviewRoundId,
	reviewRoundOf,
	type BoardEntry,
	type ClipDecision,
	type ReviewSubmission,
} from '../../../core/review';
import { latestTake } from '../../../core/shotItems';
import type { ShotItem } from '../../../core/types';
import { reviewBatch, takeFor } from '../../helpers/reviewItems';

const NOW = new Date('2026-03-01T12:00:00.000Z');

function refusalOf(call: () => unknown): InvalidInputError {
	try {
		call();
	} catch (error) {
		expect(error).toBeInstanceOf(InvalidInputError);
		return error as InvalidInputError;
	}
	throw new Error('the submission was accepted');
}

function submission(
	decisions: Record<string, Partial<ClipDecision>>,
	reviewer = 'Ana',
): ReviewSubmission {
	return {
		reviewer,
		decisions: new Map(
			Object.entries(decisions).map(([key, decision]) => [
				key,
				{ decision: 'undecided', note: '', tags: [], ...decision },
			]),
		),
	};
}

/** Board position n's form fields, as the page posts them. */
function fields(
	entries: BoardEntry[],
	perClip: Array<Record<string, string | string[]>>,
): Record<string, unknown> {
	return Object.assign(
		{},
		...perClip.map((values, position) => ({
			[`clip-${position}`]: entries[position].key,
			...Object.fromEntries(
				Object.entries(values).map(([name, value]) => [`${name}-${position}`, value]),
			),
		})),
	);
}

describe('which clips go on the review board', () => {
	it('takes only the clips Drift Score could not decide, unless every clip is to be reviewed', () => {
		const items = reviewBatch([
			{ status: 'needs_review', route: 'review' },
			{ status: 'approved', route: 'pass' },
			{ status: 'generated' },
			{ status: 'needs_regeneration', route: 'regenerate' },
			{ status: 'failed', clip: false },
		]);
		expect(boardEntries(items, 'needsReview').map((entry) => entry.item.shot.id)).toEqual([
			'shot-01',
		]);
		expect(boardEntries(items, 'all').map((entry) => entry.item.shot.id)).toEqual([
			'shot-01',
			'shot-02',
			'shot-03',
		]);
	});

	it('shows a safety-filtered take that was sent to review, but no clip-less take otherwise', () => {
		const [filtered, generated] = reviewBatch([
			{ status: 'needs_review', clip: false },
			{ status: 'generated', clip: false },
		]);
		expect(needsReview(filtered, 'needsReview')).toBe(true);
		expect(needsReview(generated, 'all')).toBe(false);
	});

	it('keeps each item at its input index, orders the board by shot, and skips unreadable items', () => {
		const [first, second, third] = reviewBatch([
			{ status: 'needs_review' },
			{ status: 'needs_review' },
			{ status: 'needs_review' },
		]);
		const entries = boardEntries([third, undefined, first, second], 'needsReview');
		expect(entries.map((entry) => [entry.itemIndex, entry.item.shot.id])).toEqual([
			[2, 'shot-01'],
			[3, 'shot-02'],
			[0, 'shot-03'],
		]);
		expect(entries[0].key).toBe(`${first.pipelineId}.shot-01-take-1`);
	});

	it('names a review round by its clips: a new take makes a new round', () => {
		const items = reviewBatch([{ status: 'needs_review' }, { status: 'needs_review' }]);
		const round = reviewRoundId(boardEntries(items, 'needsReview'));
		expect(
			reviewRoundId(
				boardEntries(
					reviewBatch([{ status: 'needs_review' }, { status: 'needs_review' }]),
					'needsReview',
				),
			),
		).toBe(round);

		const retaken = { ...items[1], takes: [...items[1].takes, takeFor(items[1], 2)] };
		expect(reviewRoundId(boardEntries([items[0], retaken], 'needsReview'))).not.toBe(round);
	});

	it("tells a batch's round from the items' JSON alone, whatever else the batch holds", () => {
		const items = reviewBatch([
			{ status: 'needs_review' },
			{ status: 'approved' },
			{ status: 'generated' },
		]);
		const json = JSON.parse(JSON.stringify(items)) as unknown[];
		for (const scope of ['needsReview', 'all'] as const) {
			expect(reviewRoundOf([json[2], null, 7, { shot: 'x' }, json[0], json[1]], scope)).toBe(
				reviewRoundId(boardEntries([items[2], undefined, items[0], items[1]], scope)),
			);
		}
		expect(boardPlaceOf(json[0], 'needsReview')).toEqual({
			pipelineId: items[0].pipelineId,
			sequence: 1,
			key: `${items[0].pipelineId}.shot-01-take-1`,
		});
	});
});

describe('parseReviewSubmission', () => {
	const items = reviewBatch([
		{ status: 'needs_review', route: 'pass' },
		{ status: 'needs_review', route: 'review' },
		{ status: 'needs_review', route: 'pass' },
		{ status: 'needs_review', route: 'pass' },
	]);
	const entries = boardEntries(items, 'needsReview');

	it("reads each clip's decision, trimmed note and tags, and the reviewer", () => {
		const parsed = parseReviewSubmission(
			{
				...fields(entries, [
					{ decision: 'approve' },
					{ decision: 'reject', note: '  the mug must be blue  ', tags: ['props', 'lighting'] },
					{ decision: 'undecided', tags: 'motion' },
					{},
				]),
				reviewer: '  Ana  ',
			},
			entries,
		);
		expect(parsed.reviewer).toBe('Ana');
		expect(parsed.decisions.get(entries[0].key)).toEqual({
			decision: 'approved',
			note: '',
			tags: [],
		});
		expect(parsed.decisions.get(entries[1].key)).toEqual({
			decision: 'rejected',
			note: 'the mug must be blue',
			tags: ['props', 'lighting'],
		});
		expect(parsed.decisions.get(entries[2].key)).toEqual({
			decision: 'undecided',
			note: '',
			tags: ['motion'],
		});
		// A clip whose radio was never posted is undecided.
		expect(parsed.decisions.get(entries[3].key)).toEqual({
			decision: 'undecided',
			note: '',
			tags: [],
		});
	});

	it('caps what a person can type: notes at 2,000 characters, names at 120', () => {
		const parsed = parseReviewSubmission(
			{
				...fields(entries.slice(0, 1), [{ decision: 'reject', note: 'x'.repeat(5000) }]),
				reviewer: 'y'.repeat(500),
			},
			entries,
		);
		expect(parsed.decisions.get(entries[0].key)?.note).toHaveLength(2000);
		expect(parsed.reviewer).toHaveLength(120);
		expect(parseReviewSubmission({ reviewer: '   ' }, entries).reviewer).toBeUndefined();
	});

	it('refuses a decision for a clip that is not on this board, naming the field', () => {
		const error = refusalOf(() =>
			parseReviewSubmission(
				{ 'clip-0': 'other-pipeline.shot-09-take-1', 'decision-0': 'approve' },
				entries,
			),
		);
		expect(error.problems).toEqual([
			{
				path: 'clip-0',
				message: 'names a clip that is not on this board (other-pipeline.shot-09-take-1)',
			},
		]);
		expect(error.hint).toMatch(/Reload the review page/);
		expect(
			refusalOf(() => parseReviewSubmission({ 'decision-5': 'approve' }, entries)).firstPath,
		).toBe('clip-5');
	});

	it('refuses a decision that is not approve, reject or undecided, and a tag that is not on the list', () => {
		const error = refusalOf(() =>
			parseReviewSubmission(
				fields(entries.slice(0, 2), [
					{ decision: 'approved' },
					{ decision: 'reject', tags: ['props', 'colour'] },
				]),
				entries,
			),
		);
		expect(error.problems).toEqual([
			{ path: 'decision-0', message: '"approved" is not approve, reject or undecided' },
			{
				path: 'tags-1',
				message: '"colour" is not one of character, lighting, props, motion, other',
			},
		]);
	});

	it('"approve all that passed" approves only undecided clips whose automatic QA passed', () => {
		const parsed = parseReviewSubmission(
			{
				...fields(entries, [
					{ decision: 'undecided', note: 'nice light', tags: 'other' },
					{ decision: 'undecided' },
					{ decision: 'reject', note: 'wrong mug' },
					{},
				]),
				action: 'approvePassed',
			},
			entries,
		);
		expect(parsed.decisions.get(entries[0].key)).toEqual({
			decision: 'approved',
			note: 'nice light',
			tags: ['other'],
		});
		// Drift Score asked for review: the editor must decide it.
		expect(parsed.decisions.get(entries[1].key)?.decision).toBe('undecided');
		// The editor's own rejection stands.
		expect(parsed.decisions.get(entries[2].key)).toEqual({
			decision: 'rejected',
			note: 'wrong mug',
			tags: [],
		});
		expect(parsed.decisions.get(entries[3].key)?.decision).toBe('approved');

		const plainSubmit = parseReviewSubmission(
			{ ...fields(entries, [{}, {}, {}, {}]), action: 'submit' },
			entries,
		);
		expect([...plainSubmit.decisions.values()].map((decision) => decision.decision)).toEqual([
			'undecided',
			'undecided',
			'undecided',
			'undecided',
		]);
	});
});

describe('applyReview', () => {
	function reviewed(
		items: ShotItem[],
		decisions: Record<number, Partial<ClipDecision>>,
		undecided: 'keep' | 'reject' = 'keep',
	) {
		const entries = boardEntries(items, 'all');
		const byKey = Object.fromEntries(
			Object.entries(decisions).map(([index, decision]) => [
				entries.find((entry) => entry.itemIndex === Number(index))!.key,
				decision,
			]),
		);
		return applyReview(items, entries, submission(byKey), { undecided, now: NOW });
	}

	it('approves: status approved with the reviewer in the history, the decision on the take', () => {
		const items = reviewBatch([{ status: 'needs_review', route: 'review' }]);
		const routed = reviewed(items, { 0: { decision: 'approved', note: 'good', tags: [] } });
		expect(routed.rejected).toEqual([]);
		const [{ itemIndex, item }] = routed.approved;
		expect(itemIndex).toBe(0);
		expect(item.status).toBe('approved');
		expect(item.statusHistory.at(-1)).toEqual({
			from: 'needs_review',
			to: 'approved',
			reason: 'approved by Ana',
			at: NOW.toISOString(),
		});
		expect(latestTake(item)?.review).toEqual({
			decision: 'approved',
			note: 'good',
			tags: [],
			annotations: [],
			reviewer: 'Ana',
			decidedAt: NOW.toISOString(),
		});
		expect(item.correctiveNotes).toEqual([]);
		// The input item is left as it was.
		expect(items[0].status).toBe('needs_review');
	});

	it('rejects: back to generation with the note and tags as the corrective prompt', () => {
		const items = reviewBatch([{ status: 'needs_review', route: 'review' }]);
		const [{ item }] = reviewed(items, {
			0: { decision: 'rejected', note: 'the mug must be blue', tags: ['props'] },
		}).rejected;
		expect(item.status).toBe('needs_regeneration');
		expect(item.statusReason).toBe('rejected by Ana');
		expect(item.correctiveNotes).toEqual([
			{
				source: 'review',
				text: 'the mug must be blue (editor flagged: props)',
				takeId: 'shot-01-take-1',
				tags: ['props'],
				at: NOW.toISOString(),
			},
		]);
		expect(latestTake(item)?.review).toMatchObject({
			decision: 'rejected',
			note: 'the mug must be blue',
			tags: ['props'],
			reviewer: 'Ana',
		});
	});

	it('turns a rejection without a note into a corrective prompt from drift, else from the tags', () => {
		const items = reviewBatch([
			{ status: 'needs_review', route: 'review' },
			{ status: 'generated' },
			{ status: 'generated' },
		]);
		const routed = reviewed(items, {
			0: { decision: 'rejected' },
			1: { decision: 'rejected', tags: ['lighting', 'motion'] },
			2: { decision: 'rejected' },
		});
		expect(routed.rejected.map(({ item }) => item.correctiveNotes[0].text)).toEqual([
			'Make the mug clearly blue.',
			'The editor rejected the previous take for its lighting, motion; follow the scene bible exactly.',
			'The editor rejected the previous take; follow the scene bible exactly.',
		]);
	});

	it('keeps an undecided clip for the next round, or counts it as rejected', () => {
		const items = reviewBatch([{ status: 'needs_review', route: 'review' }]);
		const [kept] = reviewed(items, { 0: { note: 'not sure about the light' } }, 'keep').rejected;
		expect(kept.item.status).toBe('needs_review');
		expect(kept.item.statusHistory).toEqual(items[0].statusHistory);
		expect(kept.item.correctiveNotes).toEqual([]);
		expect(latestTake(kept.item)?.review).toMatchObject({
			decision: 'undecided',
			note: 'not sure about the light',
			reviewer: 'Ana',
		});

		const [rejected] = reviewed(items, {}, 'reject').rejected;
		expect(rejected.item.status).toBe('needs_regeneration');
		expect(latestTake(rejected.item)?.review?.decision).toBe('rejected');
		expect(rejected.item.correctiveNotes.map((note) => note.text)).toEqual([
			'Make the mug clearly blue.',
		]);
	});

	it('sends an approved take without a clip back for another take', () => {
		const items = reviewBatch([{ status: 'needs_review', clip: false }]);
		const [{ item }] = reviewed(items, { 0: { decision: 'approved' } }).rejected;
		expect(item.status).toBe('needs_regeneration');
		expect(item.statusReason).toBe('approved without a clip: generate another take');
		expect(latestTake(item)?.review?.decision).toBe('approved');
	});

	it('routes items that were not on the board by their status, unchanged', () => {
		const items = reviewBatch([
			{ status: 'approved', route: 'pass' },
			{ status: 'needs_review', route: 'review' },
			{ status: 'needs_regeneration', route: 'regenerate' },
			{ status: 'failed' },
		]);
		const entries = boardEntries(items, 'needsReview');
		const routed = applyReview(
			items,
			entries,
			submission({ [entries[0].key]: { decision: 'approved' } }),
			{ undecided: 'reject', now: NOW },
		);
		expect(routed.approved.map(({ itemIndex }) => itemIndex)).toEqual([0, 1]);
		expect(routed.approved[0].item).toBe(items[0]);
		expect(routed.rejected.map(({ itemIndex, item }) => [itemIndex, item.status])).toEqual([
			[2, 'needs_regeneration'],
			[3, 'failed'],
		]);
		expect(routed.rejected[0].item).toBe(items[2]);
	});

	it('with every clip on the board, keeps an approved shot approved or sends it back when rejected', () => {
		const items = reviewBatch([
			{ status: 'approved', route: 'pass' },
			{ status: 'approved', route: 'pass' },
		]);
		const routed = reviewed(items, {
			0: { decision: 'approved' },
			1: { decision: 'rejected', note: 'too dark' },
		});
		expect(routed.approved[0].item.statusHistory).toEqual(items[0].statusHistory);
		expect(routed.rejected[0].item.status).toBe('needs_regeneration');
	});

	it('leaves unreadable items to the node', () => {
		const [item] = reviewBatch([{ status: 'approved' }]);
		const routed = applyReview([undefined, item], [], submission({}), { undecided: 'keep' });
		expect(routed).toEqual({ approved: [{ itemIndex: 1, item }], rejected: [] });
	});
});

describe('decideTimedOut', () => {
	const items = reviewBatch([
		{ status: 'needs_review', route: 'pass' },
		{ status: 'needs_review', route: 'review' },
		{ status: 'approved', route: 'pass' },
		// Reviewed with "Every Clip" and no Drift Score before it.
		{ status: 'generated' },
	]);

	it('approves the clips that passed automatic QA; the others stay undecided', () => {
		const routed = decideTimedOut(items, 'approvePassed', NOW);
		expect(routed.approved.map(({ itemIndex, item }) => [itemIndex, item.status])).toEqual([
			[0, 'approved'],
			[2, 'approved'],
		]);
		expect(latestTake(routed.approved[0].item)?.review).toMatchObject({
			decision: 'approved',
			reviewer: 'wait limit',
		});
		expect(routed.approved[1].item).toBe(items[2]);
		expect(routed.rejected.map(({ itemIndex, item }) => [itemIndex, item.status])).toEqual([
			[1, 'needs_review'],
			[3, 'generated'],
		]);
	});

	it('sends every clip that waited for a decision back for another take, with a note saying why', () => {
		const routed = decideTimedOut(items, 'rejectAll', NOW);
		expect(routed.rejected.map(({ itemIndex, item }) => [itemIndex, item.status])).toEqual([
			[0, 'needs_regeneration'],
			[1, 'needs_regeneration'],
			[3, 'needs_regeneration'],
		]);
		expect(routed.rejected[0].item.correctiveNotes.map((note) => note.text)).toEqual([
			'The review ran out of time; generate another take.',
		]);
		expect(routed.approved).toEqual([{ itemIndex: 2, item: items[2] }]);
	});
});
