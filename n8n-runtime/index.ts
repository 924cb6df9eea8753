import { createHash } from 'crypto';
import { existsSync, promises as fs } from 'fs';
import os from 'os';
import path from 'path';

import {
	startStandIn,
	type GoogleApiStandIn,
	type StandInSettings,
} from '../google-api-standin/server';
import { authCookieOf, BROWSER_ID, httpClient, N8nApi, type OwnerAccount } from './client';
import { installPackageInto } from './package';
import { freePort, isPortFree, N8nProcess, type N8nPorts } from './process';
import {
	cacheDir,
	ensureRuntime,
	isReady,
	markReady,
	N8N_VERSION,
	withCacheLock,
	type Runtime,
} from './provision';
import { HarnessStepError } from './run';

/**
 * The one place that knows how to run n8n for this package: every end-to-end test and the demo
 * start n8n through `startN8n`. It provisions Node 24 and n8n into a cache outside the repository
 * (minutes, once per machine), copies a user folder whose database is already migrated and has an
 * owner and an API key (instead of ~40 s of migrations per start), installs the freshly packed
 * package as a community package, and starts `n8n start` on free loopback ports.
 */

export * from './client';
export * from './templates';
export * from './chat';
export { HarnessStepError } from './run';

export interface StartOptions {
	/** Also start the Google API stand-in on its own port (with these settings, if an object). */
	standIn?: boolean | Partial<StandInSettings>;
	/** Install the packed package (default true); false gives a plain n8n. */
	installPackage?: boolean;
	/** Extra environment for n8n, applied last (so it can override the harness's own settings). */
	env?: Record<string, string>;
	/** Ports to use instead of free ones. */
	ports?: Partial<N8nPorts>;
	readyTimeoutMs?: number;
}

export interface StartupTimings {
	/** Node 24, n8n and the template user folder: minutes on a fresh machine, ~0 afterwards. */
	provisionMs: number;
	/** Build, pack and install of this package (0 when not installed). */
	packageMs: number;
	/** From `n8n start` until n8n reported ready. */
	n8nStartMs: number;
}

const OWNER_FILE = 'harness-owner.json';
const OWNER = {
	email: 'owner@veo-pipeline.test',
	firstName: 'Test',
	lastName: 'Owner',
	password: 'Harness-Owner-1',
};

/**
 * What the API key may do. n8n enforces API key scopes without a licence, and `POST
 * /rest/api-keys` rejects scopes the owner's role may not grant (`GET /rest/api-keys/scopes`
 * lists those). This is what the tests and the demo manage: workflows, executions, credentials.
 */
export const API_KEY_SCOPES = [
	'workflow:create',
	'workflow:read',
	'workflow:update',
	'workflow:delete',
	'workflow:list',
	'workflow:activate',
	'workflow:deactivate',
	'execution:read',
	'execution:list',
	'execution:delete',
	'execution:retry',
	'execution:stop',
	'credential:create',
	'credential:read',
	'credential:update',
	'credential:delete',
	'credential:list',
];

/** Lines of n8n's log that mean a community package, or one of its nodes, did not load. */
const LOAD_ERROR_PATTERN =
	/Failed to load package|Skipping package|Error loading|Unrecognized (node|credential) type|UnrecognizedNodeTypeError|Cannot find module/i;

