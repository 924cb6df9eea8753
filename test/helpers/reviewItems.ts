import { takeIdFor } from '../../core/ids';
import { createShotItems } from '../../core/shotItems';
import type { DriftRoute, ShotItem, ShotStatus, Take } from '../../core/types';
import { cafeSpec } from './specs';

/**
 * Shot items as they reach Human Approval Wait: generated (and maybe scored), each with its takes.
 * Built from the café spec; every call returns fresh objects.
 */

export interface TakeOptions {
	/** Drift Score's verdict; no drift report when left out. */
	route?: DriftRoute;
	/** False for a take Google's safety filter withheld. */
	clip?: boolean;
	prompt?: string;
}

export function takeFor(item: ShotItem, attempt: number, options: TakeOptions = {}): Take {
	const withClip = options.clip ?? true;
	return {
		id: takeIdFor(item.shot.id, attempt),
		attempt,
		prompt: options.prompt ?? `Take ${attempt} of ${item.shot.id}: ${item.shot.description}`,
		negativePrompt: item.bible.negativePrompt,
		model: item.model,
		requestedDurationSeconds: item.shot.durationSeconds,
		outcome: withClip ? 'generated' : 'safety_filtered',
		...(withClip
			? { clip: { binaryProperty: `clip_take${attempt}`, mimeType: 'video/mp4' } }
			: { reason: 'withheld by the safety filter' }),
		costUsd: withClip ? 1.2 : 0,
		timings: { submittedAt: '2026-03-01T10:00:00.000Z' },
		...(options.route
			? {
					drift: {
						drift: options.route === 'pass' ? 0.08 : 0.41,
						confidence: 0.9,
						dimensions: {},
						reasons: options.route === 'pass' ? [] : ['the mug looks green'],
						correctivePrompt: options.route === 'pass' ? undefined : 'Make the mug clearly blue.',
						route: options.route,
						technicalDefects: [],
						skipped: [],
						scoredAt: '2026-03-01T10:05:00.000Z',
					},
				}
			: {}),
	};
}

export interface ShotSetup extends TakeOptions {
	status: ShotStatus;
	/** Takes before the newest one (each with a clip). */
	earlierTakes?: number;
}

/** One item per setup, shots 1..n of one pipeline, each with its newest take as described. */
export function reviewBatch(setups: ShotSetup[]): ShotItem[] {
	return createShotItems(cafeSpec(setups.length), 'gemini-omni-1.2-flash').map((item, index) => {
		const setup = setups[index];
		const attempts = (setup.earlierTakes ?? 0) + 1;
		const takes = Array.from({ length: attempts }, (_, taken) =>
			takeFor(item, taken + 1, taken + 1 === attempts ? setup : {}),
		);
		return { ...item, status: setup.status, takes };
	});
}
