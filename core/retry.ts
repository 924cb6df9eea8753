import { isRetryable } from './failures';

/** Waits the given milliseconds. Nodes pass n8n-workflow's `sleep`; tests may pass a fake clock. */
export type Sleep = (ms: number) => Promise<void>;

export interface RetryPolicy {
	/** Attempts in all, the first included. */
	maxAttempts: number;
	/** The first backoff when the server advertises no delay; doubled each time. */
	initialDelayMs: number;
	maxDelayMs: number;
	sleep: Sleep;
	/** Called before each wait, for logs and counters. */
	onRetry?: (error: Error, attempt: number, delayMs: number) => void;
}

export const DEFAULT_RETRY_POLICY: Omit<RetryPolicy, 'sleep'> = {
	maxAttempts: 6,
	initialDelayMs: 1000,
	maxDelayMs: 60_000,
};

/** The wait before the next attempt: the server's advertised delay when it gave one, else backoff. */
export function retryDelay(
	error: unknown,
	attempt: number,
	policy: Omit<RetryPolicy, 'sleep' | 'maxAttempts'>,
): number {
	const advertised = isRetryable(error) ? error.retryAfterMs : undefined;
	if (advertised !== undefined) return Math.min(advertised, policy.maxDelayMs);
	return Math.min(policy.initialDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
}

/** Runs `call`, retrying retryable failures after the advertised delay; others are thrown at once. */
export async function withRetries<T>(call: () => Promise<T>, policy: RetryPolicy): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await call();
		} catch (error) {
			if (!isRetryable(error) || attempt >= policy.maxAttempts) throw error;
			const delay = retryDelay(error, attempt, policy);
			policy.onRetry?.(error, attempt, delay);
			await policy.sleep(delay);
		}
	}
}
