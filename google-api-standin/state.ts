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
import type { DriftKind } from './picture';
import type { ClipRenderer, RenderRequest } from './render';
import { DEFAULT_SETTINGS, type StandInSettings } from './settings';
import type { ClipTruth } from './truth';

/** Everything the stand-in remembers between requests, shared by its routes. */

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
		keysInUrl: 0,
		rendered: 0,
	};
	readonly operations = new Map<string, OperationRecord>();
	readonly files = new Map<string, StoredFile>();
	readonly uploadsInProgress = new Map<string, UploadInProgress>();
	readonly truths = new Map<string, ClipTruth>();
	readonly answerers = new Map<string, Answerer>([
		['SceneSpec', ({ prompt }) => sceneSpecFor(prompt)],
		['DriftJudgement', driftJudgementFor],
	]);
	readonly faults: FaultInjector;
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

	runningOperations(now = Date.now()): number {
		return [...this.operations.values()].filter((operation) => operation.dueAt > now).length;
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

	/** The drifts a new clip gets: from drift fault rules that strike, and from `driftRate`. */
	driftFor(point: FaultPoint, context: string): DriftKind[] {
		const drift = new Set<DriftKind>(
			this.faults
				.strike(point, context, (rule) => Boolean(driftKindOf(rule.effect)))
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
		return [...drift];
	}

	/**
	 * Renders a clip into the work folder and keeps it as a downloadable file, remembering what it
	 * shows (its truth) by the hash of its bytes.
	 */
	async renderClip(
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
