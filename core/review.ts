import { InvalidInputError, type Problem } from './failures';
import { shortHash } from './ids';
import { latestTake } from './shotItems';
import { transition } from './status';
import { REVIEW_TAGS, type ReviewDecision, type ReviewTag, type ShotItem } from './types';

/**
 * The human checkpoint, without n8n: which shots go on the review board, what a submitted board
 * says, and where each shot goes after it. The node only moves items and serves pages.
 */

export type ReviewScope = 'needsReview' | 'all';
export type UndecidedPolicy = 'keep' | 'reject';

/** Clips an editor can look at: the newest take has a clip (or was withheld by Google's filter). */
const REVIEWABLE_IN_SCOPE_ALL: readonly unknown[] = [
	'generated',
	'scored',
	'approved',
	'needs_review',
];

/** Where an item goes on the board and the key that ties a submitted decision to its clip. */
export interface BoardPlace {
	pipelineId: string;
	sequence: number;
	key: string;
}

/**
 * Whether an item goes on the board, and where. It reads only the fields that decide it, and reads
 * them from any JSON without trusting it, so a request for one clip can tell which round a link
 * belongs to without reading the whole batch; a parsed item gives the same answer as its JSON.
 */
export function boardPlaceOf(json: unknown, scope: ReviewScope): BoardPlace | undefined {
	if (!json || typeof json !== 'object') return undefined;
	const { pipelineId, status, shot, takes } = json as Record<string, unknown>;
	const { id: shotId, sequence } = (shot ?? {}) as Record<string, unknown>;
	if (typeof pipelineId !== 'string' || typeof shotId !== 'string' || typeof sequence !== 'number')
		return undefined;
	const latest = Array.isArray(takes) ? takes[takes.length - 1] : undefined;
	const take = (latest && typeof latest === 'object' ? latest : {}) as Record<string, unknown>;
	const reviewable =
		status === 'needs_review' ||
		(scope === 'all' && REVIEWABLE_IN_SCOPE_ALL.includes(status) && Boolean(take.clip));
	if (!reviewable) return undefined;
	const takeId = typeof take.id === 'string' ? take.id : `${shotId}-no-take`;
	return { pipelineId, sequence, key: `${pipelineId}.${takeId}` };
}

export function needsReview(item: ShotItem, scope: ReviewScope): boolean {
	return boardPlaceOf(item, scope) !== undefined;
}

/** A clip on the board: which item, which take. The key ties a submitted decision to its clip. */
export interface BoardEntry {
	itemIndex: number;
	key: string;
	item: ShotItem;
}

/**
 * A batch as the node read it: one entry per input item, `undefined` where an item could not be
 * read (the node passes those on as error items), so every other item keeps its input index.
 */
export type Batch = ReadonlyArray<ShotItem | undefined>;

const boardOrder = (a: BoardPlace, b: BoardPlace) =>
	a.pipelineId.localeCompare(b.pipelineId) || a.sequence - b.sequence;

export function boardEntries(items: Batch, scope: ReviewScope): BoardEntry[] {
	return items
		.flatMap((item, itemIndex) => {
			const place = item && boardPlaceOf(item, scope);
			return place ? [{ itemIndex, item: item!, place }] : [];
		})
		.sort((a, b) => boardOrder(a.place, b.place))
		.map(({ itemIndex, item, place }) => ({ itemIndex, key: place.key, item }));
}

/**
 * Identifies one review round: the clips on the board. A link from an earlier round of the same
 * node (a loop that came back with new takes) carries another id and is answered "already decided".
 */
export function reviewRoundId(entries: ReadonlyArray<{ key: string }>): string {
	return shortHash(entries.map((entry) => entry.key).join('|'), 16);
}

/**
 * The round of a waiting batch, from its items' JSON: the same id whether or not every item could
 * be read, so the link made when the node started to wait and every request on it agree.
 */
