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
	const allShotIds = spec.shots.map((shot) => shot.id);
	return spec.shots.map((shot) => ({
		pipelineId,
		bible: spec.bible,
		shot,
		allShotIds,
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
		allShotIds: Array.isArray(item.allShotIds) ? item.allShotIds.map(String) : [spec.shots[0].id],
		status: item.status as ShotStatus,
		statusReason: item.statusReason,
		statusHistory: Array.isArray(item.statusHistory) ? item.statusHistory : [],
		takes: Array.isArray(item.takes) ? item.takes : [],
		correctiveNotes: Array.isArray(item.correctiveNotes) ? item.correctiveNotes : [],
		model: typeof item.model === 'string' ? item.model : '',
		provenance: item.provenance,
	};
}

export function latestTake(item: ShotItem): Take | undefined {
	return item.takes[item.takes.length - 1];
}
