import { InvalidInputError, type Problem } from './failures';
import type { Resolution, VeoAspectRatio } from './types';

/**
 * What each video model accepts, where it is served, and what it costs. Requests are checked
 * against this table before any call, so a wrong duration, a retired id or an option the model
 * does not take is a clear error naming the model and the field rather than Google's 400 or 404
 * after a queue wait.
 *
 * Two families of models, called through two APIs:
 * - Gemini Omni Flash (`gemini-omni-*`) through the Interactions API, on the Gemini API and
 *   Vertex AI: the only video model the Gemini API serves since Veo was shut down there.
 * - Veo 3.1 (`veo-3.1-*-001`) through predictLongRunning, on Vertex AI only.
 *
 * Sources (re-check when Google changes them; models are retired without warning):
 * - Gemini API deprecations and release notes, https://ai.google.dev/gemini-api/docs/deprecations
 *   (Veo 2.0/3.0 shut down 2026-06-30, the Veo 3.1 preview ids 2026-10-22, the Omni preview
 *   2026-09-30; the 404 "is no longer available" answer);
 * - Google Cloud's Veo 3 model page (veo-2.0/3.0 ids retired on Vertex AI 2026-06-30, migrate to
 *   veo-3.1-generate-001 / veo-3.1-fast-generate-001);
 * - the Gemini cookbook's Get_started_Omni notebook and the @google/genai 2.32.0 types for the
 *   Omni request (response_format, video_config.task, previous_interaction_id);
 * - per-model limits and prices as noted at each entry.
 */

export type Backend = 'gemini' | 'vertex';
export type PersonGeneration = 'allow_all' | 'allow_adult' | 'dont_allow';
/** How a model is called: Veo's long-running predict, or Omni's interactions. */
export type VideoApi = 'predictLongRunning' | 'interactions';

export interface VideoFamily {
	family: string;
	displayName: string;
	api: VideoApi;
	durations: number[];
	/** Shot lengths Scene Spec plans with (a subset of `durations`, editorial lengths). */
	planningDurations?: number[];
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
	/** A finished take can be changed by a follow-up instruction instead of a new generation. */
	supportsEdit: boolean;
	/** The request has a negative-prompt field; otherwise negative instructions go in the prompt. */
	negativePromptField: boolean;
	/** Audio is always generated; where `generateAudio` can switch it off, the backends say so. */
	nativeAudio: boolean;
	audioSwitchBackends: Backend[];
	/** Backends that take a seed for repeatable takes. */
	seedBackends: Backend[];
	enhancePrompt: boolean;
	/** Person-generation settings the model takes; absent when it takes none. */
	personGeneration?: { textToVideo: PersonGeneration[]; imageToVideo: PersonGeneration[] };
	maxVideosPerRequest: number;
	/** US dollars per second of output video, by resolution. */
	pricePerSecond: Partial<Record<Resolution, number>>;
	/** Where the prices come from. */
	priceSource: string;
	maxPromptTokens: number;
}

export interface Retirement {
	/** The day Google shut the id down (ISO date). */
	shutDown: string;
	replacement: string;
}

export interface VideoModel extends VideoFamily {
	id: string;
	/** Where this id is served today; ids resolved by family pattern list every backend. */
	backends: Backend[];
	/** Backends on which Google has shut this id down, with what replaces it there. */
	retired: Partial<Record<Backend, Retirement>>;
	known: boolean;
}

const VEO_3_1: VideoFamily = {
	family: 'veo-3.1',
	displayName: 'Veo 3.1',
	api: 'predictLongRunning',
	// Google Cloud's Veo 3.1 model page: 4, 6 or 8 s; 1080p and 4K need 8 s; up to 3 asset
	// reference images; extension at 720p; a last frame with a first frame.
	durations: [4, 6, 8],
	resolutions: ['720p', '1080p', '4k'],
	aspectRatios: ['16:9', '9:16'],
	resolutionLimits: { '1080p': { durations: [8] }, '4k': { durations: [8] } },
	maxReferenceImages: 3,
	supportsLastFrame: true,
	supportsExtension: true,
	extensionResolutions: ['720p'],
	imageFeatureDurations: [8],
	supportsEdit: false,
	negativePromptField: true,
	nativeAudio: true,
	audioSwitchBackends: ['vertex'],
	seedBackends: ['vertex'],
	enhancePrompt: true,
	personGeneration: { textToVideo: ['allow_all'], imageToVideo: ['allow_adult'] },
	maxVideosPerRequest: 1,
	pricePerSecond: { '720p': 0.4, '1080p': 0.4, '4k': 0.6 },
	priceSource:
		'Google pricing pages, 2026: Veo 3.1 $0.40/s at 720p and 1080p, $0.60/s at 4K (with audio)',
	maxPromptTokens: 1024,
};

