import { PollTiming } from '../../../core/pollTiming';

/** When a running generation is checked next, before and after the batch has seen clips finish. */

const MIN_MS = 1000;
const MAX_MS = 20_000;

/** A batch that has seen clips become ready after about `readyMs` (seen pending a second before). */
function learnt(readyMs: number, clips = 3): PollTiming {
	const timing = new PollTiming(MIN_MS, MAX_MS);
	for (let clip = 0; clip < clips; clip++) timing.observe(readyMs - 500, readyMs + 500);
	return timing;
}

describe('PollTiming', () => {
	it('backs off with the time waited until a clip of the batch has finished, within the bounds', () => {
		const timing = new PollTiming(MIN_MS, MAX_MS);
		expect(timing.expectedMs()).toBeUndefined();
		expect(timing.nextDelay(0)).toBe(MIN_MS);
		expect(timing.nextDelay(15_000)).toBe(1500);
		expect(timing.nextDelay(60_000)).toBe(6000);
		expect(timing.nextDelay(600_000)).toBe(MAX_MS);
	});

	it('expects the middle of what it has seen, taking at most a tenth off a sighting that followed a long gap', () => {
		expect(learnt(20_000).expectedMs()).toBe(20_000);
		const resumed = new PollTiming(MIN_MS, MAX_MS);
		// Seen done on its first check, 60 s after submission: ready at some point before.
		resumed.observe(0, 60_000);
		expect(resumed.expectedMs()).toBe(57_000);
	});

	it('checks one step (5% of the expected time) before a clip is due, then every step', () => {
		const timing = learnt(20_000);
		expect(timing.nextDelay(0)).toBe(19_000);
		expect(timing.nextDelay(18_500)).toBe(1000);
		expect(timing.nextDelay(19_000)).toBe(1000);
		expect(timing.nextDelay(25_000)).toBe(1000);
		const slow = learnt(120_000);
		expect(slow.nextDelay(0)).toBe(MAX_MS);
		expect(slow.nextDelay(110_000)).toBe(6000);
	});

	it('once it has learnt, checks at once a generation as old as a clip takes that has not been checked for a step', () => {
		const timing = learnt(20_000);
		expect(timing.delayAfterLearning(20_500, 2500)).toBe(0);
		expect(timing.delayAfterLearning(20_500, 300)).toBe(700);
		// Younger ones wait for the usual first check.
		expect(timing.delayAfterLearning(5000, 5000)).toBe(timing.nextDelay(5000));
	});
});