export function reviewRoundOf(batchJson: readonly unknown[], scope: ReviewScope): string {
	const places = batchJson.flatMap((json) => boardPlaceOf(json, scope) ?? []);
	return reviewRoundId(places.sort(boardOrder));
}

export interface ClipDecision {
	decision: ReviewDecision['decision'];
	note: string;
	tags: ReviewTag[];
}

export interface ReviewSubmission {
	reviewer?: string;
	decisions: Map<string, ClipDecision>;
}

type FormBody = Record<string, unknown>;

const asList = (value: unknown): string[] =>
	value === undefined || value === null
		? []
		: (Array.isArray(value) ? value : [value]).map((entry) => String(entry));

/**
 * Reads the board's form: for board position n, `clip-n` names the clip, `decision-n` is
 * approve / reject / undecided, `note-n` and `tags-n` annotate it; `action` = `approvePassed`
 * approves every clip whose automatic QA passed and which was left undecided.
 */
export function parseReviewSubmission(body: FormBody, entries: BoardEntry[]): ReviewSubmission {
	const problems: Problem[] = [];
	const byKey = new Map(entries.map((entry) => [entry.key, entry]));
	const decisions = new Map<string, ClipDecision>();
	const positions = new Set<string>();
	for (const field of Object.keys(body)) {
		const match = /^(clip|decision|note|tags)-(\d+)$/.exec(field);
		if (match) positions.add(match[2]);
	}
	for (const position of [...positions].sort((a, b) => Number(a) - Number(b))) {
		const key = asList(body[`clip-${position}`])[0];
		if (!key || !byKey.has(key)) {
			problems.push({
				path: `clip-${position}`,
				message: `names a clip that is not on this board (${key ?? 'none'})`,
			});
			continue;
		}
		const rawDecision = asList(body[`decision-${position}`])[0] ?? 'undecided';
		const decision =
			rawDecision === 'approve'
				? 'approved'
				: rawDecision === 'reject'
					? 'rejected'
					: rawDecision === 'undecided'
						? 'undecided'
						: undefined;
		if (!decision) {
			problems.push({
				path: `decision-${position}`,
				message: `"${rawDecision}" is not approve, reject or undecided`,
			});
			continue;
		}
		const tags = asList(body[`tags-${position}`]);
		const unknownTag = tags.find((tag) => !REVIEW_TAGS.includes(tag as ReviewTag));
		if (unknownTag) {
			problems.push({
				path: `tags-${position}`,
				message: `"${unknownTag}" is not one of ${REVIEW_TAGS.join(', ')}`,
			});
			continue;
		}
		decisions.set(key, {
			decision,
			note: asList(body[`note-${position}`])[0]?.trim().slice(0, 2000) ?? '',
			tags: tags as ReviewTag[],
		});
	}
	if (problems.length)
		throw new InvalidInputError(problems, 'Reload the review page and submit again.');
	if (asList(body.action)[0] === 'approvePassed') {
		for (const entry of entries) {
			const current = decisions.get(entry.key);
			if (
				(!current || current.decision === 'undecided') &&
				latestTake(entry.item)?.drift?.route === 'pass'
			) {
				decisions.set(entry.key, {
					decision: 'approved',
					note: current?.note ?? '',
					tags: current?.tags ?? [],
				});
			}
		}
	}
	const reviewer = asList(body.reviewer)[0]?.trim().slice(0, 120) || undefined;
	return { reviewer, decisions };
}

/** The corrective prompt a rejection sends back to generation: the editor's words first. */
function correctionText(decision: ClipDecision, item: ShotItem): string {
	const note = decision.note.trim();
	if (note)
		return decision.tags.length ? `${note} (editor flagged: ${decision.tags.join(', ')})` : note;
	const drift = latestTake(item)?.drift?.correctivePrompt;
	if (drift) return drift;
	return decision.tags.length
		? `The editor rejected the previous take for its ${decision.tags.join(', ')}; follow the scene bible exactly.`
		: 'The editor rejected the previous take; follow the scene bible exactly.';
}

