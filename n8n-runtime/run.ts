import { spawn, type SpawnOptions } from 'child_process';

/** A failed provisioning, build or start step, named so the reader knows which one broke. */
export class RuntimeStepError extends Error {
	constructor(
		readonly step: string,
		detail: string,
	) {
		super(`n8n runtime: ${step} failed: ${detail}`);
		this.name = 'RuntimeStepError';
	}
}

const OUTPUT_TAIL_LINES = 40;
/** npm needs a moment after SIGTERM to stop its own children; then it is killed. */
const KILL_AFTER_MS = 10_000;

export function lastLines(text: string, count = OUTPUT_TAIL_LINES): string {
	return text.split('\n').slice(-count).join('\n');
}

/** npm's own one-line account of what it did ("added 2356 packages in 3m"), or its last line. */
export function npmSummary(output: string): string {
	const lines = output
		.split('\n')
		.map((line) => line.trim())
		.filter(Boolean);
	const summary = lines.filter((line) =>
		/^(added|removed|changed|up to date|rebuilt)\b/.test(line),
	);
	return (summary.length ? summary : lines.slice(-1)).join('; ');
}

export interface StepOptions extends SpawnOptions {
	/** Ends the command (SIGTERM, then SIGKILL) when aborted; the step then fails with the signal's reason. */
	signal?: AbortSignal;
}

/**
 * Runs a command to completion (no shell) and returns its output; a non-zero exit becomes a
 * RuntimeStepError carrying the step name and the last lines of the output. An abort ends the
 * command and waits for it to exit before failing, so nothing of the step is left running.
 */
export async function runStep(
	step: string,
	command: string,
	args: string[],
	{ signal, ...options }: StepOptions = {},
): Promise<string> {
	signal?.throwIfAborted();
	return await new Promise<string>((resolve, reject) => {
		const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		const collect = (chunk: Buffer) => {
			output += chunk.toString();
		};
		child.stdout!.on('data', collect);
		child.stderr!.on('data', collect);
		let killTimer: NodeJS.Timeout | undefined;
		const end = () => {
			child.kill('SIGTERM');
			killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
		};
		signal?.addEventListener('abort', end, { once: true });
		child.once('error', (error) =>
			reject(new RuntimeStepError(step, `${command} could not start: ${error.message}`)),
		);
		child.once('close', (code, exitSignal) => {
			clearTimeout(killTimer);
			signal?.removeEventListener('abort', end);
			if (signal?.aborted) reject(signal.reason);
			else if (code === 0) resolve(output);
			else {
				const how = exitSignal ? `signal ${exitSignal}` : `exit code ${code}`;
				reject(
					new RuntimeStepError(
						step,
						`${command} ${args.join(' ')} ended with ${how}:\n${lastLines(output)}`,
					),
				);
			}
		});
	});
}
