import { sendJson } from '../http';
import { OMNI_MODELS_GEMINI, OMNI_MODELS_VERTEX, TEXT_MODELS, VEO_MODELS_VERTEX } from '../models';
import type { Call, Route } from './route';

/**
 * The model lists: the Gemini API's `models` (with `supportedGenerationMethods`) and Vertex AI's
 * publisher models (with `launchStage`). Only what each backend serves today is listed.
 */

/**
 * Google publishes no method list for Omni; it is named after the RPC that serves it
 * (CreateInteraction), as `predictLongRunning` and `generateContent` are. It is deliberately not
 * `generateContent`, which Omni does not serve.
 */
const OMNI_METHODS = ['createInteraction'];

function listGeminiApiModels({ state, response }: Call): void {
	state.strikeFault('list', '');
	sendJson(response, 200, {
		models: [
			...TEXT_MODELS.map((id) => ({
				name: `models/${id}`,
				displayName: id,
				supportedGenerationMethods: ['generateContent', 'countTokens'],
			})),
			...OMNI_MODELS_GEMINI.map(({ id }) => ({
				name: `models/${id}`,
				displayName: id,
				supportedGenerationMethods: OMNI_METHODS,
			})),
		],
	});
}

function launchStage(id: string): string {
	return /preview/.test(id) ? 'PUBLIC_PREVIEW' : 'GA';
}

function listVertexModels({ state, response }: Call): void {
	state.strikeFault('list', '');
	sendJson(response, 200, {
		publisherModels: [
			...TEXT_MODELS,
			...OMNI_MODELS_VERTEX.map(({ id }) => id),
			...VEO_MODELS_VERTEX,
		].map((id) => ({
			name: `publishers/google/models/${id}`,
			versionId: '001',
			launchStage: id === 'veo-3.1-lite-generate-001' ? 'PUBLIC_PREVIEW' : launchStage(id),
		})),
	});
}

export const modelRoutes: Route[] = [
	{ method: 'GET', path: /^\/(v1beta|v1alpha|v1)\/models$/, handle: listGeminiApiModels },
	{ method: 'GET', path: /^\/(v1beta1|v1)\/publishers\/google\/models$/, handle: listVertexModels },
];
