import { InvalidInputError, type Problem } from './failures';
import type { Resolution, VeoAspectRatio } from './types';

/**
 * What each Veo model accepts, and what it costs. Requests are checked against this table before
 * any call, so a wrong duration or resolution is a clear error naming the model and the field
 * rather than Google's 400 after a queue wait.
 *
 * Sources: Google's Veo documentation and price list as published in 2026 (re-check when Google
 * changes them). Ids Google adds later resolve by family (`veo-3.1-generate-002` is Veo 3.1).
 */

export type Backend = 'gemini' | 'vertex';
export type PersonGeneration = 'allow_all' | 'allow_adult' | 'dont_allow';

export interface VeoFamily {
	family: string;
	displayName: string;
	durations: number[];
	resolutions: Resolution[];
	aspectRatios: VeoAspectRatio[];
	/** Resolutions that only work with some durations or aspect ratios. */
	resolutionLimits: Partial<
		Record<Resolution, { durations?: number[]; aspectRatios?: VeoAspectRatio[] }>
	>;
	maxReferenceImages: number;
	supportsLastFrame: boolean;
	supportsExtension: boolean;
	extensionResolutions: Resolution[];
	/** Reference images, extension and first/last-frame interpolation need these durations. */
	imageFeatureDurations: number[];
	/** Native audio is always generated; `generateAudio` can switch it off on Vertex only. */
	nativeAudio: boolean;
	personGeneration: { textToVideo: PersonGeneration[]; imageToVideo: PersonGeneration[] };
	maxVideosPerRequest: number;
	/** US dollars per second of output video, by resolution. */
	pricePerSecond: Partial<Record<Resolution, number>>;
	maxPromptTokens: number;
}

export interface VeoModel extends VeoFamily {
	id: string;
	/** Where this id is served; ids resolved by family pattern list both. */
	backends: Backend[];
	known: boolean;
}

const VEO_3_1: VeoFamily = {
	family: 'veo-3.1',
	displayName: 'Veo 3.1',
	durations: [4, 6, 8],
	resolutions: ['720p', '1080p', '4k'],
	aspectRatios: ['16:9', '9:16'],
	resolutionLimits: { '1080p': { durations: [8] }, '4k': { durations: [8] } },
	maxReferenceImages: 3,
	supportsLastFrame: true,
	supportsExtension: true,
	extensionResolutions: ['720p'],
	imageFeatureDurations: [8],
	nativeAudio: true,
	personGeneration: { textToVideo: ['allow_all'], imageToVideo: ['allow_adult'] },
	maxVideosPerRequest: 1,
	pricePerSecond: { '720p': 0.4, '1080p': 0.4, '4k': 0.6 },
	maxPromptTokens: 1024,
};

const FAMILIES: VeoFamily[] = [
	VEO_3_1,
	{
		...VEO_3_1,
		family: 'veo-3.1-fast',
		displayName: 'Veo 3.1 Fast',
		pricePerSecond: { '720p': 0.1, '1080p': 0.12, '4k': 0.3 },
	},
	{
		...VEO_3_1,
		family: 'veo-3.1-lite',
		displayName: 'Veo 3.1 Lite',
		resolutions: ['720p', '1080p'],
		pricePerSecond: { '720p': 0.05, '1080p': 0.08 },
	},
	{
		...VEO_3_1,
		family: 'veo-3',
		displayName: 'Veo 3',
		resolutions: ['720p', '1080p'],
		resolutionLimits: { '1080p': { durations: [8], aspectRatios: ['16:9'] } },
		maxReferenceImages: 0,
		supportsExtension: false,
		extensionResolutions: [],
		pricePerSecond: { '720p': 0.4, '1080p': 0.4 },
	},
	{
		...VEO_3_1,
		family: 'veo-3-fast',
		displayName: 'Veo 3 Fast',
		resolutions: ['720p', '1080p'],
		resolutionLimits: { '1080p': { durations: [8], aspectRatios: ['16:9'] } },
		maxReferenceImages: 0,
		supportsExtension: false,
		extensionResolutions: [],
		pricePerSecond: { '720p': 0.15, '1080p': 0.15 },
	},
	{
		family: 'veo-2',
		displayName: 'Veo 2',
		durations: [5, 6, 8],
		resolutions: ['720p'],
		aspectRatios: ['16:9', '9:16'],
		resolutionLimits: {},
		maxReferenceImages: 0,
		supportsLastFrame: true,
		supportsExtension: false,
		extensionResolutions: [],
		imageFeatureDurations: [5, 6, 8],
		nativeAudio: false,
		personGeneration: {
			textToVideo: ['allow_all', 'allow_adult', 'dont_allow'],
			imageToVideo: ['allow_adult', 'dont_allow'],
		},
		maxVideosPerRequest: 2,
		pricePerSecond: { '720p': 0.35 },
		maxPromptTokens: 1024,
	},
];