/**
 * Omni bills output tokens: 5,792 video tokens per second of 720p output (Runware's and EvoLink's
 * Omni pages) at $17.50 per million output tokens (OpenMontage's Omni notes, from Google's
 * pricing page), about $0.10 a second. Other resolutions are scaled as resellers bill them
 * (Venice, muapi: 360p about a third of 720p, 1080p 1.5x, 4K 3x). Check
 * https://ai.google.dev/gemini-api/docs/pricing before relying on a budget.
 */
export const OMNI_VIDEO_TOKENS_PER_SECOND_720P = 5792;
export const OMNI_USD_PER_MILLION_OUTPUT_TOKENS = 17.5;
const OMNI_720P_USD_PER_SECOND =
	(OMNI_VIDEO_TOKENS_PER_SECOND_720P * OMNI_USD_PER_MILLION_OUTPUT_TOKENS) / 1e6;

const round4 = (usd: number) => Math.round(usd * 10000) / 10000;

/** Every whole second from `from` to `to`. */
const seconds = (from: number, to: number) =>
	Array.from({ length: to - from + 1 }, (_, index) => from + index);

const OMNI_1_1: VideoFamily = {
	family: 'gemini-omni-1.1-flash',
	displayName: 'Gemini Omni 1.1 Flash',
	api: 'interactions',
	// 3-10 s at 24 fps, 16:9 or 9:16, 360p-4K, up to 5 reference images, edit and extend sources
	// up to 10 s (Google's Omni cookbook and model page; GMI Cloud's and fal.ai's Omni docs).
	durations: seconds(3, 10),
	planningDurations: [4, 6, 8],
	resolutions: ['360p', '720p', '1080p', '4k'],
	aspectRatios: ['16:9', '9:16'],
	resolutionLimits: {},
	maxReferenceImages: 5,
	supportsLastFrame: true,
	supportsExtension: true,
	extensionResolutions: ['360p', '720p', '1080p', '4k'],
	imageFeatureDurations: seconds(3, 10),
	supportsEdit: true,
	// The Interactions API has no negative prompt, number of videos, audio switch or person
	// setting (the SDK's CreateModelInteraction type); negative instructions go into the prompt.
	negativePromptField: false,
	nativeAudio: true,
	audioSwitchBackends: [],
	seedBackends: ['gemini', 'vertex'],
	enhancePrompt: false,
	maxVideosPerRequest: 1,
	pricePerSecond: {
		'360p': round4(OMNI_720P_USD_PER_SECOND / 3),
		'720p': round4(OMNI_720P_USD_PER_SECOND),
		'1080p': round4(OMNI_720P_USD_PER_SECOND * 1.5),
		'4k': round4(OMNI_720P_USD_PER_SECOND * 3),
	},
	priceSource:
		'5,792 output tokens per second of 720p at $17.50 per 1M output tokens (about $0.10/s), ' +
		'other sizes scaled as resellers bill them; reported from Google pricing, 2026',
	// No published prompt limit for Omni; Gemini models take far longer input. This bounds a
	// runaway prompt (editor notes piling up) rather than Google's limit.
	maxPromptTokens: 4096,
};

const FAMILIES: VideoFamily[] = [
	OMNI_1_1,
	{
		...OMNI_1_1,
		family: 'gemini-omni-1.2-flash',
		displayName: 'Gemini Omni 1.2 Flash',
		// 3-15 s, up to 10 s with first/last frames, up to 6 reference images (Civitai's and
		// LaoZhang's Omni 1.2 pages; Google's Vertex AI Omni model page).
		durations: seconds(3, 15),
		imageFeatureDurations: seconds(3, 10),
		maxReferenceImages: 6,
	},
	VEO_3_1,
	{
		...VEO_3_1,
		family: 'veo-3.1-fast',
		displayName: 'Veo 3.1 Fast',
		pricePerSecond: { '720p': 0.1, '1080p': 0.12, '4k': 0.3 },
		priceSource: 'Google pricing pages, 2026: Veo 3.1 Fast $0.10/s at 720p, $0.12 1080p, $0.30 4K',
	},
	{
		...VEO_3_1,
		family: 'veo-3.1-lite',
		displayName: 'Veo 3.1 Lite',
		resolutions: ['720p', '1080p'],
		pricePerSecond: { '720p': 0.05, '1080p': 0.08 },
		priceSource: 'Google pricing pages, 2026: Veo 3.1 Lite $0.05/s at 720p, $0.08 1080p',
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
		priceSource: 'Google pricing pages, 2025',
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
		priceSource: 'Google pricing pages, 2025',
	},
	{
		...VEO_3_1,
		family: 'veo-2',
		displayName: 'Veo 2',
		durations: [5, 6, 8],
		resolutions: ['720p'],
		resolutionLimits: {},
		maxReferenceImages: 0,
		supportsExtension: false,
		extensionResolutions: [],
		imageFeatureDurations: [5, 6, 8],
		nativeAudio: false,
		audioSwitchBackends: [],
		personGeneration: {
			textToVideo: ['allow_all', 'allow_adult', 'dont_allow'],
			imageToVideo: ['allow_adult', 'dont_allow'],
		},
		maxVideosPerRequest: 2,
		pricePerSecond: { '720p': 0.35 },
		priceSource: 'Google pricing pages, 2025',
	},
];

