import { promises as fs } from 'fs';
import path from 'path';

import { sceneSpecFor, type Answerer } from './answers';
import {
	driftKindOf,
	FaultInjector,
	seededRandom,
	type FaultPoint,
	type FaultRule,
} from './faults';
import { ConnectionReset, HttpError, sha256 } from './http';
import { driftJudgementFor } from './judge';
import type { Backend } from './models';
import type { DriftKind, Picture } from './picture';
import type { ClipRenderer, RenderRequest } from './render';
import { DEFAULT_SETTINGS, type StandInSettings } from './settings';
import type { ClipTruth } from './truth';

/** Everything the stand-in remembers between requests, shared by its routes. */

export interface StandInStats {
	/** Veo `predictLongRunning` requests, refused ones included. */
	predictRequests: number;
	/** Predict requests that carried reference images (asset or character). */
	predictRequestsWithReferenceImages: number;
	operationChecks: number;
	downloads: number;
	generateContentRequests: number;
	uploads: number;
	/** 429s for the quota of concurrent video jobs (Veo operations and interactions alike). */
	quotaRejections: number;
	/** The most video jobs (Veo operations and interactions) that ran at once. */
	maxConcurrentOperations: number;
	/** Interactions API: creates (refused ones included), gets, cancels and deletes. */
	interactionCreates: number;
	interactionGets: number;
	interactionCancels: number;
	interactionDeletes: number;
	/** Interactions that edited an earlier clip (chained, or a video given in the input). */
	interactionEdits: number;
	/** Interactions that bound reference images (`<IMAGE_REF_N>`), or a first frame. */
	interactionsWithReferenceImages: number;
	interactionsWithFirstFrame: number;
	/** The part of `quotaRejections` that refused interactions. */
	interactionQuotaRejections: number;
	/** Requests that carried an API key in the URL instead of a header: should stay 0. */
	keysInUrl: number;
	rendered: number;
}

export interface OperationRecord {
	id: string;
	name: string;
	/** Veo is served on Vertex AI only. */
	backend: 'vertex';
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

export type InteractionStatus =
	| 'queued'
	| 'in_progress'
	| 'completed'
	| 'failed'
	| 'cancelled'
	| 'incomplete'
	| 'budget_exceeded';

/** How an interaction's clip is shaped and delivered (its `response_format`). */
export interface VideoFormat {
	aspectRatio: string;
	durationSeconds: number;
	resolution: string;
	delivery: 'inline' | 'uri';
	/** Vertex AI's Cloud Storage prefix for `uri` delivery. */
	gcsUri?: string;
}

/** An image of the input bound to a tag of the prompt. */
export interface ImageBinding {
	tag: string;
	/** Its place among the input's images, from 0. */
	image: number;
	mimeType: string;
	sha256: string;
}

export interface InteractionRecord {
	id: string;
	backend: Backend;
	/** Vertex AI's `projects/{p}/locations/{l}`; empty on the Gemini API and in Express mode. */
	parent: string;
	model: string;
	/** The text of the user's turn. */
	prompt: string;
	/** The user's turn as sent, for the `user_input` step. */
	userContent: unknown[];
	/** The request's `generation_config` and `response_format`, which the resource repeats. */
	echo: Record<string, unknown>;
	background: boolean;
	store: boolean;
	createdAt: number;
	queuedUntil: number;
	dueAt: number;
	/** When the clip was ready (or the interaction cancelled), for `updated`. */
	finishedAt?: number;
	/** The task the request named, if any, and the one the stand-in performed. */
	task?: string;
	performedTask: string;
	previousInteractionId?: string;
	/** The interaction whose clip this one edits, when chaining applied. */
	editedInteractionId?: string;
	format: VideoFormat;
	bindings: ImageBinding[];
	/** The images the clip opens and closes on, as files for ffmpeg. */
	frames: { first?: string; last?: string };
	outcome: 'video' | 'failed' | 'safety_filtered' | 'budget_exceeded';
	picture?: Picture;
	cancelled: boolean;
	truncated: boolean;
	inputTokens: number;
	render?: Promise<void>;
	renderError?: string;
	filePath?: string;
	fileId?: string;
}

export interface StoredFile {
	id: string;
	mimeType: string;
	displayName: string;
	path: string;
	sizeBytes: number;
	createdAt: number;
	sha256: string;
}

export interface UploadInProgress {
	chunks: Buffer[];
	mimeType: string;
	displayName: string;
}

const HTTP_FAULT_MESSAGES: Record<number, string> = {
	400: 'Request contains an invalid argument.',
	403: 'The caller does not have permission.',
	404: 'models/veo is not found for API version v1beta, or is not supported for predictLongRunning.',
	429: 'Resource has been exhausted (e.g. check quota).',
	500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
	503: 'The service is currently unavailable.',
};

export class StandInState {
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
		interactionCreates: 0,
		interactionGets: 0,
		interactionCancels: 0,
		interactionDeletes: 0,
		interactionEdits: 0,
		interactionsWithReferenceImages: 0,
		interactionsWithFirstFrame: 0,
		interactionQuotaRejections: 0,
		keysInUrl: 0,
		rendered: 0,
	};
	readonly operations = new Map<string, OperationRecord>();
	readonly interactions = new Map<string, InteractionRecord>();
	readonly files = new Map<string, StoredFile>();
	readonly uploadsInProgress = new Map<string, UploadInProgress>();
	readonly truths = new Map<string, ClipTruth>();
	readonly answerers = new Map<string, Answerer>([
		['SceneSpec', ({ prompt }) => sceneSpecFor(prompt)],
		['DriftJudgement', driftJudgementFor],
	]);
	readonly faults: FaultInjector;
	/** Clips being encoded, so stopping can wait for them. */
	readonly renders = new Set<Promise<void>>();
	private driftRandom: () => number;
	/** Where clips and uploads are written; set when the server starts. */
	workDir = '';
	renderer?: ClipRenderer;
	/** The server's own address, once it listens. */
	url = '';

