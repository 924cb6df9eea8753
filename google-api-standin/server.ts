import { createHash, randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import path from 'path';

import { exampleOf, promptText, sceneSpecFor, type JsonSchema } from './answers';
import { driftKindOf, FaultInjector, seededRandom, type FaultRule } from './faults';
import { driftJudgementFor } from './judge';
import { pictureFor, type DriftKind, type Picture } from './picture';
import { ClipRenderer } from './render';

/**
 * A local stand-in for Google's Gemini API and Vertex AI, speaking their wire format for what this
 * package uses, so pipelines can be rehearsed for free and tested without the internet. It is not
 * Google's model: clips are drawn by ffmpeg from the prompt, and Gemini's answers are built from
 * templates. It can be told to be slow, to enforce a quota, to drift, and to fail.
 */

export interface StandInSettings {
	/** Time from submission until an operation is done. */
	latencyMs: number;
	/** Operations running at once before new ones get 429 (Veo's per-project quota). */
	maxConcurrentOperations: number;
	/** The delay a quota 429 advertises. */
	quotaRetryDelaySeconds: number;
	/** Share of clips (0-1) that come back drifted, and the kinds of drift to choose from. */
	driftRate: number;
	driftKinds: DriftKind[];
	faults: FaultRule[];
	seed: number;
	/** When set, only this key is accepted (otherwise any key is). */
	apiKey?: string;
	/** How long an uploaded file stays PROCESSING. */
	fileProcessingMs: number;
	/**
	 * scikit-image's sample photographs (see samplePhotos.ts): when given, mugs and cups are drawn
	 * as a photographed cup in the prop's colour, which offline object detectors recognise.
	 */
	photosDir?: string;
}

export const DEFAULT_SETTINGS: StandInSettings = {
	latencyMs: 1500,
	maxConcurrentOperations: 10,
	quotaRetryDelaySeconds: 1,
	driftRate: 0,
	driftKinds: ['prop_color', 'lighting', 'character'],
	faults: [],
	seed: 1,
	fileProcessingMs: 300,
};

export interface StandInStats {
	predictRequests: number;
	/** Predict requests that carried reference images (asset or character). */
	predictRequestsWithReferenceImages: number;
	operationChecks: number;
	downloads: number;
	generateContentRequests: number;
	uploads: number;
	quotaRejections: number;
	maxConcurrentOperations: number;
	/** Requests that carried an API key in the URL instead of a header: should stay 0. */
	keysInUrl: number;
	rendered: number;
}

/** What a clip really shows, so the stand-in's Gemini judge can answer truthfully about it. */
export interface ClipTruth {
	operationId: string;
	prompt: string;
	picture: Picture;
	sha256: string;
}

export interface OperationRecord {
	id: string;
	name: string;
	backend: 'gemini' | 'vertex';
	model: string;
	prompt: string;
	parameters: Record<string, unknown>;
	createdAt: number;
	dueAt: number;
	outcome: 'video' | 'failed' | 'safety_filtered';
	truncated: boolean;
	checks: number;
	render?: Promise<void>;
	renderError?: string;
	filePath?: string;
	fileId?: string;
}

interface StoredFile {
	id: string;
	mimeType: string;
	displayName: string;
	path: string;
	sizeBytes: number;
	createdAt: number;
	sha256: string;
}

export type Answerer = (context: AnswerContext) => unknown;

export interface AnswerContext {
	prompt: string;
	schema: JsonSchema;
	/** What the clips attached to the request really show (when the stand-in made them). */
	clips: ClipTruth[];
}

const GEMINI_MODELS = ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.5-flash-lite'];
const VEO_MODELS_GEMINI = [
	'veo-3.1-generate-preview',
	'veo-3.1-fast-generate-preview',
	'veo-3.0-generate-001',
	'veo-3.0-fast-generate-001',
	'veo-2.0-generate-001',
];
const VEO_MODELS_VERTEX = [
	'veo-3.1-generate-001',
	'veo-3.1-fast-generate-001',
	'veo-3.0-generate-001',
	'veo-3.0-fast-generate-001',
	'veo-2.0-generate-001',
];
const STATUS_NAMES: Record<number, string> = {
	400: 'INVALID_ARGUMENT',
	401: 'UNAUTHENTICATED',
	403: 'PERMISSION_DENIED',
	404: 'NOT_FOUND',
	429: 'RESOURCE_EXHAUSTED',
	500: 'INTERNAL',
	503: 'UNAVAILABLE',
};

class HttpError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly retryDelaySeconds?: number,
	) {
		super(message);
	}
}

