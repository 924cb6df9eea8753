import type { AttemptRecord, JobResult } from './generationScheduler';
import { takeIdFor } from './ids';
import { transition } from './status';
import type { ClipReference, ShotItem, Take } from './types';

/**
 * Writes what a generation run did into a shot item: one take per attempt (a resumed attempt
 * updates its take), and the status the outcome calls for. Returns the clip files to attach, under
 * the binary property names the takes record.
 */

export interface RecordOptions {
	clipProperty: string;
	prompt: string;
	negativePrompt: string;
	model: string;
	/** Length asked for in new attempts. */
	durationSeconds: number;
	keepFileUri: boolean;
	/** The take an edit changes, and why a wanted edit became a fresh generation. */
	editOf?: string;
	editFallback?: string;
	/** The previous shot's take whose last frame new attempts start from. */
	firstFrameFrom?: string;
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
		prompt: options.prompt,
		negativePrompt: options.negativePrompt,
		model: options.model,
		requestedDurationSeconds: options.durationSeconds,
		operationName: attempt.operationName,
		outcome: attempt.outcome,
		reason: attempt.reason,
		safetyReasons: attempt.safetyReasons,
		clip: clips[0],
		...(clips.length > 1 ? { alternateClips: clips.slice(1) } : {}),
		costUsd: attempt.costUsd,
		...(attempt.outputTokens !== undefined ? { outputTokens: attempt.outputTokens } : {}),
		...(attempt.mode ? { mode: attempt.mode } : {}),
		...(attempt.mode === 'edit' && options.editOf ? { editOf: options.editOf } : {}),
		...((attempt.editFallback ?? options.editFallback)
			? { editFallback: attempt.editFallback ?? options.editFallback }
			: {}),
		...(options.firstFrameFrom ? { firstFrameFrom: options.firstFrameFrom } : {}),
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
		const existing = takes.findIndex((t) => t.attempt === attempt.attempt);
		if (attempt.resumed && existing >= 0) {
			// Keep what was recorded at submission, add what happened since.
			const submitted = takes[existing];
			takes[existing] = {
				...take,
				prompt: submitted.prompt,
				negativePrompt: submitted.negativePrompt,
				model: submitted.model,
				requestedDurationSeconds: submitted.requestedDurationSeconds,
				mode: submitted.mode ?? take.mode,
				editOf: submitted.editOf,
				editFallback: submitted.editFallback,
				firstFrameFrom: submitted.firstFrameFrom,
				// Filtered videos are free; billed tokens replace the estimate made at submission.
				costUsd:
					take.outcome === 'safety_filtered'
						? 0
						: take.outputTokens !== undefined
							? take.costUsd
							: submitted.costUsd,
			};
		} else {
			takes.push(take);
		}
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
