/**
 * Progress lines for a long job such as setup: each step when it begins, every half minute while
 * it runs, and when it ends with how long it took, each line stamped with the time since the job
 * began ("[3:18] n8n 2.40.7: added 2356 packages in 3m (3 min 12 s)")..
 */

const HEARTBEAT_MS = 30_000;

export function duration(ms: number): string {
	if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
	const seconds = Math.round(ms / 1000);
	return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function clock(ms: number): string {
	const seconds = Math.floor(ms / 1000);
	return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export class Progress {
	private readonly began = Date.now();

	constructor(private readonly print: (line: string) => void = (line) => console.log(line)) {}

	note(text: string): void {
		this.print(`[${clock(Date.now() - this.began)}] ${text}`);
	}

	/**
	 * Runs one step: "<name>: <doing>..." when it begins, "<name>: <outcome> (<duration>)" when it
	 * ends, where `outcome` turns the step's result into words.
	 */
	async step<T>(
		name: string,
		doing: string,
		work: () => Promise<T>,
		outcome: (result: T) => string = () => 'done',
	): Promise<T> {
		const began = Date.now();
		this.note(`${name}: ${doing}...`);
		const heartbeat = setInterval(
			() => this.note(`${name}: still running (${duration(Date.now() - began)})`),
			HEARTBEAT_MS,
		);
		try {
			const result = await work();
			this.note(`${name}: ${outcome(result)} (${duration(Date.now() - began)})`);
			return result;
		} catch (error) {
			this.note(`${name}: failed after ${duration(Date.now() - began)}`);
			throw error;
		} finally {
			clearInterval(heartbeat);
		}
	}
}
