import { spawn, type SpawnOptions } from 'child_process';

/** A failed provisioning or build step, named so the reader knows which one broke. */
export class HarnessStepError extends Error {
	constructor(
		readonly step: string,
		detail: string,
	) {
		super(`n8n harness: ${step} failed: ${detail}`);
		this.name = 'HarnessStepError';
	}
}

const OUTPUT_TAIL_LINES = 40;

export function lastLines(text: string, count = OUTPUT_TAIL_LINES): string {
	return text.split('\n').slice(-count).join('\n');
}

/**
 * Runs a command to completion (no shell) and returns its output; a non-zero exit becomes a
 * HarnessStepError carrying the step name and the last lines of the output.
 */
export async function runStep(
	step: string,
	command: string,
	args: string[],
	options: SpawnOptions = {},
): Promise<string> {
	return await new Promise<string>((resolve, reject) => {
		const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		const collect = (chunk: Buffer) => {
			output += chunk.toString();
		};
		child.stdout!.on('data', collect);
		child.stderr!.on('data', collect);
		child.once('error', (error) =>
			reject(new HarnessStepError(step, `${command} could not start: ${error.message}`)),
		);
		child.once('close', (code, signal) => {
			if (code === 0) resolve(output);
			else {
				const how = signal ? `signal ${signal}` : `exit code ${code}`;
				reject(
					new HarnessStepError(
						step,
						`${command} ${args.join(' ')} ended with ${how}:\n${lastLines(output)}`,
					),
				);
			}
		});
	});
}
