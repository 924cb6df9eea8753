import { promises as fs } from 'fs';
import net from 'net';
import path from 'path';
import { setTimeout as sleep } from 'timers/promises';

import { GuardedProcess, type TreeUsage } from './guarded';
import { RuntimeStepError } from './run';

/**
 * Redis for n8n's queue mode (Bull's queue and n8n's pub/sub), from the machine's own install
 * (Debian's `redis-server`, which scripts/setup installs when it is absent): loopback only, its
 * snapshot in a folder of ours.
 */

const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 100;

export async function findRedis(): Promise<string | undefined> {
	const folders = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/sbin'];
	for (const folder of folders.filter(Boolean)) {
		const candidate = path.join(folder, 'redis-server');
		if (
			await fs.access(candidate, fs.constants.X_OK).then(
				() => true,
				() => false,
			)
		)
			return candidate;
	}
	return undefined;
}

export async function requireRedis(): Promise<string> {
	const server = await findRedis();
	if (!server)
		throw new RuntimeStepError(
			'finding Redis for queue mode',
			"no redis-server on PATH or in /usr/bin. Run scripts/setup: it installs Debian's redis-server",
		);
	return server;
}

/** True when a Redis server answers PING on the port. */
async function answersPing(port: number): Promise<boolean> {
	return await new Promise<boolean>((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		let answer = '';
		const done = (result: boolean) => {
			socket.destroy();
			resolve(result);
		};
		socket.setTimeout(1000, () => done(false));
		socket.once('error', () => done(false));
		socket.on('data', (chunk) => {
			answer += chunk.toString();
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
		socket.once('connect', () => socket.write('PING\r\n'));
	});
}

export class RedisServer {
	private readonly process: GuardedProcess;

	constructor(
		private readonly server: string,
		readonly folder: string,
		readonly port: number,
	) {
		this.process = new GuardedProcess('Redis', path.join(folder, 'redis.log'));
	}

	get isRunning(): boolean {
		return this.process.isRunning;
	}

	describe(): string {
		const group = this.process.groupId ? ` (process group ${this.process.groupId})` : '';
		return `Redis on port ${this.port}${group}`;
	}

	/** QUEUE_BULL_REDIS_* as n8n 2.40's @n8n/config ScalingModeConfig reads them. */
	n8nEnvironment(): Record<string, string> {
		return { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(this.port) };
	}

	async start(signal?: AbortSignal): Promise<void> {
		this.process.spawn(
			this.server,
			[
				'--port',
				String(this.port),
				'--bind',
				'127.0.0.1',
				// Redis's own default persistence (a snapshot on shutdown, as Debian's redis.conf has it):
				// a restarted Redis comes back with the queue it had.
				'--dir',
				this.folder,
				'--daemonize',
				'no',
			],
			{ cwd: this.folder, env: process.env },
		);
		const deadline = Date.now() + READY_TIMEOUT_MS;
		for (;;) {
			if (!this.process.isRunning)
				throw this.startFailure(this.process.exitReason ?? 'Redis exited');
			if (signal?.aborted) {
				await this.stop();
				throw signal.reason;
			}
			if (Date.now() > deadline) {
				await this.stop();
				throw this.startFailure(`no answer to PING after ${READY_TIMEOUT_MS / 1000} s`);
			}
			if (await answersPing(this.port)) return;
			await sleep(READY_POLL_MS, undefined, { signal }).catch(() => undefined);
		}
	}

	private startFailure(reason: string): RuntimeStepError {
		return new RuntimeStepError(
			`starting Redis on port ${this.port}`,
			`${reason}. Last lines of its log:\n${this.process.logTail()}`,
		);
	}

	async stop(): Promise<void> {
		await this.process.stop();
	}

	usage(): TreeUsage | undefined {
		return this.process.usage();
	}
}
