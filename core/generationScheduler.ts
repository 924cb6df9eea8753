import path from 'path';

import { describeError, isRetryable, NonRetryableFailure, type RetryableFailure } from './failures';
import { PollTiming } from './pollTiming';
import { retryDelay, withRetries, type Sleep } from './retry';
import type { Take } from './types';
import type {
	ClipInfo,
	GeneratedVideoHandle,
	OperationState,
	Submission,
	VideoRequest,
	VideoService,
} from './videoJobs';

/**
 * Runs many Veo generations at once within a quota, and loses none of them.
 *
 * - Up to `concurrency` operations run at once; as each finishes the next starts, while the
 *   finished clip is downloaded and checked beside the running ones.
 * - A 429 throttles the whole batch for the server's advertised delay and lowers the number of
 *   operations in flight to what the server accepted; it never uses a shot's attempts. Each
 *   finished operation then lets one more run, up to `concurrency`. Veo's quota is the Google
 *   project's, shared with every other batch (other executions, other n8n workers): while shots
 *   wait, each advertised delay ends with one submission more than the batch runs, so quota
 *   another batch frees is used within a delay rather than when this batch's own clips finish.
 * - Another passing refusal of a submission (500, 503, a connection reset) throttles the batch the
 *   same way and uses one of the shot's attempts (a take that cost nothing, with the reason).
 * - When Google has refused every submission for longer than the clip timeout, the shots still
 *   waiting to be submitted fail with the reason: a fault that does not pass cannot loop forever.
 * - Polling learns how long the batch's clips take (PollTiming) and checks just before a clip is due.
 * - A failed, timed-out or truncated attempt is tried again while the shot has attempts left;
 *   then it is reported failed with the reason. Safety-filtered results are reported as such.
 * - A budget stops new submissions before one would exceed it; unstarted shots are reported. A
 *   refusal that is not about one request (credential, permission, unknown model) stops new
 *   submissions the same way, so one bad setting does not use up every shot's attempts.
 */

/** A new attempt at a shot: what it submits, and its estimated cost from the model table. */
export interface NewAttempt {
	request: VideoRequest;
	costUsd: number;
	/** Where the take comes from, recorded on it: the take it edits, its first frame's source. */
	origin?: TakeOrigin;
}

/** How a take came about besides its request: what its own record says about its making. */
export type TakeOrigin = Pick<Take, 'editOf' | 'editFallback' | 'firstFrameFrom'>;

interface JobBase {
	/** The caller's key for the job (the item index). */
	key: number;
	/** Attempts the shot has used before this run (its takes). */
	attemptsUsed: number;
	maxAttempts: number;
}

/**
 * One shot of the batch. A shot whose newest take is still in flight (submitted by Submit Only,
 * or by a run cut short) is followed through that take, which records everything needed to check
 * and fetch it; a new attempt is made only from `newAttempt`, which a job that may only follow
 * its take (Submit Only, Check and Fetch) does without.
 */
export type GenerationJob = JobBase &
	({ newAttempt: NewAttempt; inFlight?: Take } | { newAttempt?: undefined; inFlight: Take });

/**
 * What the scheduler did in one attempt: everything its take records (for a resumed attempt,
 * what was asked for is the take's record; for a new one, the job's request).
 */
export type AttemptRecord = Pick<
	Take,
	| 'attempt'
	| 'prompt'
	| 'negativePrompt'
	| 'model'
	| 'requestedDurationSeconds'
	| 'operationName'
	| 'outcome'
	| 'reason'
	| 'safetyReasons'
	| 'costUsd'
	| 'outputTokens'
	| 'mode'
	| 'editOf'
	| 'editFallback'
	| 'firstFrameFrom'
> & {
	submittedAt: string;
	finishedAt?: string;
	pollCount: number;
	/** Downloaded clips (several when the request asked for more than one video); empty unless generated. */
	clips: Array<{ path: string; info: ClipInfo; uri?: string }>;
	/** True for an attempt that continues one recorded earlier (its take already exists). */
	resumed: boolean;
};

/** What the take says of its making, from the submission and the job's origin. */
function originOf(
	submission: Submission,
	origin: TakeOrigin = {},
): Pick<AttemptRecord, 'mode' | 'editOf' | 'editFallback' | 'firstFrameFrom'> {
	const editFallback = submission.editFallback ?? origin.editFallback;
	return {
		mode: submission.mode,
		...(submission.mode === 'edit' && origin.editOf ? { editOf: origin.editOf } : {}),
		...(editFallback ? { editFallback } : {}),
		...(origin.firstFrameFrom ? { firstFrameFrom: origin.firstFrameFrom } : {}),
	};
}

