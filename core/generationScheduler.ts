import path from 'path';

import { describeError, isRetryable } from './failures';
import { retryDelay, withRetries, type Sleep } from './retry';
import type { TakeOutcome } from './types';
import type { ClipInfo, GeneratedVideoHandle, OperationState, VideoRequest, VideoService } from './videoJobs';

/**
 * Runs many Veo generations at once within a quota, and loses none of them.
 *
 * - Up to `concurrency` operations run at once; as each finishes the next starts.
 * - A 429 throttles the whole batch for the server's advertised delay and lowers the number of
 *   operations in flight to what the server accepted; it never fails a shot.
 * - Polling learns the typical generation time of the batch and checks just before a clip is
 *   due, so a clip is fetched soon after it is ready with few requests.
 * - A failed, timed-out or truncated attempt is tried again while the shot has attempts left;
 *   then it is reported failed with the reason. Safety-filtered results are reported as such.
 * - A budget stops new submissions before one would exceed it; unstarted shots are reported.
 */

export interface GenerationJob {
	/** The caller's key for the job (the item index). */
	key: number;
	request: VideoRequest;
	/** Estimated cost of one attempt, from the model table. */
	costUsd: number;
	/** Attempts the shot has used before this run (its takes). */
	attemptsUsed: number;
	maxAttempts: number;
	/** Resume an operation submitted earlier (Submit Only, or before a restart). */
	inFlight?: { operationName: string; submittedAt: string; pollCount: number };
}

export interface AttemptRecord {
	attempt: number;
	operationName?: string;
	outcome: TakeOutcome;
	reason?: string;
	safetyReasons?: string[];
	submittedAt: string;
	finishedAt?: string;
	pollCount: number;
	costUsd: number;
	/** Downloaded clips (several when the request asked for more than one video). */
	clips: Array<{ path: string; info: ClipInfo; uri?: string }>;
	/** True for an attempt that continues one recorded earlier (its take already exists). */
	resumed: boolean;
}

export type JobEnd =
	| 'generated'
	| 'failed'
	| 'safety_filtered'
	/** Submitted and still running (Submit Only / Check and Fetch). */
	| 'in_flight'
	/** Not submitted: budget, or no free slot in Submit Only; the shot keeps its status. */
	| 'not_started'
	/** Failed this time with attempts left, in a mode that does not wait (Check and Fetch). */
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
}

interface Running {
	job: GenerationJob;
	attempt: AttemptRecord;
	operationName: string;
	submittedAtMs: number;
	nextCheckAtMs: number;
}

const toIso = (ms: number) => new Date(ms).toISOString();

