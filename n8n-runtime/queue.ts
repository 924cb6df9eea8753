import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';

import {
	startStandIn,
	type GoogleApiStandIn,
	type StandInSettings,
} from '../google-api-standin/server';
import { N8nApi, type OwnerAccount } from './client';
import type { TreeUsage } from './guarded';
import { trackStart, untrack, type Stoppable } from './lifecycle';
import { installPackageInto } from './package';
import { copyCluster, PostgresServer } from './postgres';
import { freePort, isPortFree, N8nProcess } from './process';
import { provisionedRuntime, type Runtime } from './provision';
import { provisionedQueueTemplate } from './queueTemplate';
import { RedisServer, requireRedis } from './redis';
import { RuntimeStepError } from './run';
import { recordStart, type StartupTimings } from './starts';

/**
 * n8n in queue mode, as a studio that outgrew one process runs it: Postgres and Redis, one main
 * process (editor, API, triggers, webhooks and waiting-webhooks such as the review board) and
 * workers that run the executions Redis queues. One call starts all of it on free loopback ports
 * in a temporary folder; `stop()` ends all of it and removes the folder. Everything it starts is
 * tracked (lifecycle.ts), so a test environment that gives up on it stops it too.
 *
 * - Postgres comes from the template scripts/setup made (queueTemplate.ts): already migrated, with
 *   the owner and API key, so the main process and the workers start together.
 * - Every n8n process gets the template's N8N_ENCRYPTION_KEY, EXECUTIONS_MODE=queue, the database
 *   and Redis settings, N8N_DEFAULT_BINARY_DATA_MODE=database (clips live in Postgres, which every
 *   process reaches; n8n 2.x refuses `filesystem` in queue mode) and its own task-runner port.
 * - Each n8n process has its own user folder (n8n keeps a crash journal and event log there), but
 *   they share one `.n8n/nodes`: every process loads community packages from
 *   `<user folder>/.n8n/nodes/node_modules` (n8n 2.40's community-packages module), so the
 *   workers' folders link to the main process's, where the package is installed.
 * - Workers build resume and form links with N8N_WEBHOOK_URL: it points at the main process.
 */

export interface QueueStartOptions {
	/** How many `n8n worker` processes (default 2). */
	workers?: number;
	/** Also start the Google API stand-in on its own port (with these settings, if an object). */
	standIn?: boolean | Partial<StandInSettings>;
	/** Extra environment for every n8n process, applied last. */
	env?: Record<string, string>;
	readyTimeoutMs?: number;
}

/** Memory and CPU time of each part of the cluster (undefined for a part that is not running). */
export interface ClusterUsage {
	main?: TreeUsage;
	workers: Array<TreeUsage | undefined>;
	postgres?: TreeUsage;
	redis?: TreeUsage;
}

/** Binary data n8n holds in Postgres (its `binary_data` table). */
export interface DatabaseBinaryData {
	files: number;
	/** Bytes of the files themselves. */
	bytes: number;
	/** The table on disk, with its indexes and TOAST storage (freed rows stay until vacuumed). */
	tableBytes: number;
}

