/**
 * Everything the n8n runtime has started in this process and not yet stopped: n8n instances with
 * their stand-ins, team chats, and starts still under way. The process's owner (a jest test file,
 * through test/harness/n8nEnvironment.ts; the demo, on Ctrl-C) ends all of it with
 * stopEverything(), or only the starts under way with abandonStarts() when the hook or test that
 * was waiting for them failed or timed out. A start caught half way stops what it had begun and
 * fails with StartAbandonedError; one that finishes anyway stops itself at once.
 */

export interface Stoppable {
	/** What it is, as the owner is told: "n8n on port 5678 (process group 4242)". */
	describe(): string;
	stop(): Promise<void>;
}

export class StartAbandonedError extends Error {
	constructor() {
		super('n8n runtime: the start was abandoned: its owner stopped waiting for it');
		this.name = 'StartAbandonedError';
	}
}

interface StartUnderWay {
	describe(): string;
	settled: Promise<unknown>;
}

const running = new Set<Stoppable>();
const starting = new Set<StartUnderWay>();
let owner = new AbortController();

/** Aborted when the owner gives up: work shared between starts (the package build) listens to it too. */
export function ownerSignal(): AbortSignal {
	return owner.signal;
}

export function track(thing: Stoppable): void {
	running.add(thing);
}

export function untrack(thing: Stoppable): void {
	running.delete(thing);
}

/**
 * Runs `start` with the owner's signal, which it must pass on to every step that waits. If the
 * owner gives up, `start` stops what it began and throws; what it returns after that is stopped
 * here. What it returns in time is tracked until it is stopped.
 */
export async function trackStart<T extends Stoppable>(
	describe: () => string,
	start: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
	const signal = owner.signal;
	const underWay: StartUnderWay = { describe, settled: Promise.resolve() };
	const run = async (): Promise<T> => {
		try {
			const started = await start(signal);
			if (signal.aborted) {
				await started.stop();
				throw signal.reason;
			}
			track(started);
			return started;
		} finally {
			starting.delete(underWay);
		}
	};
	starting.add(underWay);
	const result = run();
	underWay.settled = result.catch(() => undefined);
	return await result;
}

/** Gives up on every start under way and waits until each has stopped what it had begun. */
export async function abandonStarts(): Promise<string[]> {
	const abandoned = [...starting];
	if (!abandoned.length) return [];
	const described = abandoned.map((start) => `${start.describe()}, still starting`);
	const givingUp = owner;
	owner = new AbortController();
	givingUp.abort(new StartAbandonedError());
	await Promise.all(abandoned.map((start) => start.settled));
	return described;
}

/** Stops everything started in this process, including starts under way; lists what it stopped. */
export async function stopEverything(): Promise<string[]> {
	const left = [...running];
	const described = left.map((thing) => thing.describe());
	for (const thing of left) running.delete(thing);
	const [abandoned] = await Promise.all([
		abandonStarts(),
		Promise.allSettled(left.map((thing) => thing.stop())),
	]);
	return [...abandoned, ...described];
}