function newId(): string {
	return randomBytes(8).toString('hex');
}

function sha256(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

function parseJson(body: Buffer): Record<string, unknown> {
	if (!body.length) return {};
	try {
		return JSON.parse(body.toString('utf8'));
	} catch {
		throw new HttpError(400, 'Invalid JSON payload received.');
	}
}

export class GoogleApiStandIn {
	settings: StandInSettings;
	readonly stats: StandInStats = {
		predictRequests: 0,
		predictRequestsWithReferenceImages: 0,
		operationChecks: 0,
		downloads: 0,
		generateContentRequests: 0,
		uploads: 0,
		quotaRejections: 0,
		maxConcurrentOperations: 0,
		keysInUrl: 0,
		rendered: 0,
	};
	readonly operations = new Map<string, OperationRecord>();
	private readonly files = new Map<string, StoredFile>();
	private readonly uploadsInProgress = new Map<
		string,
		{ chunks: Buffer[]; mimeType: string; displayName: string }
	>();
	private readonly truths = new Map<string, ClipTruth>();
	private readonly answerers = new Map<string, Answerer>([
		['SceneSpec', ({ prompt }) => sceneSpecFor(prompt)],
		['DriftJudgement', driftJudgementFor],
	]);
	private readonly faults: FaultInjector;
	private driftRandom: () => number;
	private server?: Server;
	private workDir = '';
	private renderer?: ClipRenderer;
	url = '';

	constructor(settings: Partial<StandInSettings> = {}) {
		this.settings = { ...DEFAULT_SETTINGS, ...settings };
		this.faults = new FaultInjector(this.settings.seed);
		this.faults.setRules(this.settings.faults);
		this.driftRandom = seededRandom(this.settings.seed + 7);
	}

	/** Changes behaviour while running (tests turn faults on and off between steps). */
	configure(settings: Partial<StandInSettings>): void {
		this.settings = { ...this.settings, ...settings };
		if (settings.faults || settings.seed !== undefined)
			this.faults.setRules(this.settings.faults, settings.seed);
		if (settings.seed !== undefined) this.driftRandom = seededRandom(settings.seed + 7);
	}

	/** Teaches the stand-in's Gemini to answer a task, recognised by its response schema's title. */
	registerAnswer(schemaTitle: string, answer: Answerer): void {
		this.answerers.set(schemaTitle, answer);
	}

	truthOf(sha: string): ClipTruth | undefined {
		return this.truths.get(sha);
	}

	async start(port = 0, host = '127.0.0.1'): Promise<string> {
		this.workDir = await fs.mkdtemp(path.join(tmpdir(), 'google-api-standin-'));
		this.renderer = new ClipRenderer(this.workDir, () => this.settings.photosDir);
		this.server = createServer((request, response) => {
			this.handle(request, response).catch((error: unknown) => this.sendError(response, error));
		});
		this.server.keepAliveTimeout = 1000;
		await new Promise<void>((resolve, reject) => {
			this.server!.once('error', reject);
			this.server!.listen(port, host, () => resolve());
		});
		const address = this.server.address() as AddressInfo;
		this.url = `http://${host}:${address.port}`;
		return this.url;
	}

	async stop(): Promise<void> {
		if (this.server) {
			this.server.closeAllConnections();
			await new Promise<void>((resolve) => this.server!.close(() => resolve()));
			this.server = undefined;
		}
		await Promise.allSettled([...this.operations.values()].map((operation) => operation.render));
		if (this.workDir) await fs.rm(this.workDir, { recursive: true, force: true });
	}

	private runningOperations(now = Date.now()): number {
		return [...this.operations.values()].filter((operation) => operation.dueAt > now).length;
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://stand-in');
		const method = request.method ?? 'GET';
		const route = url.pathname;

		if (route === '/healthz') return this.sendJson(response, 200, { status: 'ok' });
		if (route.startsWith('/__standin/'))
			return this.handleControl(method, route, request, response);

		if (url.searchParams.has('key')) this.stats.keysInUrl += 1;
		this.authenticate(request, url);

		let match: RegExpExecArray | null;
		if ((match = /^\/upload\/(v1beta|v1)\/files$/.exec(route)) && method === 'POST') {
			return this.handleUpload(request, response, url);
		}
		if (
			(match = /^\/(v1beta|v1alpha|v1)\/files\/([a-z0-9]+):download$/.exec(route)) &&
			method === 'GET'
		) {
			return this.handleDownload(match[2], response);
		}
		if ((match = /^\/(v1beta|v1alpha|v1)\/files\/([a-z0-9]+)$/.exec(route))) {
			return this.handleFileGet(match[2], method, response);
		}
		if ((match = /^\/(v1beta|v1alpha|v1)\/models$/.exec(route)) && method === 'GET') {
			return this.handleListModels('gemini', response);
		}
		if ((match = /^\/(v1beta1|v1)\/publishers\/google\/models$/.exec(route)) && method === 'GET') {
			return this.handleListModels('vertex', response);
		}
		if (
			(match =
				/^\/(v1beta|v1alpha|v1)\/models\/([^/:]+):(predictLongRunning|generateContent)$/.exec(
					route,
				)) &&
			method === 'POST'
		) {
			const body = parseJson(await readBody(request));
			return match[3] === 'generateContent'
				? this.handleGenerateContent(body, response)
				: this.handlePredict('gemini', match[2], `models/${match[2]}`, body, response);
		}
		if (
			(match = /^\/(v1beta|v1alpha|v1)\/models\/([^/:]+)\/operations\/([a-z0-9]+)$/.exec(route)) &&
			method === 'GET'
		) {
			return this.handleOperation(match[3], response);
		}
		const vertex =
			/^\/(v1beta1|v1)\/((?:projects\/[^/]+\/locations\/[^/]+\/)?publishers\/google\/models\/([^/:]+)):(predictLongRunning|fetchPredictOperation|generateContent)$/.exec(
				route,
			);
		if (vertex && method === 'POST') {
			const body = parseJson(await readBody(request));
			const [, , resource, model, action] = vertex;
			if (action === 'generateContent') return this.handleGenerateContent(body, response);
			if (action === 'predictLongRunning')
				return this.handlePredict('vertex', model, resource, body, response);
			const operationName = String(body.operationName ?? '');
			const id = /\/operations\/([a-z0-9]+)$/.exec(operationName)?.[1];
			if (!id) throw new HttpError(400, 'operationName is required');
			return this.handleOperation(id, response);
		}
		throw new HttpError(404, `The stand-in does not serve ${method} ${route}`);
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
				"Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
			);
		}
		if (key && this.settings.apiKey && key !== this.settings.apiKey) {
			throw new HttpError(400, 'API key not valid. Please pass a valid API key.');
		}
	}

	/** Throws the HTTP faults that strike; returns a fault that changes the result instead. */
	private strikeFault(point: FaultRule['on'], context: string): FaultRule | undefined {
		const fault = this.faults.strikeFault(point, context);
		if (!fault) return undefined;
		const status = /^http_(\d{3})$/.exec(fault.effect)?.[1];
		if (status) {
			const code = Number(status);
			const messages: Record<number, string> = {
				400: 'Request contains an invalid argument.',
				403: 'The caller does not have permission.',
				404: 'models/veo is not found for API version v1beta, or is not supported for predictLongRunning.',
				429: 'Resource has been exhausted (e.g. check quota).',
				500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
				503: 'The service is currently unavailable.',
			};
			throw new HttpError(code, messages[code] ?? 'Injected fault', fault.retryDelaySeconds);
		}
		if (fault.effect === 'connection_reset') throw new ConnectionReset();
		return fault;
	}

	private async handlePredict(
		backend: 'gemini' | 'vertex',
		model: string,
		resource: string,
		body: Record<string, unknown>,
		response: ServerResponse,
	): Promise<void> {
		this.stats.predictRequests += 1;
		const instance = ((body.instances as unknown[]) ?? [])[0] as
			| Record<string, unknown>
			| undefined;
		const parameters = (body.parameters as Record<string, unknown>) ?? {};
		const prompt = String(instance?.prompt ?? '');
		if (Array.isArray(instance?.referenceImages) && instance.referenceImages.length)
			this.stats.predictRequestsWithReferenceImages += 1;
		const known = backend === 'gemini' ? VEO_MODELS_GEMINI : VEO_MODELS_VERTEX;
		if (!known.includes(model) && !/^veo-/.test(model)) {
			throw new HttpError(
				404,
				`models/${model} is not found for API version v1beta, or is not supported for predictLongRunning. Call ListModels to see the list of available models and their supported methods.`,
			);
		}
		if (!instance || (!prompt && !instance.image))
			throw new HttpError(400, 'instances[0].prompt is required');
		const duration = Number(parameters.durationSeconds ?? 8);
		if (![4, 5, 6, 8].includes(duration)) {
			throw new HttpError(
				400,
				`The value of durationSeconds (${duration}) is out of bound. Supported values are 4, 6 and 8.`,
			);
		}
		const aspectRatio = String(parameters.aspectRatio ?? '16:9');
		if (!['16:9', '9:16'].includes(aspectRatio))
			throw new HttpError(400, `Unsupported aspect ratio: ${aspectRatio}`);
		const now = Date.now();
		const running = this.runningOperations(now);
		if (running >= this.settings.maxConcurrentOperations) {
			this.stats.quotaRejections += 1;
			throw new HttpError(
				429,
				`Quota exceeded for concurrent video generation requests (limit ${this.settings.maxConcurrentOperations}). Please try again later.`,
				this.settings.quotaRetryDelaySeconds,
			);
		}
		// Faults strike only requests the quota admits, so a rejected request does not use up a
		// fault's `times` and the retried request still gets the failure the test asked for.
		const resultFault = this.strikeFault('predict', prompt);

		const drift = new Set<DriftKind>(
			this.faults
				.strike('predict', prompt, (rule) => Boolean(driftKindOf(rule.effect)))
				.map((rule) => driftKindOf(rule.effect)!),
		);
		if (
			this.settings.driftRate > 0 &&
			this.driftRandom() < this.settings.driftRate &&
			this.settings.driftKinds.length
		) {
			drift.add(
				this.settings.driftKinds[Math.floor(this.driftRandom() * this.settings.driftKinds.length)],
			);
		}

		const id = newId();
		const operation: OperationRecord = {
			id,
			name:
				backend === 'gemini' ? `models/${model}/operations/${id}` : `${resource}/operations/${id}`,
			backend,
			model,
			prompt,
			parameters,
			createdAt: now,
			dueAt: now + this.settings.latencyMs,
			outcome:
				resultFault?.effect === 'operation_failed'
					? 'failed'
					: resultFault?.effect === 'safety_filtered'
						? 'safety_filtered'
						: 'video',
			truncated: false,
			checks: 0,
		};
		this.operations.set(id, operation);
		this.stats.maxConcurrentOperations = Math.max(this.stats.maxConcurrentOperations, running + 1);
		if (operation.outcome === 'video') {
			const picture = pictureFor(prompt, [...drift]);
			const withAudio = !model.startsWith('veo-2') && parameters.generateAudio !== false;
			operation.filePath = path.join(this.workDir, `${id}.mp4`);
			operation.fileId = `video${id}`;
			operation.render = this.renderer!.render(
				{
					picture,
					prompt,
					durationSeconds: duration,
					aspectRatio,
					resolution: String(parameters.resolution ?? '720p'),
					withAudio,
				},
				operation.filePath,
			).then(
				async () => {
					this.stats.rendered += 1;
					const bytes = await fs.readFile(operation.filePath!);
					const hash = sha256(bytes);
					this.truths.set(hash, { operationId: id, prompt, picture, sha256: hash });
					this.files.set(operation.fileId!, {
						id: operation.fileId!,
						mimeType: 'video/mp4',
						displayName: `${id}.mp4`,
						path: operation.filePath!,
						sizeBytes: bytes.length,
						createdAt: Date.now(),
						sha256: hash,
					});
				},
				(error: Error) => {
					operation.renderError = error.message;
				},
			);
		}
		this.sendJson(response, 200, { name: operation.name });
	}

	private async handleOperation(id: string, response: ServerResponse): Promise<void> {
		this.stats.operationChecks += 1;
		const operation = this.operations.get(id);
		if (!operation) throw new HttpError(404, `Operation ${id} not found.`);
		operation.checks += 1;
		const resultFault = this.strikeFault('operation', operation.prompt);
		if (resultFault?.effect === 'truncated_download') operation.truncated = true;

		if (Date.now() < operation.dueAt)
			return this.sendJson(response, 200, { name: operation.name, done: false });
		await operation.render;
		if (operation.renderError) {
			return this.sendJson(response, 200, {
				name: operation.name,
				done: true,
				error: { code: 13, message: `Rendering failed: ${operation.renderError}` },
			});
		}
		if (operation.outcome === 'failed') {
			return this.sendJson(response, 200, {
				name: operation.name,
				done: true,
				error: {
					code: 13,
					message: 'Video generation failed due to an internal error. Please try again.',
				},
			});
		}
		const filtered = operation.outcome === 'safety_filtered';
		const reasons = filtered
			? [
					"Unable to show generated videos. The prompt or its output may violate Google's Responsible AI practices. Support codes: 58061214",
				]
			: undefined;
		if (operation.backend === 'gemini') {
			return this.sendJson(response, 200, {
				name: operation.name,
				done: true,
				response: {
					'@type':
						'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse',
					generateVideoResponse: filtered
						? { raiMediaFilteredCount: 1, raiMediaFilteredReasons: reasons }
						: {
								generatedSamples: [
									{
										video: {
											uri: `https://generativelanguage.googleapis.com/v1beta/files/${operation.fileId}:download?alt=media`,
										},
									},
								],
							},
				},
			});
		}
		let videos: unknown[] = [];
		if (!filtered) {
			let bytes = await fs.readFile(operation.filePath!);
			if (operation.truncated) bytes = bytes.subarray(0, Math.floor(bytes.length / 2));
			videos = [{ bytesBase64Encoded: bytes.toString('base64'), mimeType: 'video/mp4' }];
		}
		return this.sendJson(response, 200, {
			name: operation.name,
			done: true,
			response: {
				'@type': 'type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse',
				raiMediaFilteredCount: filtered ? 1 : 0,
				...(filtered ? { raiMediaFilteredReasons: reasons } : {}),
				videos,
			},
		});
	}

	private async handleDownload(fileId: string, response: ServerResponse): Promise<void> {
		this.stats.downloads += 1;
		const file = this.files.get(fileId);
		if (!file) throw new HttpError(404, `File ${fileId} not found.`);
		const operation = [...this.operations.values()].find(
			(candidate) => candidate.fileId === fileId,
		);
		const fault = this.strikeFault('download', operation?.prompt ?? '');
		let bytes = await fs.readFile(file.path);
		if (fault?.effect === 'cut_download') {
			response.writeHead(200, { 'content-type': file.mimeType, 'content-length': bytes.length });
			response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () =>
				response.socket?.destroy(),
			);
			return;
		}
		if (fault?.effect === 'truncated_download' || operation?.truncated)
			bytes = bytes.subarray(0, Math.floor(bytes.length / 2));
		response.writeHead(200, { 'content-type': file.mimeType, 'content-length': bytes.length });
		response.end(bytes);
	}

	private async handleUpload(
		request: IncomingMessage,
		response: ServerResponse,
		url: URL,
	): Promise<void> {
		const command = String(request.headers['x-goog-upload-command'] ?? '');
		const uploadId = url.searchParams.get('upload_id');
		if (!uploadId) {
			if (command !== 'start') throw new HttpError(400, 'X-Goog-Upload-Command must be start');
			const body = parseJson(await readBody(request));
			const fileInfo = (body.file as Record<string, unknown>) ?? {};
			const id = newId();
			this.uploadsInProgress.set(id, {
				chunks: [],
				mimeType: String(
					request.headers['x-goog-upload-header-content-type'] ??
						fileInfo.mimeType ??
						'application/octet-stream',
				),
				displayName: String(
					fileInfo.displayName ?? request.headers['x-goog-upload-file-name'] ?? id,
				),
			});
			response.writeHead(200, {
				'x-goog-upload-url': `${this.url}/upload/v1beta/files?upload_id=${id}&upload_protocol=resumable`,
				'x-goog-upload-status': 'active',
				'content-type': 'application/json',
			});
			response.end('{}');
			return;
		}
		const upload = this.uploadsInProgress.get(uploadId);
		if (!upload) throw new HttpError(404, 'Upload session not found.');
		upload.chunks.push(await readBody(request));
		if (!command.includes('finalize')) {
			response.writeHead(200, { 'x-goog-upload-status': 'active' });
			response.end();
			return;
		}
		this.strikeFault('upload', upload.displayName);
		this.uploadsInProgress.delete(uploadId);
		this.stats.uploads += 1;
		const bytes = Buffer.concat(upload.chunks);
		const id = newId();
		const filePath = path.join(this.workDir, `upload-${id}`);
		await fs.writeFile(filePath, bytes);
		const file: StoredFile = {
			id,
			mimeType: upload.mimeType,
			displayName: upload.displayName,
			path: filePath,
			sizeBytes: bytes.length,
			createdAt: Date.now(),
			sha256: sha256(bytes),
		};
		this.files.set(id, file);
		response.writeHead(200, {
			'x-goog-upload-status': 'final',
			'content-type': 'application/json',
		});
		response.end(JSON.stringify({ file: this.describeFile(file) }));
	}

	private describeFile(file: StoredFile): Record<string, unknown> {
		const processing = Date.now() - file.createdAt < this.settings.fileProcessingMs;
		return {
			name: `files/${file.id}`,
			displayName: file.displayName,
			mimeType: file.mimeType,
			sizeBytes: String(file.sizeBytes),
			createTime: new Date(file.createdAt).toISOString(),
			expirationTime: new Date(file.createdAt + 48 * 3600_000).toISOString(),
			sha256Hash: Buffer.from(file.sha256, 'hex').toString('base64'),
			uri: `https://generativelanguage.googleapis.com/v1beta/files/${file.id}`,
			state: processing ? 'PROCESSING' : 'ACTIVE',
			source: 'UPLOADED',
		};
	}

	private async handleFileGet(
		fileId: string,
		method: string,
		response: ServerResponse,
	): Promise<void> {
		const file = this.files.get(fileId);
		if (!file) throw new HttpError(404, `File ${fileId} not found.`);
		if (method === 'DELETE') {
			this.files.delete(fileId);
			return this.sendJson(response, 200, {});
		}
		return this.sendJson(response, 200, this.describeFile(file));
	}

	private handleListModels(backend: 'gemini' | 'vertex', response: ServerResponse): void {
		this.strikeFault('list', '');
		if (backend === 'gemini') {
			return this.sendJson(response, 200, {
				models: [
					...GEMINI_MODELS.map((id) => ({
						name: `models/${id}`,
						displayName: id,
						supportedGenerationMethods: ['generateContent', 'countTokens'],
					})),
					...VEO_MODELS_GEMINI.map((id) => ({
						name: `models/${id}`,
						displayName: id,
						supportedGenerationMethods: ['predictLongRunning'],
					})),
				],
			});
		}
		return this.sendJson(response, 200, {
			publisherModels: [...GEMINI_MODELS, ...VEO_MODELS_VERTEX].map((id) => ({
				name: `publishers/google/models/${id}`,
				versionId: '001',
			})),
		});
	}

	private async clipsIn(body: Record<string, unknown>): Promise<ClipTruth[]> {
		const parts = (
			(body.contents as Array<{ parts?: Array<Record<string, Record<string, string>>> }>) ?? []
		).flatMap((content) => content.parts ?? []);
		const truths: ClipTruth[] = [];
		for (const part of parts) {
			let hash: string | undefined;
			if (part.inlineData?.data) hash = sha256(Buffer.from(part.inlineData.data, 'base64'));
			const fileId = part.fileData?.fileUri
				? /files\/([a-z0-9]+)/.exec(part.fileData.fileUri)?.[1]
				: undefined;
			if (fileId) {
				const file = this.files.get(fileId);
				if (!file) throw new HttpError(400, `File ${fileId} is not found or not ACTIVE.`);
				if (Date.now() - file.createdAt < this.settings.fileProcessingMs) {
					throw new HttpError(
						400,
						`The File ${fileId} is not in an ACTIVE state and usage is not allowed.`,
					);
				}
				hash = file.sha256;
			}
			const truth = hash ? this.truths.get(hash) : undefined;
			if (truth) truths.push(truth);
		}
		return truths;
	}

	private async handleGenerateContent(
		body: Record<string, unknown>,
		response: ServerResponse,
	): Promise<void> {
		this.stats.generateContentRequests += 1;
		const prompt = promptText(body as Parameters<typeof promptText>[0]);
		const resultFault = this.strikeFault('generateContent', prompt);
		const config = (body.generationConfig as Record<string, unknown>) ?? {};
		const schema = (config.responseJsonSchema ?? config.responseSchema ?? {}) as JsonSchema;
		let text: string;
		if (config.responseMimeType === 'application/json') {
			const answerer = schema.title ? this.answerers.get(schema.title) : undefined;
			const answer = answerer
				? answerer({ prompt, schema, clips: await this.clipsIn(body) })
				: exampleOf(schema);
			text = JSON.stringify(answer);
			if (resultFault?.effect === 'invalid_json') text = text.slice(0, Math.floor(text.length / 2));
			if (resultFault?.effect === 'schema_violation') {
				const broken = { ...(answer as Record<string, unknown>) };
				delete broken[Object.keys(broken)[0]];
				text = JSON.stringify(broken);
			}
		} else {
			text = `Stand-in answer to: ${prompt.slice(0, 200)}`;
		}
		const truncated = resultFault?.effect === 'invalid_json';
		this.sendJson(response, 200, {
			candidates: [
				{
					content: { role: 'model', parts: [{ text }] },
					finishReason: truncated ? 'MAX_TOKENS' : 'STOP',
					index: 0,
				},
			],
			usageMetadata: {
				promptTokenCount: Math.ceil(prompt.length / 4),
				candidatesTokenCount: Math.ceil(text.length / 4),
			},
			modelVersion: 'stand-in',
		});
	}

	private async handleControl(
		method: string,
		route: string,
		request: IncomingMessage,
		response: ServerResponse,
	): Promise<void> {
		if (route === '/__standin/config' && method === 'POST') {
			this.configure(parseJson(await readBody(request)) as Partial<StandInSettings>);
		}
		if (route === '/__standin/config') {
			return this.sendJson(response, 200, {
				...this.settings,
				apiKey: this.settings.apiKey ? '(set)' : undefined,
				faults: this.faults.activeRules,
			});
		}
		if (route === '/__standin/stats') return this.sendJson(response, 200, this.stats);
		throw new HttpError(404, `Unknown control route ${route}`);
	}

	private sendJson(response: ServerResponse, status: number, body: unknown): void {
		const text = JSON.stringify(body);
		response.writeHead(status, {
			'content-type': 'application/json; charset=UTF-8',
			'content-length': Buffer.byteLength(text),
		});
		response.end(text);
	}

	private sendError(response: ServerResponse, error: unknown): void {
		if (error instanceof ConnectionReset) {
			response.socket?.destroy();
			return;
		}
		const status = error instanceof HttpError ? error.status : 500;
		const message = error instanceof Error ? error.message : String(error);
		const details: unknown[] = [];
		const headers: Record<string, string> = {};
		// Google puts the delay of a quota 429 in RetryInfo; front ends send Retry-After with a 503.
		if (error instanceof HttpError && error.retryDelaySeconds !== undefined) {
			if (status === 503) headers['retry-after'] = String(error.retryDelaySeconds);
			else
				details.push({
					'@type': 'type.googleapis.com/google.rpc.RetryInfo',
					retryDelay: `${error.retryDelaySeconds}s`,
				});
		}
		if (response.headersSent) {
			response.destroy();
			return;
		}
		const body = JSON.stringify({
			error: {
				code: status,
				message,
				status: STATUS_NAMES[status] ?? 'UNKNOWN',
				...(details.length ? { details } : {}),
			},
		});
		response.writeHead(status, {
			...headers,
			'content-type': 'application/json; charset=UTF-8',
			'content-length': Buffer.byteLength(body),
		});
		response.end(body);
	}
}

class ConnectionReset extends Error {}

/** Starts a stand-in on a free loopback port. */
export async function startStandIn(
	settings: Partial<StandInSettings> = {},
	port = 0,
): Promise<GoogleApiStandIn> {
	const standIn = new GoogleApiStandIn(settings);
	await standIn.start(port);
	return standIn;
}
