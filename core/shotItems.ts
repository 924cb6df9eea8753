import { InvalidInputError, type Problem } from './failures';
import { pipelineIdFor } from './ids';
import { nestingProblem, parseSceneSpec, shotItemStateProblems } from './schema';
import {
	SHOT_ITEM_FORMAT_VERSION,
	SHOT_STATUSES,
	type SceneSpec,
	type ShotItem,
	type ShotStatus,
	type SpecProvenance,
	type Take,
} from './types';

/** One item per shot, in sequence order, each carrying the whole bible: the batch the nodes pass on. */
export function createShotItems(
	spec: SceneSpec,
	model: string,
	provenance?: SpecProvenance,
): ShotItem[] {
	const pipelineId = pipelineIdFor({ spec, model });
	return spec.shots.map((shot, index) => ({
		formatVersion: SHOT_ITEM_FORMAT_VERSION,
		pipelineId,
		bible: spec.bible,
		shot,
		shotCount: spec.shots.length,
		shotPosition: index + 1,
		status: 'pending',
		statusHistory: [],
		takes: [],
		correctiveNotes: [],
		model,
		provenance,
	}));
}

/** Where a field of a stored item was changed by hand, the hint says what to do instead. */
const CHANGED_ITEM_HINT =
	"Shot items are written by the pipeline's nodes; a node in between (Code, Set, Edit Fields) changed this field. " +
	'Pass the items on unchanged, or fix the field.';

type StoredItem = Record<string, unknown>;

/**
 * Upgrades a stored item one format version at a time (see `SHOT_ITEM_FORMAT_VERSION`); each
 * step returns a new object and leaves the item it was given as it was.
 */
const UPGRADES: Record<number, (item: StoredItem) => StoredItem> = {
	1: (item) => {
		const shot = item.shot as { id?: unknown; durationSeconds?: unknown } | undefined;
		const takes = item.takes ?? [];
		return {
			...item,
			formatVersion: 2,
			statusHistory: item.statusHistory ?? [],
			correctiveNotes: item.correctiveNotes ?? [],
			model: item.model ?? '',
			// Takes made before the requested length was recorded asked for the shot's own length.
			// Anything that is not a list of takes is left for the validation to name.
			takes: Array.isArray(takes)
				? takes.map((take: unknown) =>
						take && typeof take === 'object' && !('requestedDurationSeconds' in take)
							? { ...take, requestedDurationSeconds: shot?.durationSeconds }
							: take,
					)
				: takes,
		};
	},
	// Every shot id of the pipeline on every item became the shot count and the item's place.
	2: ({ allShotIds, ...item }) => ({
		...item,
		formatVersion: 3,
		...shotPlace(allShotIds, (item.shot as { id?: unknown } | undefined)?.id),
	}),
};

/**
 * The shot count and this shot's place, from the shot ids a format-2 item lists (1-based). An item
 * that lists none counts as a pipeline of its own shot, placed nowhere: Assemble then orders it by
 * sequence; an id list that is not a list is left for the validation to name.
 */
function shotPlace(allShotIds: unknown, shotId: unknown): StoredItem {
	if (allShotIds !== undefined && !Array.isArray(allShotIds)) return { allShotIds };
	const ids = (allShotIds ?? []).map(String);
	if (!ids.length) return { shotCount: 1, shotPosition: 0 };
	return { shotCount: ids.length, shotPosition: ids.indexOf(String(shotId)) + 1 };
}

function versionProblem(version: unknown): Problem | undefined {
	if (!Number.isInteger(version) || (version as number) < 1) {
		return {
			path: 'formatVersion',
			message: `must be a whole number of 1 or more (found ${JSON.stringify(version)})`,
		};
	}
	if ((version as number) > SHOT_ITEM_FORMAT_VERSION) {
		return {
			path: 'formatVersion',
			message: `was written by a newer version of the package (format ${version}; this one reads up to ${SHOT_ITEM_FORMAT_VERSION})`,
		};
	}
	return undefined;
}

function upgrade(item: StoredItem): StoredItem {
	let current = item.formatVersion === undefined ? { ...item, formatVersion: 1 } : item;
	const problem = versionProblem(current.formatVersion);
	if (problem) {
		throw new InvalidInputError(
			[problem],
			'Update n8n-nodes-veo-pipeline on this n8n to the version that wrote the items, or run the pipeline again from Scene Spec.',
		);
	}
	while ((current.formatVersion as number) < SHOT_ITEM_FORMAT_VERSION) {
		current = UPGRADES[current.formatVersion as number](current);
	}
	return current;
}

/** The fields nodes read, walked for depth; fields a workflow added to an item are never read. */
const STATE_FIELDS = [
	'bible',
	'shot',
	'statusHistory',
	'takes',
	'correctiveNotes',
	'provenance',
] as const;

/**
 * Reads an incoming item as a shot item, validating it at the node boundary: an item of an
 * earlier format is upgraded, and every part a node reads is checked, so a malformed item gives
 * an error naming the exact field rather than a crash in the node that reads it.
 */
