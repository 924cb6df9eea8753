import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';

import type { OwnerAccount } from './client';
import { freePort, N8nProcess } from './process';
import type { Progress } from './progress';
import {
	cacheDir,
	hasReadyMarker,
	isReady,
	markReady,
	N8N_VERSION,
	notProvisioned,
	withCacheLock,
	type Runtime,
} from './provision';
import {
	copyCluster,
	initCluster,
	N8N_DATABASE,
	PostgresServer,
	requirePostgres,
	type PostgresInstall,
} from './postgres';
import { ownerSetupDigest, setUpOwner } from './template';

/**
 * The queue-mode template: a stopped Postgres cluster whose `n8n` database n8n has migrated and
 * given an owner and an API key, with the encryption key that goes with them. scripts/setup makes
 * it once per n8n and Postgres version (migrations take about a minute here); every queue-mode
 * start copies it, so the main process and the workers start together on a ready database.
 */

const CLUSTER_FILE = 'cluster.json';

export interface QueueTemplate {
	install: PostgresInstall;
	/** The stopped cluster to copy. */
	dataDir: string;
	owner: OwnerAccount;
	/** N8N_ENCRYPTION_KEY: credentials and the API key in the database were made with it. */
	encryptionKey: string;
}

function queueTemplateFolder(install: PostgresInstall): string {
	return path.join(
		cacheDir(),
		`queue-template-n8n-${N8N_VERSION}-postgres-${install.majorVersion}-${ownerSetupDigest()}`,
	);
}

async function readTemplate(install: PostgresInstall, folder: string): Promise<QueueTemplate> {
	const { owner, encryptionKey } = JSON.parse(
		await fs.readFile(path.join(folder, CLUSTER_FILE), 'utf8'),
	) as Pick<QueueTemplate, 'owner' | 'encryptionKey'>;
	return { install, dataDir: path.join(folder, 'pgdata'), owner, encryptionKey };
}

/** The template setup made; an error saying to run scripts/setup if it (or Postgres) is not there. */
export async function provisionedQueueTemplate(): Promise<QueueTemplate> {
	const install = await requirePostgres();
	const folder = queueTemplateFolder(install);
	if (!(await hasReadyMarker(folder)))
		throw notProvisioned([`the queue-mode template (Postgres ${install.majorVersion} cluster)`]);
	return await readTemplate(install, folder);
}

/** Makes the template if it is not there yet: for scripts/setup. */
export async function provisionQueueTemplate(
	runtime: Runtime,
	progress: Progress,
	signal?: AbortSignal,
): Promise<QueueTemplate> {
	const install = await requirePostgres();
	const folder = queueTemplateFolder(install);
	return await withCacheLock('queue-template', signal, async () => {
		const name = 'queue-mode template';
		if (await isReady(folder)) {
			progress.note(`${name}: already provisioned`);
		} else {
			await progress.step(
				name,
				`initdb with Postgres ${install.majorVersion}, then n8n ${N8N_VERSION} migrating it and setting up its owner and API key`,
				() => makeQueueTemplate(runtime, install, folder, signal),
			);
		}
		return await readTemplate(install, folder);
	});
}

async function makeQueueTemplate(
	runtime: Runtime,
	install: PostgresInstall,
	folder: string,
	signal?: AbortSignal,
): Promise<void> {
	// Built outside the cache: Postgres's user may not enter the home folder the cache is in.
	const work = await fs.mkdtemp(path.join(os.tmpdir(), 'veo-pipeline-queue-template-'));
	await fs.chmod(work, 0o711);
	const dataDir = path.join(work, 'pgdata');
	const postgres = new PostgresServer(
		install,
		dataDir,
		await freePort(),
		path.join(work, 'postgres.log'),
	);
	try {
		await initCluster(install, dataDir, signal);
		await postgres.start(signal);
		await postgres.query(`CREATE DATABASE ${N8N_DATABASE}`, 'postgres');
		const encryptionKey = randomBytes(24).toString('base64url');
		const userFolder = path.join(work, 'n8n');
		await fs.mkdir(userFolder);
		const n8n = new N8nProcess(
			runtime,
			userFolder,
			{ port: await freePort(), brokerPort: await freePort() },
			{ ...postgres.n8nEnvironment(), N8N_ENCRYPTION_KEY: encryptionKey },
		);
		let owner: OwnerAccount;
		try {
			await n8n.start(undefined, signal);
			owner = await setUpOwner(n8n.baseUrl);
		} finally {
			await n8n.stop();
		}
		await postgres.stop();
		await fs.mkdir(folder, { recursive: true });
		await copyCluster(dataDir, path.join(folder, 'pgdata'), signal);
		await fs.writeFile(
			path.join(folder, CLUSTER_FILE),
			JSON.stringify({ owner, encryptionKey }, null, 2),
		);
		await markReady(folder, { n8n: N8N_VERSION, postgres: install.majorVersion });
	} finally {
		await postgres.stop();
		await fs.rm(work, { recursive: true, force: true });
	}
}
