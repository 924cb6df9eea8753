import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import path from 'path';

import { authCookieOf, BROWSER_ID, httpClient, type OwnerAccount } from './client';
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
import { RuntimeStepError } from './run';

/**
 * The template user folder: one in which n8n has run its migrations (about 40 s) and which has an
 * owner and an API key. scripts/setup makes it once per n8n version by starting n8n on it and
 * setting it up through its REST API, as the setup screen would; every start copies it.
 */

/** In the template, and so in every user folder copied from it: the owner's login and API key. */
export const OWNER_FILE = 'harness-owner.json';
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

/** The owner and the API key's scopes are baked into a template: a change to either makes a new one. */
export function ownerSetupDigest(): string {
	return createHash('sha256')
		.update(JSON.stringify({ OWNER, API_KEY_SCOPES }))
		.digest('hex')
		.slice(0, 8);
}

function templateFolder(): string {
	return path.join(cacheDir(), `user-folder-template-n8n-${N8N_VERSION}-${ownerSetupDigest()}`);
}

/** The template setup made; an error saying to run scripts/setup if it is not there. */
export async function provisionedTemplate(): Promise<string> {
	const folder = templateFolder();
	if (!(await hasReadyMarker(folder))) throw notProvisioned(['the template user folder']);
	return folder;
}

/** Makes the template if it is not there yet: for scripts/setup. */
export async function provisionTemplate(
	runtime: Runtime,
	progress: Progress,
	signal?: AbortSignal,
): Promise<string> {
	const folder = templateFolder();
	return await withCacheLock('template', signal, async () => {
		const name = 'template user folder';
		if (await isReady(folder)) {
			progress.note(`${name}: already provisioned`);
			return folder;
		}
		await progress.step(
			name,
			`starting n8n ${N8N_VERSION} to migrate its database and set up its owner and API key`,
			() => makeTemplate(runtime, folder, signal),
		);
		return folder;
	});
}

async function makeTemplate(runtime: Runtime, folder: string, signal?: AbortSignal): Promise<void> {
	await fs.mkdir(folder, { recursive: true });
	const n8n = new N8nProcess(runtime, folder, {
		port: await freePort(),
		brokerPort: await freePort(),
	});
	try {
		await n8n.start(undefined, signal);
		const owner = await setUpOwner(n8n.baseUrl);
		await fs.writeFile(path.join(folder, OWNER_FILE), JSON.stringify(owner, null, 2));
	} finally {
		await n8n.stop();
	}
	// Each copy starts its own log, and n8n rewrites its static cache (editor, types) at every start.
	await fs.rm(n8n.logFile, { force: true });
	await fs.rm(path.join(folder, '.cache'), { recursive: true, force: true });
	await markReady(folder, { n8n: N8N_VERSION });
}

/** Sets up n8n's owner and an API key through its REST API, as the setup screen would. */
export async function setUpOwner(baseUrl: string): Promise<OwnerAccount> {
	const http = httpClient(baseUrl);
	const browserId = { 'browser-id': BROWSER_ID };
	try {
		const setup = await http.post('/rest/owner/setup', OWNER, { headers: browserId });
		const headers = { ...browserId, cookie: authCookieOf(setup) };
		const { data } = await http.post<{ data: { rawApiKey: string } }>(
			'/rest/api-keys',
			{ label: 'n8n runtime', expiresAt: null, scopes: API_KEY_SCOPES },
			{ headers },
		);
		return { email: OWNER.email, password: OWNER.password, apiKey: data.data.rawApiKey };
	} catch (error) {
		throw new RuntimeStepError(
			'setting up the owner and API key of a template',
			(error as Error).message,
		);
	}
}