/** n8n 2.40 logs this (scaling/job-processor) when a worker takes an execution from the queue. */
const WORKER_STARTED = /Worker started execution (\d+) \(job /g;

export class QueueCluster implements Stoppable {
	private stopped?: Promise<void>;

	constructor(
		private readonly folder: string,
		private readonly runtime: Runtime,
		/** Environment every n8n process of this cluster gets. */
		private readonly n8nEnv: Record<string, string>,
		/** Replaced when it is restarted with other settings. */
		public main: N8nProcess,
		readonly workers: N8nProcess[],
		readonly postgres: PostgresServer,
		readonly redis: RedisServer,
		readonly standIn: GoogleApiStandIn | undefined,
		readonly api: N8nApi,
		readonly owner: OwnerAccount,
		readonly timings: StartupTimings,
	) {}

	get baseUrl(): string {
		return this.main.baseUrl;
	}

	describe(): string {
		const parts = [
			`n8n queue mode: main ${this.main.describe()}`,
			...this.workers.map((worker) => worker.describe()),
			this.postgres.describe(),
			this.redis.describe(),
		];
		if (this.standIn) parts.push(`the Google API stand-in at ${this.standIn.url}`);
		return parts.join(', ');
	}

	/** Indexes of the workers whose logs say they took the execution (a resumed one runs again). */
	workersThatRan(executionId: string): number[] {
		return this.workers
			.map((worker, index) => ({ index, ran: this.executionsRunBy(worker).includes(executionId) }))
			.filter(({ ran }) => ran)
			.map(({ index }) => index);
	}

	/** Every execution id each worker took from the queue, in order, once per time it took it. */
	executionsRunBy(worker: N8nProcess): string[] {
		return [...worker.log().matchAll(WORKER_STARTED)].map((match) => match[1]);
	}

	/**
	 * Stops the main process and starts it again on the same ports (links handed out must keep
	 * working), with `env` added to its environment if given (e.g. pruning settings).
	 */
	async restartMain(
		options: { env?: Record<string, string>; readyTimeoutMs?: number } = {},
	): Promise<number> {
		await this.main.stop();
		const { port, brokerPort } = this.main.ports;
		if (!(await isPortFree(port)) || !(await isPortFree(brokerPort)))
			throw new RuntimeStepError(
				`restarting n8n's main process on port ${port}`,
				'the port was taken while it was stopped; links handed out would no longer reach it',
			);
		if (options.env)
			this.main = new N8nProcess(
				this.runtime,
				this.main.userFolder,
				this.main.ports,
				{ ...this.n8nEnv, ...options.env },
				'start',
			);
		return await this.timedStart(this.main, options.readyTimeoutMs);
	}

	/** Ends a worker at once (SIGKILL to it and its task runner), as a crash would. */
	async killWorker(index: number): Promise<void> {
		await this.workers[index].kill();
	}

	/** Starts a stopped or killed worker again, on its own folder and ports. */
	async startWorker(index: number, readyTimeoutMs?: number): Promise<number> {
		return await this.timedStart(this.workers[index], readyTimeoutMs);
	}

	/** Starts one more worker, as a studio adding a machine would; returns its index. */
	async addWorker(readyTimeoutMs?: number): Promise<number> {
		const worker = await newWorker(this.folder, this.runtime, this.n8nEnv, this.workers.length);
		this.workers.push(worker);
		await this.timedStart(worker, readyTimeoutMs);
		return this.workers.length - 1;
	}

	/** Stops Redis, leaves it down for `downMs`, and starts it again on the same port. */
	async restartRedis(downMs = 0): Promise<void> {
		await this.redis.stop();
		await new Promise((resolve) => setTimeout(resolve, downMs));
		await this.redis.start();
	}

	/**
	 * Starts again whatever of the cluster is not running (Redis, then the n8n processes, together),
	 * so a test that stopped or killed a part leaves the next one a whole cluster.
	 */
	async ensureRunning(readyTimeoutMs?: number): Promise<void> {
		if (!this.redis.isRunning) await this.redis.start();
		const stopped = [this.main, ...this.workers].filter((n8n) => !n8n.isRunning);
		await Promise.all(stopped.map((n8n) => this.timedStart(n8n, readyTimeoutMs)));
	}

	private async timedStart(n8n: N8nProcess, readyTimeoutMs?: number): Promise<number> {
		const startedAt = Date.now();
		await n8n.start(readyTimeoutMs);
		const n8nStartMs = Date.now() - startedAt;
		recordStart({ kind: 'restart', userFolderMs: 0, packageMs: 0, n8nStartMs });
		return n8nStartMs;
	}

	async binaryData(): Promise<DatabaseBinaryData> {
		const [files, bytes, tableBytes] = (
			await this.postgres.query(
				"SELECT count(*), coalesce(sum(octet_length(data)), 0), pg_total_relation_size('binary_data') FROM binary_data",
			)
		)
			.split('|')
			.map(Number);
		return { files, bytes, tableBytes };
	}

	usage(): ClusterUsage {
		return {
			main: this.main.usage(),
			workers: this.workers.map((worker) => worker.usage()),
			postgres: this.postgres.usage(),
			redis: this.redis.usage(),
		};
	}

	/** The last lines of every n8n process's log, for a failure message. */
	logTails(lines = 20): string {
		return [this.main, ...this.workers]
			.map((n8n) => `--- ${n8n.describe()}:\n${n8n.logTail(lines)}`)
			.join('\n');
	}

	/**
	 * Stops the n8n processes, the stand-in, Redis and Postgres, and removes the folder with the
	 * database and the user folders (kept if VEO_PIPELINE_KEEP_USER_FOLDER is set). A second call
	 * waits for the first.
	 */
	async stop(): Promise<void> {
		untrack(this);
		this.stopped ??= (async () => {
			await Promise.all([this.main, ...this.workers].map((n8n) => n8n.stop()));
			await this.standIn?.stop();
			await Promise.all([this.redis.stop(), this.postgres.stop()]);
			if (!process.env.VEO_PIPELINE_KEEP_USER_FOLDER)
				await fs.rm(this.folder, { recursive: true, force: true });
		})();
		await this.stopped;
	}
}

/** A worker's user folder, its `.n8n/nodes` linked to the main process's (see above). */
async function newWorker(
	folder: string,
	runtime: Runtime,
	n8nEnv: Record<string, string>,
	index: number,
): Promise<N8nProcess> {
	const userFolder = path.join(folder, `worker-${index + 1}`);
	await fs.mkdir(path.join(userFolder, '.n8n'), { recursive: true });
	await fs.symlink(
		path.join(folder, 'main', '.n8n', 'nodes'),
		path.join(userFolder, '.n8n', 'nodes'),
	);
	const ports = { port: await freePort(), brokerPort: await freePort() };
	return new N8nProcess(runtime, userFolder, ports, n8nEnv, 'worker');
}

/**
 * Starts Postgres, Redis, n8n's main process and its workers (and the stand-in if asked), ready
 * for a test or a benchmark. Always `stop()` it; stopEverything() stops it too, and ends it half
 * way if it is still starting.
 */
export async function startQueueCluster(options: QueueStartOptions = {}): Promise<QueueCluster> {
	const begun: Stoppable[] = [];
	return await trackStart(
		() =>
			begun.length
				? `n8n queue mode (begun: ${begun.map((thing) => thing.describe()).join(', ')})`
				: 'n8n queue mode (nothing spawned yet)',
		async (signal) => await launchCluster(options, signal, begun),
	);
}

async function launchCluster(
	options: QueueStartOptions,
	signal: AbortSignal,
	begun: Stoppable[],
): Promise<QueueCluster> {
	let startedAt = Date.now();
	const runtime = await provisionedRuntime();
	const template = await provisionedQueueTemplate();
	const redisServer = await requireRedis();
	const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'veo-pipeline-queue-'));
	// Postgres runs as its own user when we are root: it must be able to reach its data folder.
	await fs.chmod(folder, 0o711);
	try {
		const dataDir = path.join(folder, 'pgdata');
		await copyCluster(template.dataDir, dataDir, signal);
		const postgres = new PostgresServer(
			template.install,
			dataDir,
			await freePort(),
			path.join(folder, 'postgres.log'),
		);
		const redisFolder = path.join(folder, 'redis');
		await fs.mkdir(redisFolder);
		const redis = new RedisServer(redisServer, redisFolder, await freePort());
		begun.push(postgres, redis);
		await Promise.all([postgres.start(signal), redis.start(signal)]);
		const userFolderMs = Date.now() - startedAt;

		startedAt = Date.now();
		const mainFolder = path.join(folder, 'main');
		await fs.mkdir(mainFolder);
		await installPackageInto(mainFolder, signal);
		const packageMs = Date.now() - startedAt;

		signal.throwIfAborted();
		const standIn = options.standIn
			? await startStandIn(options.standIn === true ? {} : options.standIn)
			: undefined;
		if (standIn)
			begun.push({ describe: () => `the stand-in at ${standIn.url}`, stop: () => standIn.stop() });

		const mainPorts = { port: await freePort(), brokerPort: await freePort() };
		const mainUrl = `http://127.0.0.1:${mainPorts.port}/`;
		const n8nEnv: Record<string, string> = {
			EXECUTIONS_MODE: 'queue',
			N8N_ENCRYPTION_KEY: template.encryptionKey,
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			...postgres.n8nEnvironment(),
			...redis.n8nEnvironment(),
			// Links the workers build (review boards, resume links) lead to the main process.
			N8N_WEBHOOK_URL: mainUrl,
			N8N_EDITOR_BASE_URL: mainUrl,
			// Each node's output is saved as it finishes, so a crashed execution can be retried from there.
			EXECUTIONS_DATA_SAVE_ON_PROGRESS: 'true',
			...options.env,
		};
		const main = new N8nProcess(runtime, mainFolder, mainPorts, n8nEnv, 'start');
		const workers: N8nProcess[] = [];
		for (let index = 0; index < (options.workers ?? 2); index++)
			workers.push(await newWorker(folder, runtime, n8nEnv, index));
		begun.push(main, ...workers);
		startedAt = Date.now();
		await Promise.all([main, ...workers].map((n8n) => n8n.start(options.readyTimeoutMs, signal)));
		const timings = { userFolderMs, packageMs, n8nStartMs: Date.now() - startedAt };
		recordStart({ kind: 'start', ...timings });
		const api = new N8nApi(main.baseUrl, template.owner);
		return new QueueCluster(
			folder,
			runtime,
			n8nEnv,
			main,
			workers,
			postgres,
			redis,
			standIn,
			api,
			template.owner,
			timings,
		);
	} catch (error) {
		// n8n first (it holds connections to the others), then the rest.
		const [n8nProcesses, others] = [
			begun.filter((thing) => thing instanceof N8nProcess),
			begun.filter((thing) => !(thing instanceof N8nProcess)),
		];
		await Promise.allSettled(n8nProcesses.map((thing) => thing.stop()));
		await Promise.allSettled(others.map((thing) => thing.stop()));
		if (!process.env.VEO_PIPELINE_KEEP_USER_FOLDER)
			await fs.rm(folder, { recursive: true, force: true });
		throw error;
	}
}