export type JobEnd =
	| 'generated'
	| 'failed'
	| 'safety_filtered'
	/** Submitted and still running (Submit Only / Check and Fetch). */
	| 'in_flight'
	/** Not submitted: budget, a refusal, or no free slot in Submit Only; the shot keeps its status. */
	| 'not_started'
	/** Failed this time with attempts left, in a mode that does not wait (Check and Fetch), or budget spent. */
	| 'retry_later';

export interface JobResult {
	key: number;
	end: JobEnd;
	reason?: string;
	attempts: AttemptRecord[];
}

export type SchedulerMode = 'wait' | 'submitOnly' | 'checkOnce';

export interface SchedulerOptions {
	mode: SchedulerMode;
	concurrency: number;
	sleep: Sleep;
	now?: () => number;
	/** Longest wait for one clip before the attempt counts as timed out. */
	clipTimeoutMs: number;
	pollMinMs: number;
	pollMaxMs: number;
	/** Stop submitting when the next attempt would take the spend over this (US dollars). */
	budgetUsd?: number;
	/** Where clips are downloaded; the caller removes it. */
	workDir: string;
	/** Downloads tried per finished operation before the attempt counts as failed. */
	downloadAttempts: number;
}

export interface BatchReport {
	results: JobResult[];
	spentUsd: number;
	submitted: number;
	pollRequests: number;
	rateLimited: number;
	budgetStopped: boolean;
	/** Google refused the setup rather than a request (credential, permission, model): nothing more was submitted. */
	refusal?: NonRetryableFailure;
}

/** A job that can submit: new shots, and failed attempts tried again. */
type QueuedJob = GenerationJob & { newAttempt: NewAttempt };

interface Running {
	job: GenerationJob;
	attempt: AttemptRecord;
	expectedSeconds: number;
	submittedAtMs: number;
	/** Elapsed ms at the last check that found the operation still running (0 if none). */
	lastPendingMs: number;
	nextCheckAtMs: number;
	checking: boolean;
}

/** Refusals about a request's content fail that shot; any other refusal is about the setup. */
const REQUEST_REFUSAL_STATUSES = new Set([400, 413]);

const toIso = (ms: number) => new Date(ms).toISOString();

/** What a take records of the request it was made with. */
function askedFor(
	request: VideoRequest,
): Pick<AttemptRecord, 'prompt' | 'negativePrompt' | 'model' | 'requestedDurationSeconds'> {
	return {
		prompt: request.prompt,
		negativePrompt: request.negativePrompt ?? '',
		model: request.model,
		requestedDurationSeconds: request.durationSeconds,
	};
}

export async function runGenerationBatch(
	jobs: GenerationJob[],
	service: VideoService,
	options: SchedulerOptions,
): Promise<BatchReport> {
	return new GenerationBatch(jobs, service, options).run();
}

class GenerationBatch {
	private readonly now: () => number;
	private readonly results: Map<number, JobResult>;
	private readonly queue: QueuedJob[];
	private readonly running: Running[] = [];
	/** Checks of operations and downloads of finished clips, under way beside the generations. */
	private readonly tasks = new Set<Promise<void>>();
	private taskError?: unknown;
	private readonly fetchSlots: Limiter;
	private readonly timing: PollTiming;
	private spentUsd = 0;
	private submitted = 0;
	private pollRequests = 0;
	private rateLimited = 0;
	private consecutiveThrottles = 0;
	private budgetStopped = false;
	private refusal?: NonRetryableFailure;
	private throttledUntil = 0;
	/** When Google began refusing every submission (undefined while it accepts them), and its last word. */
	private refusingSince?: number;
	private lastRefusal?: RetryableFailure;
	private allowedInFlight: number;
	/** Submissions sent and not yet answered. */
	private submitting = 0;

	constructor(
		jobs: GenerationJob[],
		private readonly service: VideoService,
		private readonly options: SchedulerOptions,
	) {
		this.now = options.now ?? Date.now;
		this.results = new Map(
			jobs.map((job) => [job.key, { key: job.key, end: 'not_started', attempts: [] }]),
		);
		this.queue = jobs.filter((job): job is QueuedJob => !job.inFlight);
		this.allowedInFlight = Math.max(1, options.concurrency);
		this.fetchSlots = new Limiter(this.allowedInFlight);
		this.timing = new PollTiming(options.pollMinMs, options.pollMaxMs);
		for (const job of jobs) if (job.inFlight) this.resume(job, job.inFlight);
	}

