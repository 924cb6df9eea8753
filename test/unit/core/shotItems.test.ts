import { InvalidInputError } from '../../../core/failures';
import { parseSceneSpec } from '../../../core/schema';
import {
	createShotItems,
	findTakeClip,
	newestClip,
	parseShotItem,
	requireTakeClip,
} from '../../../core/shotItems';
import { SHOT_ITEM_FORMAT_VERSION, type ShotItem } from '../../../core/types';
import { inputErrorOf } from '../../helpers/errors';
import { reviewBatch } from '../../helpers/reviewItems';
import { cafeSpec } from '../../helpers/specs';

/**
 * Reading a shot item at a node's boundary: items are stored by n8n and can be edited by any node
 * in between, so every part a node reads is checked, and an error names the field.
 */

/** A scored shot with a drift report on its take and a review decision, as JSON from n8n. */
function storedItem(): Record<string, unknown> {
	const [item] = reviewBatch([{ status: 'needs_review', route: 'review' }]);
	item.takes[0].review = {
		decision: 'undecided',
		tags: [],
		annotations: [],
		decidedAt: '2026-03-01T10:06:00.000Z',
	};
	item.correctiveNotes = [{ source: 'drift', text: 'Make the mug blue', at: '2026-03-01T10:05Z' }];
	return JSON.parse(JSON.stringify(item));
}

/** Nests `{ a: { a: ... } }` this deep without recursion. */
function nested(depth: number): Record<string, unknown> {
	const root: Record<string, unknown> = {};
	let level = root;
	for (let index = 0; index < depth; index++) {
		const next: Record<string, unknown> = {};
		level.a = next;
		level = next;
	}
	return root;
}

function problemsOf(json: unknown): InvalidInputError {
	return inputErrorOf(() => parseShotItem(json));
}

type Json = Record<string, unknown>;

/** Sets (or, for `undefined`, deletes) the field at a dotted path such as `takes.0.drift.reasons`. */
function spoil(item: Json, path: string, value: unknown): Json {
	const keys = path.split('.');
	const parent = keys.slice(0, -1).reduce((object, key) => object[key] as Json, item);
	if (value === undefined) delete parent[keys[keys.length - 1]];
	else parent[keys[keys.length - 1]] = value;
	return item;
}

