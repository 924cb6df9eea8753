import {
	runGenerationBatch,
	type GenerationJob,
	type SchedulerOptions,
} from '../../../core/generationScheduler';
import type { Take } from '../../../core/types';
import {
	FakeClock,
	FakeVeo,
	SAFETY_REASON,
	veoJob,
	type FakeVeoOptions,
	type JobOverrides,
} from '../../helpers/fakeVeo';

/**
 * The scheduler against an in-memory Veo on virtual time: every figure below follows from the
 * latency, quota and delays the fake is given, and the same run always gives the same result.
 */

const LATENCY_MS = 20_000;

const job = veoJob;

const jobs = (count: number, overrides: JobOverrides = {}) =>
	Array.from({ length: count }, (_, key) => job(key, overrides));

/** A take whose operation was submitted in an earlier run, as Veo Generate recorded it. */
function takeInFlight(taken: {
	operationName: string;
	submittedAt: string;
	pollCount: number;
	attempt: number;
	durationSeconds: number;
	costUsd: number;
}): Take {
	return {
		id: `shot-take-${taken.attempt}`,
		attempt: taken.attempt,
		prompt: 'the prompt it was submitted with',
		negativePrompt: 'text',
		model: 'gemini-omni-1.2-flash',
		requestedDurationSeconds: taken.durationSeconds,
		operationName: taken.operationName,
		outcome: 'submitted',
		costUsd: taken.costUsd,
		timings: { submittedAt: taken.submittedAt, pollCount: taken.pollCount },
	};
}

function setUp(
	fake: Partial<FakeVeoOptions> | ((clock: FakeClock) => Partial<FakeVeoOptions>) = {},
	options: Partial<SchedulerOptions> = {},
) {
	const clock = new FakeClock();
	const veo = new FakeVeo({
		now: () => clock.now,
		latencyMs: LATENCY_MS,
		...(typeof fake === 'function' ? fake(clock) : fake),
	});
	const schedulerOptions: SchedulerOptions = {
		mode: 'wait',
		concurrency: 3,
		sleep: clock.sleep,
		now: () => clock.now,
		clipTimeoutMs: 10 * 60_000,
		pollMinMs: 1000,
		pollMaxMs: 20_000,
		workDir: '/nonexistent',
		downloadAttempts: 3,
		...options,
	};
	const run = (batch: GenerationJob[], overrides: Partial<SchedulerOptions> = {}) =>
		clock.run(runGenerationBatch(batch, veo, { ...schedulerOptions, ...overrides }));
	/** Several batches at once against the one Veo: executions of one Google project. */
	const runTogether = (batches: GenerationJob[][]) =>
		clock.run(
			Promise.all(batches.map((batch) => runGenerationBatch(batch, veo, schedulerOptions))),
		);
	return { clock, veo, run, runTogether };
}

/** When the check that first found each operation done was made. */
function settledAt(veo: FakeVeo): Map<string, number> {
	const seen = new Map<string, number>();
	for (const check of veo.checks) {
		const operation = veo.operations.get(check.name)!;
		if (!seen.has(check.name) && check.at >= operation.dueAt) seen.set(check.name, check.at);
	}
	return seen;
}