export const DEFAULT_VIDEO_MODEL = 'gemini-omni-1.2-flash';
/**
 * The Gemini text model Scene Spec drafts with and Drift Score's judge uses: the newest GA Flash
 * model, with no shutdown date announced (Gemini API deprecations page and changelog, read
 * December 2026: gemini-2.5-flash was shut down, and requests to gemini-3.5-flash and 3.7-flash
 * are routed to their successors). The node's list shows what the credential's API serves today.
 */
export const DEFAULT_TEXT_MODEL = 'gemini-3.8-flash';
/** Veo on Vertex AI, for teams that choose it there. */
export const DEFAULT_VERTEX_VEO_MODEL = 'veo-3.1-fast-generate-001';

const VEO_SHUTDOWN = '2026-06-30';
const VEO_3_1_PREVIEW_SHUTDOWN = '2026-10-22';
const OMNI_PREVIEW_SHUTDOWN = '2026-09-30';
const onGeminiApi = (shutDown: string): Partial<Record<Backend, Retirement>> => ({
	gemini: { shutDown, replacement: DEFAULT_VIDEO_MODEL },
});

/** Ids Google has published, where each is served, and where it has been shut down. */
const KNOWN_IDS: Array<{
	id: string;
	family: string;
	backends: Backend[];
	retired?: Partial<Record<Backend, Retirement>>;
}> = [
	{ id: 'gemini-omni-1.2-flash', family: 'gemini-omni-1.2-flash', backends: ['gemini', 'vertex'] },
	{ id: 'gemini-omni-1.1-flash', family: 'gemini-omni-1.1-flash', backends: ['gemini'] },
	{ id: 'gemini-omni-1.1-flash-preview', family: 'gemini-omni-1.1-flash', backends: ['vertex'] },
	// Deprecated on Vertex AI on 2026-11-06 but served there until 2027-06-30 (its model card).
	{
		id: 'gemini-omni-flash-preview',
		family: 'gemini-omni-1.1-flash',
		backends: ['vertex'],
		retired: onGeminiApi(OMNI_PREVIEW_SHUTDOWN),
	},
	// Vertex AI lists these with an earliest discontinuation date of 2026-11-17, now past: a 404
	// from Google for them is reported as retired, naming Omni 1.2 as the way on.
	{ id: 'veo-3.1-generate-001', family: 'veo-3.1', backends: ['vertex'] },
	{ id: 'veo-3.1-fast-generate-001', family: 'veo-3.1-fast', backends: ['vertex'] },
	// Preview on Vertex AI (Agent Platform's "generate videos from text" page).
	{ id: 'veo-3.1-lite-generate-001', family: 'veo-3.1-lite', backends: ['vertex'] },
	...[
		'veo-3.1-generate-preview',
		'veo-3.1-fast-generate-preview',
		'veo-3.1-lite-generate-preview',
	].map((id) => ({
		id,
		family: id.replace(/-generate-preview$/, ''),
		backends: [] as Backend[],
		retired: onGeminiApi(VEO_3_1_PREVIEW_SHUTDOWN),
	})),
	...[
		['veo-3.0-generate-001', 'veo-3', 'veo-3.1-generate-001'],
		['veo-3.0-fast-generate-001', 'veo-3-fast', 'veo-3.1-fast-generate-001'],
		['veo-2.0-generate-001', 'veo-2', 'veo-3.1-generate-001'],
	].map(([id, family, vertexReplacement]) => ({
		id,
		family,
		backends: [] as Backend[],
		retired: {
			...onGeminiApi(VEO_SHUTDOWN),
			vertex: { shutDown: VEO_SHUTDOWN, replacement: vertexReplacement },
		},
	})),
];

