import { FileState, type Part } from '@google/genai';
import { promises as fs } from 'fs';

import { NonRetryableFailure, RetryableFailure } from '../../core/failures';
import type { GoogleClient } from './client';
import { toGoogleFailure } from './failures';

/** Gemini through the official SDK: structured answers, model lists and file uploads. */

export interface ModelSummary {
	id: string;
	displayName: string;
	/** Methods the model serves, as Google lists them (`generateContent`, `predictLongRunning`). */
	actions: string[];
}

export async function listModels(client: GoogleClient): Promise<ModelSummary[]> {
	try {
		const pager = await client.sdk.models.list({ config: { pageSize: 100, queryBase: true } });
		const models: ModelSummary[] = [];
		for await (const model of pager) {
			const id = (model.name ?? '').replace(/^.*models\//, '');
			if (!id) continue;
			models.push({
				id,
				displayName: model.displayName ?? id,
				actions: model.supportedActions ?? [],
			});
		}
		return models;
	} catch (error) {
		throw toGoogleFailure(error, 'Listing models');
	}
}

export interface JsonRequest {
	model: string;
	systemInstruction?: string;
	/** Text and media parts of the user turn, in order. */
	parts: Part[];
	responseJsonSchema: Record<string, unknown>;
	temperature?: number;
}

export interface JsonAnswer {
	/** The raw text Gemini answered, for error messages and the re-ask. */
	text: string;
	/** The parsed JSON, or undefined when the text did not parse. */
	value: unknown;
	finishReason?: string;
}

/** Asks for JSON that follows the schema. Parsing is checked here; the schema is checked by the caller. */
export async function generateJson(
	client: GoogleClient,
	request: JsonRequest,
): Promise<JsonAnswer> {
	let response;
	try {
		response = await client.sdk.models.generateContent({
			model: request.model,
			contents: [{ role: 'user', parts: request.parts }],
			config: {
				systemInstruction: request.systemInstruction,
				responseMimeType: 'application/json',
				responseJsonSchema: request.responseJsonSchema,
				temperature: request.temperature,
			},
		});
	} catch (error) {
		throw toGoogleFailure(error, `Asking ${request.model}`);
	}
	const candidate = response.candidates?.[0];
	const finishReason = candidate?.finishReason;
	if (!candidate) {
		const blocked = response.promptFeedback?.blockReason;
		throw new NonRetryableFailure(
			`${request.model} gave no answer${blocked ? ` (blocked: ${blocked})` : ''}`,
			{ hint: 'Rephrase the brief; Google blocked it or answered nothing.' },
		);
	}
	const text = response.text ?? '';
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		value = undefined;
	}
	return { text, value, finishReason: finishReason ? String(finishReason) : undefined };
}

/**
 * Uploads a file (Gemini API only) and waits until Google has processed it, checking its state
 * with the given sleep between checks, up to `maxWaitMs`.
 */
export async function uploadFileAndWait(
	client: GoogleClient,
	filePath: string,
	mimeType: string,
	sleep: (ms: number) => Promise<void>,
	maxWaitMs = 120_000,
): Promise<{ uri: string; mimeType: string; name: string }> {
	if (client.backend === 'vertex') {
		throw new NonRetryableFailure('Vertex AI takes no file uploads; send the clip inline instead');
	}
	let file;
	try {
		file = await client.sdk.files.upload({ file: filePath, config: { mimeType } });
	} catch (error) {
		throw toGoogleFailure(error, 'Uploading the clip');
	}
	const started = Date.now();
	let delay = 500;
	while (file.state === FileState.PROCESSING) {
		if (Date.now() - started > maxWaitMs) {
			throw new RetryableFailure(
				`Google was still processing ${file.name} after ${Math.round(maxWaitMs / 1000)} s`,
				undefined,
			);
		}
		await sleep(delay);
		delay = Math.min(delay * 2, 5_000);
		try {
			file = await client.sdk.files.get({ name: file.name! });
		} catch (error) {
			throw toGoogleFailure(error, `Checking upload ${file.name}`);
		}
	}
	if (file.state === FileState.FAILED || !file.uri) {
		throw new NonRetryableFailure(
			`Google could not process the uploaded clip (${file.name}: ${file.state})`,
		);
	}
	return { uri: file.uri, mimeType: file.mimeType ?? mimeType, name: file.name! };
}

/**
 * Gemini takes at most 20 MB of request inline, and base64 grows bytes by a third: larger clips
 * go up as files (Gemini API). Vertex AI takes no uploads, so clips go inline there whatever size.
 */
export const INLINE_VIDEO_LIMIT_BYTES = 14 * 1024 * 1024;

export interface VideoPart {
	part: Part;
	/** The uploaded file's name, to delete once answered. */
	uploaded?: string;
}

/** A video as a request part: inline when allowed and small enough, else uploaded and processed first. */
export async function videoPart(
	client: GoogleClient,
	filePath: string,
	mimeType: string,
	sleep: (ms: number) => Promise<void>,
	inlineLimitBytes = INLINE_VIDEO_LIMIT_BYTES,
): Promise<VideoPart> {
	const { size } = await fs.stat(filePath);
	if (client.backend === 'vertex' || size <= inlineLimitBytes) {
		return {
			part: { inlineData: { mimeType, data: (await fs.readFile(filePath)).toString('base64') } },
		};
	}
	const file = await uploadFileAndWait(client, filePath, mimeType, sleep);
	return {
		part: { fileData: { fileUri: file.uri, mimeType: file.mimeType } },
		uploaded: file.name,
	};
}

export async function deleteFile(client: GoogleClient, name: string): Promise<void> {
	try {
		await client.sdk.files.delete({ name });
	} catch (error) {
		throw toGoogleFailure(error, `Deleting ${name}`);
	}
}