describe('runGenerationBatch: waiting for every clip', () => {
	it('keeps the number of operations in flight at the limit, starting the next as each finishes', async () => {
		const { veo, run, clock } = setUp({}, { concurrency: 3 });
		const report = await run(jobs(10));

		expect(report.results.map((result) => result.end)).toEqual(Array(10).fill('generated'));
		expect(veo.maxUnsettled).toBe(3);
		expect(report.submitted).toBe(10);
		// Every submission after the first three fills the slot of an operation seen finished at that moment.
		const freedAt = [...settledAt(veo).values()].sort((a, b) => a - b);
		const laterSubmissions = veo.accepted.slice(3).map((submission) => submission.at);
		for (const [index, at] of laterSubmissions.entries()) expect(at).toBe(freedAt[index]);
		// Four waves of 20 s; each clip is found within a poll step (5% of the latency) after the first wave.
		expect(clock.now).toBeLessThanOrEqual(Math.ceil(10 / 3) * LATENCY_MS * 1.1);
	});

	it('finds clips soon after they are ready with few checks, once the batch has shown how long clips take', async () => {
		const { veo, run } = setUp({ latencyMs: 60_000 }, { concurrency: 10 });
		await run(jobs(30));
		const seen = settledAt(veo);
		const laterWaves = veo.accepted.slice(10).map((submission) => {
			const name = [...veo.operations.values()].find(
				(operation) =>
					operation.submittedAt === submission.at && operation.prompt === submission.request.prompt,
			)!.name;
			return {
				lateMs: seen.get(name)! - veo.operations.get(name)!.dueAt,
				checks: veo.checks.filter((check) => check.name === name).length,
			};
		});
		// A check every poll maximum (20 s) until a step before the expected time, then a step or two.
		const fewChecks = Math.ceil(60_000 / 20_000) + 2;
		for (const { lateMs, checks } of laterWaves) {
			expect(lateMs).toBeLessThanOrEqual(60_000 * 0.05);
			expect(checks).toBeLessThanOrEqual(fewChecks);
		}
		// The first wave knows nothing yet and checks more often.
		const firstWaveChecks = veo.checks.filter((check) => check.name === 'operations/1').length;
		expect(firstWaveChecks).toBeGreaterThan(fewChecks);
	});

	it('finds clips within a step of being ready when Google answers checks slowly', async () => {
		const { veo, run } = setUp((clock) => ({ checkDelay: { sleep: clock.sleep, ms: 800 } }), {
			concurrency: 1,
		});
		const report = await run(jobs(6));
		// Known within a step (5% of 20 s) plus the answer's delay; timing learnt from answers would drift later clip by clip.
		for (const [index, result] of report.results.slice(1).entries()) {
			const knownAt = Date.parse(result.attempts[0].finishedAt!);
			expect(knownAt - veo.operations.get(`operations/${index + 2}`)!.dueAt).toBeLessThanOrEqual(
				LATENCY_MS * 0.05 + 800,
			);
		}
	});

	it('does not hold a slot while a finished clip downloads', async () => {
		const { veo, run } = setUp((clock) => ({ downloadDelay: { sleep: clock.sleep, ms: 15_000 } }), {
			concurrency: 1,
		});
		await run(jobs(2));
		const [first, second] = veo.accepted;
		expect(second.at).toBeLessThan(veo.downloads[0].at + 15_000);
		expect(second.at).toBe(settledAt(veo).get([...veo.operations.keys()][0]));
		expect(first.at).toBe(0);
	});

	it(
		'throttles the whole batch for the advertised delay after a 429 and holds in flight at what the server ' +
			'accepted, asking for one more after each delay',
		async () => {
			const { veo, run } = setUp({ quota: 2, retryDelayMs: 7000 }, { concurrency: 4 });
			const report = await run(jobs(6));

			expect(report.results.map((result) => result.end)).toEqual(Array(6).fill('generated'));
			expect(report.rateLimited).toBeGreaterThan(0);
			const refused = veo.submissions.filter((submission) => submission.answer === 429);
			expect(refused.length).toBe(report.rateLimited);
			for (const rejection of refused) {
				// Submissions sent together with the refused one are answered together; the next ones wait.
				const next = veo.submissions.find((submission) => submission.at > rejection.at)!;
				expect(next.at).toBeGreaterThanOrEqual(rejection.at + 7000);
				// One at a time: a probe, not the whole queue, while the server runs what it refused at.
				const sentTogether = veo.submissions.filter((submission) => submission.at === next.at);
				if (next.runningAtServer >= rejection.runningAtServer) expect(sentTogether).toHaveLength(1);
			}
			// The server never runs more than its quota (a submission over it is refused); the batch
			// never has more than its concurrency submitted and not yet fetched.
			expect(Math.max(...veo.accepted.map((submission) => submission.runningAtServer))).toBe(1);
			expect(veo.maxUnsettled).toBeLessThanOrEqual(4);
		},
	);

	it('uses quota another batch frees within one advertised delay: two batches on one project quota', async () => {
		const { veo, runTogether, clock } = setUp({ quota: 2, retryDelayMs: 1000 }, { concurrency: 4 });
		const reports = await runTogether([jobs(4), jobs(4).map((item) => job(item.key + 4))]);

		expect(reports.flatMap((report) => report.results.map((result) => result.end))).toEqual(
			Array(8).fill('generated'),
		);
		expect(reports.every((report) => report.rateLimited > 0)).toBe(true);
		// Each slot the server frees is taken again within one advertised delay, whichever batch
		// held it: no batch waits for its own clips to learn that the project has room.
		const freedAt = [...veo.operations.values()]
			.map((operation) => operation.dueAt)
			.sort((a, b) => a - b);
		for (const [index, submission] of veo.accepted.slice(2).entries())
			expect(submission.at - freedAt[index]).toBeLessThanOrEqual(1000);
		expect(clock.now).toBeLessThanOrEqual(4 * LATENCY_MS + 4 * 1000 + LATENCY_MS * 0.05);
	});

	it('waits the advertised delay when a 429 comes with nothing running (a requests-per-minute quota)', async () => {
		const { veo, run } = setUp({ throttleFirst: 2, retryDelayMs: 30_000 }, { concurrency: 2 });
		const report = await run(jobs(1));
		expect(veo.submissions.map((submission) => [submission.at, submission.answer])).toEqual([
			[0, 429],
			[30_000, 429],
			[60_000, 'accepted'],
		]);
		expect(report.results[0].end).toBe('generated');
	});

	it('stops submitting at the budget and leaves unstarted shots not started, saying why', async () => {
		const { veo, run } = setUp({}, { concurrency: 5, budgetUsd: 2.5 });
		const report = await run(jobs(5));

		expect(veo.accepted).toHaveLength(3);
		expect(report.spentUsd).toBeCloseTo(2.4);
		expect(report.budgetStopped).toBe(true);
		const unstarted = report.results.filter((result) => result.end === 'not_started');
		expect(unstarted).toHaveLength(2);
		for (const result of unstarted) {
			expect(result.attempts).toEqual([]);
			expect(result.reason).toBe(
				'not started: the next clip ($0.80) would take the spend of $2.40 over the budget of $2.50',
			);
		}
	});

	it('does not retry once the budget is spent: the failed shot waits for a later run', async () => {
		const { veo, run } = setUp(
			{ script: { 'shot-0.': ['failed'] } },
			{ concurrency: 1, budgetUsd: 0.8 },
		);
		const report = await run(jobs(1));
		expect(veo.accepted).toHaveLength(1);
		expect(report.results[0]).toMatchObject({
			end: 'retry_later',
			reason: 'not retried: the budget is spent',
		});
		expect(report.results[0].attempts[0].outcome).toBe('failed');
	});

	it('retries a failed generation while the shot has attempts left, then fails it with the reason', async () => {
		const { veo, run } = setUp({ script: { 'shot-0.': ['failed', 'failed', 'failed'] } });
		const report = await run([veoJob(0, { attemptsUsed: 1, maxAttempts: 3 })]);

		expect(veo.accepted).toHaveLength(2);
		const [result] = report.results;
		expect(result.attempts.map((attempt) => [attempt.attempt, attempt.outcome])).toEqual([
			[2, 'failed'],
			[3, 'failed'],
		]);
		expect(result.end).toBe('failed');
		expect(result.reason).toBe(
			'Google reported a failed generation: Video generation failed due to an internal error. (attempt 3 of 3; no attempts left)',
		);
	});

	it('does not retry a failure that would repeat', async () => {
		const { veo, run } = setUp({ script: { 'shot-0.': ['fatal'] } });
		const report = await run([veoJob(0)]);
		expect(veo.accepted).toHaveLength(1);
		expect(report.results[0]).toMatchObject({
			end: 'failed',
			reason: 'Google reported a failed generation: The prompt cannot be rendered.',
		});
	});

	it('counts a clip not ready within the limit as a timed-out attempt and tries again', async () => {
		const { veo, run } = setUp(
			{ script: { 'shot-0.': ['never', 'video'] } },
			{ clipTimeoutMs: 120_000 },
		);
		const report = await run([veoJob(0)]);

		const [result] = report.results;
		expect(result.end).toBe('generated');
		expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['timed_out', 'generated']);
		const timedOut = result.attempts[0];
		const waitedMs = Date.parse(timedOut.finishedAt!) - Date.parse(timedOut.submittedAt);
		expect(waitedMs).toBeGreaterThan(120_000);
		expect(waitedMs).toBeLessThanOrEqual(120_000 + 20_000);
		expect(timedOut.reason).toBe(
			`no clip after ${Math.round(waitedMs / 1000)} s (the limit is 120 s)`,
		);
		expect(veo.accepted[1].at).toBe(Date.parse(timedOut.finishedAt!));
	});

	it("reports a safety-filtered take with Google's reasons, charges nothing for it and does not retry", async () => {
		const { veo, run } = setUp({ script: { 'shot-1.': ['filtered'] } });
		const report = await run(jobs(2));

		expect(veo.accepted).toHaveLength(2);
		const filtered = report.results[1];
		expect(filtered.end).toBe('safety_filtered');
		expect(filtered.reason).toBe(`Google's safety filter withheld the video: ${SAFETY_REASON}`);
		expect(filtered.attempts[0]).toMatchObject({
			outcome: 'safety_filtered',
			safetyReasons: [SAFETY_REASON],
			costUsd: 0,
			clips: [],
		});
		expect(report.spentUsd).toBeCloseTo(0.8);
	});

	it('downloads a short clip again, and makes a new attempt when every download is short', async () => {
		const { veo, run } = setUp({ script: { 'shot-0.': ['truncated'] } });
		const report = await run([veoJob(0)]);

		const [result] = report.results;
		expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['failed', 'generated']);
		expect(result.attempts[0].reason).toBe(
			'the downloaded clip is 4 s long, 8 s were asked for (after 3 downloads)',
		);
		expect(result.attempts[0].clips).toEqual([]);
		expect(result.attempts[1].clips).toHaveLength(1);
		expect(veo.downloads).toHaveLength(3 + 1);
	});

	it('resumes an operation submitted in an earlier run: checks it at once, submits nothing new, keeps its attempt number', async () => {
		const { veo, run, clock } = setUp();
		clock.now = 100_000;
		veo.adopt('operations/earlier', 'shot-0.', 85_000);
		const report = await run([
			veoJob(0, {
				attemptsUsed: 2,
				inFlight: takeInFlight({
					operationName: 'operations/earlier',
					submittedAt: new Date(85_000).toISOString(),
					pollCount: 4,
					attempt: 2,
					durationSeconds: 6,
					costUsd: 0.6,
				}),
			}),
		]);

		expect(veo.accepted).toHaveLength(0);
		expect(veo.checks[0].at).toBe(100_000);
		const [attempt] = report.results[0].attempts;
		expect(attempt).toMatchObject({
			attempt: 2,
			resumed: true,
			outcome: 'generated',
			costUsd: 0.6,
			// What the take recorded at submission, not what this run would ask for.
			prompt: 'the prompt it was submitted with',
			negativePrompt: 'text',
			requestedDurationSeconds: 6,
		});
		expect(attempt.pollCount).toBeGreaterThan(4);
		// Checked against the length that was asked for when it was submitted.
		expect(attempt.clips[0].info.durationSeconds).toBe(6);
		expect(report.spentUsd).toBe(0);
	});

	it('retries a resumed operation that failed with the full request, as a new attempt', async () => {
		const { veo, run } = setUp();
		veo.adopt('operations/earlier', 'shot-0.', 0, 'failed');
		const full = veoJob(0, {
			attemptsUsed: 1,
			newAttempt: {
				costUsd: 0.8,
				request: {
					...job(0).newAttempt!.request,
					negativePrompt: 'text, watermark',
					referenceImages: [{ data: 'aW1n', mimeType: 'image/png' }],
				},
			},
			inFlight: takeInFlight({
				operationName: 'operations/earlier',
				submittedAt: new Date(0).toISOString(),
				pollCount: 0,
				attempt: 1,
				durationSeconds: 8,
				costUsd: 0.8,
			}),
		});
		const report = await run([full]);

		expect(veo.accepted.map((submission) => submission.request)).toEqual([
			full.newAttempt!.request,
		]);
		expect(
			report.results[0].attempts.map((attempt) => [
				attempt.attempt,
				attempt.outcome,
				attempt.resumed,
			]),
		).toEqual([
			[1, 'failed', true],
			[2, 'generated', false],
		]);
	});

	it('stops submitting when Google refuses the setup (403), so no shot uses up its attempts', async () => {
		const { veo, run } = setUp({ refuseWith: 403 }, { concurrency: 3 });
		const report = await run(jobs(4));
		// The first three went out together; nothing after the refusal.
		expect(veo.submissions.map((submission) => [submission.at, submission.answer])).toEqual(
			Array(3).fill([0, 403]),
		);
		expect(report.refusal?.status).toBe(403);
		for (const result of report.results) {
			expect(result).toMatchObject({ end: 'not_started', attempts: [] });
			expect(result.reason).toBe(`not started: ${report.refusal!.message}`);
		}
	});

	it('stops submitting when a 400 is about the setup (a wrong API key), not about one request', async () => {
		const { veo, run } = setUp({ refuseWith: 400, refusalAboutSetup: true }, { concurrency: 1 });
		const report = await run(jobs(3));
		expect(veo.submissions).toHaveLength(1);
		expect(report.refusal?.status).toBe(400);
		expect(report.results.map((result) => result.end)).toEqual(Array(3).fill('not_started'));
	});

	it('fails only the shot whose request Google refuses (400)', async () => {
		const { veo, run } = setUp({ refuseWith: 400 });
		const report = await run(jobs(2));
		expect(veo.submissions).toHaveLength(2);
		expect(report.refusal).toBeUndefined();
		for (const result of report.results) {
			expect(result.end).toBe('failed');
			expect(result.attempts).toHaveLength(1);
			expect(result.reason).toBe(
				'Google refused the request: Submitting to gemini-omni-1.2-flash: Google answered 400',
			);
		}
	});
});