const VEO_PATTERN = /^veo-(\d+)(?:\.(\d+))?-(?:(fast|lite)-)?generate(?:-[a-z0-9.-]+)?$/;
const OMNI_PATTERN = /^gemini-omni-(\d+)\.(\d+)-flash(?:-[a-z0-9.-]+)?$/;

function familyOf(name: string): VideoFamily | undefined {
	return FAMILIES.find((family) => family.family === name);
}

/** Accepts `models/...` and `publishers/google/models/...` as well as bare ids. */
export function bareModelId(modelId: string): string {
	return modelId.trim().replace(/^.*models\//, '');
}

/** A family for an id Google added after this table was written, by its name's pattern. */
function familyByPattern(id: string): VideoFamily | undefined {
	const omni = OMNI_PATTERN.exec(id);
	if (omni) {
		// A newer Omni takes at least what the newest known one does.
		return familyOf(`gemini-omni-${omni[1]}.${omni[2]}-flash`) ?? familyOf(DEFAULT_VIDEO_MODEL);
	}
	const veo = VEO_PATTERN.exec(id);
	if (!veo) return undefined;
	const [, major, minor, variant] = veo;
	const base = minor && minor !== '0' ? `veo-${major}.${minor}` : `veo-${major}`;
	return familyOf(variant ? `${base}-${variant}` : base) ?? familyOf(base);
}

/** The model's capabilities, or undefined when the id is neither an Omni nor a Veo id. */
export function findVideoModel(modelId: string): VideoModel | undefined {
	const id = bareModelId(modelId);
	const known = KNOWN_IDS.find((entry) => entry.id === id);
	if (known) {
		return {
			...familyOf(known.family)!,
			id,
			backends: known.backends,
			retired: known.retired ?? {},
			known: true,
		};
	}
	const family = familyByPattern(id);
	return family
		? { ...family, id, backends: ['gemini', 'vertex'], retired: {}, known: false }
		: undefined;
}

const backendName = (backend: Backend) => (backend === 'vertex' ? 'Vertex AI' : 'Gemini API');

/** Why a model cannot be used on a backend, naming what to use instead; undefined when it can. */
export function retirementNotice(model: VideoModel, backend: Backend): string | undefined {
	const retired = model.retired[backend];
	if (retired) {
		return `${model.id} was shut down on the ${backendName(backend)} on ${retired.shutDown}; use ${retired.replacement}`;
	}
	if (model.known && !model.backends.includes(backend)) {
		const served = listVideoModels(backend).map((m) => m.id);
		return `${model.id} is not served on the ${backendName(backend)}; use one of ${served.join(', ')}`;
	}
	return undefined;
}

export function getVideoModel(modelId: string, field = 'model'): VideoModel {
	const model = findVideoModel(modelId);
	if (!model) {
		throw new InvalidInputError(
			[
				{
					path: field,
					message: `"${modelId}" is not a video model id this package knows (served today: ${listVideoModels()
						.map((m) => m.id)
						.join(', ')})`,
				},
			],
			'Pick a model from the list, or type an id such as gemini-omni-1.2-flash or veo-3.1-generate-001.',
		);
	}
	if (model.known && model.backends.length === 0) {
		const notices = (Object.keys(model.retired) as Backend[]).map((b) =>
			retirementNotice(model, b),
		);
		throw new InvalidInputError(
			[{ path: field, message: notices.join('; ') }],
			'Google retires video models without notice; pick a model the node lists today.',
		);
	}
	return model;
}

/** The models served today, on one backend or on any. */
export function listVideoModels(backend?: Backend): VideoModel[] {
	return KNOWN_IDS.filter((entry) =>
		backend ? entry.backends.includes(backend) : entry.backends.length > 0,
	).map((entry) => findVideoModel(entry.id)!);
}

/** Durations the model allows at this resolution and aspect ratio. */
export function allowedDurations(model: VideoModel, resolution: Resolution = '720p'): number[] {
	return model.resolutionLimits[resolution]?.durations ?? model.durations;
}

/** Shot lengths to plan with: editorial lengths within what the model allows. */
export function planningDurations(model: VideoModel, resolution: Resolution = '720p'): number[] {
	const allowed = allowedDurations(model, resolution);
	const preferred = model.planningDurations?.filter((duration) => allowed.includes(duration));
	return preferred?.length ? preferred : allowed;
}

/** "4, 6, 8" or, for a run of whole seconds, "3-15". */
export function describeDurations(durations: number[]): string {
	const isRun =
		durations.length > 3 && durations.every((d, i) => i === 0 || d === durations[i - 1] + 1);
	return isRun ? `${durations[0]}-${durations[durations.length - 1]}` : durations.join(', ');
}

export function estimateCostUsd(
	model: VideoModel,
	durationSeconds: number,
	resolution: Resolution,
	numberOfVideos = 1,
): number {
	const perSecond = model.pricePerSecond[resolution] ?? model.pricePerSecond['720p'] ?? 0;
	return round4(perSecond * durationSeconds * numberOfVideos);
}

/** Omni bills output tokens: a take's real cost comes from the tokens Google reports. */
export function costOfOutputTokens(tokens: number): number {
	return round4((tokens * OMNI_USD_PER_MILLION_OUTPUT_TOKENS) / 1e6);
}

/** A rough token count (Google's tokenizer gives about four characters per token for English). */
export function estimatePromptTokens(prompt: string): number {
	return Math.ceil(prompt.length / 4);
}

/** The settings of a video request that the model table governs. */
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
	enhancePrompt?: boolean;
}