export class RunningN8n {
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
		return Date.now() - startedAt;
	}

	/** Stops n8n and the stand-in, and removes the user folder (kept if VEO_PIPELINE_KEEP_USER_FOLDER is set). */
	async stop(): Promise<void> {
		await this.process.stop();
		await this.standIn?.stop();
		if (!process.env.VEO_PIPELINE_KEEP_USER_FOLDER) await this.process.removeUserFolder();
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

/** Starts n8n, migrated and with its owner and API key, ready for a test. Always `stop()` it. */
export async function startN8n(options: StartOptions = {}): Promise<RunningN8n> {
	let startedAt = Date.now();
	const runtime = await ensureRuntime();
	const template = await ensureTemplate(runtime);
	const provisionMs = Date.now() - startedAt;

	const userFolder = await fs.mkdtemp(path.join(os.tmpdir(), 'veo-pipeline-n8n-'));
	let standIn: GoogleApiStandIn | undefined;
	let n8n: N8nProcess | undefined;
	try {
		await fs.cp(template, userFolder, { recursive: true });
		const owner = JSON.parse(
			await fs.readFile(path.join(userFolder, OWNER_FILE), 'utf8'),
		) as OwnerAccount;

		startedAt = Date.now();
		if (options.installPackage ?? true) await installPackageInto(userFolder);
		const packageMs = options.installPackage === false ? 0 : Date.now() - startedAt;

		if (options.standIn)
			standIn = await startStandIn(options.standIn === true ? {} : options.standIn);

		const ports = {
			port: options.ports?.port ?? (await freePort()),
			brokerPort: options.ports?.brokerPort ?? (await freePort()),
		};
		n8n = new N8nProcess(runtime, userFolder, ports, options.env);
		startedAt = Date.now();
		await n8n.start(options.readyTimeoutMs);
		const n8nStartMs = Date.now() - startedAt;

		return new RunningN8n(n8n, new N8nApi(n8n.baseUrl, owner), owner, standIn, {
			provisionMs,
			packageMs,
			n8nStartMs,
		});
	} catch (error) {
		await n8n?.stop();
		await standIn?.stop();
		if (!process.env.VEO_PIPELINE_KEEP_USER_FOLDER)
			await fs.rm(userFolder, { recursive: true, force: true });
		throw error;
	}
}

/**
 * A user folder in which n8n has run its migrations and which has an owner and an API key. Made
 * once per n8n version by starting n8n on it and setting it up through its REST API, as the
 * setup screen would; each test then starts from a copy.
 */
async function ensureTemplate(runtime: Runtime): Promise<string> {
	// The owner and the API key's scopes are baked in: a change to either makes a new template.
	const setup = createHash('sha256')
		.update(JSON.stringify({ OWNER, API_KEY_SCOPES }))
		.digest('hex')
		.slice(0, 8);
	const folder = path.join(cacheDir(), `user-folder-template-n8n-${N8N_VERSION}-${setup}`);
	return await withCacheLock('template', async () => {
		if (await isReady(folder)) return folder;
		await fs.mkdir(folder, { recursive: true });
		const n8n = new N8nProcess(runtime, folder, {
			port: await freePort(),
			brokerPort: await freePort(),
		});
		try {
			await n8n.start();
			const owner = await setUpOwner(n8n.baseUrl);
			await fs.writeFile(path.join(folder, OWNER_FILE), JSON.stringify(owner, null, 2));
		} finally {
			await n8n.stop();
		}
		// Each copy starts its own log, and n8n rewrites its static cache (editor, types) at every start.
		await fs.rm(n8n.logFile, { force: true });
		await fs.rm(path.join(folder, '.cache'), { recursive: true, force: true });
		await markReady(folder, { n8n: N8N_VERSION });
		return folder;
	});
}

async function setUpOwner(baseUrl: string): Promise<OwnerAccount> {
	const http = httpClient(baseUrl);
	const browserId = { 'browser-id': BROWSER_ID };
	try {
		const setup = await http.post('/rest/owner/setup', OWNER, { headers: browserId });
		const headers = { ...browserId, cookie: authCookieOf(setup) };
		const { data } = await http.post<{ data: { rawApiKey: string } }>(
			'/rest/api-keys',
			{ label: 'test harness', expiresAt: null, scopes: API_KEY_SCOPES },
			{ headers },
		);
		return { email: OWNER.email, password: OWNER.password, apiKey: data.data.rawApiKey };
	} catch (error) {
		throw new HarnessStepError(
			'setting up the owner and API key of the template user folder',
			(error as Error).message,
		);
	}
}
