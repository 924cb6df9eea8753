import { latestTake } from './shotItems';
import type { ShotItem, Take } from './types';

/**
 * Continuity you can see: a shot that continues the previous one may start from the previous
 * shot's approved last frame instead of only being told about it. Such a shot waits until its
 * predecessor is approved (in an earlier round of the batch loop), while independent shots run.
 */

export type ContinuityStart =
	/** Not a continuing shot, or the option is off: generate as usual. */
	| { kind: 'independent' }
	/** Start from the last frame of this approved take of the previous shot. */
	| { kind: 'fromPrevious'; previous: ShotItem; previousIndex: number; take: Take }
	/** Not yet: the previous shot has no approved take. */
	| { kind: 'wait'; reason: string }
	/** The previous shot will never give a frame (failed, or absent from the batch): words only. */
	| { kind: 'wordsOnly'; reason: string };

/** The item of the shot that comes right before this one in its pipeline, if in the batch. */
function previousShotOf(
	batch: Array<ShotItem | undefined>,
	item: ShotItem,
): { previous: ShotItem; previousIndex: number } | undefined {
	if (item.shotPosition < 2) return undefined;
	const previousIndex = batch.findIndex(
		(candidate) =>
			candidate?.pipelineId === item.pipelineId && candidate.shotPosition === item.shotPosition - 1,
	);
	return previousIndex >= 0 ? { previous: batch[previousIndex]!, previousIndex } : undefined;
}

export function continuityStart(
	batch: Array<ShotItem | undefined>,
	item: ShotItem,
	enabled: boolean,
): ContinuityStart {
	if (!enabled || !item.shot.continuousWithPrevious) return { kind: 'independent' };
	const found = previousShotOf(batch, item);
	if (!found) {
		return {
			kind: 'wordsOnly',
			reason: 'the previous shot is not in this batch, so this shot continues it in words only',
		};
	}
	const { previous, previousIndex } = found;
	const take = latestTake(previous);
	if (previous.status === 'approved' && take?.clip) {
		return { kind: 'fromPrevious', previous, previousIndex, take };
	}
	if (previous.status === 'failed') {
		return {
			kind: 'wordsOnly',
			reason: `${previous.shot.id} failed, so this shot continues it in words only`,
		};
	}
	return {
		kind: 'wait',
		reason: `waiting for ${previous.shot.id} to be approved: this shot starts from its last frame`,
	};
}
