/**
 * When to check a running generation next. Until a clip of the batch has finished, checks back off
 * with the time already waited (10% of it), so a short clip is seen soon and a long one costs few
 * requests. Once clips have finished, the others of the batch are expected to take about as long:
 * the first check comes one step before that, then a check every step (5% of the expected time),
 * which finds a clip within a step of its being ready. Every delay stays within [min, max].
 */
export class PollTiming {
	private readonly readyAtMs: number[] = [];

	constructor(
		private readonly minMs: number,
		private readonly maxMs: number,
	) {}

	/**
	 * A generation was last seen running `pendingMs` after submission (0 if never) and done at
	 * `doneMs`. It became ready in between; a long gap (a first check, a resumed run) says little,
	 * so at most a tenth of the time is taken off what was seen.
	 */
	observe(pendingMs: number, doneMs: number): void {
		const gap = Math.min(doneMs - pendingMs, doneMs * 0.1);
		this.readyAtMs.push(doneMs - gap / 2);
	}

	/** Median time from submission until a clip of this batch is ready; undefined until one is. */
	expectedMs(): number | undefined {
		if (!this.readyAtMs.length) return undefined;
		const sorted = [...this.readyAtMs].sort((a, b) => a - b);
		const middle = Math.floor(sorted.length / 2);
		return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	/** Milliseconds until the next check of a generation submitted `elapsedMs` ago. */
	nextDelay(elapsedMs: number): number {
		const expected = this.expectedMs();
		if (expected === undefined) return this.clamp(elapsedMs * 0.1);
		const step = this.step(expected);
		const untilFirstCheck = expected - step - elapsedMs;
		return untilFirstCheck > step ? this.clamp(untilFirstCheck) : step;
	}

	/**
	 * Milliseconds until a generation last checked `sinceCheckMs` ago should be checked, now that
	 * the batch has learnt more: at once when it is as old as a clip takes (its backoff was set
	 * before anything was known), else when `nextDelay` says.
	 */
	delayAfterLearning(elapsedMs: number, sinceCheckMs: number): number {
		const expected = this.expectedMs();
		if (expected !== undefined && elapsedMs >= expected - this.step(expected))
			return Math.max(0, this.step(expected) - sinceCheckMs);
		return this.nextDelay(elapsedMs);
	}

	private step(expectedMs: number): number {
		return this.clamp(expectedMs * 0.05);
	}

	/** Whole milliseconds within [min, max]. */
	private clamp(ms: number): number {
		return Math.round(Math.min(Math.max(ms, this.minMs), this.maxMs));
	}
}
