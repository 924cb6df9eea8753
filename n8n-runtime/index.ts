import { existsSync, promises as fs } from 'fs';
import os from 'os';
import path from 'path';

import {
	startStandIn,
	type GoogleApiStandIn,
	type StandInSettings,
} from '../google-api-standin/server';
import { N8nApi, type OwnerAccount } from './client';
import { trackStart, untrack, type Stoppable } from './lifecycle';
import { installPackageInto } from './package';
import { freePort, isPortFree, N8nProcess, type N8nPorts } from './process';
import { provisionedRuntime } from './provision';
import { recordStart, type StartupTimings } from './starts';
import { OWNER_FILE, provisionedTemplate } from './template';

/**
 * The one place that knows how to run n8n for this package: the demo and every end-to-end test
 * start n8n through `startN8n`, on the runtime scripts/setup provisioned into a cache outside the
 * repository (n8n-runtime/provision-cli.ts). A start copies a user folder whose database is already
 * migrated and has an owner and an API key (instead of ~40 s of migrations per start), installs
 * the freshly packed package as a community package, and starts `n8n start` on free loopback
 * ports. Everything it starts is tracked (lifecycle.ts) until it is stopped.
 */

export * from './client';
export * from './templates';
export * from './chat';
export * from './productImages';
export * from './queue';
export type { TreeUsage } from './guarded';
export { launchChromium } from './browser';
export { RuntimeStepError } from './run';
export { abandonStarts, StartAbandonedError, stopEverything } from './lifecycle';
export { n8nStartsSoFar, type StartRecord, type StartupTimings } from './starts';

export interface StartOptions {
	/** Also start the Google API stand-in on its own port (with these settings, if an object). */
	standIn?: boolean | Partial<StandInSettings>;
	/** Install the packed package (default true); false gives a plain n8n. */
	installPackage?: boolean;
	/** Extra environment for n8n, applied last (so it can override the runtime's own settings). */
	env?: Record<string, string>;
	/** Ports to use instead of free ones. */
	ports?: Partial<N8nPorts>;
	readyTimeoutMs?: number;
}

/** Lines of n8n's log that mean a community package, or one of its nodes, did not load. */
const LOAD_ERROR_PATTERN =
	/Failed to load package|Skipping package|Error loading|Unrecognized (node|credential) type|UnrecognizedNodeTypeError|Cannot find module/i;

export class RunningN8n implements Stoppable {
	private stopped?: Promise<void>;

	constructor(
		private readonly process: N8nProcess,
		public api: N8nApi,
		/** The local owner account: the login the demo prints. */
		readonly owner: OwnerAccount,
		readonly standIn: GoogleApiStandIn | undefined,
		readonly timings: StartupTimings,
	) {}

	get baseUrl(): string {
		return this.process.baseUrl;
	}

	get userFolder(): string {
		return this.process.userFolder;
	}

	get logFile(): string {
		return this.process.logFile;
	}

	/** The file behind a binary n8n keeps in its filesystem store (`storage`, or `binaryData` in older folders). */
	binaryFile(binary: { id?: string }): string {
		const relative = binary.id?.startsWith('filesystem-v2:')
			? binary.id.slice('filesystem-v2:'.length)
			: undefined;
		if (!relative)
			throw new Error(`Binary ${binary.id ?? '(no id)'} is not in n8n's filesystem store`);
		const candidates = ['storage', 'binaryData'].map((folder) =>
			path.join(this.userFolder, '.n8n', folder, relative),
		);
		const found = candidates.find((candidate) => existsSync(candidate));
		if (!found) throw new Error(`No file for binary ${binary.id} in ${candidates.join(' or ')}`);
		return found;
	}

