import { exampleOf, promptText, type JsonSchema } from '../answers';
import { HttpError, sendJson, sha256 } from '../http';
import { textModel } from '../models';
import type { StandInState } from '../state';
import type { ClipTruth } from '../truth';
import type { Call, Route } from './route';

/**
 * Gemini's `generateContent`, for the text models served today (models.ts); a retired one answers
 * Google's 404. It is not a language model: structured-output tasks this package
 * asks for are answered by the answerers (recognised by the response schema's title), any other
 * schema with a minimal instance of it, and free text with an echo of the prompt.
 */

/** What the clips attached to the request (inline or as uploaded files) really show. */
async function clipsIn(state: StandInState, body: Record<string, unknown>): Promise<ClipTruth[]> {
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
			const file = state.files.get(fileId);
			if (!file) throw new HttpError(400, `File ${fileId} is not found or not ACTIVE.`);
			if (Date.now() - file.createdAt < state.settings.fileProcessingMs) {
				throw new HttpError(
					400,
					`The File ${fileId} is not in an ACTIVE state and usage is not allowed.`,
				);
			}
			hash = file.sha256;
		}
		const truth = hash ? state.truths.get(hash) : undefined;
		if (truth) truths.push(truth);
	}
	return truths;
}

async function generateContent(call: Call, modelVersion: string): Promise<void> {
	const { state, response } = call;
	const body = await call.json();
	state.stats.generateContentRequests += 1;
	const prompt = promptText(body as Parameters<typeof promptText>[0]);
	const resultFault = state.strikeFault('generateContent', prompt);
	const config = (body.generationConfig as Record<string, unknown>) ?? {};
	const schema = (config.responseJsonSchema ?? config.responseSchema ?? {}) as JsonSchema;
	let text: string;
	if (config.responseMimeType === 'application/json') {
		const answerer = schema.title ? state.answerers.get(schema.title) : undefined;
		const answer = answerer
			? answerer({ prompt, schema, clips: await clipsIn(state, body) })
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
	sendJson(response, 200, {
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
		modelVersion,
	});
}

export const generateContentRoutes: Route[] = [
	{
		method: 'POST',
		path: /^\/(v1beta|v1alpha|v1)\/models\/([^/:]+):generateContent$/,
		handle: (call) => generateContent(call, textModel('gemini', call.params[1])),
	},
	{
		method: 'POST',
		path: /^\/(v1beta1|v1)\/((?:projects\/[^/]+\/locations\/[^/]+\/)?publishers\/google\/models\/([^/:]+)):generateContent$/,
		handle: (call) => generateContent(call, textModel('vertex', call.params[2], call.params[1])),
	},
];
