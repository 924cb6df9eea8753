import { promises as fs } from 'fs';

import { NonRetryableFailure, RetryableFailure } from '../../core/failures';
import type { GenerationJob, NewAttempt } from '../../core/generationScheduler';
import type { Sleep } from '../../core/retry';
import type {
	ClipInfo,
	GeneratedVideoHandle,
	OperationState,
	Submission,
	VideoRequest,
	VideoService,
} from '../../core/videoJobs';

/**
 * A Veo that runs in memory, for unit tests of the scheduler and the node: operations take a fixed
 * latency on the given clock, a quota of operations at once answers 429 with an advertised delay,
 * and a script says what each submission of a prompt gives. It records every call, and how many
 * operations were submitted and not yet seen finished by a check (what the quota and the
 * scheduler's concurrency limit count).
 */

/**
 * - video: a clip; failed: a transient failure (retryable); fatal: a failure that will repeat;
 * - filtered: the safety filter withheld it; truncated: every download of it comes out short;
 * - never: it never finishes.
 */
export type FakeOutcome = 'video' | 'failed' | 'fatal' | 'filtered' | 'truncated' | 'never';

export interface FakeVeoOptions {
	now: () => number;
	latencyMs?: number;
	/** Operations running at once before a submission gets 429. */
	quota?: number;
	/** The delay a 429 advertises. */
	retryDelayMs?: number;
	/** The first submissions answer 429 whatever is running (a requests-per-minute quota). */
	throttleFirst?: number;
	/** Outcomes of successive submissions of a prompt that contains the key; 'video' once used up. */
	script?: Record<string, FakeOutcome[]>;
	/** Every submission is refused with this HTTP status. */
	refuseWith?: number;
	/** The refusal is about the setup whatever its status (a wrong API key answers 400). */
	refusalAboutSetup?: boolean;
	/** Finished operations report these billed output tokens (Gemini Omni bills by tokens). */
	billedTokens?: number;
	/**
	 * Every submission fails with a fault Google calls passing: an HTTP status (500, 503, 429) or
	 * 'reset' for a connection reset. The fault never passes.
	 */
	failSubmissionsWith?: number | 'reset';
	/** Downloads take this long on the given sleep. */
	downloadDelay?: { sleep: Sleep; ms: number };
	/** Answers to checks arrive this long after the check was made. */
	checkDelay?: { sleep: Sleep; ms: number };
	/** Downloads write this many bytes to the file (0: no file, for tests without a disk). */
	fileBytes?: number;
}

interface FakeOperation {
	name: string;
	prompt: string;
	submittedAt: number;
	dueAt: number;
	outcome: FakeOutcome;
	settled: boolean;
}

export interface SubmissionRecord {
	at: number;
	request: VideoRequest;
	/** 'accepted', or the HTTP status it was refused with (0: the connection was reset). */
	answer: 'accepted' | number;
	/** Operations the server was running when the submission arrived. */
	runningAtServer: number;
}

export const SAFETY_REASON =
	'The prompt may violate the Responsible AI practices (support code 58061214).';

export class FakeVeo implements VideoService {
	readonly submissions: SubmissionRecord[] = [];
	readonly checks: Array<{ at: number; name: string }> = [];
	readonly downloads: Array<{ at: number; path: string }> = [];
	readonly operations = new Map<string, FakeOperation>();
	/** Most operations submitted and not yet seen finished, at any moment. */
	maxUnsettled = 0;
	private readonly used = new Map<string, number>();
	private readonly truncatedPaths = new Set<string>();

	constructor(private readonly options: FakeVeoOptions) {}

	get accepted(): SubmissionRecord[] {
		return this.submissions.filter((submission) => submission.answer === 'accepted');
	}

	private now(): number {
		return this.options.now();
	}

	private runningAtServer(): number {
		return [...this.operations.values()].filter((operation) => operation.dueAt > this.now()).length;
	}

	private unsettled(): number {
		return [...this.operations.values()].filter((operation) => !operation.settled).length;
	}

	private nextOutcome(prompt: string): FakeOutcome {
		const key = Object.keys(this.options.script ?? {}).find((candidate) =>
			prompt.includes(candidate),
		);
		if (!key) return 'video';
		const index = this.used.get(key) ?? 0;
		this.used.set(key, index + 1);
		return this.options.script![key][index] ?? 'video';
	}

	async submit(request: VideoRequest): Promise<Submission> {
		const record: SubmissionRecord = {
			at: this.now(),
			request,
			answer: 'accepted',
			runningAtServer: this.runningAtServer(),
		};
		this.submissions.push(record);
		if (this.options.refuseWith) {
			record.answer = this.options.refuseWith;
			throw new NonRetryableFailure(
				`Submitting to ${request.model}: Google answered ${this.options.refuseWith}`,
				{ status: this.options.refuseWith, aboutSetup: this.options.refusalAboutSetup },
			);
		}
		const fault = this.options.failSubmissionsWith;
		if (fault !== undefined) {
			record.answer = fault === 'reset' ? 0 : fault;
			throw fault === 'reset'
				? new RetryableFailure(
						`Submitting to ${request.model}: the connection to Google failed (ECONNRESET)`,
						undefined,
					)
				: new RetryableFailure(
						`Submitting to ${request.model}: Google answered ${fault}`,
						fault === 429 ? this.options.retryDelayMs : undefined,
						{ status: fault },
					);
		}
		const throttled = this.submissions.length <= (this.options.throttleFirst ?? 0);
		if (
			throttled ||
			(this.options.quota !== undefined && record.runningAtServer >= this.options.quota)
		) {
			record.answer = 429;
			throw new RetryableFailure(
				'Submitting: Google answered 429 RESOURCE_EXHAUSTED',
				this.options.retryDelayMs,
				{ status: 429 },
			);
		}
		const name = `operations/${this.submissions.length}`;
		const outcome = this.nextOutcome(request.prompt);
		const dueAt = outcome === 'never' ? Infinity : this.now() + (this.options.latencyMs ?? 0);
		this.operations.set(name, {
			name,
			prompt: request.prompt,
			submittedAt: this.now(),
			dueAt,
			outcome,
			settled: false,
		});
		this.maxUnsettled = Math.max(this.maxUnsettled, this.unsettled());
		return { operationName: name, mode: request.edit ? 'edit' : 'generate' };
	}