	/**
	 * Stops n8n (SIGTERM, waits for it to exit) and starts it again on the same user folder, on
	 * the same ports when they are still free (otherwise on new ones, and `api` follows them).
	 * Returns how long the new start took.
	 */
	async restart(readyTimeoutMs?: number): Promise<number> {
		await this.process.stop();
		const { port, brokerPort } = this.process.ports;
		if (!(await isPortFree(port)) || !(await isPortFree(brokerPort))) {
			this.process.ports = { port: await freePort(), brokerPort: await freePort() };
			this.api = new N8nApi(this.process.baseUrl, this.owner);
		}
		const startedAt = Date.now();
		await this.process.start(readyTimeoutMs);
		const n8nStartMs = Date.now() - startedAt;
		recordStart({ kind: 'restart', userFolderMs: 0, packageMs: 0, n8nStartMs });
		return n8nStartMs;
	}

	describe(): string {
		const standIn = this.standIn ? `, with the Google API stand-in at ${this.standIn.url}` : '';
		return `${this.process.describe()}${standIn}`;
	}

	/**
	 * Stops n8n and the stand-in, and removes the user folder (kept if VEO_PIPELINE_KEEP_USER_FOLDER
	 * is set). A second call waits for the first.
	 */
	async stop(): Promise<void> {
		untrack(this);
		this.stopped ??= (async () => {
			await this.process.stop();
			await this.standIn?.stop();
			if (!process.env.VEO_PIPELINE_KEEP_USER_FOLDER) await this.process.removeUserFolder();
		})();
		await this.stopped;
	}

	/** Everything n8n has written to stdout and stderr, across restarts. */
	log(): string {
		return this.process.log();
	}

	logTail(lines?: number): string {
		return this.process.logTail(lines);
	}

	/** Log lines saying a package or node failed to load; empty when everything loaded. */
	loadErrors(): string[] {
		return this.log()
			.split('\n')
			.filter((line) => LOAD_ERROR_PATTERN.test(line));
	}
}

/**
 * Starts n8n, migrated and with its owner and API key, ready for a test or the demo. Always
 * `stop()` it; stopEverything() stops it too, and ends it half way if it is still starting.
 */
export async function startN8n(options: StartOptions = {}): Promise<RunningN8n> {
	const underWay: { n8n?: N8nProcess } = {};
	return await trackStart(
		() => underWay.n8n?.describe() ?? 'an n8n start (before n8n was spawned)',
		async (signal) => await launch(options, signal, underWay),
	);
}

async function launch(
	options: StartOptions,
	signal: AbortSignal,
	underWay: { n8n?: N8nProcess },
): Promise<RunningN8n> {
	let startedAt = Date.now();
	const runtime = await provisionedRuntime();
	const template = await provisionedTemplate();
	const userFolder = await fs.mkdtemp(path.join(os.tmpdir(), 'veo-pipeline-n8n-'));
	let standIn: GoogleApiStandIn | undefined;
	try {
		await fs.cp(template, userFolder, { recursive: true });
		const owner = JSON.parse(
			await fs.readFile(path.join(userFolder, OWNER_FILE), 'utf8'),
		) as OwnerAccount;
		const userFolderMs = Date.now() - startedAt;

		startedAt = Date.now();
		if (options.installPackage ?? true) await installPackageInto(userFolder, signal);
		const packageMs = options.installPackage === false ? 0 : Date.now() - startedAt;

		signal.throwIfAborted();
		if (options.standIn)
			standIn = await startStandIn(options.standIn === true ? {} : options.standIn);

		const ports = {
			port: options.ports?.port ?? (await freePort()),
			brokerPort: options.ports?.brokerPort ?? (await freePort()),
		};
		const n8n = (underWay.n8n = new N8nProcess(runtime, userFolder, ports, options.env));
		startedAt = Date.now();
		await n8n.start(options.readyTimeoutMs, signal);
		const timings = { userFolderMs, packageMs, n8nStartMs: Date.now() - startedAt };
		recordStart({ kind: 'start', ...timings });
		return new RunningN8n(n8n, new N8nApi(n8n.baseUrl, owner), owner, standIn, timings);
	} catch (error) {
		await underWay.n8n?.stop();
		await standIn?.stop();
		if (!process.env.VEO_PIPELINE_KEEP_USER_FOLDER)
			await fs.rm(userFolder, { recursive: true, force: true });
		throw error;
	}
}