describe('parseShotItem: malformed items give an error naming the field', () => {
	it.each<[string, string, unknown, string, RegExp]>([
		['a null corrective note', 'correctiveNotes', [null], 'correctiveNotes[0]', /must be object/],
		['a null take', 'takes', [null], 'takes[0]', /must be object/],
		['takes that are not a list', 'takes', 'none', 'takes', /must be array/],
		[
			'drift reasons as a string',
			'takes.0.drift.reasons',
			'the mug looks green',
			'takes[0].drift.reasons',
			/must be array/,
		],
		[
			'a drift route that does not exist',
			'takes.0.drift.route',
			'maybe',
			'takes[0].drift.route',
			/must be one of "pass", "review", "regenerate"/,
		],
		[
			'a drift score that is not a number',
			'takes.0.drift.drift',
			'0.4',
			'takes[0].drift.drift',
			/must be number/,
		],
		[
			'a review decision that does not exist',
			'takes.0.review.decision',
			'perhaps',
			'takes[0].review.decision',
			/must be one of "approved", "rejected", "undecided"/,
		],
		[
			'review tags as a string',
			'takes.0.review.tags',
			'props',
			'takes[0].review.tags',
			/must be array/,
		],
		['a take without its outcome', 'takes.0.outcome', undefined, 'takes[0].outcome', /is required/],
		[
			'a clip without its binary property',
			'takes.0.clip.binaryProperty',
			undefined,
			'takes[0].clip.binaryProperty',
			/is required/,
		],
		[
			'a corrective note without text',
			'correctiveNotes.0.text',
			undefined,
			'correctiveNotes[0].text',
			/is required/,
		],
		['a null status change', 'statusHistory', [null], 'statusHistory[0]', /must be object/],
		[
			'a shot count that is not a whole number',
			'shotCount',
			'four',
			'shotCount',
			/must be integer/,
		],
		['a place before the first', 'shotPosition', -1, 'shotPosition', /must be >= 0/],
	])('%s', (_name, field, value, path, message) => {
		const error = problemsOf(spoil(storedItem(), field, value));
		expect(error.problems.map((problem) => problem.path)).toContain(path);
		expect(error.problems.find((problem) => problem.path === path)!.message).toMatch(message);
		expect(error.hint).toMatch(/changed/);
	});

	it('names the shot field of an item, not a field of a shot list', () => {
		const item = spoil(storedItem(), 'shot.durationSeconds', 'eight');
		expect(problemsOf(item).message).toBe('shot.durationSeconds: must be number');
	});

	it.each([
		['shot.description', 'shot.description'],
		['bible.style.extra', 'bible.style'],
		['takes.0.drift.measures', 'takes[0].drift.measures'],
		['correctiveNotes', 'correctiveNotes'],
	])('refuses a structure nested 20,000 deep at %s without running out of stack', (field, path) => {
		const error = problemsOf(spoil(storedItem(), field, nested(20_000)));
		expect(error.problems).toHaveLength(1);
		expect(error.problems[0].path.startsWith(path)).toBe(true);
		expect(error.problems[0].message).toMatch(/is nested more than 64 levels deep/);
	});

	it('refuses a scene spec nested 20,000 deep', () => {
		const spec = spoil(cafeSpec(1) as unknown as Json, 'bible.title', nested(20_000));
		const error = inputErrorOf(() => parseSceneSpec(spec));
		expect(error.problems[0].path).toMatch(/^bible\.title/);
		expect(error.problems[0].message).toMatch(/is nested more than 64 levels deep/);
	});

	it('takes a well-formed stored item as it is', () => {
		const item = storedItem();
		const parsed = parseShotItem(item);
		expect(parsed.takes).toEqual(item.takes);
		expect(parsed.correctiveNotes).toEqual(item.correctiveNotes);
	});
});