	/** Registers an operation submitted before the test (Submit Only, or before a restart). */
	adopt(name: string, prompt: string, submittedAt: number, outcome: FakeOutcome = 'video'): void {
		const dueAt = outcome === 'never' ? Infinity : submittedAt + (this.options.latencyMs ?? 0);
		this.operations.set(name, { name, prompt, submittedAt, dueAt, outcome, settled: false });
	}

	async check(name: string): Promise<OperationState> {
		const state = this.stateOf(name);
		if (this.options.checkDelay) await this.options.checkDelay.sleep(this.options.checkDelay.ms);
		return state;
	}

	private stateOf(name: string): OperationState {
		this.checks.push({ at: this.now(), name });
		const operation = this.operations.get(name);
		if (!operation)
			throw new NonRetryableFailure(`Checking ${name}: Google answered 404`, { status: 404 });
		if (this.now() < operation.dueAt) return { done: false };
		operation.settled = true;
		switch (operation.outcome) {
			case 'failed':
				return {
					done: true,
					kind: 'failed',
					message: 'Video generation failed due to an internal error.',
					retryable: true,
				};
			case 'fatal':
				return {
					done: true,
					kind: 'failed',
					message: 'The prompt cannot be rendered.',
					retryable: false,
				};
			case 'filtered':
				return { done: true, kind: 'safety_filtered', filteredCount: 1, reasons: [SAFETY_REASON] };
			default:
				return {
					done: true,
					kind: 'videos',
					videos: [{ uri: `https://files.example/${name}`, source: operation }],
					...(this.options.billedTokens !== undefined
						? {
								usage: {
									outputTokens: this.options.billedTokens,
									costUsd: this.options.billedTokens / 1e5,
								},
							}
						: {}),
				};
		}
	}

	async download(video: GeneratedVideoHandle, destinationPath: string): Promise<void> {
		this.downloads.push({ at: this.now(), path: destinationPath });
		if (this.options.downloadDelay)
			await this.options.downloadDelay.sleep(this.options.downloadDelay.ms);
		if ((video.source as FakeOperation).outcome === 'truncated')
			this.truncatedPaths.add(destinationPath);
		else this.truncatedPaths.delete(destinationPath);
		if (this.options.fileBytes)
			await fs.writeFile(destinationPath, Buffer.alloc(this.options.fileBytes, 7));
	}

	async verify(
		filePath: string,
		expectedDurationSeconds: number,
	): Promise<{ ok: true; info: ClipInfo } | { ok: false; reason: string }> {
		if (this.truncatedPaths.has(filePath))
			return {
				ok: false,
				reason: `is ${expectedDurationSeconds / 2} s long, ${expectedDurationSeconds} s were asked for`,
			};
		return {
			ok: true,
			info: {
				durationSeconds: expectedDurationSeconds,
				width: 1280,
				height: 720,
				sizeBytes: this.options.fileBytes ?? 0,
			},
		};
	}
}

/**
 * Virtual time for deterministic tests: `sleep` parks until the clock reaches its end, and `run`
 * moves the clock to the next parked sleep only when every other piece of work is waiting.
 */
export class FakeClock {
	now = 0;
	readonly sleeps: number[] = [];
	private timers: Array<{ at: number; resolve: () => void }> = [];

	readonly sleep: Sleep = (ms) => {
		this.sleeps.push(ms);
		return new Promise<void>((resolve) => this.timers.push({ at: this.now + ms, resolve }));
	};

	async run<T>(work: Promise<T>): Promise<T> {
		let settled = false;
		work.then(
			() => (settled = true),
			() => (settled = true),
		);
		for (;;) {
			for (let round = 0; round < 20; round++)
				await new Promise((resolve) => setImmediate(resolve));
			if (settled) return work;
			if (!this.timers.length)
				throw new Error('the work is stuck: it waits for nothing the clock can end');
			this.timers.sort((a, b) => a.at - b.at);
			const next = this.timers.shift()!;
			this.now = Math.max(this.now, next.at);
			next.resolve();
		}
	}
}

/** A job for the scheduler: an 8 s Veo 3.1 Fast shot whose prompt names it (`shot-<key>.`), three attempts. */
export type JobOverrides = Partial<
	Pick<GenerationJob, 'attemptsUsed' | 'maxAttempts' | 'inFlight'>
> & {
	newAttempt?: NewAttempt | undefined;
};

export function veoJob(key: number, overrides: JobOverrides = {}): GenerationJob {
	return {
		key,
		newAttempt: {
			request: {
				model: 'gemini-omni-1.2-flash',
				prompt: `shot-${key}.`,
				durationSeconds: 8,
				aspectRatio: '16:9',
				resolution: '720p',
			},
			costUsd: 0.8,
		},
		attemptsUsed: 0,
		maxAttempts: 3,
		...overrides,
	} as GenerationJob;
}