export async function runGenerationBatch(jobs: GenerationJob[], service: VideoService, options: SchedulerOptions): Promise<BatchReport> {
	const now = options.now ?? Date.now;
	const results = new Map<number, JobResult>(jobs.map((job) => [job.key, { key: job.key, end: 'not_started', attempts: [] }]));
	const queue: GenerationJob[] = jobs.filter((job) => !job.inFlight);
	const running: Running[] = [];
	const observedSeconds: number[] = [];
	let spentUsd = 0;
	let submitted = 0;
	let pollRequests = 0;
	let rateLimited = 0;
	let budgetStopped = false;
	let throttledUntil = 0;
	let allowedInFlight = Math.max(1, options.concurrency);

	const attemptsOf = (job: GenerationJob) => job.attemptsUsed + results.get(job.key)!.attempts.filter((a) => !a.resumed).length;
	const finish = (job: GenerationJob, end: JobEnd, reason?: string) => {
		const result = results.get(job.key)!;
		result.end = end;
		result.reason = reason;
	};

	/** After a failed attempt: try again while attempts remain, else the shot has failed. */
	const retryOrFail = (job: GenerationJob, reason: string) => {
		if (attemptsOf(job) < job.maxAttempts && options.mode === 'wait') {
			queue.unshift({ ...job, inFlight: undefined });
		} else if (attemptsOf(job) < job.maxAttempts) {
			finish(job, 'retry_later', reason);
		} else {
			finish(job, 'failed', `${reason} (attempt ${attemptsOf(job)} of ${job.maxAttempts}; no attempts left)`);
		}
	};

	const scheduleNextCheck = (entry: Running, at: number) => {
		const elapsed = at - entry.submittedAtMs;
		const typical = observedSeconds.length ? median(observedSeconds) * 1000 : undefined;
		let delay: number;
		if (typical !== undefined && elapsed < typical * 0.9) {
			// Most of the batch takes about `typical`: sleep until just before that.
			delay = typical * 0.9 - elapsed;
		} else {
			delay = Math.max(options.pollMinMs, elapsed * 0.15);
		}
		entry.nextCheckAtMs = at + Math.min(Math.max(delay, options.pollMinMs), options.pollMaxMs);
	};

	for (const job of jobs.filter((j) => j.inFlight)) {
		const submittedAtMs = Date.parse(job.inFlight!.submittedAt);
		const attempt: AttemptRecord = {
			attempt: job.attemptsUsed,
			operationName: job.inFlight!.operationName,
			outcome: 'submitted',
			submittedAt: job.inFlight!.submittedAt,
			pollCount: job.inFlight!.pollCount,
			costUsd: job.costUsd,
			clips: [],
			resumed: true,
		};
		results.get(job.key)!.attempts.push(attempt);
		finish(job, 'in_flight');
		const entry: Running = { job, attempt, operationName: job.inFlight!.operationName, submittedAtMs, nextCheckAtMs: now() };
		running.push(entry);
	}

	const submitNext = async (): Promise<'submitted' | 'throttled' | 'none'> => {
		const job = queue[0];
		if (!job) return 'none';
		if (options.budgetUsd !== undefined && spentUsd + job.costUsd > options.budgetUsd + 1e-9) {
			budgetStopped = true;
			for (const waiting of queue.splice(0)) {
				if (results.get(waiting.key)!.attempts.length === 0) {
					finish(
						waiting,
						'not_started',
						`not started: the next clip ($${waiting.costUsd.toFixed(2)}) would take the spend of $${spentUsd.toFixed(2)} over the budget of $${options.budgetUsd.toFixed(2)}`,
					);
				} else {
					finish(waiting, 'retry_later', 'not retried: the budget is spent');
				}
			}
			return 'none';
		}
		const submittedAtMs = now();
		try {
			const operationName = await service.submit(job.request);
			queue.shift();
			submitted += 1;
			spentUsd += job.costUsd;
			const attempt: AttemptRecord = {
				attempt: attemptsOf(job) + 1,
				operationName,
				outcome: 'submitted',
				submittedAt: toIso(submittedAtMs),
				pollCount: 0,
				costUsd: job.costUsd,
				clips: [],
				resumed: false,
			};
			results.get(job.key)!.attempts.push(attempt);
			finish(job, 'in_flight');
			const entry: Running = { job, attempt, operationName, submittedAtMs, nextCheckAtMs: submittedAtMs };
			scheduleNextCheck(entry, submittedAtMs);
			running.push(entry);
			return 'submitted';
		} catch (error) {
			if (isRetryable(error)) {
				rateLimited += 1;
				// The server accepted as many as are running: hold there until one finishes.
				allowedInFlight = Math.max(1, Math.min(allowedInFlight, running.length));
				throttledUntil = now() + retryDelay(error, rateLimited, { initialDelayMs: 1000, maxDelayMs: 60_000 });
				return 'throttled';
			}
			queue.shift();
			const attempt: AttemptRecord = {
				attempt: attemptsOf(job) + 1,
				outcome: 'failed',
				reason: describeError(error),
				submittedAt: toIso(submittedAtMs),
				finishedAt: toIso(now()),
				pollCount: 0,
				costUsd: 0,
				clips: [],
				resumed: false,
			};
			results.get(job.key)!.attempts.push(attempt);
			// Google refused the request itself: the same request will be refused again.
			finish(job, 'failed', `Google refused the request: ${describeError(error)}`);
			return 'submitted';
		}
	};

	const fetchClips = async (entry: Running, videos: GeneratedVideoHandle[]): Promise<string | undefined> => {
		for (const [index, video] of videos.entries()) {
			const filePath = path.join(options.workDir, `${entry.job.key}-${entry.attempt.attempt}-${index}.mp4`);
			let lastProblem = '';
			let info: ClipInfo | undefined;
			for (let download = 1; download <= options.downloadAttempts && !info; download++) {
				try {
					await withRetries(() => service.download(video, filePath), { maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 10_000, sleep: options.sleep });
					const verdict = await service.verify(filePath, entry.job.request.durationSeconds);
					if (verdict.ok) info = verdict.info;
					else lastProblem = `the downloaded clip ${verdict.reason}`;
				} catch (error) {
					lastProblem = `the download failed: ${describeError(error)}`;
				}
			}
			if (!info) return `${lastProblem} (after ${options.downloadAttempts} downloads)`;
			entry.attempt.clips.push({ path: filePath, info, uri: video.uri });
		}
		return undefined;
	};

	const settle = async (entry: Running, state: OperationState & { done: true }) => {
		const at = now();
		entry.attempt.finishedAt = toIso(at);
		running.splice(running.indexOf(entry), 1);
		if (allowedInFlight < options.concurrency && throttledUntil <= at) allowedInFlight += 1;
		if (state.kind === 'videos') {
			observedSeconds.push((at - entry.submittedAtMs) / 1000);
			const problem = await fetchClips(entry, state.videos);
			if (!problem) {
				entry.attempt.outcome = 'generated';
				finish(entry.job, 'generated');
				return;
			}
			entry.attempt.outcome = 'failed';
			entry.attempt.reason = problem;
			retryOrFail(entry.job, problem);
			return;
		}
		if (state.kind === 'safety_filtered') {
			entry.attempt.outcome = 'safety_filtered';
			entry.attempt.safetyReasons = state.reasons;
			entry.attempt.costUsd = 0; // Google does not charge for filtered videos.
			spentUsd -= entry.job.costUsd;
			const reason = `Google's safety filter withheld the video${state.reasons.length ? `: ${state.reasons.join('; ')}` : ''}`;
			entry.attempt.reason = reason;
			finish(entry.job, 'safety_filtered', reason);
			return;
		}
		entry.attempt.outcome = 'failed';
		entry.attempt.reason = `Veo reported a failed generation: ${state.message}`;
		if (state.retryable) retryOrFail(entry.job, entry.attempt.reason);
		else finish(entry.job, 'failed', entry.attempt.reason);
	};

	const check = async (entry: Running) => {
		entry.attempt.pollCount += 1;
		pollRequests += 1;
		let state: OperationState;
		try {
			state = await service.check(entry.operationName);
		} catch (error) {
			if (isRetryable(error)) {
				entry.nextCheckAtMs = now() + retryDelay(error, 1, { initialDelayMs: options.pollMinMs, maxDelayMs: options.pollMaxMs });
				return;
			}
			await settle(entry, { done: true, kind: 'failed', message: `the operation could not be checked: ${describeError(error)}`, retryable: true });
			return;
		}
		if (state.done) {
			await settle(entry, state);
			return;
		}
		const at = now();
		if (at - entry.submittedAtMs > options.clipTimeoutMs) {
			running.splice(running.indexOf(entry), 1);
			entry.attempt.outcome = 'timed_out';
			entry.attempt.finishedAt = toIso(at);
			entry.attempt.reason = `no clip after ${Math.round((at - entry.submittedAtMs) / 1000)} s (the limit is ${Math.round(options.clipTimeoutMs / 1000)} s)`;
			retryOrFail(entry.job, entry.attempt.reason);
			return;
		}
		scheduleNextCheck(entry, at);
	};

	if (options.mode === 'checkOnce') {
		await Promise.all(running.map((entry) => check(entry)));
		return { results: [...results.values()], spentUsd, submitted, pollRequests, rateLimited, budgetStopped };
	}

	while (queue.length || (options.mode === 'wait' && running.length)) {
		// Fill free slots, unless the server asked us to slow down.
		while (queue.length && running.length < Math.min(allowedInFlight, options.concurrency) && now() >= throttledUntil) {
			const outcome = await submitNext();
			if (outcome !== 'submitted') break;
		}
		if (options.mode === 'submitOnly') {
			if (now() < throttledUntil || running.length >= options.concurrency || !queue.length) break;
			continue;
		}
		const due = running.filter((entry) => entry.nextCheckAtMs <= now());
		if (due.length) {
			await Promise.all(due.map((entry) => check(entry)));
			continue;
		}
		const wakeAt = Math.min(
			...running.map((entry) => entry.nextCheckAtMs),
			queue.length && running.length < allowedInFlight ? Math.max(throttledUntil, now()) : Infinity,
		);
		if (!Number.isFinite(wakeAt)) break;
		await options.sleep(Math.max(0, wakeAt - now()));
	}
	if (options.mode === 'submitOnly') {
		for (const job of queue) {
			if (results.get(job.key)!.end === 'not_started' && !results.get(job.key)!.reason) {
				finish(job, 'not_started', `waiting for a free slot (${options.concurrency} at once); run Submit Only again after Check and Fetch`);
			}
		}
	}
	return { results: [...results.values()], spentUsd, submitted, pollRequests, rateLimited, budgetStopped };
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
