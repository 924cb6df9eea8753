import { promises as fs } from 'fs';
import path from 'path';

import { HttpError, newId, sendJson } from '../http';
import { VEO_MODELS_GEMINI, VEO_MODELS_VERTEX } from '../models';
import { pictureFor } from '../picture';
import type { OperationRecord } from '../state';
import type { Call, Route } from './route';

/**
 * Veo's long-running generation: `predictLongRunning`, then the operation polled with GET on the
 * Gemini API or `fetchPredictOperation` on Vertex AI.
 */

async function predict(
	call: Call,
	backend: 'gemini' | 'vertex',
	model: string,
	resource: string,
	body: Record<string, unknown>,
): Promise<void> {
	const { state, response } = call;
	state.stats.predictRequests += 1;
	const instance = ((body.instances as unknown[]) ?? [])[0] as Record<string, unknown> | undefined;
	const parameters = (body.parameters as Record<string, unknown>) ?? {};
	const prompt = String(instance?.prompt ?? '');
	if (Array.isArray(instance?.referenceImages) && instance.referenceImages.length)
		state.stats.predictRequestsWithReferenceImages += 1;
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
	const running = state.runningOperations(now);
	if (running >= state.settings.maxConcurrentOperations) {
		state.stats.quotaRejections += 1;
		throw new HttpError(
			429,
			`Quota exceeded for concurrent video generation requests (limit ${state.settings.maxConcurrentOperations}). Please try again later.`,
			state.settings.quotaRetryDelaySeconds,
		);
	}
	// Faults strike only requests the quota admits, so a rejected request does not use up a
	// fault's `times` and the retried request still gets the failure the test asked for.
	const resultFault = state.strikeFault('predict', prompt);
	const drift = state.driftFor('predict', prompt);

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
		dueAt: now + state.settings.latencyMs,
		outcome:
			resultFault?.effect === 'operation_failed'
				? 'failed'
				: resultFault?.effect === 'safety_filtered'
					? 'safety_filtered'
					: 'video',
		truncated: false,
		checks: 0,
	};
	state.operations.set(id, operation);
	state.stats.maxConcurrentOperations = Math.max(state.stats.maxConcurrentOperations, running + 1);
	if (operation.outcome === 'video') {
		operation.filePath = path.join(state.workDir, `${id}.mp4`);
		operation.fileId = `video${id}`;
		operation.render = state
			.renderClip(
				{
					picture: pictureFor(prompt, drift),
					prompt,
					durationSeconds: duration,
					aspectRatio,
					resolution: String(parameters.resolution ?? '720p'),
					withAudio: !model.startsWith('veo-2') && parameters.generateAudio !== false,
				},
				{ id, filePath: operation.filePath, fileId: operation.fileId },
			)
			.catch((error: Error) => {
				operation.renderError = error.message;
			});
	}
	sendJson(response, 200, { name: operation.name });
}

async function operationState({ state, response }: Call, id: string): Promise<void> {
	state.stats.operationChecks += 1;
	const operation = state.operations.get(id);
	if (!operation) throw new HttpError(404, `Operation ${id} not found.`);
	operation.checks += 1;
	const resultFault = state.strikeFault('operation', operation.prompt);
	if (resultFault?.effect === 'truncated_download') operation.truncated = true;

	if (Date.now() < operation.dueAt)
		return sendJson(response, 200, { name: operation.name, done: false });
	await operation.render;
	if (operation.renderError) {
		return sendJson(response, 200, {
			name: operation.name,
			done: true,
			error: { code: 13, message: `Rendering failed: ${operation.renderError}` },
		});
	}
	if (operation.outcome === 'failed') {
		return sendJson(response, 200, {
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
		return sendJson(response, 200, {
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
	return sendJson(response, 200, {
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

async function geminiPredict(call: Call): Promise<void> {
	const [, model] = call.params;
	await predict(call, 'gemini', model, `models/${model}`, await call.json());
}

async function geminiOperation(call: Call): Promise<void> {
	await operationState(call, call.params[2]);
}

async function vertexPredict(call: Call): Promise<void> {
	const [, resource, model] = call.params;
	await predict(call, 'vertex', model, resource, await call.json());
}

async function vertexFetchOperation(call: Call): Promise<void> {
	const operationName = String((await call.json()).operationName ?? '');
	const id = /\/operations\/([a-z0-9]+)$/.exec(operationName)?.[1];
	if (!id) throw new HttpError(400, 'operationName is required');
	await operationState(call, id);
}

/** Vertex AI's model resource: with `projects/{p}/locations/{l}/` or without it (Express mode). */
const VERTEX_MODEL =
	'(?:projects\\/[^/]+\\/locations\\/[^/]+\\/)?publishers\\/google\\/models\\/([^/:]+)';

export const veoRoutes: Route[] = [
	{
		method: 'POST',
		path: /^\/(v1beta|v1alpha|v1)\/models\/([^/:]+):predictLongRunning$/,
		handle: geminiPredict,
	},
	{
		method: 'GET',
		path: /^\/(v1beta|v1alpha|v1)\/models\/([^/:]+)\/operations\/([a-z0-9]+)$/,
		handle: geminiOperation,
	},
	{
		method: 'POST',
		path: new RegExp(`^\\/(v1beta1|v1)\\/(${VERTEX_MODEL}):predictLongRunning$`),
		handle: vertexPredict,
	},
	{
		method: 'POST',
		path: new RegExp(`^\\/(v1beta1|v1)\\/(${VERTEX_MODEL}):fetchPredictOperation$`),
		handle: vertexFetchOperation,
	},
];