export interface VideoRequestCheck extends VideoSettings {
	backend: Backend;
	hasFirstFrame?: boolean;
	hasLastFrame?: boolean;
	referenceImageCount?: number;
	isExtension?: boolean;
	/** The request changes an earlier take of the same model instead of generating anew. */
	isEdit?: boolean;
}

/**
 * Every reason the request would be refused, each naming the model and the field. Empty when the
 * request fits the model. Checks only what the table knows; Google may still refuse on content.
 */
export function checkVideoRequest(request: VideoRequestCheck): Problem[] {
	const model = findVideoModel(request.model);
	if (!model) {
		return [
			{ path: 'model', message: `"${request.model}" is not a video model id this package knows` },
		];
	}
	const name = `${model.displayName} (${model.id})`;
	const problems: Problem[] = [];
	const refuse = (path: string, message: string) =>
		problems.push({ path, message: `${name} ${message}` });
	const resolution = request.resolution as Resolution;

	const unavailable = retirementNotice(model, request.backend);
	if (unavailable) problems.push({ path: 'model', message: unavailable });
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
			`does not make ${request.durationSeconds}-second clips (allowed: ${describeDurations(model.durations)} seconds)`,
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
				: 'does not take reference images (Veo 3.1 and Gemini Omni do)',
		);
	}
	if (request.hasLastFrame && !request.hasFirstFrame) {
		refuse('lastFrame', 'needs a first frame when a last frame is given');
	}
	if (request.hasLastFrame && !model.supportsLastFrame) {
		refuse('lastFrame', 'does not take a last frame');
	}
	if (request.isExtension) {
		if (!model.supportsExtension)
			refuse('video', 'cannot extend a video (Veo 3.1 and Gemini Omni can)');
		else if (!model.extensionResolutions.includes(resolution)) {
			refuse('resolution', `extends videos only at ${model.extensionResolutions.join(', ')}`);
		}
	}
	if (request.isEdit && !model.supportsEdit) {
		refuse(
			'correctionMode',
			'cannot edit an earlier take (Gemini Omni can); generate anew instead',
		);
	}
	const usesImageFeature = referenceImageCount > 0 || request.isExtension || request.hasLastFrame;
	if (usesImageFeature && !model.imageFeatureDurations.includes(request.durationSeconds)) {
		refuse(
			'durationSeconds',
			`needs ${describeDurations(model.imageFeatureDurations)} seconds for reference images, extension or a last frame`,
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
		if (!model.personGeneration) {
			refuse('personGeneration', 'takes no person-generation setting; leave it at the default');
		} else {
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
	}
	if (request.enhancePrompt !== undefined && !model.enhancePrompt) {
		refuse('enhancePrompt', 'has no prompt enhancement switch; leave it at the default');
	}
	if (request.generateAudio !== undefined) {
		if (!model.audioSwitchBackends.includes(request.backend)) {
			const switchable = model.audioSwitchBackends.length
				? `; ${model.audioSwitchBackends.map(backendName).join(', ')} can switch it off`
				: '';
			problems.push({
				path: 'generateAudio',
				message:
					`${name} on the ${backendName(request.backend)} takes no audio switch ` +
					`(it ${model.nativeAudio ? 'always adds audio' : 'makes silent video'})${switchable}; ` +
					'leave the option unset',
			});
		} else if (request.generateAudio && !model.nativeAudio) {
			refuse('generateAudio', 'makes silent video only');
		}
	}
	if (request.seed !== undefined && !model.seedBackends.includes(request.backend)) {
		problems.push({
			path: 'seed',
			message:
				`${name} on the ${backendName(request.backend)} takes no seed` +
				`${model.seedBackends.length ? `; use ${model.seedBackends.map(backendName).join(' or ')} for repeatable takes` : ''}`,
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