export interface RoutedReview {
	approved: Array<{ itemIndex: number; item: ShotItem }>;
	rejected: Array<{ itemIndex: number; item: ShotItem }>;
}

/**
 * Applies the decisions to the board's items and routes every readable item of the batch:
 * approved shots to `approved`, everything else (rejected, undecided, and items that were not on
 * the board but are not approved) to `rejected`, so nothing is lost.
 */
export function applyReview(
	items: Batch,
	entries: BoardEntry[],
	submission: ReviewSubmission,
	options: { undecided: UndecidedPolicy; now?: Date },
): RoutedReview {
	const now = options.now ?? new Date();
	const onBoard = new Map(entries.map((entry) => [entry.itemIndex, entry]));
	const routed: RoutedReview = { approved: [], rejected: [] };
	items.forEach((original, itemIndex) => {
		if (!original) return;
		const entry = onBoard.get(itemIndex);
		let item = original;
		if (entry) {
			const chosen = submission.decisions.get(entry.key) ?? {
				decision: 'undecided' as const,
				note: '',
				tags: [],
			};
			const decision =
				chosen.decision === 'undecided' && options.undecided === 'reject'
					? { ...chosen, decision: 'rejected' as const }
					: chosen;
			const review: ReviewDecision = {
				decision: decision.decision,
				...(decision.note ? { note: decision.note } : {}),
				tags: decision.tags,
				annotations: [],
				reviewer: submission.reviewer,
				decidedAt: now.toISOString(),
			};
			const take = latestTake(item);
			if (take) item = { ...item, takes: [...item.takes.slice(0, -1), { ...take, review }] };
			if (decision.decision === 'approved') {
				if (!take?.clip) {
					// Nothing to approve: a safety-filtered take has no clip; it goes back for another take.
					item = transition(
						item,
						'needs_regeneration',
						'approved without a clip: generate another take',
						now,
					);
				} else if (item.status !== 'approved') {
					item = transition(
						item,
						'approved',
						`approved by ${submission.reviewer ?? 'the editor'}`,
						now,
					);
				}
			} else if (decision.decision === 'rejected') {
				item = transition(
					item,
					'needs_regeneration',
					`rejected by ${submission.reviewer ?? 'the editor'}`,
					now,
				);
				item = {
					...item,
					correctiveNotes: [
						...item.correctiveNotes,
						{
							source: 'review',
							text: correctionText(decision, item),
							takeId: take?.id,
							tags: decision.tags,
							at: now.toISOString(),
						},
					],
				};
			}
		}
		(item.status === 'approved' ? routed.approved : routed.rejected).push({ itemIndex, item });
	});
	return routed;
}

export type TimeoutPolicy = 'approvePassed' | 'rejectAll';

/**
 * What happens to clips whose review ran out of time, for the items n8n hands on at a wait
 * limit: approve those that passed automatic QA (the others stay undecided), or reject every clip
 * that is not approved yet (including "Every Clip" reviews' generated ones, which would otherwise
 * come back to the next board unchanged).
 */
export function decideTimedOut(
	items: Batch,
	policy: TimeoutPolicy,
	now: Date = new Date(),
): RoutedReview {
	// Whichever clips the board showed, only the approved ones were not waiting for a decision.
	const entries = boardEntries(items, 'all').filter((entry) => entry.item.status !== 'approved');
	const decisions = new Map<string, ClipDecision>();
	for (const entry of entries) {
		const passed = latestTake(entry.item)?.drift?.route === 'pass';
		if (policy === 'rejectAll')
			decisions.set(entry.key, {
				decision: 'rejected',
				note: 'The review ran out of time; generate another take.',
				tags: [],
			});
		else if (passed) decisions.set(entry.key, { decision: 'approved', note: '', tags: [] });
	}
	return applyReview(
		items,
		entries,
		{ reviewer: 'wait limit', decisions },
		{ undecided: 'keep', now },
	);
}