describe('shot item format versions', () => {
	it('Scene Spec writes the current version on every item', () => {
		const items = createShotItems(parseSceneSpec(cafeSpec(2)), 'gemini-omni-1.2-flash');
		expect(SHOT_ITEM_FORMAT_VERSION).toBe(3);
		expect(items.map((item) => item.formatVersion)).toEqual([3, 3]);
		expect(items.map((item) => [item.shotCount, item.shotPosition])).toEqual([
			[2, 1],
			[2, 2],
		]);
	});

	it('upgrades an item written before versions were recorded (version 1)', () => {
		const item = storedItem();
		delete item.formatVersion;
		delete item.shotCount;
		delete item.shotPosition;
		// Version 1 items listed every shot id of the pipeline.
		item.allShotIds = ['shot-00', (item.shot as { id: string }).id, 'shot-09'];
		delete item.statusHistory;
		const takes = item.takes as Array<Record<string, unknown>>;
		delete takes[0].requestedDurationSeconds;
		const before = JSON.stringify(item);

		const parsed = parseShotItem(item);
		expect(parsed.formatVersion).toBe(3);
		// The length asked for was the shot's own: version 1 takes made before it was recorded lack it.
		expect(parsed.takes[0].requestedDurationSeconds).toBe(8);
		expect(parsed).toMatchObject({ shotCount: 3, shotPosition: 2 });
		expect(parsed).not.toHaveProperty('allShotIds');
		expect(parsed.statusHistory).toEqual([]);
		// The input is n8n's stored item: it is left as it was.
		expect(JSON.stringify(item)).toBe(before);
	});

	it('upgrades nothing it would have to guess: malformed version 1 fields are named', () => {
		const item = storedItem();
		delete item.formatVersion;
		item.takes = 'none';
		expect(problemsOf(item).message).toBe('takes: must be array');
	});

	it('keeps the length a version 1 take recorded', () => {
		const item = storedItem();
		delete item.formatVersion;
		(item.takes as Array<Record<string, unknown>>)[0].requestedDurationSeconds = 6;
		expect(parseShotItem(item).takes[0].requestedDurationSeconds).toBe(6);
	});

	it.each([
		[4, /was written by a newer version of the package \(format 4; this one reads up to 3\)/],
		['2', /must be a whole number/],
		[0, /must be a whole number of 1 or more/],
	])('refuses format version %j', (version, message) => {
		const item = storedItem();
		item.formatVersion = version;
		const error = problemsOf(item);
		expect(error.problems[0].path).toBe('formatVersion');
		expect(error.problems[0].message).toMatch(message);
	});

	it('a parsed item is a current item', () => {
		const item = storedItem();
		delete item.formatVersion;
		const parsed: ShotItem = parseShotItem(item);
		expect(parseShotItem(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
	});
});

describe("where a take's clip is: one rule for every node and the board", () => {
	/** Shot 1 with three takes: 1 and 3 made clips (under clip_take1, clip_take3), 2 was filtered. */
	function threeTakes(): ShotItem {
		const [item] = reviewBatch([{ status: 'generated', earlierTakes: 2 }]);
		const filtered = reviewBatch([{ status: 'generated', earlierTakes: 1, clip: false }])[0];
		item.takes[1] = filtered.takes[1];
		return item;
	}
	const [first, filtered, newest] = threeTakes().takes;

	it("is the property the take recorded, whatever the node's clip property", () => {
		const item = threeTakes();
		const names = ['clip', 'clip_take1', 'clip_take3'];
		expect(findTakeClip(item, newest, names, 'clip')).toBe('clip_take3');
		expect(findTakeClip(item, first, names, 'clip')).toBe('clip_take1');
	});

	it("is the clip property for the newest take only, when the take's own property is gone", () => {
		const item = threeTakes();
		expect(findTakeClip(item, newest, ['clip'], 'clip')).toBe('clip');
		// The clip property holds the newest clip: it is never an earlier take's.
		expect(findTakeClip(item, first, ['clip'], 'clip')).toBeUndefined();
		expect(findTakeClip(item, filtered, ['clip', 'clip_take1'], 'clip')).toBeUndefined();
	});

	it('names the item field, the take and every property looked for when the clip is absent', () => {
		const item = threeTakes();
		expect(inputErrorOf(() => requireTakeClip(item, newest, ['ref_mya'], 'video')).message).toBe(
			'takes[2].clip: take shot-01-take-3 of shot-01 has no clip here: ' +
				'neither binary property "clip_take3" (recorded by the take) nor "video" (the clip property) is on the item ' +
				'(it has "ref_mya")',
		);
		expect(inputErrorOf(() => requireTakeClip(item, first, [], 'clip')).message).toBe(
			'takes[0].clip: take shot-01-take-1 of shot-01 has no clip here: ' +
				'binary property "clip_take1" (recorded by the take) is not on the item (it has no binary data)',
		);
		expect(inputErrorOf(() => requireTakeClip(item, filtered, ['clip'], 'clip')).message).toBe(
			'takes[1].clip: take shot-01-take-2 of shot-01 has no clip (its outcome: safety_filtered)',
		);
	});

	it('finds the newest take whose clip is on the item', () => {
		const item = threeTakes();
		expect(newestClip(item, ['clip_take1', 'clip_take3'], 'clip')).toEqual({
			take: newest,
			binaryProperty: 'clip_take3',
		});
		expect(newestClip(item, ['clip_take1'], 'clip')).toEqual({
			take: first,
			binaryProperty: 'clip_take1',
		});
		expect(newestClip(item, ['ref_mya'], 'clip')).toBeUndefined();
	});
});