	constructor(settings: Partial<StandInSettings> = {}) {
		this.settings = { ...DEFAULT_SETTINGS, ...settings };
		this.faults = new FaultInjector(this.settings.seed);
		this.faults.setRules(this.settings.faults);
		this.driftRandom = seededRandom(this.settings.seed + 7);
	}

	configure(settings: Partial<StandInSettings>): void {
		this.settings = { ...this.settings, ...settings };
		if (settings.faults || settings.seed !== undefined)
			this.faults.setRules(this.settings.faults, settings.seed);
		if (settings.seed !== undefined) this.driftRandom = seededRandom(settings.seed + 7);
	}

	/**
	 * Video jobs still running: Veo operations and interactions share one quota, as one project's
	 * concurrent video generations (Google's per-model limits are not modelled).
	 */
	runningVideoJobs(now = Date.now()): number {
		const operations = [...this.operations.values()].filter((operation) => operation.dueAt > now);
		const interactions = [...this.interactions.values()].filter(
			(interaction) => interaction.dueAt > now && !interaction.cancelled,
		);
		return operations.length + interactions.length;
	}

	/** Refuses a new video job with Google's 429 once the quota is used up; how many run now. */
	admitVideoJob(kind: 'operation' | 'interaction', now = Date.now()): number {
		const running = this.runningVideoJobs(now);
		if (running < this.settings.maxConcurrentOperations) return running;
		this.stats.quotaRejections += 1;
		if (kind === 'interaction') this.stats.interactionQuotaRejections += 1;
		throw new HttpError(
			429,
			`Quota exceeded for concurrent video generation requests (limit ${this.settings.maxConcurrentOperations}). Please try again later.`,
			this.settings.quotaRetryDelaySeconds,
		);
	}

	noteRunningVideoJobs(running: number): void {
		this.stats.maxConcurrentOperations = Math.max(this.stats.maxConcurrentOperations, running);
	}

	/** The prompt and delivery state of the job that made a file, for download faults. */
	jobOfFile(fileId: string): { prompt: string; truncated: boolean } | undefined {
		return [...this.operations.values(), ...this.interactions.values()].find(
			(job) => job.fileId === fileId,
		);
	}

	/** Throws the HTTP faults that strike; returns a fault that changes the result instead. */
	strikeFault(point: FaultPoint, context: string): FaultRule | undefined {
		const fault = this.faults.strikeFault(point, context);
		if (!fault) return undefined;
		const status = /^http_(\d{3})$/.exec(fault.effect)?.[1];
		if (status) {
			const code = Number(status);
			throw new HttpError(
				code,
				HTTP_FAULT_MESSAGES[code] ?? 'Injected fault',
				fault.retryDelaySeconds,
			);
		}
		if (fault.effect === 'connection_reset') throw new ConnectionReset();
		return fault;
	}

	/**
	 * The drifts a new clip gets: from drift fault rules that strike, and from `driftRate` unless
	 * `random` is off (an edit changes only what it is asked to, so it draws no random drift).
	 */
	driftFor(point: FaultPoint, context: string, random = true): DriftKind[] {
		const drift = new Set<DriftKind>(
			this.faults
				.strike(point, context, (rule) => Boolean(driftKindOf(rule.effect)))
				.map((rule) => driftKindOf(rule.effect)!),
		);
		if (
			random &&
			this.settings.driftRate > 0 &&
			this.driftRandom() < this.settings.driftRate &&
			this.settings.driftKinds.length
		) {
			drift.add(
				this.settings.driftKinds[Math.floor(this.driftRandom() * this.settings.driftKinds.length)],
			);
		}
		return [...drift];
	}

	/**
	 * Renders a clip into the work folder and keeps it as a downloadable file, remembering what it
	 * shows (its truth) by the hash of its bytes.
	 */
	renderClip(
		request: RenderRequest,
		clip: { id: string; filePath: string; fileId: string },
	): Promise<void> {
		const rendering = this.renderAndKeep(request, clip);
		this.renders.add(rendering);
		const forget = () => this.renders.delete(rendering);
		rendering.then(forget, forget);
		return rendering;
	}

	private async renderAndKeep(
		request: RenderRequest,
		clip: { id: string; filePath: string; fileId: string },
	): Promise<void> {
		await this.renderer!.render(request, clip.filePath);
		this.stats.rendered += 1;
		const bytes = await fs.readFile(clip.filePath);
		const hash = sha256(bytes);
		this.truths.set(hash, {
			operationId: clip.id,
			prompt: request.prompt,
			picture: request.picture,
			sha256: hash,
		});
		this.files.set(clip.fileId, {
			id: clip.fileId,
			mimeType: 'video/mp4',
			displayName: path.basename(clip.filePath),
			path: clip.filePath,
			sizeBytes: bytes.length,
			createdAt: Date.now(),
			sha256: hash,
		});
	}
}