	async run(): Promise<BatchReport> {
		if (this.options.mode === 'checkOnce') {
			const checkSlots = new Limiter(this.allowedInFlight);
			for (const entry of [...this.running]) this.spawn(checkSlots.run(() => this.check(entry)));
			while (this.tasks.size) await Promise.all(this.tasks);
		} else if (this.options.mode === 'submitOnly') {
			await this.fillSlots();
			this.reportUnsubmitted();
		} else {
			await this.waitForAll();
		}
		if (this.taskError) throw this.taskError;
		return {
			results: [...this.results.values()],
			spentUsd: this.spentUsd,
			submitted: this.submitted,
			pollRequests: this.pollRequests,
			rateLimited: this.rateLimited,
			budgetStopped: this.budgetStopped,
			refusal: this.refusal,
		};
	}

	private async waitForAll(): Promise<void> {
		while (this.queue.length || this.running.length || this.tasks.size) {
			await this.fillSlots();
			const waiting = this.running.filter((entry) => !entry.checking);
			for (const entry of waiting)
				if (entry.nextCheckAtMs <= this.now()) this.spawn(this.check(entry));
			const wakeAt = Math.min(
				...waiting.filter((entry) => !entry.checking).map((entry) => entry.nextCheckAtMs),
				this.queue.length && this.running.length < this.options.concurrency
					? this.throttledUntil
					: Infinity,
			);
			// A finished check or download may free a slot or queue a retry: it wakes the loop as a timer does.
			const wakers = [...this.tasks];
			if (Number.isFinite(wakeAt))
				wakers.push(this.options.sleep(Math.max(0, wakeAt - this.now())));
			if (!wakers.length) break;
			await Promise.race(wakers);
			if (this.taskError) return;
		}
	}

	/** Runs a check or download beside the loop; a bug in one fails the batch rather than the process. */
	private spawn(task: Promise<void>): void {
		const tracked: Promise<void> = task
			.catch((error: unknown) => {
				this.taskError ??= error;
			})
			.finally(() => this.tasks.delete(tracked));
		this.tasks.add(tracked);
	}

	private result(job: GenerationJob): JobResult {
		return this.results.get(job.key)!;
	}

	private finish(job: GenerationJob, end: JobEnd, reason?: string): void {
		const result = this.result(job);
		result.end = end;
		result.reason = reason;
	}

	private attemptsOf(job: GenerationJob): number {
		return (
			job.attemptsUsed + this.result(job).attempts.filter((attempt) => !attempt.resumed).length
		);
	}

	/** Follows a take submitted in an earlier run: its attempt continues from what the take recorded. */
	private resume(job: GenerationJob, take: Take): void {
		const attempt: AttemptRecord = {
			attempt: take.attempt,
			prompt: take.prompt,
			negativePrompt: take.negativePrompt,
			model: take.model,
			requestedDurationSeconds: take.requestedDurationSeconds,
			operationName: take.operationName,
			mode: take.mode,
			editOf: take.editOf,
			editFallback: take.editFallback,
			firstFrameFrom: take.firstFrameFrom,
			outcome: 'submitted',
			submittedAt: take.timings.submittedAt,
			pollCount: take.timings.pollCount ?? 0,
			costUsd: take.costUsd,
			clips: [],
			resumed: true,
		};
		// Submit Only only counts them against the slots; their takes stay as they are.
		if (this.options.mode !== 'submitOnly') this.result(job).attempts.push(attempt);
		this.finish(job, 'in_flight');
		this.running.push({
			job,
			attempt,
			expectedSeconds: take.requestedDurationSeconds,
			submittedAtMs: Date.parse(take.timings.submittedAt),
			lastPendingMs: 0,
			nextCheckAtMs: this.now(),
			checking: false,
		});
	}

