import {
	runGenerationBatch,
	type GenerationJob,
	type SchedulerOptions,
} from '../../core/generationScheduler';
import { FakeClock, FakeVeo, veoJob, type FakeVeoOptions } from '../helpers/fakeVeo';

/**
 * Submissions Google refuses with a passing fault end (issue 15, point 5). A permanent 503 gave
 * 1,445 submissions in 24 virtual hours: the submit path put the shot back in the queue whatever
 * its attempts and its time. Now a 500, 503 or connection reset uses one of the shot's attempts
 * (a take that cost nothing, with the reason), and a shot refused for longer than the clip timeout
 * fails; a 429 never uses an attempt and only slows the batch until that timeout.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const CLIP_TIMEOUT = 10 * MINUTE;

const jobs = (count: number, maxAttempts = 3): GenerationJob[] =>
	Array.from({ length: count }, (_, key) => veoJob(key, { maxAttempts }));

/** The batch on virtual time, stopped after a day if it has not ended by itself. */
async function runFor(
	fake: Partial<FakeVeoOptions>,
	batch: GenerationJob[],
	options: Partial<SchedulerOptions> = {},
) {
	const clock = new FakeClock();
	const veo = new FakeVeo({ now: () => clock.now, latencyMs: 20_000, ...fake });
	const abandoned = new Error('still running after 24 virtual hours');
	const report = await clock.run(
		Promise.race([
			runGenerationBatch(batch, veo, {
				mode: 'wait',
				concurrency: 3,
				sleep: clock.sleep,
				now: () => clock.now,
				clipTimeoutMs: CLIP_TIMEOUT,
				pollMinMs: 1000,
				pollMaxMs: 20_000,
				workDir: '/nonexistent',
				downloadAttempts: 3,
				...options,
			}),
			clock.sleep(DAY).then(() => {
				throw abandoned;
			}),
		]),
	);
	return { report, veo, endedAt: clock.now };
}

describe('a submission Google keeps refusing with a passing fault', () => {
	it.each([500, 503, 'reset' as const])(
		'(%s) uses one attempt per refusal: every shot fails after its attempts, with the reason',
		async (fault) => {
			const { report, veo, endedAt } = await runFor({ failSubmissionsWith: fault }, jobs(4));

			expect(veo.submissions).toHaveLength(4 * 3);
			expect(endedAt).toBeLessThan(CLIP_TIMEOUT);
			for (const result of report.results) {
				expect(result.end).toBe('failed');
				expect(result.reason).toMatch(
					fault === 'reset'
						? /ECONNRESET.*\(attempt 3 of 3; no attempts left\)$/
						: new RegExp(`Google answered ${fault}.*\\(attempt 3 of 3; no attempts left\\)$`),
				);
				expect(result.attempts.map((attempt) => [attempt.outcome, attempt.costUsd])).toEqual([
					['failed', 0],
					['failed', 0],
					['failed', 0],
				]);
			}
			expect(report.spentUsd).toBeCloseTo(0, 9);
		},
	);

	it('with attempts to spare, fails each shot once it has been refused for the clip timeout', async () => {
		const { report, veo, endedAt } = await runFor({ failSubmissionsWith: 503 }, jobs(2, 1000));

		expect(endedAt).toBeGreaterThanOrEqual(CLIP_TIMEOUT);
		expect(endedAt).toBeLessThan(CLIP_TIMEOUT + 2 * MINUTE);
		// Backing off to a minute between tries: a handful of submissions, not one a minute for a day.
		expect(veo.submissions.length).toBeLessThan(60);
		for (const result of report.results) {
			expect(result.end).toBe('failed');
			expect(result.reason).toMatch(
				/^Google refused every submission for \d+ s \(the limit is 600 s\); last: .*Google answered 503/,
			);
		}
	});

	it('(429) never uses an attempt nor fails a shot within the clip timeout: it slows the batch, then the shot fails', async () => {
		const { report, veo, endedAt } = await runFor(
			{ failSubmissionsWith: 429, retryDelayMs: 30_000 },
			jobs(3),
		);

		expect(endedAt).toBeGreaterThanOrEqual(CLIP_TIMEOUT);
		expect(endedAt).toBeLessThan(CLIP_TIMEOUT + 2 * MINUTE);
		// Never faster than the advertised 30 s.
		const times = veo.submissions.map((submission) => submission.at);
		for (let index = 1; index < times.length; index++)
			if (times[index] !== times[index - 1])
				expect(times[index] - times[index - 1]).toBeGreaterThanOrEqual(30_000);
		for (const result of report.results) {
			expect(result.end).toBe('failed');
			expect(result.attempts).toEqual([]);
			expect(result.reason).toMatch(/refused every submission for \d+ s .*429/);
		}
	});

	it('in Submit Only, records the refused attempt and leaves the shot for the next round, saying why', async () => {
		const { report, veo } = await runFor({ failSubmissionsWith: 503 }, jobs(2), {
			mode: 'submitOnly',
		});

		expect(veo.submissions).toHaveLength(2);
		for (const result of report.results) {
			expect(result.end).toBe('retry_later');
			expect(result.reason).toMatch(/Google answered 503/);
			expect(result.attempts).toMatchObject([{ outcome: 'failed', costUsd: 0 }]);
		}
	});

	it('counts the attempts of earlier runs: a shot with one attempt left is submitted once more', async () => {
		const { report, veo } = await runFor(
			{ failSubmissionsWith: 503 },
			jobs(1).map((job) => ({ ...job, attemptsUsed: 2 })),
		);
		expect(veo.submissions).toHaveLength(1);
		expect(report.results[0]).toMatchObject({ end: 'failed' });
		expect(report.results[0].reason).toMatch(/attempt 3 of 3/);
	});
});
