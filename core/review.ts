import type { DecisionRecord } from './decisions';
import { InvalidInputError, type Problem } from './failures';
import { shortHash } from './ids';
import { noteLimitFor } from './prompt';
import { latestTake } from './shotItems';
import { transition } from './status';
import {
	REVIEW_TAGS,
	type ReviewDecision,
	type ReviewTag,
	type ShotItem,
	type Take,
} from './types';

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

/**
 * A scene of the board: consecutive clips of one film in one location, in shot order. An editor
 * decides a scene at a time, and "approve all that passed" works per scene.
 */
export interface BoardScene {
	/** Board positions of its clips. */
	positions: number[];
	pipelineId: string;
	/** The location's id, when the shots name one. */
	locationId?: string;
}

export function boardScenes(entries: BoardEntry[]): BoardScene[] {
	const scenes: BoardScene[] = [];
	entries.forEach(({ item }, position) => {
		const last = scenes[scenes.length - 1];
		if (last && last.pipelineId === item.pipelineId && last.locationId === item.shot.location)
			last.positions.push(position);
		else
			scenes.push({
				positions: [position],
				pipelineId: item.pipelineId,
				...(item.shot.location ? { locationId: item.shot.location } : {}),
			});
	});
	return scenes;
}

/** The longest note the board takes for a clip: what its shot's next prompt can hold. */
export function noteLimitOf(item: ShotItem): number {
	return noteLimitFor(item.shot, item.bible, latestTake(item)?.model || item.model, item.shotCount);
}

/** The board's form: the names of its fields, and what its buttons send as `action`. */
export const REVIEW_FORM = {
	round: 'round',
	reviewer: 'reviewer',
	action: 'action',
	submit: 'submit',
	approvePassed: 'approvePassed',
	/** The button that approves the clips that passed QA in one scene. */
	approvePassedIn: (scene: number) => `approvePassed-${scene}`,
	field: (name: 'clip' | 'decision' | 'note' | 'tags', position: number) => `${name}-${position}`,
} as const;
export const MAX_REVIEWER_CHARS = 120;

/** A submitted form as its fields arrive, in order, a name once per value. */
export type FormFields = ReadonlyArray<readonly [string, string]>;

/** What a submission must match: this round's board, as it was served. */
export interface BoardForm {
	round: string;
	entries: BoardEntry[];
}

/** Text from a request, cut to a length a refusal can quote. */
function quoted(text: string, maxChars = 60): string {
	const flat = text.replace(/[\r\n\t]+/g, ' ');
	return JSON.stringify(flat.length > maxChars ? `${flat.slice(0, maxChars - 1)}\u2026` : flat);
}

const DECISIONS: Record<string, ClipDecision['decision']> = {
	approve: 'approved',
	reject: 'rejected',
	undecided: 'undecided',
};

const REFUSAL_HINT = 'Reload the review page and submit again.';

/**
 * Reads a submitted board. Only a whole, well-formed submission of this round's form is read:
 * the round, the reviewer field and the button pressed once each; for board position n, `clip-n`
 * naming the clip shown there, `decision-n` (approve / reject / undecided) and `note-n` once each
 * (a browser always sends them: the radio starts on "undecided", the note may be empty) and
 * `tags-n` any of the quick tags; nothing else. Anything else (an empty or foreign body, a
 * repeated or shuffled clip, a note longer than the shot's prompt can hold) is refused as a
 * whole, so no stray request can decide a clip. `action` = `approvePassed` (or
 * `approvePassed-<scene>` for one scene) also approves the undecided clips whose QA passed.
 */