	/** Submits queued jobs, together, while slots are free and the server has not asked to slow down. */
	private async fillSlots(): Promise<void> {
		// After a 429's delay, ask whether the project has room again: another batch may have freed it.
		const inFlight = this.running.length + this.submitting;
		if (this.queue.length && this.now() >= this.throttledUntil && inFlight >= this.allowedInFlight)
			this.allowedInFlight = Math.min(this.options.concurrency, inFlight + 1);
		const submissions: Array<Promise<void>> = [];
		while (
			this.queue.length &&
			this.running.length + this.submitting < this.allowedInFlight &&
			this.now() >= this.throttledUntil
		) {
			const job = this.queue[0];
			const { costUsd } = job.newAttempt;
			const budget = this.options.budgetUsd;
			if (budget !== undefined && this.spentUsd + costUsd > budget + 1e-9) {
				this.budgetStopped = true;
				this.stopSubmitting(
					`not started: the next clip ($${costUsd.toFixed(2)}) would take the spend of $${this.spentUsd.toFixed(2)} ` +
						`over the budget of $${budget.toFixed(2)}`,
					'not retried: the budget is spent',
				);
				break;
			}
			this.queue.shift();
			// Counted from the request on, so submissions made together stay within the budget.
			this.spentUsd += costUsd;
			this.submitting += 1;
			submissions.push(this.submit(job).finally(() => (this.submitting -= 1)));
		}
		await Promise.all(submissions);
	}

	private async submit(job: QueuedJob): Promise<void> {
		const submittedAtMs = this.now();
		const { request, costUsd } = job.newAttempt;
		let submission: Submission;
		try {
			submission = await this.service.submit(request);
		} catch (error) {
			this.spentUsd -= costUsd;
			if (isRetryable(error)) this.refusedForNow(job, error, submittedAtMs);
			else this.refuse(job, error, submittedAtMs);
			return;
		}
		this.consecutiveThrottles = 0;
		this.refusingSince = undefined;
		this.submitted += 1;
		const attempt: AttemptRecord = {
			attempt: this.attemptsOf(job) + 1,
			...askedFor(request),
			operationName: submission.operationName,
			...originOf(submission, job.newAttempt.origin),
			outcome: 'submitted',
			submittedAt: toIso(submittedAtMs),
			pollCount: 0,
			costUsd,
			clips: [],
			resumed: false,
		};
		this.result(job).attempts.push(attempt);
		this.finish(job, 'in_flight');
		this.running.push({
			job,
			attempt,
			expectedSeconds: request.durationSeconds,
			submittedAtMs,
			lastPendingMs: 0,
			nextCheckAtMs: submittedAtMs + this.timing.nextDelay(0),
			checking: false,
		});
	}

	/**
	 * Google refused a submission with a fault it calls passing. The batch slows down; a 429 puts
	 * the shot back in the queue, any other fault uses one of its attempts. Once every submission
	 * has been refused for the clip timeout, the shots not yet submitted fail.
	 */
	private refusedForNow(job: QueuedJob, error: RetryableFailure, submittedAtMs: number): void {
		this.throttle(error);
		this.refusingSince ??= submittedAtMs;
		this.lastRefusal = error;
		const reason = describeError(error);
		if (error.status === 429) {
			this.queue.unshift(job);
		} else {
			this.recordRefusedAttempt(job, reason, submittedAtMs);
			this.retryOrFail(job, reason);
		}
		const refusedMs = this.now() - this.refusingSince;
		if (refusedMs >= this.options.clipTimeoutMs) {
			const ended =
				`Google refused every submission for ${Math.round(refusedMs / 1000)} s ` +
				`(the limit is ${Math.round(this.options.clipTimeoutMs / 1000)} s); last: ${reason}`;
			for (const waiting of this.queue.splice(0)) this.finish(waiting, 'failed', ended);
		}
	}

	/** The server accepted as many as are running: hold there, and wait the delay it asked for. */
	private throttle(error: unknown): void {
		this.rateLimited += 1;
		this.consecutiveThrottles += 1;
		this.allowedInFlight = Math.max(1, Math.min(this.allowedInFlight, this.running.length));
		const delay = retryDelay(error, this.consecutiveThrottles, {
			initialDelayMs: 1000,
			maxDelayMs: 60_000,
		});
		// At least one poll step, so an advertised 0 s cannot turn into a burst of submissions.
		this.throttledUntil = this.now() + Math.max(delay, this.options.pollMinMs);
	}

	/** Google refused a submission: the shot fails when its request is at fault, else submitting stops. */
	private refuse(job: QueuedJob, error: unknown, submittedAtMs: number): void {
		const failure =
			error instanceof NonRetryableFailure
				? error
				: new NonRetryableFailure(describeError(error), { cause: error });
		if (failure.aboutSetup || !failure.status || !REQUEST_REFUSAL_STATUSES.has(failure.status)) {
			this.refusal = failure;
			this.queue.unshift(job);
			this.stopSubmitting(`not started: ${failure.message}`, `not retried: ${failure.message}`);
			return;
		}
		this.recordRefusedAttempt(job, failure.message, submittedAtMs);
		// The same request will be refused again: no point in using the shot's other attempts.
		this.finish(job, 'failed', `Google refused the request: ${failure.message}`);
	}

