import { InvalidInputError, NonRetryableFailure, RetryableFailure } from '../../../core/failures';
import { retryDelay, withRetries, type RetryPolicy } from '../../../core/retry';

/** A sleep that returns at once and remembers what it was asked to wait. */
function fakeSleep(): { sleep: RetryPolicy['sleep']; delays: number[] } {
	const delays: number[] = [];
	return { delays, sleep: async (ms) => void delays.push(ms) };
}

/** A call that throws the given errors in turn, then answers `result`. */
function flaky<T>(errors: Error[], result: T): { call: () => Promise<T>; calls: () => number } {
	let count = 0;
	return {
		calls: () => count,
		call: async () => {
			count += 1;
			if (count <= errors.length) throw errors[count - 1];
			return result;
		},
	};
}

function policy(sleep: RetryPolicy['sleep'], overrides: Partial<RetryPolicy> = {}): RetryPolicy {
	return { maxAttempts: 6, initialDelayMs: 100, maxDelayMs: 60_000, sleep, ...overrides };
}

describe('withRetries', () => {
	it('answers at once when the call succeeds', async () => {
		const { sleep, delays } = fakeSleep();
		const call = flaky([], 'ok');
		await expect(withRetries(call.call, policy(sleep))).resolves.toBe('ok');
		expect(call.calls()).toBe(1);
		expect(delays).toEqual([]);
	});

	it("waits exactly the server's advertised delay before trying again", async () => {
		const { sleep, delays } = fakeSleep();
		const call = flaky(
			[new RetryableFailure('429', 7000), new RetryableFailure('503', 1500)],
			'clip',
		);
		await expect(withRetries(call.call, policy(sleep))).resolves.toBe('clip');
		expect(delays).toEqual([7000, 1500]);
		expect(call.calls()).toBe(3);
	});

	it('backs off exponentially when no delay is advertised', async () => {
		const { sleep, delays } = fakeSleep();
		const errors = Array.from({ length: 4 }, () => new RetryableFailure('reset', undefined));
		const call = flaky(errors, 'ok');
		await withRetries(call.call, policy(sleep, { initialDelayMs: 250 }));
		expect(delays).toEqual([250, 500, 1000, 2000]);
	});

	it('mixes advertised delays and backoff by attempt number', async () => {
		const { sleep, delays } = fakeSleep();
		const call = flaky(
			[
				new RetryableFailure('a', undefined),
				new RetryableFailure('b', 3000),
				new RetryableFailure('c', undefined),
			],
			'ok',
		);
		await withRetries(call.call, policy(sleep));
		expect(delays).toEqual([100, 3000, 400]);
	});

	it('caps both advertised and backoff delays at maxDelayMs', async () => {
		const { sleep, delays } = fakeSleep();
		const errors = [
			new RetryableFailure('long', 600_000),
			...Array.from({ length: 3 }, () => new RetryableFailure('x', undefined)),
		];
		await withRetries(
			flaky(errors, 'ok').call,
			policy(sleep, { initialDelayMs: 2000, maxDelayMs: 5000 }),
		);
		expect(delays).toEqual([5000, 4000, 5000, 5000]);
	});

	it('stops at maxAttempts and throws the last failure', async () => {
		const { sleep, delays } = fakeSleep();
		const errors = [1, 2, 3, 4].map((n) => new RetryableFailure(`attempt ${n}`, 10));
		const call = flaky(errors, 'never');
		await expect(withRetries(call.call, policy(sleep, { maxAttempts: 3 }))).rejects.toBe(errors[2]);
		expect(call.calls()).toBe(3);
		expect(delays).toEqual([10, 10]);
	});

	it.each([
		['NonRetryableFailure', new NonRetryableFailure('400 bad request', { status: 400 })],
		['InvalidInputError', new InvalidInputError([{ path: 'durationSeconds', message: 'bad' }])],
		['a plain Error', new Error('bug')],
	])('throws %s at once, without waiting', async (_name, failure) => {
		const { sleep, delays } = fakeSleep();
		const call = flaky([failure], 'never');
		await expect(withRetries(call.call, policy(sleep))).rejects.toBe(failure);
		expect(call.calls()).toBe(1);
		expect(delays).toEqual([]);
	});

	it('stops retrying when a retryable failure is followed by a non-retryable one', async () => {
		const { sleep, delays } = fakeSleep();
		const fatal = new NonRetryableFailure('403');
		const call = flaky([new RetryableFailure('429', 2000), fatal], 'never');
		await expect(withRetries(call.call, policy(sleep))).rejects.toBe(fatal);
		expect(delays).toEqual([2000]);
	});

	it('reports each retry before its wait', async () => {
		const events: string[] = [];
		const first = new RetryableFailure('429', 1234);
		await withRetries(flaky([first], 'ok').call, {
			...policy(async (ms) => void events.push(`sleep ${ms}`)),
			onRetry: (error, attempt, delay) =>
				events.push(`retry ${error === first} ${attempt} ${delay}`),
		});
		expect(events).toEqual(['retry true 1 1234', 'sleep 1234']);
	});
});

describe('retryDelay', () => {
	it('prefers the advertised delay, and ignores it on errors that are not retryable', () => {
		const settings = { initialDelayMs: 1000, maxDelayMs: 60_000 };
		expect(retryDelay(new RetryableFailure('x', 0), 3, settings)).toBe(0);
		expect(retryDelay(new RetryableFailure('x', undefined), 3, settings)).toBe(4000);
		expect(retryDelay(new Error('x'), 1, settings)).toBe(1000);
	});
});