export function parseShotItem(json: unknown): ShotItem {
	if (!json || typeof json !== 'object' || Array.isArray(json)) {
		throw new InvalidInputError([{ path: '', message: 'is not a shot item (expected an object)' }]);
	}
	const stored = json as StoredItem;
	const problems: Problem[] = [];
	for (const field of ['pipelineId', 'bible', 'shot', 'status'] as const) {
		if (stored[field] === undefined) problems.push({ path: field, message: 'is missing' });
	}
	if (problems.length) {
		throw new InvalidInputError(
			problems,
			'This node expects the items that Scene Spec produces (one per shot). ' +
				'Connect it after Scene Spec or a node that passes its items on.',
		);
	}
	if (!SHOT_STATUSES.includes(stored.status as ShotStatus)) {
		throw new InvalidInputError([
			{
				path: 'status',
				message: `"${String(stored.status)}" is not a shot status (${SHOT_STATUSES.join(', ')})`,
			},
		]);
	}
	// Before anything walks the item: a structure nested thousands deep would exhaust the stack.
	for (const field of STATE_FIELDS) {
		const tooDeep = nestingProblem(stored[field], field);
		if (tooDeep) throw new InvalidInputError([tooDeep], CHANGED_ITEM_HINT);
	}
	const item = upgrade(stored) as unknown as ShotItem;
	const stateProblems = shotItemStateProblems(item);
	if (stateProblems.length) throw new InvalidInputError(stateProblems, CHANGED_ITEM_HINT);
	const spec = parseShotSpec(item);
	return {
		formatVersion: SHOT_ITEM_FORMAT_VERSION,
		pipelineId: item.pipelineId,
		bible: spec.bible,
		shot: spec.shots[0],
		shotCount: item.shotCount,
		shotPosition: item.shotPosition,
		status: item.status,
		statusReason: item.statusReason,
		statusHistory: item.statusHistory,
		takes: item.takes,
		correctiveNotes: item.correctiveNotes,
		model: item.model,
		provenance: item.provenance,
	};
}

/** The item's bible and shot, checked as a one-shot spec; problems name `shot`, not `shots[0]`. */
function parseShotSpec(item: ShotItem): SceneSpec {
	try {
		return parseSceneSpec({ bible: item.bible, shots: [item.shot] }, { wholeShotList: false });
	} catch (error) {
		if (!(error instanceof InvalidInputError)) throw error;
		throw new InvalidInputError(
			error.problems.map((problem) => ({
				...problem,
				path: problem.path.replace(/^shots\[0\]/, 'shot').replace(/^shots$/, 'shot'),
			})),
			error.hint ?? CHANGED_ITEM_HINT,
		);
	}
}

export function latestTake(item: ShotItem): Take | undefined {
	return item.takes[item.takes.length - 1];
}

/**
 * Where a take's clip is on its item: one rule for every node and the review board. The clip is
 * under the binary property the take recorded when it was attached; the newest take's clip is
 * also under `clipProperty` (the node's "Clip Binary Property"; Veo Generate puts the newest clip
 * there too), which is used when the recorded property is gone, as after a node that rebuilt the
 * binaries. Undefined when the take has no clip or neither property is on the item.
 */
export function findTakeClip(
	item: ShotItem,
	take: Take,
	binaryNames: readonly string[],
	clipProperty: string,
): string | undefined {
	if (!take.clip) return undefined;
	if (binaryNames.includes(take.clip.binaryProperty)) return take.clip.binaryProperty;
	const isNewest = latestTake(item)?.id === take.id;
	return isNewest && binaryNames.includes(clipProperty) ? clipProperty : undefined;
}

/** `findTakeClip`, or an error naming the take, its shot and every property looked for. */
export function requireTakeClip(
	item: ShotItem,
	take: Take,
	binaryNames: readonly string[],
	clipProperty: string,
): string {
	const found = findTakeClip(item, take, binaryNames, clipProperty);
	if (found) return found;
	const path = `takes[${item.takes.findIndex((candidate) => candidate.id === take.id)}].clip`;
	const which = `take ${take.id} of ${item.shot.id}`;
	if (!take.clip) {
		throw new InvalidInputError(
			[{ path, message: `${which} has no clip (its outcome: ${take.outcome})` }],
			'Only takes with a clip can be scored, reviewed or cut: generate another take.',
		);
	}
	const recorded = `"${take.clip.binaryProperty}" (recorded by the take)`;
	const looked =
		latestTake(item)?.id === take.id && clipProperty !== take.clip.binaryProperty
			? `neither binary property ${recorded} nor "${clipProperty}" (the clip property) is on the item`
			: `binary property ${recorded} is not on the item`;
	const has = binaryNames.length
		? binaryNames.map((name) => `"${name}"`).join(', ')
		: 'no binary data';
	throw new InvalidInputError(
		[{ path, message: `${which} has no clip here: ${looked} (it has ${has})` }],
		'Keep the clips on the items from Veo Generate on (nodes that replace binary data drop them), ' +
			'or set the clip property to where the clip is.',
	);
}

/** The newest take of the item whose clip is on it, and where: what the next shot continues from. */
export function newestClip(
	item: ShotItem,
	binaryNames: readonly string[],
	clipProperty: string,
): { take: Take; binaryProperty: string } | undefined {
	for (const take of [...item.takes].reverse()) {
		const binaryProperty = findTakeClip(item, take, binaryNames, clipProperty);
		if (binaryProperty) return { take, binaryProperty };
	}
	return undefined;
}
