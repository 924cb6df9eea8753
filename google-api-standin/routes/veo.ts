import { promises as fs } from 'fs';
import path from 'path';

import { HttpError, newId, sendJson } from '../http';
import { checkVertexVeoModel, geminiApiPredictRefusal } from '../models';
import { pictureFor } from '../picture';
import type { OperationRecord } from '../state';
import type { Call, Route } from './route';

/**
 * Veo's long-running generation on Vertex AI: `predictLongRunning`, then `fetchPredictOperation`.
 * On the Gemini API Veo has been shut down, and `predictLongRunning` answers 404.
 */

async function vertexPredict(call: Call): Promise<void> {
	const { state, response } = call;
	const [, resource, model] = call.params;
	const body = await call.json();
	state.stats.predictRequests += 1;
	const instance = ((body.instances as unknown[]) ?? [])[0] as Record<string, unknown> | undefined;
	const parameters = (body.parameters as Record<string, unknown>) ?? {};
	const prompt = String(instance?.prompt ?? '');
	if (Array.isArray(instance?.referenceImages) && instance.referenceImages.length)
		state.stats.predictRequestsWithReferenceImages += 1;
	checkVertexVeoModel(model, resource);
	if (!instance || (!prompt && !instance.image))
		throw new HttpError(400, 'instances[0].prompt is required');
	// Veo 3.1 makes 4, 6 or 8 s (Vertex AI's Veo 3.1 model page).
	const duration = Number(parameters.durationSeconds ?? 8);
	if (![4, 6, 8].includes(duration)) {
		throw new HttpError(
			400,
			`The value of durationSeconds (${duration}) is out of bound. Supported values are 4, 6 and 8.`,
		);
	}
	const aspectRatio = String(parameters.aspectRatio ?? '16:9');
	if (!['16:9', '9:16'].includes(aspectRatio))
		throw new HttpError(400, `Unsupported aspect ratio: ${aspectRatio}`);
	const now = Date.now();
	const running = state.admitVideoJob('operation', now);
	// Faults strike only requests the quota admits, so a rejected request does not use up a
	// fault's `times` and the retried request still gets the failure the test asked for.
	const resultFault = state.strikeFault('predict', prompt);
	const drift = state.driftFor('predict', prompt);

	const id = newId();
	const operation: OperationRecord = {
		id,
		name: `${resource}/operations/${id}`,
		backend: 'vertex',
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
	state.noteRunningVideoJobs(running + 1);
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
					withAudio: parameters.generateAudio !== false,
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

function geminiPredict({ state, params }: Call): never {
	state.stats.predictRequests += 1;
	throw geminiApiPredictRefusal(params[1]);
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