	/** A submission Google refused is an attempt of the shot that cost nothing. */
	private recordRefusedAttempt(job: QueuedJob, reason: string, submittedAtMs: number): void {
		this.result(job).attempts.push({
			attempt: this.attemptsOf(job) + 1,
			...askedFor(job.newAttempt.request),
			outcome: 'failed',
			reason,
			submittedAt: toIso(submittedAtMs),
			finishedAt: toIso(this.now()),
			pollCount: 0,
			costUsd: 0,
			clips: [],
			resumed: false,
		});
	}

	/** Leaves every queued job unsubmitted, saying why; shots that already tried keep their takes. */
	private stopSubmitting(unstartedReason: string, retryReason: string): void {
		for (const job of this.queue.splice(0)) {
			if (this.result(job).attempts.length === 0) this.finish(job, 'not_started', unstartedReason);
			else this.finish(job, 'retry_later', retryReason);
		}
	}

	private reportUnsubmitted(): void {
		const refused =
			this.lastRefusal?.status === 429
				? "Google's quota is used up for now (429)"
				: `Google refused the last submission (${this.lastRefusal && describeError(this.lastRefusal)})`;
		const reason =
			this.now() < this.throttledUntil
				? `not submitted yet: ${refused}; run Submit Only again after Check and Fetch`
				: `waiting for a free slot (${this.options.concurrency} at once); run Submit Only again after Check and Fetch`;
		for (const job of this.queue) this.finish(job, 'not_started', reason);
	}

	/** After a failed attempt: try again while attempts remain, else the shot has failed. */
	private retryOrFail(job: GenerationJob, reason: string): void {
		const used = this.attemptsOf(job);
		if (used >= job.maxAttempts) {
			this.finish(
				job,
				'failed',
				`${reason} (attempt ${used} of ${job.maxAttempts}; no attempts left)`,
			);
		} else if (this.options.mode === 'wait' && job.newAttempt) {
			this.queue.unshift({ ...job, inFlight: undefined, newAttempt: job.newAttempt });
		} else {
			this.finish(job, 'retry_later', reason);
		}
	}

	private leave(entry: Running): void {
		this.running.splice(this.running.indexOf(entry), 1);
		if (this.allowedInFlight < this.options.concurrency && this.now() >= this.throttledUntil)
			this.allowedInFlight += 1;
	}

	private async check(entry: Running): Promise<void> {
		entry.checking = true;
		entry.attempt.pollCount += 1;
		this.pollRequests += 1;
		// Cadence and learning go by when checks are sent, so a slow answer does not stretch the steps.
		const sentAt = this.now();
		const elapsedAtSend = sentAt - entry.submittedAtMs;
		let state: OperationState | undefined;
		let checkError: unknown;
		try {
			state = await this.service.check(entry.attempt.operationName!);
		} catch (error) {
			checkError = error;
		}
		entry.checking = false;
		const at = this.now();
		const elapsed = at - entry.submittedAtMs;
		if (checkError && !isRetryable(checkError)) {
			// Lost or refused (expired, deleted): a new attempt may still make the clip.
			state = {
				done: true,
				kind: 'failed',
				message: `the operation could not be checked: ${describeError(checkError)}`,
				retryable: true,
			};
		} else if (state?.done) {
			this.timing.observe(entry.lastPendingMs, elapsedAtSend);
			this.bringChecksForward(at);
		}
		if (state?.done) {
			this.leave(entry);
			entry.attempt.finishedAt = toIso(at);
			this.settle(entry, state);
			return;
		}
		if (elapsed > this.options.clipTimeoutMs) {
			this.leave(entry);
			entry.attempt.outcome = 'timed_out';
			entry.attempt.finishedAt = toIso(at);
			entry.attempt.reason =
				`no clip after ${Math.round(elapsed / 1000)} s ` +
				`(the limit is ${Math.round(this.options.clipTimeoutMs / 1000)} s)`;
			this.retryOrFail(entry.job, entry.attempt.reason);
			return;
		}
		if (checkError) {
			entry.nextCheckAtMs =
				at +
				retryDelay(checkError, 1, {
					initialDelayMs: this.options.pollMinMs,
					maxDelayMs: this.options.pollMaxMs,
				});
			return;
		}
		entry.lastPendingMs = elapsedAtSend;
		entry.nextCheckAtMs = sentAt + this.timing.nextDelay(elapsedAtSend);
	}