/** Ids Google has published, and where each is served. */
const KNOWN_IDS: Array<{ id: string; family: string; backends: Backend[] }> = [
	{ id: 'veo-3.1-generate-preview', family: 'veo-3.1', backends: ['gemini'] },
	{ id: 'veo-3.1-fast-generate-preview', family: 'veo-3.1-fast', backends: ['gemini'] },
	{ id: 'veo-3.1-generate-001', family: 'veo-3.1', backends: ['vertex'] },
	{ id: 'veo-3.1-fast-generate-001', family: 'veo-3.1-fast', backends: ['vertex'] },
	{ id: 'veo-3.1-lite-generate-preview', family: 'veo-3.1-lite', backends: ['gemini'] },
	{ id: 'veo-3.0-generate-001', family: 'veo-3', backends: ['gemini', 'vertex'] },
	{ id: 'veo-3.0-fast-generate-001', family: 'veo-3-fast', backends: ['gemini', 'vertex'] },
	{ id: 'veo-2.0-generate-001', family: 'veo-2', backends: ['gemini', 'vertex'] },
];

export const DEFAULT_VEO_MODEL = 'veo-3.1-fast-generate-preview';

const FAMILY_PATTERN = /^veo-(\d+)(?:\.(\d+))?-(?:(fast|lite)-)?generate(?:-[a-z0-9.-]+)?$/;

function familyOf(name: string): VeoFamily | undefined {
	return FAMILIES.find((family) => family.family === name);
}