describe('runGenerationBatch: what Google bills and how a take was made', () => {
	it("replaces the estimate with the cost of the tokens Google billed, in the take and the batch's spend", async () => {
		// 30,000 tokens at the fake's rate of $1 per 100,000: $0.30 a clip instead of the $0.80 estimate.
		const { run } = setUp({ billedTokens: 30_000 });
		const report = await run(jobs(2));
		for (const result of report.results) {
			expect(result.end).toBe('generated');
			expect(result.attempts[0]).toMatchObject({ costUsd: 0.3, outputTokens: 30_000 });
		}
		expect(report.spentUsd).toBeCloseTo(0.6, 9);
	});

	it('records whether each attempt was an edit or a fresh generation, and where it came from', async () => {
		const { run } = setUp();
		const plain = job(0).newAttempt!;
		const edit = job(0, {
			newAttempt: {
				...plain,
				request: {
					...plain.request,
					edit: { previousOperation: 'interaction-1', instruction: 'Make the mug blue.' },
				},
				origin: { editOf: 'shot-00-take-1', firstFrameFrom: 'shot-prev-take-2' },
			},
		});
		const fallback = job(1, {
			newAttempt: { ...job(1).newAttempt!, origin: { editFallback: 'nobody said what to change' } },
		});
		const report = await run([edit, fallback]);
		expect(report.results.map((result) => result.attempts[0])).toEqual([
			expect.objectContaining({
				mode: 'edit',
				editOf: 'shot-00-take-1',
				firstFrameFrom: 'shot-prev-take-2',
			}),
			expect.objectContaining({ mode: 'generate', editFallback: 'nobody said what to change' }),
		]);
		expect(report.results[1].attempts[0].editOf).toBeUndefined();
	});
});

