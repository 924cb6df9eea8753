import { HttpError } from './http';

/**
 * The models the stand-in serves on each backend as of December 2026, the ones Google has shut
 * down, and the limits it enforces. Each fact names its source.
 */

export type Backend = 'gemini' | 'vertex';

/** Gemini Omni Flash, called through the Interactions API. */
export interface OmniModel {
	id: string;
	/** Clip lengths it makes, in whole seconds. */
	minSeconds: number;
	maxSeconds: number;
	/** Images it takes as references (first and last frames not counted). */
	maxReferenceImages: number;
}

// Omni 1.1: 3-10 s, up to 5 reference images (ai.google.dev/gemini-api/docs/omni; Runware's
// model page for Omni Flash 1.1; @tanstack/ai-gemini changeset "Duration stays 3-10 seconds").
const OMNI_1_1 = { minSeconds: 3, maxSeconds: 10, maxReferenceImages: 5 };
// Omni 1.2: 3-15 s in one-second steps, up to 6 images (developer.civitai.com recipe for Gemini
// Omni; apidog.com "Gemini Omni 1.2 Flash or Veo", checked against Google's docs 2026-11-06).
const OMNI_1_2 = { minSeconds: 3, maxSeconds: 15, maxReferenceImages: 6 };

/**
 * Gemini API: 1.1 GA since 2026-08-27 (Gemini API changelog); 1.2 added to the Interactions model
 * enum and made the Gemini API video default by the Java/JS/Python SDKs of 2026-11-10 (js-genai
 * v3.1.0 release notes).
 */
export const OMNI_MODELS_GEMINI: OmniModel[] = [
	{ id: 'gemini-omni-1.1-flash', ...OMNI_1_1 },
	{ id: 'gemini-omni-1.2-flash', ...OMNI_1_2 },
];

/**
 * Vertex AI (Gemini Enterprise Agent Platform), location `global` only: gemini-omni-1.2-flash GA,
 * gemini-omni-1.1-flash-preview, and gemini-omni-flash-preview, deprecated 2026-11-06 but served
 * until 2027-06-30 (docs.cloud.google.com .../models/video/generate-videos-from-text and the
 * omni-flash-preview model card).
 */
export const OMNI_MODELS_VERTEX: OmniModel[] = [
	{ id: 'gemini-omni-1.2-flash', ...OMNI_1_2 },
	{ id: 'gemini-omni-1.1-flash-preview', ...OMNI_1_1 },
	{ id: 'gemini-omni-flash-preview', ...OMNI_1_1 },
];

/** Omni on Vertex AI is served in this location only (the Omni model cards: "global"). */
export const OMNI_VERTEX_LOCATION = 'global';

/**
 * Text models served on both backends (Gemini API changelog): gemini-3.8-flash (stable by
 * 2026-09; the 2026-10-08 entry routes 3.7 to it), gemini-3.6-flash and gemini-3.5-flash-lite (GA
 * 2026-07-21), gemini-3.1-flash-lite (GA 2026-05-07, earliest shutdown 2027-05-07),
 * gemini-3.1-pro-preview (2026-02-19), and the `latest` aliases. Vertex AI has no list of its own
 * here: it serves the same ids and refuses the Gemini 2.x ones.
 */
export const TEXT_MODELS = [
	'gemini-3.8-flash',
	'gemini-3.6-flash',
	'gemini-3.5-flash-lite',
	'gemini-3.1-flash-lite',
	'gemini-3.1-pro-preview',
	'gemini-flash-latest',
	'gemini-pro-latest',
];

/**
 * Deprecated ids whose requests Google routes to their successor (Gemini API changelog,
 * 2026-10-08: "requests to gemini-3.5-flash are routed automatically to gemini-3.6-flash").
 * They answer, under the successor's model version, and are not listed.
 */
export const ROUTED_TEXT_MODELS: Record<string, string> = {
	'gemini-3.5-flash': 'gemini-3.6-flash',
	'gemini-3.7-flash': 'gemini-3.8-flash',
};

/**
 * Veo on Vertex AI: 3.1 GA ids and 3.1 Lite (preview), through predictLongRunning (Agent
 * Platform "generate videos from text" page). Their listed earliest discontinuation has passed
 * for the GA ids, so clients must handle a 404 for them too.
 */
export const VEO_MODELS_VERTEX = [
	'veo-3.1-generate-001',
	'veo-3.1-fast-generate-001',
	'veo-3.1-lite-generate-001',
];

/**
 * Shut down on the Gemini API, with the replacement Google names: Veo 2.0/3.0 on 2026-06-30 and
 * the Veo 3.1 previews on 2026-10-22, replaced by gemini-omni-1.1-flash (Gemini API changelog and
 * deprecations page); gemini-omni-flash-preview on 2026-09-30 (@tanstack/ai-gemini changeset);
 * Gemini 2.0 on 2026-06-01 and 2.5 in 2026 (Gemini API changelog; 404 reports for
 * gemini-2.5-flash from 2026-08).
 */
