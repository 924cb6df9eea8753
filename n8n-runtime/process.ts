import axios from 'axios';
import { spawn, type ChildProcess } from 'child_process';
import { promises as fs, openSync, closeSync, readFileSync } from 'fs';
import net from 'net';
import path from 'path';
import { setTimeout as sleep } from 'timers/promises';

import { envWithNode, type Runtime } from './provision';
import { RuntimeStepError, lastLines } from './run';

/**
 * One `n8n start` process on loopback ports, its output kept in a log file in the user folder.
 * n8n runs in its own process group, under a guardian: stopping the group also ends the task
 * runner n8n spawns, and the guardian ends n8n if the test process dies before stopping it.
 */

const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 250;

export interface N8nPorts {
	port: number;
	brokerPort: number;
}

/** A port that was free a moment ago (the kernel picks it; n8n binds it right after). */
export async function freePort(): Promise<number> {
	return await new Promise<number>((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export async function isPortFree(port: number): Promise<boolean> {
	return await new Promise<boolean>((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// The group has already gone.
	}
}

/** Ends n8n when the test process is gone, however it went (see the script). */
const GUARDIAN = path.join(__dirname, 'guardian.js');

export class N8nProcess {
	private child?: ChildProcess;
	private exited?: Promise<void>;
	readonly logFile: string;

	constructor(
		private readonly runtime: Runtime,
		readonly userFolder: string,
		public ports: N8nPorts,
		private readonly extraEnv: Record<string, string> = {},
	) {
		this.logFile = path.join(userFolder, 'n8n.log');
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.ports.port}`;
	}

	get isRunning(): boolean {
		return this.child !== undefined;
	}

	/** "n8n on port 5678 (process group 4242)": the group is the guardian's, and n8n's task runner is in it too. */
	describe(): string {
		const group = this.child ? ` (process group ${this.child.pid})` : '';
		return `n8n on port ${this.ports.port}${group}`;
	}

	private environment(): NodeJS.ProcessEnv {
		const { port, brokerPort } = this.ports;
		// n8n settings from the developer's shell (a database, a port) must not reach the test instance.
		const inherited = Object.keys(process.env).filter(
			(name) => name.startsWith('N8N_') || name.startsWith('DB_') || name === 'WEBHOOK_URL',
		);
		return envWithNode(this.runtime.nodeBinary, {
			...Object.fromEntries(inherited.map((name) => [name, undefined])),
			// As in n8n's own Docker image; jest sets NODE_ENV=test, with which n8n refuses to load nodes.
			NODE_ENV: 'production',
			N8N_USER_FOLDER: this.userFolder,
			N8N_PORT: String(port),
			N8N_HOST: '127.0.0.1',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			// Resume and form links are built from these (N8N_WEBHOOK_URL is 2.x's name for WEBHOOK_URL).
			N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
			// The task broker defaults to 5679, which a second n8n on the machine would also take.
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_SECURE_COOKIE: 'false',
			// Offline and quiet: no telemetry, no calls home for versions, templates or banners.
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
			N8N_DYNAMIC_BANNERS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			// Successful executions keep their data so tests can read what each node output.
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			...this.extraEnv,
		});
	}

	/**
	 * Starts n8n and resolves once it reports itself ready; on failure it names the step and shows
	 * the log. When `signal` is aborted before n8n is ready, n8n is stopped and the start fails with
	 * the signal's reason.
	 */
	async start(timeoutMs = READY_TIMEOUT_MS, signal?: AbortSignal): Promise<void> {
		signal?.throwIfAborted();
		if (this.child) throw new Error('n8n is already running');
		const logFd = openSync(this.logFile, 'a');
		const { nodeBinary, n8nScript } = this.runtime;
		const child = spawn(
			nodeBinary,
			[GUARDIAN, String(process.pid), nodeBinary, n8nScript, 'start'],
			{
				cwd: this.userFolder,
				env: this.environment(),
				detached: true,
				stdio: ['ignore', logFd, logFd],
			},
		);
		closeSync(logFd);
		// A test process that forgets to stop n8n may still exit: the guardian then ends n8n.
		child.unref();
		this.child = child;
		let exitReason: string | undefined;
		this.exited = new Promise<void>((resolve) => {
			child.once('exit', (code, exitSignal) => {
				exitReason = exitSignal ? `n8n was ended by ${exitSignal}` : `n8n exited with code ${code}`;
				// n8n's task runner may outlive its parent: clear the whole group.
				killGroup(child.pid!, 'SIGKILL');
				if (this.child === child) this.child = undefined;
				resolve();
			});
		});

		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (signal?.aborted) {
				await this.stop();
				throw signal.reason;
			}
			if (exitReason) throw this.startFailure(exitReason);
			if (Date.now() > deadline) {
				await this.stop();
				throw this.startFailure(`n8n was not ready after ${timeoutMs / 1000} s`);
			}
			if (await this.isReady(signal)) return;
			await sleep(READY_POLL_MS, undefined, { signal }).catch(() => undefined);
		}
	}

	/** `/healthz` answers as soon as n8n listens; `/healthz/readiness` only once it is migrated and fully started. */
	private async isReady(signal?: AbortSignal): Promise<boolean> {
		try {
			const response = await axios.get(`${this.baseUrl}/healthz/readiness`, {
				timeout: 2000,
				signal,
				validateStatus: () => true,
				proxy: false,
			});
			return response.status === 200 && response.data?.status === 'ok';
		} catch {
			return false;
		}
	}

	private startFailure(reason: string): RuntimeStepError {
		return new RuntimeStepError(
			`starting n8n on port ${this.ports.port} (waiting for GET /healthz/readiness)`,
			`${reason}. Last lines of n8n's log:\n${this.logTail()}`,
		);
	}

	/** SIGTERM (n8n shuts down cleanly), SIGKILL if it is still there after a while. */
	async stop(): Promise<void> {
		const child = this.child;
		if (!child) return;
		killGroup(child.pid!, 'SIGTERM');
		const timer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), STOP_TIMEOUT_MS);
		await this.exited;
		clearTimeout(timer);
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

	async removeUserFolder(): Promise<void> {
		await fs.rm(this.userFolder, { recursive: true, force: true });
	}
}