describe('runGenerationBatch: Submit Only', () => {
	it('fills only the slots that operations already in flight leave free, and checks nothing', async () => {
		const { veo, run, clock } = setUp();
		const inFlight = (key: number) =>
			veoJob(key, {
				attemptsUsed: 1,
				inFlight: takeInFlight({
					operationName: `operations/old-${key}`,
					submittedAt: new Date(0).toISOString(),
					pollCount: 1,
					attempt: 1,
					durationSeconds: 8,
					costUsd: 0.8,
				}),
			});
		const report = await run([inFlight(0), inFlight(1), veoJob(2), veoJob(3), veoJob(4)], {
			mode: 'submitOnly',
			concurrency: 3,
		});

		expect(veo.accepted.map((submission) => submission.request.prompt)).toEqual(['shot-2.']);
		expect(veo.checks).toEqual([]);
		expect(clock.sleeps).toEqual([]);
		expect(report.results.map((result) => result.end)).toEqual([
			'in_flight',
			'in_flight',
			'in_flight',
			'not_started',
			'not_started',
		]);
		// The takes of operations already in flight stay as they are.
		expect(report.results[0].attempts).toEqual([]);
		expect(report.results[2].attempts[0]).toMatchObject({
			attempt: 1,
			outcome: 'submitted',
			operationName: 'operations/1',
		});
		expect(report.results[3].reason).toBe(
			'waiting for a free slot (3 at once); run Submit Only again after Check and Fetch',
		);
	});

	it('stops at a 429 without waiting, and says the quota is used up', async () => {
		const { veo, run, clock } = setUp({ quota: 1, retryDelayMs: 30_000 });
		const report = await run(jobs(3), { mode: 'submitOnly', concurrency: 3 });
		expect(veo.accepted).toHaveLength(1);
		expect(clock.sleeps).toEqual([]);
		expect(report.results.map((result) => result.end)).toEqual([
			'in_flight',
			'not_started',
			'not_started',
		]);
		expect(report.results[1].reason).toBe(
			"not submitted yet: Google's quota is used up for now (429); run Submit Only again after Check and Fetch",
		);
	});
});

