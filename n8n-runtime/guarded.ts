import { execFileSync, spawn, type ChildProcess } from 'child_process';
import { closeSync, openSync, readFileSync, readdirSync } from 'fs';
import path from 'path';

import { lastLines } from './run';

/**
 * A long-running program the runtime starts (n8n, Postgres, Redis) in its own process group under
 * the guardian (guardian.js), its output appended to a log file. A signal to the group reaches the
 * program and everything it spawned (n8n's task runner, Postgres's backends); the guardian ends
 * the group if the process that started it dies without stopping it.
 */

const STOP_TIMEOUT_MS = 30_000;

/** Ends the program when the test process is gone, however it went (see the script). */
const GUARDIAN = path.join(__dirname, 'guardian.js');

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// The group has already gone.
	}
}

export interface TreeUsage {
	/** Proportional set size: pages shared between the processes are split among them, not counted twice. */
	pssBytes: number;
	/** The program's own peak resident set size so far (VmHWM: n8n, postgres, redis-server), without its children. */
	programPeakRssBytes: number;
	/** CPU time used so far, with that of children already ended (ffmpeg runs a node started). */
	cpuSeconds: number;
	processes: number;
}

let clockTicks: number | undefined;

/** Clock ticks per second, the unit of /proc/<pid>/stat's CPU times. */
function ticksPerSecond(): number {
	clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
	return clockTicks;
}

function readProc(pid: string, file: string): string | undefined {
	try {
		return readFileSync(`/proc/${pid}/${file}`, 'utf8');
	} catch {
		return undefined; // The process ended while it was being read.
	}
}

/**
 * Memory and CPU time of every process descended from `rootPid` (not the root itself: the
 * guardian), read from /proc (Linux). Descendants rather than the process group: Postgres puts
 * each backend in a group of its own.
 */
export function treeUsage(rootPid: number): TreeUsage {
	const parents = new Map<string, string>();
	const cpuTicks = new Map<string, number>();
	for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
		const stat = readProc(pid, 'stat');
		if (!stat) continue;
		// The fields after the command name (which may hold spaces): state, ppid, ... utime, stime,
		// cutime, cstime are the 12th to 15th of them.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		parents.set(pid, fields[1]);
		cpuTicks.set(
			pid,
			fields.slice(11, 15).reduce((sum, field) => sum + Number(field), 0),
		);
	}
	const inTree = new Set([String(rootPid)]);
	for (let grew = true; grew; ) {
		grew = false;
		for (const [pid, parent] of parents)
			if (!inTree.has(pid) && inTree.has(parent)) {
				inTree.add(pid);
				grew = true;
			}
	}
	inTree.delete(String(rootPid));
	const kilobytes = (text: string | undefined, field: string) =>
		Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text ?? '')?.[1] ?? 0) * 1024;
	const usage: TreeUsage = { pssBytes: 0, programPeakRssBytes: 0, cpuSeconds: 0, processes: 0 };
	for (const pid of inTree) {
		usage.pssBytes += kilobytes(readProc(pid, 'smaps_rollup'), 'Pss');
		if (parents.get(pid) === String(rootPid))
			usage.programPeakRssBytes = kilobytes(readProc(pid, 'status'), 'VmHWM');
		usage.cpuSeconds += (cpuTicks.get(pid) ?? 0) / ticksPerSecond();
		usage.processes += 1;
	}
	return usage;
}

export class GuardedProcess {
	private child?: ChildProcess;
	private exited?: Promise<void>;
	/** Why the program last ended ("n8n was ended by SIGKILL"), until it is started again. */
	exitReason?: string;

	constructor(
		/** What it is, in messages: "n8n", "Postgres". */
		readonly name: string,
		readonly logFile: string,
	) {}

	get isRunning(): boolean {
		return this.child !== undefined;
	}

	/** The process group (the guardian's pid), while it runs. */
	get groupId(): number | undefined {
		return this.child?.pid;
	}

	spawn(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): void {
		if (this.child) throw new Error(`${this.name} is already running`);
		const logFd = openSync(this.logFile, 'a');
		const child = spawn(process.execPath, [GUARDIAN, String(process.pid), command, ...args], {
			...options,
			detached: true,
			stdio: ['ignore', logFd, logFd],
		});
		closeSync(logFd);
		// A test process that forgets to stop it may still exit: the guardian then ends the group.
		child.unref();
		this.child = child;
		this.exitReason = undefined;
		this.exited = new Promise<void>((resolve) => {
			child.once('exit', (code, signal) => {
				this.exitReason = signal
					? `${this.name} was ended by ${signal}`
					: `${this.name} exited with code ${code}`;
				// Children (n8n's task runner) may outlive the program: clear the whole group.
				signalGroup(child.pid!, 'SIGKILL');
				if (this.child === child) this.child = undefined;
				resolve();
			});
		});
	}

	/** `signal` to the group (SIGTERM: a clean shutdown), SIGKILL if it is still there after a while. */
	async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
		const child = this.child;
		if (!child) return;
		signalGroup(child.pid!, signal);
		const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), STOP_TIMEOUT_MS);
		await this.exited;
		clearTimeout(timer);
	}

	/** Ends the group at once, as a crash or an out-of-memory kill would. */
	async kill(): Promise<void> {
		await this.stop('SIGKILL');
	}

	/** Memory and CPU time of the program and everything it spawned (not the guardian). */
	usage(): TreeUsage | undefined {
		return this.child ? treeUsage(this.child.pid!) : undefined;
	}

	log(): string {
		try {
			return readFileSync(this.logFile, 'utf8');
		} catch {
			return '';
		}
	}

	logTail(lines = 40): string {
		return lastLines(this.log().trimEnd(), lines);
	}
}
