import { InvalidInputError } from '../../../core/failures';
import {
	applyReview,
	boardEntries,
	boardPlaceOf,
	boardScenes,
	decideTimedOut,
	needsReview,
	noteLimitOf,
	parseReviewSubmission,
	reviewRoundId,
	reviewRoundOf,
	type ClipDecision,
	type ReviewSubmission,
} from '../../../core/review';
import { latestTake } from '../../../core/shotItems';
import type { ShotItem } from '../../../core/types';
import { boardSubmission, reviewBatch, takeFor, type ClipFields } from '../../helpers/reviewItems';

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
	const form = { round: 'round-1', entries };
	const submit = (perClip: ClipFields[] = [], extra: { reviewer?: string; action?: string } = {}) =>
		boardSubmission(entries, 'round-1', perClip, extra);

	it("reads each clip's decision, trimmed note and tags, and the reviewer", () => {
		const parsed = parseReviewSubmission(
			submit(
				[
					{ decision: 'approve' },
					{
						decision: 'reject',
						note: '  the mug must be blue\r\nand full  ',
						tags: ['props', 'lighting'],
					},
					{ decision: 'undecided', tags: ['motion'] },
				],
				{ reviewer: '  Ana  ' },
			),
			form,
		);
		expect(parsed.reviewer).toBe('Ana');
		expect([...parsed.decisions]).toEqual([
			[entries[0].key, { decision: 'approved', note: '', tags: [] }],
			[
				entries[1].key,
				{
					decision: 'rejected',
					note: 'the mug must be blue\nand full',
					tags: ['props', 'lighting'],
				},
			],
			[entries[2].key, { decision: 'undecided', note: '', tags: ['motion'] }],
			[entries[3].key, { decision: 'undecided', note: '', tags: [] }],
		]);
		expect(parseReviewSubmission(submit([], { reviewer: '   ' }), form).reviewer).toBeUndefined();
	});

	it("takes notes as long as the shot's prompt has room for, counting a line break once", () => {
		const limit = noteLimitOf(items[0]);
		const lines = `${'x'.repeat(limit / 2 - 1)}\r\n${'y'.repeat(limit / 2)}`;
		expect(
			parseReviewSubmission(submit([{ note: lines }]), form).decisions.get(entries[0].key)?.note,
		).toHaveLength(limit);
		const error = refusalOf(() =>
			parseReviewSubmission(submit([{ note: 'x'.repeat(limit + 1) }]), form),
		);
		expect(error.problems).toEqual([
			{
				path: 'note-0',
				message: `is ${limit + 1} characters; this shot's prompt has room for ${limit}`,
			},
		]);
		expect(
			refusalOf(() => parseReviewSubmission(submit([], { reviewer: 'y'.repeat(121) }), form))
				.problems,
		).toEqual([{ path: 'reviewer', message: 'is 121 characters; the board takes 120' }]);
	});

	it('refuses a clip id that is not the one shown at its place, naming the field', () => {
		const foreign = submit().map(([name, value]): [string, string] =>
			name === 'clip-0' ? [name, 'other-pipeline.shot-09-take-1'] : [name, value],
		);
		const error = refusalOf(() => parseReviewSubmission(foreign, form));
		expect(error.problems).toEqual([
			{
				path: 'clip-0',
				message:
					'names "other-pipeline.shot-09-take-1", not the clip shown at this place on the board',
			},
		]);
		expect(error.hint).toMatch(/Reload the review page/);

		// Two clips swapped: each decision would land on the other clip.
		const swapped = submit().map(([name, value]): [string, string] =>
			name === 'clip-0'
				? [name, entries[1].key]
				: name === 'clip-1'
					? [name, entries[0].key]
					: [name, value],
		);
		expect(
			refusalOf(() => parseReviewSubmission(swapped, form)).problems.map((p) => p.path),
		).toEqual(['clip-0', 'clip-1']);
	});

	it('refuses a decision that is not approve, reject or undecided, and a tag that is not on the list', () => {
		const error = refusalOf(() =>
			parseReviewSubmission(
				submit([
					{ decision: 'approved' },
					{ decision: 'reject', tags: ['props', 'colour'] },
					{ tags: ['props', 'props'] },
				]),
				form,
			),
		);
		expect(error.problems).toEqual([
			{ path: 'decision-0', message: '"approved" is not approve, reject or undecided' },
			{
				path: 'tags-1',
				message: '"colour" is not one of character, lighting, props, motion, other',
			},
			{ path: 'tags-2', message: 'names a tag twice' },
		]);
	});

	it('"approve all that passed" approves only undecided clips whose automatic QA passed', () => {
		const parsed = parseReviewSubmission(
			submit(
				[
					{ decision: 'undecided', note: 'nice light', tags: ['other'] },
					{ decision: 'undecided' },
					{ decision: 'reject', note: 'wrong mug' },
				],
				{ action: 'approvePassed' },
			),
			form,
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

		const plainSubmit = parseReviewSubmission(submit(), form);
		expect([...plainSubmit.decisions.values()].map((decision) => decision.decision)).toEqual([
			'undecided',
			'undecided',
			'undecided',
			'undecided',
		]);
	});

	it('"approve all that passed" in one scene approves only that scene\'s clips', () => {
		const located = reviewBatch([
			{ status: 'needs_review', route: 'pass' },
			{ status: 'needs_review', route: 'pass' },
			{ status: 'needs_review', route: 'pass' },
		]).map((item, index) => ({
			...item,
			shot: { ...item.shot, location: index < 2 ? 'kitchen' : 'garden' },
		}));
		const sceneEntries = boardEntries(located, 'needsReview');
		expect(boardScenes(sceneEntries).map((scene) => scene.positions)).toEqual([[0, 1], [2]]);
		const parsed = parseReviewSubmission(
			boardSubmission(sceneEntries, 'r', [], { action: 'approvePassed-1' }),
			{ round: 'r', entries: sceneEntries },
		);
		expect([...parsed.decisions.values()].map((decision) => decision.decision)).toEqual([
			'undecided',
			'undecided',
			'approved',
		]);
		expect(
			refusalOf(() =>
				parseReviewSubmission(
					boardSubmission(sceneEntries, 'r', [], { action: 'approvePassed-2' }),
					{
						round: 'r',
						entries: sceneEntries,
					},
				),
			).problems,
		).toEqual([{ path: 'action', message: '"approvePassed-2" is no button of this board' }]);
	});

	it('refuses anything but the whole form of this round: empty, foreign, repeated, missing or stale fields', () => {
		expect(refusalOf(() => parseReviewSubmission([], form)).problems).toEqual([
			{ path: 'the request', message: "carries none of the review board's fields" },
		]);
		expect(refusalOf(() => parseReviewSubmission([['hello', 'world']], form)).problems).toEqual([
			{ path: 'the request', message: "carries none of the review board's fields" },
		]);
		const withDuplicate: Array<[string, string]> = [...submit(), ['clip-0', entries[0].key]];
		expect(refusalOf(() => parseReviewSubmission(withDuplicate, form)).problems).toEqual([
			{ path: 'clip-0', message: 'is sent 2 times; the board sends it once' },
		]);
		const withoutNote = submit().filter(([name]) => name !== 'note-3');
		expect(refusalOf(() => parseReviewSubmission(withoutNote, form)).problems).toEqual([
			{ path: 'note-3', message: 'is missing' },
		]);
		const stale = submit().map(([name, value]): [string, string] =>
			name === 'round' ? [name, 'round-0'] : [name, value],
		);
		expect(refusalOf(() => parseReviewSubmission(stale, form)).problems).toEqual([
			{ path: 'round', message: 'belongs to another review round' },
		]);
		const extra: Array<[string, string]> = [
			...submit(),
			['clip-4', 'x'],
			['<script>'.repeat(50), 'x'],
		];
		expect(refusalOf(() => parseReviewSubmission(extra, form)).problems).toEqual([
			{ path: '"clip-4"', message: 'is not a field of this board (nor are 1 more)' },
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
