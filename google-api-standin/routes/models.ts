import { sendJson } from '../http';
import { GEMINI_MODELS, VEO_MODELS_GEMINI, VEO_MODELS_VERTEX } from '../models';
import type { Call, Route } from './route';

/** The model lists: the Gemini API's `models` and Vertex AI's publisher models. */

function listGeminiApiModels({ state, response }: Call): void {
	state.strikeFault('list', '');
	sendJson(response, 200, {
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

function listVertexModels({ state, response }: Call): void {
	state.strikeFault('list', '');
	sendJson(response, 200, {
		publisherModels: [...GEMINI_MODELS, ...VEO_MODELS_VERTEX].map((id) => ({
			name: `publishers/google/models/${id}`,
			versionId: '001',
		})),
	});
}

export const modelRoutes: Route[] = [
	{ method: 'GET', path: /^\/(v1beta|v1alpha|v1)\/models$/, handle: listGeminiApiModels },
	{ method: 'GET', path: /^\/(v1beta1|v1)\/publishers\/google\/models$/, handle: listVertexModels },
];
