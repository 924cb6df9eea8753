import type { AssemblyOptions } from '../../core/assembly/types';
import { takeClipProperty } from '../../core/generationRecord';
import { createShotItems } from '../../core/shotItems';
import { transition as moveTo } from '../../core/status';
import type { DriftReport, ReviewDecision, ShotItem, ShotStatus, Take } from '../../core/types';
import { runFfmpeg } from '../../edges/ffmpeg/ffmpeg';
import { cafeSpec } from './specs';

/** Shot items as they reach Assemble, and real clips made with ffmpeg to go with them. */

/** Assembly options as the node's defaults give them: cuts, fail on a missing shot, nothing added. */
export function assemblyOptions(overrides: Partial<AssemblyOptions> = {}): AssemblyOptions {
	return {
		clipProperty: 'clip',
		missingShots: 'fail',
		takeOverrides: [],
		transition: { kind: 'cut', durationSeconds: 0.5 },
		target: {},
		renditions: [],
		quality: 'draft',
		...overrides,
	};
}

export interface TakeSpec {
	outcome?: Take['outcome'];
	route?: DriftReport['route'];
	review?: ReviewDecision['decision'];
	costUsd?: number;
	reason?: string;
}

/** A fixed clock: fixtures never depend on the day the tests run. */
export const FIXTURE_TIME = (minute: number) => new Date(Date.UTC(2026, 10, 25, 10, minute));
const AT = (minute: number) => FIXTURE_TIME(minute).toISOString();

export function makeTake(
	shotId: string,
	attempt: number,
	durationSeconds: number,
	spec: TakeSpec = {},
): Take {
	const outcome = spec.outcome ?? 'generated';
	return {
		id: `${shotId}-take-${attempt}`,
		attempt,
		prompt: `Prompt for ${shotId}, attempt ${attempt}`,
		negativePrompt: 'text, watermark',
		model: 'gemini-omni-1.2-flash',
		requestedDurationSeconds: durationSeconds,
		operationName: `models/veo/operations/${shotId}-${attempt}`,
		outcome,
		reason: spec.reason,
		clip:
			outcome === 'generated'
				? { binaryProperty: takeClipProperty('clip', attempt), mimeType: 'video/mp4' }
				: undefined,
		costUsd: spec.costUsd ?? (outcome === 'safety_filtered' ? 0 : 0.8),
		timings: { submittedAt: AT(attempt), finishedAt: AT(attempt + 1), generationSeconds: 60 },
		drift: spec.route
			? {
					drift: spec.route === 'pass' ? 0.1 : 0.5,
					confidence: 0.8,
					dimensions: {},
					reasons: spec.route === 'pass' ? [] : ['mug is green'],
					route: spec.route,
					technicalDefects: [],
					skipped: [],
					scoredAt: AT(attempt + 2),
				}
			: undefined,
		review: spec.review
			? {
					decision: spec.review,
					note: spec.review === 'rejected' ? 'the mug is green' : undefined,
					tags: spec.review === 'rejected' ? ['props'] : [],
					annotations:
						spec.review === 'rejected' ? [{ atSeconds: 1.5, text: 'green mug here' }] : [],
					reviewer: 'editor@example.com',
					decidedAt: AT(attempt + 3),
				}
			: undefined,
	};
}

/**
 * A pipeline's shot items; `takes[i]` lists shot i's takes in order. A shot whose last take is
 * generated and not rejected (nor sent back by QA) ends approved; others end as their last step says.
 */
export function pipelineItems(
	takes: TakeSpec[][],
	options: { durationSeconds?: number; dialogue?: string[]; title?: string } = {},
): ShotItem[] {
	const spec = cafeSpec(takes.length, options.durationSeconds ?? 2);
	if (options.title) spec.bible.title = options.title;
	spec.shots.forEach((shot, index) => {
		if (options.dialogue?.[index]) shot.dialogue = options.dialogue[index];
	});
	return createShotItems(spec, 'gemini-omni-1.2-flash').map((item, index) => {
		let current: ShotItem = item;
		const specs = takes[index];
		specs.forEach((takeSpec, attemptIndex) => {
			const take = makeTake(item.shot.id, attemptIndex + 1, item.shot.durationSeconds, takeSpec);
			// Every status change of a take happens at its fixed time, never at the wall clock's.
			const at = FIXTURE_TIME(attemptIndex + 5);
			const transition = (from: ShotItem, to: ShotStatus, reason?: string) =>
				moveTo(from, to, reason, at);
			current = { ...current, takes: [...current.takes, take] };
			if (take.outcome !== 'generated') {
				// Veo Generate retries a failed attempt within the same run: only the last one moves the shot.
				if (attemptIndex === specs.length - 1)
					current = transition(current, 'failed', take.reason ?? take.outcome);
				return;
			}
			current = transition(current, 'generated');
			if (take.drift) current = transition(current, 'scored');
			if (take.drift?.route === 'regenerate')
				current = transition(current, 'needs_regeneration', 'drift too high');
			else if (take.review?.decision === 'rejected')
				current = transition(
					transition(current, 'needs_review'),
					'needs_regeneration',
					'the mug is green',
				);
			else if (
				take.review?.decision === 'undecided' ||
				(take.drift?.route === 'review' && !take.review)
			)
				current = transition(current, 'needs_review', 'waiting for a person');
			else if (take.review)
				current = transition(
					transition(current, 'needs_review'),
					'approved',
					'approved by a person',
				);
			else current = transition(current, 'approved', 'passed QA');
		});
		return current;
	});
}

export interface ClipLook {
	/** ffmpeg colour name or 0xRRGGBB. */
	color: string;
	width?: number;
	height?: number;
	frameRate?: number;
	seconds?: number;
	/** Hz of a sine tone; 0 for a clip without sound. */
	tone?: number;
	/** Amplitude of the tone, 0-1. */
	volume?: number;
}

/** A small H.264/AAC MP4 made like the stand-in's clips (x264 ultrafast, faststart). */
export async function makeClip(filePath: string, look: ClipLook): Promise<void> {
	const { width = 320, height = 180, frameRate = 24, seconds = 2, tone = 440, volume = 0.3 } = look;
	const args = [
		'-y',
		'-f',
		'lavfi',
		'-i',
		`color=c=${look.color}:s=${width}x${height}:r=${frameRate}:d=${seconds}`,
	];
	if (tone)
		args.push('-f', 'lavfi', '-i', `sine=frequency=${tone}:sample_rate=48000:duration=${seconds}`);
	args.push(
		'-map',
		'0:v',
		'-c:v',
		'libx264',
		'-preset',
		'ultrafast',
		'-pix_fmt',
		'yuv420p',
		'-profile:v',
		'high',
	);
	if (tone)
		args.push('-map', '1:a', '-af', `volume=${volume}`, '-c:a', 'aac', '-b:a', '96k', '-ac', '2');
	args.push('-movflags', '+faststart', '-t', String(seconds), filePath);
	await runFfmpeg(args);
}

/** An AAC file with a tone and no picture (music, a voice-over, or a clip that is not video). */
export async function makeTone(
	filePath: string,
	seconds: number,
	frequency: number,
	volume = 0.5,
): Promise<void> {
	await runFfmpeg([
		'-y',
		'-f',
		'lavfi',
		'-i',
		`sine=frequency=${frequency}:sample_rate=48000:duration=${seconds}`,
		'-af',
		`volume=${volume}`,
		'-c:a',
		'aac',
		'-b:a',
		'96k',
		'-ac',
		'2',
		filePath,
	]);
}
