import { promises as fs } from 'fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import path from 'path';

import type { Answerer } from './answers';
import { HttpError, sendError, sendJson } from './http';
import { ClipRenderer } from './render';
import { controlRoutes } from './routes/control';
import { fileRoutes } from './routes/files';
import { generateContentRoutes } from './routes/generateContent';
import { interactionRoutes } from './routes/interactions';
import { modelRoutes } from './routes/models';
import { callOf, type Route } from './routes/route';
import { veoRoutes } from './routes/veo';
import type { StandInSettings } from './settings';
import { StandInState } from './state';
import type { ClipTruth } from './truth';

/**
 * A local stand-in for Google's Gemini API and Vertex AI, speaking their wire format for what this
 * package uses, so pipelines can be rehearsed for free and tested without the internet. It is not
 * Google's model: clips are drawn by ffmpeg from the prompt, and Gemini's answers are built from
 * templates. It can be told to be slow, to enforce a quota, to drift, and to fail.
 *
 * This file is the server and its dispatcher; each Google service is a module under routes/, and
 * what the routes share (settings, counters, operations, files, truths) is in state.ts.
 */

export type { AnswerContext, Answerer } from './answers';
export { DEFAULT_SETTINGS, type StandInSettings } from './settings';
export type { OperationRecord, StandInStats } from './state';
export type { ClipTruth } from './truth';

/** The routes Google serves, in the order they are tried. */
const GOOGLE_ROUTES: Route[] = [
	...interactionRoutes,
	...fileRoutes,
	...modelRoutes,
	...generateContentRoutes,
	...veoRoutes,
];

export class GoogleApiStandIn {
	private readonly state: StandInState;
	private server?: Server;

	constructor(settings: Partial<StandInSettings> = {}) {
		this.state = new StandInState(settings);
	}

	get url(): string {
		return this.state.url;
	}

	get settings(): StandInSettings {
		return this.state.settings;
	}

	get stats() {
		return this.state.stats;
	}

	get operations() {
		return this.state.operations;
	}

	/** Interactions (Gemini Omni), by id: what each was asked, bound and made. */
	get interactions() {
		return this.state.interactions;
	}

	/**
	 * Every generation accepted so far, whichever API it came through: Veo's long-running
	 * operations and Omni's background interactions, with when each was accepted and was due.
	 */
	acceptedGenerations(): Array<{ id: string; createdAt: number; dueAt: number }> {
		return [...this.state.operations.values(), ...this.state.interactions.values()].map(
			({ id, createdAt, dueAt }) => ({ id, createdAt, dueAt }),
		);
	}

	/** Generated clips and uploads, by file id. */
	get files(): ReadonlyMap<string, unknown> {
		return this.state.files;
	}

	/** Changes behaviour while running (tests turn faults on and off between steps). */
	configure(settings: Partial<StandInSettings>): void {
		this.state.configure(settings);
	}

	/** Teaches the stand-in's Gemini to answer a task, recognised by its response schema's title. */
	registerAnswer(schemaTitle: string, answer: Answerer): void {
		this.state.answerers.set(schemaTitle, answer);
	}

	truthOf(sha: string): ClipTruth | undefined {
		return this.state.truths.get(sha);
	}

	async start(port = 0, host = '127.0.0.1'): Promise<string> {
		this.state.workDir = await fs.mkdtemp(path.join(tmpdir(), 'google-api-standin-'));
		this.state.renderer = new ClipRenderer(this.state.workDir, () => this.state.settings.photosDir);
		const server = createServer((request, response) => {
			this.handle(request, response).catch((error: unknown) => sendError(response, error));
		});
		server.keepAliveTimeout = 1000;
		this.server = server;
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, host, () => resolve());
		});
		const address = server.address() as AddressInfo;
		this.state.url = `http://${host}:${address.port}`;
		return this.state.url;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (server) {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
			this.server = undefined;
		}
		await Promise.allSettled([...this.state.renders]);
		if (this.state.workDir) await fs.rm(this.state.workDir, { recursive: true, force: true });
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://stand-in');
		const method = request.method ?? 'GET';
		const route = url.pathname;

		if (route === '/healthz') return sendJson(response, 200, { status: 'ok' });
		if (route.startsWith('/__standin/')) {
			const control = match(controlRoutes, method, route);
			if (!control) throw new HttpError(404, `Unknown control route ${route}`);
			return control.route.handle(callOf(this.state, request, response, url, control.params));
		}

		if (url.searchParams.has('key')) this.state.stats.keysInUrl += 1;
		this.authenticate(request, url);

		const google = match(GOOGLE_ROUTES, method, route);
		if (!google) throw new HttpError(404, `The stand-in does not serve ${method} ${route}`);
		return google.route.handle(callOf(this.state, request, response, url, google.params));
	}

	private authenticate(request: IncomingMessage, url: URL): void {
		const key =
			(request.headers['x-goog-api-key'] as string | undefined) ??
			url.searchParams.get('key') ??
			undefined;
		const bearer = /^Bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
		if (!key && !bearer) {
			throw new HttpError(
				403,
				"Method doesn't allow unregistered callers (callers without established identity). " +
					'Please use API Key or other form of API consumer identity to call this API.',
			);
		}
		if (key && this.state.settings.apiKey && key !== this.state.settings.apiKey) {
			throw new HttpError(400, 'API key not valid. Please pass a valid API key.');
		}
	}
}

function match(
	routes: Route[],
	method: string,
	pathname: string,
): { route: Route; params: string[] } | undefined {
	for (const route of routes) {
		if (route.method !== 'ANY' && route.method !== method) continue;
		const found = route.path.exec(pathname);
		if (found) return { route, params: found.slice(1) };
	}
	return undefined;
}

/** Starts a stand-in on a free loopback port. */
export async function startStandIn(
	settings: Partial<StandInSettings> = {},
	port = 0,
): Promise<GoogleApiStandIn> {
	const standIn = new GoogleApiStandIn(settings);
	await standIn.start(port);
	return standIn;
}