describe('runGenerationBatch: Check and Fetch', () => {
	it('checks each operation once: fetches finished clips, leaves running ones in flight, and leaves retries for a later run', async () => {
		const { veo, run, clock } = setUp();
		clock.now = 30_000;
		veo.adopt('operations/a', 'a', 0);
		veo.adopt('operations/b', 'b', 25_000);
		veo.adopt('operations/c', 'c', 0, 'failed');
		// Check and Fetch follows the takes only: it has no new attempt to make.
		const resumed = (key: number, name: string) =>
			job(key, {
				newAttempt: undefined,
				attemptsUsed: 1,
				inFlight: takeInFlight({
					operationName: name,
					submittedAt: new Date(veo.operations.get(name)!.submittedAt).toISOString(),
					pollCount: 2,
					attempt: 1,
					durationSeconds: 8,
					costUsd: 0.8,
				}),
			});
		const report = await run(
			[resumed(0, 'operations/a'), resumed(1, 'operations/b'), resumed(2, 'operations/c')],
			{ mode: 'checkOnce' },
		);

		expect(veo.checks.map((check) => check.name)).toEqual([
			'operations/a',
			'operations/b',
			'operations/c',
		]);
		expect(veo.accepted).toEqual([]);
		expect(clock.sleeps).toEqual([]);
		expect(report.results.map((result) => result.end)).toEqual([
			'generated',
			'in_flight',
			'retry_later',
		]);
		expect(report.results[1].attempts[0]).toMatchObject({ outcome: 'submitted', pollCount: 3 });
		expect(report.results[2].reason).toBe(
			'Google reported a failed generation: Video generation failed due to an internal error.',
		);
	});

	it('fails a shot whose last attempt failed with no attempts left', async () => {
		const { run, veo, clock } = setUp();
		clock.now = 30_000;
		veo.adopt('operations/c', 'c', 0, 'failed');
		const report = await run(
			[
				veoJob(0, {
					attemptsUsed: 3,
					maxAttempts: 3,
					inFlight: takeInFlight({
						operationName: 'operations/c',
						submittedAt: new Date(0).toISOString(),
						pollCount: 0,
						attempt: 3,
						durationSeconds: 8,
						costUsd: 0.8,
					}),
				}),
			],
			{ mode: 'checkOnce' },
		);
		expect(report.results[0].end).toBe('failed');
		expect(report.results[0].reason).toContain('(attempt 3 of 3; no attempts left)');
	});
});
