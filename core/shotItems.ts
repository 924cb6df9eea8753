import { InvalidInputError, type Problem } from './failures';
import { pipelineIdFor } from './ids';
import { parseSceneSpec } from './schema';
import {
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

/**
 * Reads an incoming item as a shot item, validating it at the node boundary. The error names the
 * exact field, so a user who wired a node in the wrong place learns what is missing.
 */
export function parseShotItem(json: unknown): ShotItem {
	if (!json || typeof json !== 'object') {
		throw new InvalidInputError([{ path: '', message: 'is not a shot item (expected an object)' }]);
	}
	const item = json as Partial<ShotItem>;
	const problems: Problem[] = [];
	for (const field of ['pipelineId', 'bible', 'shot', 'status'] as const) {
		if (item[field] === undefined) problems.push({ path: field, message: 'is missing' });
	}
	if (problems.length) {
		throw new InvalidInputError(
			problems,
			'This node expects the items that Scene Spec produces (one per shot). Connect it after Scene Spec or a node that passes its items on.',
		);
	}
	if (!SHOT_STATUSES.includes(item.status as ShotStatus)) {
		throw new InvalidInputError([
			{
				path: 'status',
				message: `"${String(item.status)}" is not a shot status (${SHOT_STATUSES.join(', ')})`,
			},
		]);
	}
	const spec = parseSceneSpec({ bible: item.bible, shots: [item.shot] }, { wholeShotList: false });
	return {
		pipelineId: String(item.pipelineId),
		bible: spec.bible,
		shot: spec.shots[0],
		...shotPlace(item, spec.shots[0].id),
		status: item.status as ShotStatus,
		statusReason: item.statusReason,
		statusHistory: Array.isArray(item.statusHistory) ? item.statusHistory : [],
		takes: Array.isArray(item.takes) ? item.takes : [],
		correctiveNotes: Array.isArray(item.correctiveNotes) ? item.correctiveNotes : [],
		model: typeof item.model === 'string' ? item.model : '',
		provenance: item.provenance,
	};
}

/**
 * The shot's count and position; items of the former format carry every shot id instead. An item
 * that says neither counts as a pipeline of its own shot: Assemble then orders it by sequence.
 */
function shotPlace(
	item: Partial<ShotItem> & { allShotIds?: unknown },
	shotId: string,
): Pick<ShotItem, 'shotCount' | 'shotPosition'> {
	const whole = (value: unknown) =>
		Number.isInteger(value) && Number(value) > 0 ? Number(value) : 0;
	if (whole(item.shotCount) && whole(item.shotPosition) <= whole(item.shotCount))
		return { shotCount: whole(item.shotCount), shotPosition: whole(item.shotPosition) };
	if (Array.isArray(item.allShotIds)) {
		const ids = item.allShotIds.map(String);
		return { shotCount: ids.length, shotPosition: ids.indexOf(shotId) + 1 };
	}
	return { shotCount: 1, shotPosition: 0 };
}

export function latestTake(item: ShotItem): Take | undefined {
	return item.takes[item.takes.length - 1];
}
