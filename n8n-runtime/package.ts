import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';

import { REPOSITORY_ROOT } from './client';
import { cacheDir, isReady, markReady, withCacheLock } from './provision';
import { RuntimeStepError, runStep } from './run';

/**
 * This package, built and packed as it would be published, then installed into an n8n user folder
 * the way n8n's community-package installer does it: `npm install <tarball> --omit=peer
 * --ignore-scripts` in `<user folder>/.n8n/nodes`, whose package.json n8n itself would have written.
 */

export const PACKAGE_NAME = 'n8n-nodes-veo-pipeline';
const INSTALLED_NODES_PACKAGE_JSON = { name: 'installed-nodes', private: true, dependencies: {} };
const INSTALLS_KEPT = 3;

/**
 * Set by `npm test` once its build phase has built dist/ from the working tree: test files then
 * pack that build instead of building again (a build empties dist/ first, which test files
 * running beside them would see).
 */
export const PACKAGE_BUILT_ENV = 'VEO_PIPELINE_PACKAGE_BUILT';

/** Runs `npm run build` and `npm pack`; the build rewrites dist/, so two processes take turns. */
async function buildAndPack(signal: AbortSignal): Promise<string> {
	return await withCacheLock('build', signal, async () => {
		if (process.env[PACKAGE_BUILT_ENV] !== '1')
			await runStep('building the package (npm run build)', 'npm', ['run', 'build'], {
				cwd: REPOSITORY_ROOT,
				signal,
			});
		const destination = await fs.mkdtemp(path.join(os.tmpdir(), 'veo-pipeline-pack-'));
		// dist/ is built: skip the prepack script, which would build a second time.
		await runStep(
			'packing the package (npm pack)',
			'npm',
			['pack', '--ignore-scripts', '--pack-destination', destination],
			{ cwd: REPOSITORY_ROOT, signal },
		);
		const [filename] = await fs.readdir(destination);
		return path.join(destination, filename);
	});
}

/**
 * A `.n8n/nodes` folder with the tarball installed, cached by the tarball's content (npm pack
 * output is reproducible) because npm needs 10-30 s here to install the package's dependencies.
 * The tarball sits inside the folder and is installed by relative path, so copies stay consistent.
 */
async function installedNodesFolder(tarball: string, signal: AbortSignal): Promise<string> {
	const digest = createHash('sha256')
		.update(await fs.readFile(tarball))
		.digest('hex')
		.slice(0, 16);
	const packagesDir = path.join(cacheDir(), 'packages');
	const folder = path.join(packagesDir, digest);
	return await withCacheLock('packages', signal, async () => {
		if (await isReady(folder)) return folder;
		await fs.mkdir(folder, { recursive: true });
		await fs.writeFile(
			path.join(folder, 'package.json'),
			JSON.stringify(INSTALLED_NODES_PACKAGE_JSON, null, 2),
		);
		const localTarball = `${PACKAGE_NAME}.tgz`;
		await fs.copyFile(tarball, path.join(folder, localTarball));
		await runStep(
			`installing ${PACKAGE_NAME} like n8n's community-package installer (npm install --omit=peer --ignore-scripts)`,
			'npm',
			[
				'install',
				`./${localTarball}`,
				'--omit=peer',
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				'--prefer-offline',
			],
			{ cwd: folder, signal },
		);
		if (
			!(await fs
				.stat(path.join(folder, 'node_modules', PACKAGE_NAME, 'package.json'))
				.catch(() => undefined))
		) {
			throw new RuntimeStepError(
				`installing ${PACKAGE_NAME}`,
				`npm finished but ${folder}/node_modules/${PACKAGE_NAME} is missing`,
			);
		}
		await markReady(folder, { tarball });
		await pruneOldInstalls(packagesDir, folder);
		return folder;
	});
}

async function pruneOldInstalls(packagesDir: string, keep: string): Promise<void> {
	const entries = await fs.readdir(packagesDir);
	const dated = await Promise.all(
		entries.map(async (name) => ({
			folder: path.join(packagesDir, name),
			mtime: (await fs.stat(path.join(packagesDir, name))).mtimeMs,
		})),
	);
	const old = dated
		.filter(({ folder }) => folder !== keep)
		.sort((a, b) => b.mtime - a.mtime)
		.slice(INSTALLS_KEPT - 1);
	await Promise.all(old.map(({ folder }) => fs.rm(folder, { recursive: true, force: true })));
}

async function buildPackAndInstall(signal: AbortSignal): Promise<string> {
	const tarball = await buildAndPack(signal);
	try {
		return await installedNodesFolder(tarball, signal);
	} finally {
		await fs.rm(path.dirname(tarball), { recursive: true, force: true });
	}
}

let installedThisRun: Promise<string> | undefined;

/**
 * Puts the package, as the working tree builds it now, into `<userFolder>/.n8n/nodes`, where n8n
 * looks for community packages. It is built once per test file (jest's module scope), and again
 * only if the start that was building it was abandoned (`signal` aborted).
 */
export async function installPackageInto(userFolder: string, signal: AbortSignal): Promise<void> {
	installedThisRun ??= buildPackAndInstall(signal).catch((error) => {
		if (signal.aborted) installedThisRun = undefined;
		throw error;
	});
	const source = await installedThisRun;
	signal.throwIfAborted();
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	await fs.rm(nodesDir, { recursive: true, force: true });
	await fs.cp(source, nodesDir, { recursive: true, verbatimSymlinks: true });
}
