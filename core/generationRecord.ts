import type { AttemptRecord, JobResult } from './generationScheduler';
import { takeIdFor } from './ids';
import { latestTake } from './shotItems';
import { transition } from './status';
import type { ClipReference, ShotItem, Take } from './types';

/**
 * Writes what a generation run did into a shot item: one take per attempt (a resumed attempt
 * updates its take), and the status the outcome calls for. Returns the clip files to attach, under
 * the binary property names the takes record. The take is the whole record of a generation: a
 * take still in flight holds everything a later run needs to check and fetch it.
 */

/** The newest take when its operation was submitted and its clip not fetched yet. */
export function takeInFlight(item: ShotItem): Take | undefined {
	const last = latestTake(item);
	return last?.outcome === 'submitted' && last.operationName ? last : undefined;
}

export interface RecordOptions {
	clipProperty: string;
	keepFileUri: boolean;
	/** Where a safety-filtered shot goes: to a person, or straight to failed. */
	safetyFilteredStatus: 'needs_review' | 'failed';
	now?: Date;
}

export interface ClipToAttach {
	path: string;
	binaryProperty: string;
	fileName: string;
}

/** Every take keeps its clip under `<clip property>_take<N>`; the newest is also under the clip property. */
export function takeClipProperty(clipProperty: string, attempt: number, alternate = 0): string {
	return `${clipProperty}_take${attempt}${alternate ? `_${alternate + 1}` : ''}`;
}

function takeFromAttempt(
	item: ShotItem,
	attempt: AttemptRecord,
	options: RecordOptions,
	attach: ClipToAttach[],
): Take {
	const clips: ClipReference[] = attempt.clips.map((clip, index) => {
		const binaryProperty = takeClipProperty(options.clipProperty, attempt.attempt, index);
		attach.push({
			path: clip.path,
			binaryProperty,
			fileName: `${item.pipelineId}-${item.shot.id}-take${attempt.attempt}${index ? `-${index + 1}` : ''}.mp4`,
		});
		return {
			binaryProperty,
			mimeType: 'video/mp4',
			...(options.keepFileUri && clip.uri ? { fileUri: clip.uri } : {}),
			durationSeconds: clip.info.durationSeconds,
			width: clip.info.width,
			height: clip.info.height,
			bytes: clip.info.sizeBytes,
		};
	});
	const submittedMs = Date.parse(attempt.submittedAt);
	const finishedMs = attempt.finishedAt ? Date.parse(attempt.finishedAt) : undefined;
	return {
		id: takeIdFor(item.shot.id, attempt.attempt),
		attempt: attempt.attempt,
		prompt: attempt.prompt,
		negativePrompt: attempt.negativePrompt,
		model: attempt.model,
		requestedDurationSeconds: attempt.requestedDurationSeconds,
		operationName: attempt.operationName,
		outcome: attempt.outcome,
		reason: attempt.reason,
		safetyReasons: attempt.safetyReasons,
		clip: clips[0],
		...(clips.length > 1 ? { alternateClips: clips.slice(1) } : {}),
		costUsd: attempt.costUsd,
		...(attempt.outputTokens !== undefined ? { outputTokens: attempt.outputTokens } : {}),
		...(attempt.mode ? { mode: attempt.mode } : {}),
		...(attempt.editOf ? { editOf: attempt.editOf } : {}),
		...(attempt.editFallback ? { editFallback: attempt.editFallback } : {}),
		...(attempt.firstFrameFrom ? { firstFrameFrom: attempt.firstFrameFrom } : {}),
		timings: {
			submittedAt: attempt.submittedAt,
			finishedAt: attempt.finishedAt,
			generationSeconds:
				finishedMs !== undefined ? Math.round((finishedMs - submittedMs) / 100) / 10 : undefined,
			pollCount: attempt.pollCount,
		},
	};
}

export interface RecordedGeneration {
	item: ShotItem;
	attach: ClipToAttach[];
	/** Binary property of the newest generated clip, which also goes under the clip property. */
	newestClip?: string;
}

export function recordGeneration(
	item: ShotItem,
	result: JobResult,
	options: RecordOptions,
): RecordedGeneration {
	const attach: ClipToAttach[] = [];
	const takes = [...item.takes];
	let newestClip: string | undefined;
	for (const attempt of result.attempts) {
		const take = takeFromAttempt(item, attempt, options, attach);
		if (take.clip) newestClip = take.clip.binaryProperty;
		// A resumed attempt began from its take's record: the take now holds what happened since.
		const existing = takes.findIndex((t) => t.attempt === attempt.attempt);
		if (attempt.resumed && existing >= 0) takes[existing] = take;
		else takes.push(take);
	}
	let updated: ShotItem = { ...item, takes };
	const now = options.now ?? new Date();
	switch (result.end) {
		case 'generated':
			updated = transition(updated, 'generated', undefined, now);
			break;
		case 'failed':
			updated = transition(updated, 'failed', result.reason, now);
			break;
		case 'safety_filtered':
			updated = transition(updated, options.safetyFilteredStatus, result.reason, now);
			break;
		default:
			// in_flight, not_started, retry_later: the shot keeps its status and says why.
			if (result.reason) updated = { ...updated, statusReason: result.reason };
	}
	return { item: updated, attach, newestClip };
}