	/** What the batch just learnt may call for earlier checks (before, a first wave backs off coarsely). */
	private bringChecksForward(at: number): void {
		for (const entry of this.running) {
			if (entry.checking) continue;
			const elapsed = at - entry.submittedAtMs;
			entry.nextCheckAtMs = Math.min(
				entry.nextCheckAtMs,
				at + this.timing.delayAfterLearning(elapsed, elapsed - entry.lastPendingMs),
			);
		}
	}

	private settle(entry: Running, state: Exclude<OperationState, { done: false }>): void {
		const { attempt, job } = entry;
		if (state.kind === 'videos') {
			if (state.usage) this.bill(attempt, state.usage.costUsd, state.usage.outputTokens);
			this.spawn(
				this.fetchSlots.run(async () => {
					const problem = await this.fetchClips(entry, state.videos);
					if (problem) {
						attempt.outcome = 'failed';
						attempt.reason = problem;
						this.retryOrFail(job, problem);
					} else {
						attempt.outcome = 'generated';
						this.finish(job, 'generated');
					}
				}),
			);
			return;
		}
		if (state.kind === 'safety_filtered') {
			attempt.outcome = 'safety_filtered';
			attempt.safetyReasons = state.reasons;
			// Google does not charge for filtered videos.
			if (!attempt.resumed) this.spentUsd -= attempt.costUsd;
			attempt.costUsd = 0;
			attempt.reason = `Google's safety filter withheld the video${state.reasons.length ? `: ${state.reasons.join('; ')}` : ''}`;
			this.finish(job, 'safety_filtered', attempt.reason);
			return;
		}
		attempt.outcome = 'failed';
		attempt.reason = `Google reported a failed generation: ${state.message}`;
		if (state.retryable) this.retryOrFail(job, attempt.reason);
		else this.finish(job, 'failed', attempt.reason);
	}

	/** What Google billed replaces the estimate, in the batch's spend as on the take. */
	private bill(attempt: AttemptRecord, costUsd: number, outputTokens: number): void {
		if (!attempt.resumed) this.spentUsd += costUsd - attempt.costUsd;
		attempt.costUsd = costUsd;
		attempt.outputTokens = outputTokens;
	}

	/** Downloads and verifies every video; returns what was wrong, or undefined when all are whole. */
	private async fetchClips(
		entry: Running,
		videos: GeneratedVideoHandle[],
	): Promise<string | undefined> {
		const clips: AttemptRecord['clips'] = [];
		for (const [index, video] of videos.entries()) {
			const filePath = path.join(
				this.options.workDir,
				`${entry.job.key}-${entry.attempt.attempt}-${index}.mp4`,
			);
			let problem = '';
			let info: ClipInfo | undefined;
			for (let download = 1; download <= this.options.downloadAttempts && !info; download++) {
				try {
					await withRetries(() => this.service.download(video, filePath), {
						maxAttempts: 3,
						initialDelayMs: 500,
						maxDelayMs: 10_000,
						sleep: this.options.sleep,
					});
				} catch (error) {
					problem = `the download failed: ${describeError(error)}`;
					continue;
				}
				try {
					const verdict = await this.service.verify(filePath, entry.expectedSeconds);
					if (verdict.ok) info = verdict.info;
					else problem = `the downloaded clip ${verdict.reason}`;
				} catch (error) {
					problem = `the downloaded clip could not be checked: ${describeError(error)}`;
				}
			}
			if (!info) return `${problem} (after ${this.options.downloadAttempts} downloads)`;
			clips.push({ path: filePath, info, uri: video.uri });
		}
		entry.attempt.clips = clips;
		return undefined;
	}
}

/** At most `size` tasks at once; the others wait their turn in order. */
class Limiter {
	private active = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(private readonly size: number) {}

	async run<T>(task: () => Promise<T>): Promise<T> {
		if (this.active < this.size) this.active += 1;
		else await new Promise<void>((resolve) => this.waiting.push(resolve));
		try {
			return await task();
		} finally {
			const next = this.waiting.shift();
			// The slot passes straight to the next task, or is freed.
			if (next) next();
			else this.active -= 1;
		}
	}
}
