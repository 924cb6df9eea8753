import axios from 'axios';
import { promises as fs } from 'fs';
import net from 'net';
import path from 'path';
import { setTimeout as sleep } from 'timers/promises';

import { GuardedProcess, type TreeUsage } from './guarded';
import { envWithNode, type Runtime } from './provision';
import { RuntimeStepError } from './run';

/**
 * One n8n process (`n8n start`, or in queue mode `n8n worker`) on loopback ports, its output kept
 * in a log file in the user folder. n8n runs in its own process group, under a guardian
 * (guarded.ts): stopping the group also ends the task runner n8n spawns, and the guardian ends
 * n8n if the test process dies before stopping it.
 */

const READY_TIMEOUT_MS = 180_000;
const READY_POLL_MS = 250;

/** `start` serves the editor, API and webhooks (queue mode's main); `worker` runs queued executions. */
export type N8nCommand = 'start' | 'worker';

export interface N8nPorts {
	/** Where n8n listens: the editor, API and webhooks, or a worker's health endpoints. */
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

export class N8nProcess {
	private readonly process: GuardedProcess;
	readonly logFile: string;

	constructor(
		private readonly runtime: Runtime,
		readonly userFolder: string,
		public ports: N8nPorts,
		private readonly extraEnv: Record<string, string> = {},
		readonly command: N8nCommand = 'start',
	) {
		this.logFile = path.join(userFolder, 'n8n.log');
		this.process = new GuardedProcess('n8n', this.logFile);
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.ports.port}`;
	}

	get isRunning(): boolean {
		return this.process.isRunning;
	}

	/**
	 * "n8n on port 5678 (process group 4242)", "n8n worker on port 5690 (...)": the group is the
	 * guardian's, and n8n's task runner is in it too.
	 */
	describe(): string {
		const group = this.process.groupId ? ` (process group ${this.process.groupId})` : '';
		return `${this.label()} on port ${this.ports.port}${group}`;
	}

	private label(): string {
		return this.command === 'start' ? 'n8n' : `n8n ${this.command}`;
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
			// A worker serves no editor: its port is its health server, which readiness is read from.
			...(this.command === 'worker'
				? {
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(port),
						N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					}
				: {}),
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
		const { nodeBinary, n8nScript } = this.runtime;
		this.process.spawn(nodeBinary, [n8nScript, this.command], {
			cwd: this.userFolder,
			env: this.environment(),
		});
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (signal?.aborted) {
				await this.stop();
				throw signal.reason;
			}
			if (!this.process.isRunning) throw this.startFailure(this.process.exitReason!);
			if (Date.now() > deadline) {
				await this.stop();
				throw this.startFailure(`n8n was not ready after ${timeoutMs / 1000} s`);
			}
			if (await this.isReady(signal)) return;
			await sleep(READY_POLL_MS, undefined, { signal }).catch(() => undefined);
		}
	}

	/**
	 * `/healthz` answers as soon as n8n listens; `/healthz/readiness` only once it is migrated and
	 * fully started (on a worker, also connected to Redis: QUEUE_HEALTH_CHECK_ACTIVE serves it).
	 */
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
			`starting ${this.label()} on port ${this.ports.port} (waiting for GET /healthz/readiness)`,
			`${reason}. Last lines of n8n's log:\n${this.logTail()}`,
		);
	}

	/** SIGTERM (n8n shuts down cleanly), SIGKILL if it is still there after a while. */
	async stop(): Promise<void> {
		await this.process.stop();
	}

	/** SIGKILL to n8n and its task runner, as a crash or the out-of-memory killer would. */
	async kill(): Promise<void> {
		await this.process.kill();
	}

	/** n8n's memory and CPU time with its task runner's (and ended ffmpeg runs'); undefined when it is not running. */
	usage(): TreeUsage | undefined {
		return this.process.usage();
	}

	log(): string {
		return this.process.log();
	}

	logTail(lines = 40): string {
		return this.process.logTail(lines);
	}

	async removeUserFolder(): Promise<void> {
		await fs.rm(this.userFolder, { recursive: true, force: true });
	}
}