/** Accepts `models/veo-...` and `publishers/google/models/veo-...` as well as bare ids. */
export function bareModelId(modelId: string): string {
	return modelId.trim().replace(/^.*models\//, '');
}

/** The model's capabilities, or undefined when the id is not a Veo id at all. */
export function findVeoModel(modelId: string): VeoModel | undefined {
	const id = bareModelId(modelId);
	const known = KNOWN_IDS.find((entry) => entry.id === id);
	if (known) {
		return { ...familyOf(known.family)!, id, backends: known.backends, known: true };
	}
	const match = FAMILY_PATTERN.exec(id);
	if (!match) return undefined;
	const [, major, minor, variant] = match;
	const base = minor && minor !== '0' ? `veo-${major}.${minor}` : `veo-${major}`;
	const family = familyOf(variant ? `${base}-${variant}` : base) ?? familyOf(base);
	return family ? { ...family, id, backends: ['gemini', 'vertex'], known: false } : undefined;
}

export function getVeoModel(modelId: string, field = 'model'): VeoModel {
	const model = findVeoModel(modelId);
	if (!model) {
		throw new InvalidInputError(
			[
				{
					path: field,
					message: `"${modelId}" is not a Veo model id this package knows (known: ${KNOWN_IDS.map((k) => k.id).join(', ')})`,
				},
			],
			'Pick a model from the list, or type an id of the form veo-<version>[-fast|-lite]-generate-<tag>.',
		);
	}
	return model;
}

export function listKnownVeoModels(backend?: Backend): VeoModel[] {
	return KNOWN_IDS.filter((entry) => !backend || entry.backends.includes(backend)).map(
		(entry) => findVeoModel(entry.id)!,
	);
}

/** Durations the model allows at this resolution and aspect ratio. */
export function allowedDurations(model: VeoModel, resolution: Resolution = '720p'): number[] {
	return model.resolutionLimits[resolution]?.durations ?? model.durations;
}

export function estimateCostUsd(
	model: VeoModel,
	durationSeconds: number,
	resolution: Resolution,
	numberOfVideos = 1,
): number {
	const perSecond = model.pricePerSecond[resolution] ?? model.pricePerSecond['720p'] ?? 0;
	return Math.round(perSecond * durationSeconds * numberOfVideos * 10000) / 10000;
}

/** A rough token count (Google's tokenizer gives about four characters per token for English). */
export function estimatePromptTokens(prompt: string): number {
	return Math.ceil(prompt.length / 4);
}

/** The settings of a Veo request that the model table governs. */
export interface VideoSettings {
	model: string;
	prompt: string;
	durationSeconds: number;
	aspectRatio: string;
	resolution: string;
	numberOfVideos?: number;
	seed?: number;
	generateAudio?: boolean;
	personGeneration?: string;
}

export interface VideoRequestCheck extends VideoSettings {
	backend: Backend;
	hasFirstFrame?: boolean;
	hasLastFrame?: boolean;
	referenceImageCount?: number;
	isExtension?: boolean;
}

/**
 * Every reason the request would be refused, each naming the model and the field. Empty when the
 * request fits the model. Checks only what the table knows; Google may still refuse on content.
 */
export function checkVideoRequest(request: VideoRequestCheck): Problem[] {
	const model = findVeoModel(request.model);
	if (!model) {
		return [
			{ path: 'model', message: `"${request.model}" is not a Veo model id this package knows` },
		];
	}
	const name = `${model.displayName} (${model.id})`;
	const problems: Problem[] = [];
	const refuse = (path: string, message: string) =>
		problems.push({ path, message: `${name} ${message}` });
	const resolution = request.resolution as Resolution;

	if (!model.backends.includes(request.backend)) {
		refuse(
			'model',
			`is not served on the ${request.backend === 'vertex' ? 'Vertex AI' : 'Gemini API'}; use one of ${listKnownVeoModels(
				request.backend,
			)
				.map((m) => m.id)
				.join(', ')}`,
		);
	}
	if (!model.resolutions.includes(resolution)) {
		refuse(
			'resolution',
			`does not offer ${request.resolution} (allowed: ${model.resolutions.join(', ')})`,
		);
	}
	if (!model.aspectRatios.includes(request.aspectRatio as VeoAspectRatio)) {
		refuse(
			'aspectRatio',
			`does not offer ${request.aspectRatio} (allowed: ${model.aspectRatios.join(', ')})`,
		);
	}
	if (!model.durations.includes(request.durationSeconds)) {
		refuse(
			'durationSeconds',
			`does not make ${request.durationSeconds}-second clips (allowed: ${model.durations.join(', ')} seconds)`,
		);
	} else {
		const limits = model.resolutionLimits[resolution];
		if (limits?.durations && !limits.durations.includes(request.durationSeconds)) {
			refuse('durationSeconds', `needs ${limits.durations.join(' or ')} seconds at ${resolution}`);
		}
		if (
			limits?.aspectRatios &&
			!limits.aspectRatios.includes(request.aspectRatio as VeoAspectRatio)
		) {
			refuse('aspectRatio', `offers ${resolution} only at ${limits.aspectRatios.join(', ')}`);
		}
	}

	const referenceImageCount = request.referenceImageCount ?? 0;
	if (referenceImageCount > model.maxReferenceImages) {
		refuse(
			'referenceImages',
			model.maxReferenceImages
				? `takes at most ${model.maxReferenceImages} reference images (got ${referenceImageCount})`
				: 'does not take reference images (Veo 3.1 does)',
		);
	}
	if (request.hasLastFrame && !request.hasFirstFrame) {
		refuse('lastFrame', 'needs a first frame when a last frame is given');
	}
	if (request.hasLastFrame && !model.supportsLastFrame) {
		refuse('lastFrame', 'does not take a last frame');
	}
	if (request.isExtension) {
		if (!model.supportsExtension) refuse('video', 'cannot extend a video (Veo 3.1 can)');
		else if (!model.extensionResolutions.includes(resolution)) {
			refuse('resolution', `extends videos only at ${model.extensionResolutions.join(', ')}`);
		}
	}
	const usesImageFeature = referenceImageCount > 0 || request.isExtension || request.hasLastFrame;
	if (usesImageFeature && !model.imageFeatureDurations.includes(request.durationSeconds)) {
		refuse(
			'durationSeconds',
			`needs ${model.imageFeatureDurations.join(' or ')} seconds for reference images, extension or a last frame`,
		);
	}

	const numberOfVideos = request.numberOfVideos ?? 1;
	if (
		!Number.isInteger(numberOfVideos) ||
		numberOfVideos < 1 ||
		numberOfVideos > model.maxVideosPerRequest
	) {
		refuse(
			'numberOfVideos',
			`makes 1 to ${model.maxVideosPerRequest} videos per request (got ${numberOfVideos})`,
		);
	}
	if (request.personGeneration) {
		const imageDriven = Boolean(
			request.hasFirstFrame || referenceImageCount || request.isExtension,
		);
		const allowed = imageDriven
			? model.personGeneration.imageToVideo
			: model.personGeneration.textToVideo;
		if (!allowed.includes(request.personGeneration as PersonGeneration)) {
			refuse(
				'personGeneration',
				`accepts ${allowed.join(', ')} for ${imageDriven ? 'image-driven' : 'text-only'} generation (got ${request.personGeneration})`,
			);
		}
	}
	if (request.generateAudio !== undefined) {
		if (request.backend === 'gemini') {
			problems.push({
				path: 'generateAudio',
				message: `the Gemini API does not take generateAudio (${model.displayName} ${model.nativeAudio ? 'always adds audio' : 'makes silent video'}); use Vertex AI to switch audio off, or leave the option unset`,
			});
		} else if (request.generateAudio && !model.nativeAudio) {
			refuse('generateAudio', 'makes silent video only');
		}
	}
	if (request.seed !== undefined && request.backend === 'gemini') {
		problems.push({
			path: 'seed',
			message: 'the Gemini API does not take a seed; use Vertex AI for repeatable takes',
		});
	}
	if (!request.prompt.trim()) {
		problems.push({ path: 'prompt', message: 'is empty' });
	}
	const tokens = estimatePromptTokens(request.prompt);
	if (tokens > model.maxPromptTokens) {
		refuse(
			'prompt',
			`takes prompts of about ${model.maxPromptTokens} tokens; this one is about ${tokens}`,
		);
	}
	return problems;
}

export function assertVideoRequest(request: VideoRequestCheck): void {
	const problems = checkVideoRequest(request);
	if (problems.length) throw new InvalidInputError(problems);
}
