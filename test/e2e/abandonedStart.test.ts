import { spawn } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import path from 'path';

import { REPOSITORY_ROOT } from '../../n8n-runtime';
import { freePort, isPortFree } from '../../n8n-runtime/process';

/**
 * Nothing is left running after a failed or timed-out hook, and jest exits on its own. A jest of
 * its own runs fixtures/abandonedStarts.ts with the e2e project's settings: there a test leaves an
 * n8n running, and a hook times out while the n8n it started is not ready yet. Both are checked
 * gone the moment that jest exits, before the guardian (which ends n8n a second or more after its
 * jest is gone) could have done it.
 */

const FIXTURE = 'test/e2e/fixtures/abandonedStarts.ts';
/** Long enough to copy the user folder and spawn n8n, far shorter than n8n takes to be ready. */
const HOOK_TIMEOUT_MS = 5000;
/** Two n8n starts and stops on a busy machine take well under this; a jest that hangs never ends. */
const JEST_EXIT_LIMIT_MS = 5 * 60_000;

interface JestRun {
	pid: number;
	exitCode: number | null;
	exitedOnItsOwn: boolean;
	output: string;
}

async function runFixture(ports: number[]): Promise<JestRun> {
	const { projects } = (await import(path.join(REPOSITORY_ROOT, 'jest.config.js'))) as {
		projects: Array<{ displayName: string }>;
	};
	const e2e = projects.find((project) => project.displayName === 'e2e');
	const config = { ...e2e, rootDir: REPOSITORY_ROOT, testMatch: [`<rootDir>/${FIXTURE}`] };
	const child = spawn(
		process.execPath,
		[require.resolve('jest/bin/jest'), '--config', JSON.stringify(config), '--runInBand', '--ci'],
		{
			cwd: REPOSITORY_ROOT,
			env: {
				...process.env,
				ABANDONED_START_PORTS: ports.join(','),
				ABANDONED_START_HOOK_TIMEOUT_MS: String(HOOK_TIMEOUT_MS),
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	let exitedOnItsOwn = true;
	const limit = setTimeout(() => {
		exitedOnItsOwn = false;
		child.kill('SIGKILL');
	}, JEST_EXIT_LIMIT_MS);
	const exitCode = await new Promise<number | null>((resolve) => child.once('close', resolve));
	clearTimeout(limit);
	return { pid: child.pid!, exitCode, exitedOnItsOwn, output };
}

/** Live processes (zombies aside) whose /proc entry matches, as "<pid> <command line>". */
function processesWhere(matches: (stat: string, commandLine: string) => boolean): string[] {
	const found: string[] = [];
	for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
			if (matches(stat, commandLine)) found.push(`${pid} ${commandLine.replace(/\0/g, ' ')}`);
		} catch {
			// The process ended while being read.
		}
	}
	return found;
}

/** /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so read after it. */
function stateAndGroup(stat: string): { state: string; group: number } {
	const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return { state, group: Number(group) };
}

/** The lines of the jest run's output that follow `heading`, up to the next blank line. */
function listAfter(output: string, heading: string): string {
	const start = output.indexOf(heading);
	return start < 0 ? '' : output.slice(start).split('\n\n')[0];
}

describe('a test file whose hook timed out while n8n was starting', () => {
	let run: JestRun;
	let ports: number[];

	beforeAll(async () => {
		ports = [await freePort(), await freePort(), await freePort(), await freePort()];
		run = await runFixture(ports);
	});

	it('fails the hook by its timeout, and jest exits on its own', () => {
		expect(run.exitedOnItsOwn).toBe(true);
		expect(run.exitCode).toBe(1);
		expect(run.output).toContain(`Exceeded timeout of ${HOOK_TIMEOUT_MS} ms for a hook`);
		expect(run.output).not.toMatch(/did not exit/);
	});

	it('stops the abandoned start when its hook fails, and what the file left running when it ends', () => {
		const [leftPort, , abandonedPort] = ports;
		expect(listAfter(run.output, 'a hook or test failed while n8n was starting; stopped')).toMatch(
			new RegExp(`n8n on port ${abandonedPort} \\(process group \\d+\\), still starting`),
		);
		expect(listAfter(run.output, 'the test file left these running; stopped')).toMatch(
			new RegExp(`n8n on port ${leftPort} \\(process group \\d+\\)`),
		);
	});

	it('leaves no n8n, task runner or guardian alive, and every port free', async () => {
		const groups = [...run.output.matchAll(/process group (\d+)/g)].map((match) =>
			Number(match[1]),
		);
		expect(groups).toHaveLength(2);
		expect(
			processesWhere((stat) => {
				const { state, group } = stateAndGroup(stat);
				return state !== 'Z' && groups.includes(group);
			}),
		).toEqual([]);
		expect(
			processesWhere(
				(stat, commandLine) =>
					commandLine.includes(`guardian.js\0${run.pid}\0`) && stateAndGroup(stat).state !== 'Z',
			),
		).toEqual([]);
		for (const port of ports) expect(await isPortFree(port)).toBe(true);
	});
});