export function parseReviewSubmission(fields: FormFields, form: BoardForm): ReviewSubmission {
	const { entries } = form;
	const values = new Map<string, string[]>();
	const foreign: string[] = [];
	for (const [name, value] of fields) {
		const position = /^(?:clip|decision|note|tags)-(0|[1-9]\d{0,5})$/.exec(name)?.[1];
		const known =
			name === REVIEW_FORM.round ||
			name === REVIEW_FORM.reviewer ||
			name === REVIEW_FORM.action ||
			(position !== undefined && Number(position) < entries.length);
		if (!known) foreign.push(name);
		else values.set(name, [...(values.get(name) ?? []), value]);
	}
	if (!values.size) {
		throw new InvalidInputError(
			[{ path: 'the request', message: "carries none of the review board's fields" }],
			REFUSAL_HINT,
		);
	}
	const problems: Problem[] = [];
	if (foreign.length)
		problems.push({
			path: quoted(foreign[0], 40),
			message: `is not a field of this board${foreign.length > 1 ? ` (nor are ${foreign.length - 1} more)` : ''}`,
		});
	const once = (name: string): string | undefined => {
		const given = values.get(name) ?? [];
		if (given.length === 1) return given[0];
		problems.push({
			path: name,
			message: given.length
				? `is sent ${given.length} times; the board sends it once`
				: 'is missing',
		});
		return undefined;
	};

	const round = once(REVIEW_FORM.round);
	if (round !== undefined && round !== form.round)
		problems.push({ path: REVIEW_FORM.round, message: 'belongs to another review round' });
	const reviewer = once(REVIEW_FORM.reviewer);
	if (reviewer !== undefined && reviewer.length > MAX_REVIEWER_CHARS)
		problems.push({
			path: REVIEW_FORM.reviewer,
			message: `is ${reviewer.length} characters; the board takes ${MAX_REVIEWER_CHARS}`,
		});
	const action = once(REVIEW_FORM.action);
	const scenes = boardScenes(entries);
	const approveScope =
		action === REVIEW_FORM.approvePassed
			? entries.map((_, position) => position)
			: scenes.find((_, scene) => action === REVIEW_FORM.approvePassedIn(scene))?.positions;
	if (action !== undefined && action !== REVIEW_FORM.submit && !approveScope)
		problems.push({
			path: REVIEW_FORM.action,
			message: `${quoted(action)} is no button of this board`,
		});

	const decisions = new Map<string, ClipDecision>();
	entries.forEach((entry, position) => {
		const field = (name: 'clip' | 'decision' | 'note' | 'tags') =>
			REVIEW_FORM.field(name, position);
		const clip = once(field('clip'));
		if (clip !== undefined && clip !== entry.key)
			problems.push({
				path: field('clip'),
				message: `names ${quoted(clip)}, not the clip shown at this place on the board`,
			});
		const rawDecision = once(field('decision'));
		const decision = rawDecision === undefined ? undefined : DECISIONS[rawDecision];
		if (rawDecision !== undefined && !decision)
			problems.push({
				path: field('decision'),
				message: `${quoted(rawDecision)} is not approve, reject or undecided`,
			});
		// Browsers send a textarea's line breaks as CR LF; the limit counts them as the page does.
		const note = once(field('note'))?.replace(/\r\n?/g, '\n').trim();
		const limit = noteLimitOf(entry.item);
		if (note !== undefined && note.length > limit)
			problems.push({
				path: field('note'),
				message: `is ${note.length} characters; this shot's prompt has room for ${limit}`,
			});
		const tags = values.get(field('tags')) ?? [];
		const unknownTag = tags.find((tag) => !REVIEW_TAGS.includes(tag as ReviewTag));
		if (unknownTag !== undefined)
			problems.push({
				path: field('tags'),
				message: `${quoted(unknownTag)} is not one of ${REVIEW_TAGS.join(', ')}`,
			});
		else if (new Set(tags).size !== tags.length)
			problems.push({ path: field('tags'), message: 'names a tag twice' });
		if (decision && note !== undefined)
			decisions.set(entry.key, { decision, note, tags: tags as ReviewTag[] });
	});
	if (problems.length) throw new InvalidInputError(problems, REFUSAL_HINT);

	for (const position of approveScope ?? []) {
		const { key, item } = entries[position];
		const chosen = decisions.get(key)!;
		if (chosen.decision === 'undecided' && latestTake(item)?.drift?.route === 'pass')
			decisions.set(key, { ...chosen, decision: 'approved' });
	}
	return { reviewer: reviewer?.trim() || undefined, decisions };
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

/** Who decides the clips whose review ran out of time: the wait limit, not a person. */
export const WAIT_LIMIT_REVIEWER = 'wait limit';

/**
 * A take's review as a record of the decisions export (core/decisions.ts): a person's decision on
 * a clip Drift Score scored, with the report it had, the label Drift Score's calibration learns
 * from. Takes nobody scored or decided, and clips the wait limit decided, give none.
 */
export function decisionRecordOf(item: ShotItem, take: Take): DecisionRecord | undefined {
	const { review, drift } = take;
	if (!review || !drift || review.reviewer === WAIT_LIMIT_REVIEWER) return undefined;
	return {
		pipelineId: item.pipelineId,
		shotId: item.shot.id,
		takeId: take.id,
		...(take.clip ? { clipId: take.clip.binaryProperty } : {}),
		drift,
		decision: review.decision,
		tags: review.tags,
		...(review.note ? { note: review.note } : {}),
		...(review.reviewer ? { reviewer: review.reviewer } : {}),
		decidedAt: review.decidedAt,
	};
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
		{ reviewer: WAIT_LIMIT_REVIEWER, decisions },
		{ undecided: 'keep', now },
	);
}
