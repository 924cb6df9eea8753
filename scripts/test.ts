import { spawn } from 'child_process';

import { PACKAGE_BUILT_ENV } from '../n8n-runtime/package';
import { duration } from '../n8n-runtime/progress';

/**
 * `npm test`: the phases a newcomer's run goes through, one after the other, stopping at the first
 * that fails, then a table of how long each took (jest's own reporter details its part per test
 * file). Arguments go to jest: `npm test -- test/e2e/harness.test.ts`.
 */

interface Phase {
	name: string;
	command: string;
	args: string[];
	env?: Record<string, string>;
}

const PHASES: Phase[] = [
	{ name: 'build', command: 'npm', args: ['run', 'build'] },
	{ name: 'lint', command: 'npm', args: ['run', 'lint'] },
	{ name: 'typecheck', command: 'npm', args: ['run', 'typecheck'] },
	{
		name: 'jest',
		command: process.execPath,
		// Two test files at a time: most of an end-to-end file's time is waiting (n8n starting,
		// Google's latency, n8n's saved waits), which the other file fills.
		args: [require.resolve('jest/bin/jest'), '--maxWorkers=2', ...process.argv.slice(2)],
		// The build phase above has just built dist/: test files pack it as it is.
		env: { [PACKAGE_BUILT_ENV]: '1' },
	},
];

async function run({ command, args, env }: Phase): Promise<number> {
	return await new Promise<number>((resolve) => {
		const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
		child.once('error', (error) => {
			console.error(`${command} could not start: ${error.message}`);
			resolve(1);
		});
		child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
	});
}

async function main(): Promise<number> {
	const rows: string[] = [];
	const began = Date.now();
	let failedWith = 0;
	for (const phase of PHASES) {
		const phaseBegan = Date.now();
		const code = await run(phase);
		const outcome = code === 0 ? 'passed' : `failed (exit code ${code})`;
		rows.push(
			`  ${phase.name.padEnd(10)} ${duration(Date.now() - phaseBegan).padStart(12)}  ${outcome}`,
		);
		if (code !== 0) {
			failedWith = code;
			break;
		}
	}
	rows.push(`  ${'total'.padEnd(10)} ${duration(Date.now() - began).padStart(12)}`);
	console.log(`\nnpm test, where the time went:\n${rows.join('\n')}`);
	return failedWith;
}

void main().then((code) => process.exit(code));