export const RETIRED_GEMINI_API_MODELS: Record<string, string> = {
	'veo-2.0-generate-001': 'gemini-omni-1.1-flash',
	'veo-3.0-generate-001': 'gemini-omni-1.1-flash',
	'veo-3.0-fast-generate-001': 'gemini-omni-1.1-flash',
	'veo-3.0-generate-preview': 'gemini-omni-1.1-flash',
	'veo-3.0-fast-generate-preview': 'gemini-omni-1.1-flash',
	'veo-3.1-generate-preview': 'gemini-omni-1.1-flash',
	'veo-3.1-fast-generate-preview': 'gemini-omni-1.1-flash',
	'veo-3.1-lite-generate-preview': 'gemini-omni-1.1-flash',
	'gemini-omni-flash-preview': 'gemini-omni-1.1-flash',
	'gemini-2.0-flash': 'gemini-3.6-flash',
	'gemini-2.0-flash-001': 'gemini-3.6-flash',
	'gemini-2.0-flash-lite': 'gemini-3.1-flash-lite',
	'gemini-2.0-flash-lite-001': 'gemini-3.1-flash-lite',
	'gemini-2.5-flash': 'gemini-3.6-flash',
	'gemini-2.5-pro': 'gemini-3.1-pro-preview',
	'gemini-2.5-flash-lite': 'gemini-3.5-flash-lite',
};

/**
 * Google's answer to a model it has shut down, word for word as clients report it
 * (continuedev/continue#12720: "This model models/gemini-3-pro-preview is no longer available.
 * Please update your code to use a newer model for the latest features and improvements.").
 */
function noLongerAvailable(model: string): HttpError {
	return new HttpError(
		404,
		`This model models/${model} is no longer available. ` +
			'Please update your code to use a newer model for the latest features and improvements.',
	);
}

/** Vertex AI's answer to a model it does not serve at that resource (as in #54 above). */
function vertexNotFound(resource: string): HttpError {
	return new HttpError(
		404,
		`Publisher Model \`${resource}\` was not found or your project does not have access to it. ` +
			'Please ensure you are using a valid model version.',
	);
}

/** The Gemini API's answer to an id it never had, or a model asked for a method it lacks. */
function geminiNotFound(model: string, method: string): HttpError {
	return new HttpError(
		404,
		`models/${model} is not found for API version v1beta, or is not supported for ${method}. ` +
			'Call ListModels to see the list of available models and their supported methods.',
	);
}

/**
 * The model that answers a text request, or Google's 404. `resource` is the Vertex model
 * resource named in the path (`projects/p/locations/l/publishers/google/models/m`).
 */
export function textModel(backend: Backend, model: string, resource = ''): string {
	if (TEXT_MODELS.includes(model)) return model;
	if (ROUTED_TEXT_MODELS[model]) return ROUTED_TEXT_MODELS[model];
	if (backend === 'vertex') throw vertexNotFound(resource || `publishers/google/models/${model}`);
	if (RETIRED_GEMINI_API_MODELS[model]) throw noLongerAvailable(model);
	throw geminiNotFound(model, 'generateContent');
}

/** Refuses `predictLongRunning` for a model Vertex AI does not serve with it. */
export function checkVertexVeoModel(model: string, resource: string): void {
	if (!VEO_MODELS_VERTEX.includes(model)) throw vertexNotFound(resource);
}

/** The Gemini API's answer to any `predictLongRunning`: Veo is gone from it. */
export function geminiApiPredictRefusal(model: string): HttpError {
	return RETIRED_GEMINI_API_MODELS[model]
		? noLongerAvailable(model)
		: geminiNotFound(model, 'predictLongRunning');
}

/**
 * The Omni model an interaction asks for, or Google's 404. On Vertex AI the location is part of
 * the resource (`projects/p/locations/global`; empty in Express mode).
 */
export function omniModel(backend: Backend, model: string, parent: string): OmniModel {
	if (backend === 'vertex') {
		const location = /\/locations\/([^/]+)$/.exec(parent)?.[1];
		const found = OMNI_MODELS_VERTEX.find((candidate) => candidate.id === model);
		if (found && (!location || location === OMNI_VERTEX_LOCATION)) return found;
		throw vertexNotFound(`${parent ? `${parent}/` : ''}publishers/google/models/${model}`);
	}
	const found = OMNI_MODELS_GEMINI.find((candidate) => candidate.id === model);
	if (found) return found;
	if (RETIRED_GEMINI_API_MODELS[model]) throw noLongerAvailable(model);
	if (TEXT_MODELS.includes(model) || ROUTED_TEXT_MODELS[model]) {
		throw new HttpError(
			400,
			`The stand-in serves only video generation through the Interactions API; ask ${model} through generateContent.`,
		);
	}
	throw geminiNotFound(model, 'createInteraction');
}
