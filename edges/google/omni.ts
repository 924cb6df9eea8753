import type { GoogleGenAIInteraction } from '@google/genai';

import { NonRetryableFailure } from '../../core/failures';
import { costOfOutputTokens } from '../../core/models';
import { omniEditInstruction, omniImageOrder, omniPromptText } from '../../core/omniPrompt';
import type {
	GeneratedVideoHandle,
	InlineMedia,
	OperationState,
	Submission,
	VideoRequest,
} from '../../core/videoJobs';
import type { GoogleClient } from './client';
import { fileNameFromUri, type DownloadSource } from './download';
import { toGoogleFailure } from './failures';

/**
 * Gemini Omni Flash through the official SDK's Interactions API: create a background interaction,
 * get it until it is done, hand back its video. One request per call; waiting, polling cadence and
 * retries are the scheduler's business, so the SDK's own retries are switched off (its default
 * retries `create` on 408/409/429/5xx for up to 30 s, and a retried create pays twice).
 *
 * Delivery: the Gemini API hands out a file URI (`delivery: "uri"`), streamed into a file; Vertex
 * AI's URI delivery writes to a Cloud Storage bucket (`gcs_uri`, the SDK's VideoResponseFormat),
 * so there the video comes inline.
 */

const NO_SDK_RETRIES = { retries: { strategy: 'none' as const } };

type CreateParams = Parameters<GoogleClient['interactionsSdk']['interactions']['create']>[0];
type Interaction = GoogleGenAIInteraction;

interface InputPart {
	type: 'text' | 'image' | 'video';
	text?: string;
	data?: string;
	mime_type?: string;
}

function imagePart(image: InlineMedia): InputPart {
	return { type: 'image', data: image.data, mime_type: image.mimeType };
}

/** The task Omni is told, so it never has to guess from the images (fresh generations only). */
function taskOf(request: VideoRequest): string {
	if (request.extendVideo) return 'extend';
	if (request.firstFrame) return 'image_to_video';
	if (request.referenceImages?.length) return 'reference_to_video';
	return 'text_to_video';
}

function freshGeneration(client: GoogleClient, request: VideoRequest): CreateParams {
	const references = request.referenceImages ?? [];
	const images = {
		firstFrame: Boolean(request.firstFrame),
		lastFrame: Boolean(request.lastFrame),
		references: references.map((image, index) => image.label ?? `reference ${index + 1}`),
	};
	const parts: InputPart[] = [
		{ type: 'text', text: omniPromptText(request.prompt, request.negativePrompt ?? '', images) },
		...omniImageOrder(images).map((role) =>
			imagePart(
				role === 'firstFrame'
					? request.firstFrame!
					: role === 'lastFrame'
						? request.lastFrame!
						: references[role],
			),
		),
	];
	if (request.extendVideo) {
		parts.push({
			type: 'video',
			data: request.extendVideo.data,
			mime_type: request.extendVideo.mimeType,
		});
	}
	return {
		model: request.model,
		input: parts,
		background: true,
		// Kept at Google so that a rejected take can be edited later.
		store: true,
		generation_config: {
			video_config: { task: taskOf(request) },
			...(request.seed !== undefined ? { seed: request.seed } : {}),
		},
		response_format: videoFormat(client, request),
	} as CreateParams;
}

/**
 * An edit turn on the earlier take's interaction. No task is set: Google reports that an explicit
 * task stops Omni from chaining on `previous_interaction_id`.
 */
function editTurn(client: GoogleClient, request: VideoRequest): CreateParams {
	return {
		model: request.model,
		previous_interaction_id: request.edit!.previousOperation,
		input: request.edit!.instruction || omniEditInstruction([]),
		background: true,
		store: true,
		response_format: videoFormat(client, request),
	} as CreateParams;
}

function videoFormat(client: GoogleClient, request: VideoRequest) {
	return {
		type: 'video',
		aspect_ratio: request.aspectRatio,
		// A string such as "6s": a bare number is refused with 400.
		duration: `${request.durationSeconds}s`,
		resolution: request.resolution,
		delivery: client.backend === 'vertex' ? 'inline' : 'uri',
	};
}

/** An edit refused because the earlier interaction is gone (not stored, expired or deleted). */
function isGoneInteraction(error: unknown): boolean {
	const failure = error as { status?: number; message?: string };
	return (
		(failure.status === 404 || failure.status === 400) &&
		/interaction|previous/i.test(failure.message ?? '')
	);
}

async function create(client: GoogleClient, params: CreateParams, model: string): Promise<string> {
	let interaction: Interaction;
	try {
		interaction = (await client.interactionsSdk.interactions.create(
			params,
			NO_SDK_RETRIES,
		)) as Interaction;
	} catch (error) {
		throw toGoogleFailure(error, `Submitting to ${model}`);
	}
	if (!interaction.id) {
		throw new NonRetryableFailure(`${model} accepted the request but returned no interaction id`);
	}
	return interaction.id;
}

/**
 * Starts a generation, or an edit of an earlier take; returns the interaction id to check later
 * (it survives restarts). An edit whose earlier interaction is gone becomes a fresh generation,
 * and the submission says why.
 */
export async function submitInteraction(
	client: GoogleClient,
	request: VideoRequest,
): Promise<Submission> {
	if (!request.edit) {
		const operationName = await create(client, freshGeneration(client, request), request.model);
		return { operationName, mode: 'generate' };
	}
	try {
		const operationName = await create(client, editTurn(client, request), request.model);
		return { operationName, mode: 'edit' };
	} catch (error) {
		if (!isGoneInteraction(error)) throw error;
		const operationName = await create(client, freshGeneration(client, request), request.model);
		return {
			operationName,
			mode: 'generate',
			editFallback: `the earlier take could not be edited (${(error as Error).message}); generated anew with the corrections in the prompt`,
		};
	}
}

function videoOf(interaction: Interaction): GeneratedVideoHandle | undefined {
	for (const step of [...(interaction.steps ?? [])].reverse()) {
		if (step.type !== 'model_output') continue;
		for (const part of [...(step.content ?? [])].reverse()) {
			if (part.type !== 'video') continue;
			if (part.uri) {
				const fileName = fileNameFromUri(part.uri);
				if (fileName) return { uri: part.uri, source: { fileName } satisfies DownloadSource };
			}
			if (part.data) return { source: { inlineBase64: part.data } satisfies DownloadSource };
		}
	}
	return undefined;
}

/** What the model said instead of a video (a safety block comes back as text and no video). */
function textOf(interaction: Interaction): string[] {
	return (interaction.steps ?? [])
		.flatMap((step) => (step.type === 'model_output' ? (step.content ?? []) : []))
		.flatMap((part) =>
			part.type === 'text' && 'text' in part && part.text ? [String(part.text)] : [],
		);
}

/** Why an interaction did not finish: its errors, and the error on its model-output step. */
function errorsOf(interaction: Interaction): string {
	const stepErrors = (interaction.steps ?? []).flatMap((step) =>
		step.type === 'model_output' && step.error ? [step.error] : [],
	);
	const messages = [...(interaction.errors ?? []), ...stepErrors].map((error) =>
		[error.code, error.message].filter(Boolean).join(': '),
	);
	return messages.join('; ') || 'no reason given';
}

export async function checkInteraction(
	client: GoogleClient,
	interactionId: string,
): Promise<OperationState> {
	let interaction: Interaction;
	try {
		interaction = (await client.interactionsSdk.interactions.get(
			interactionId,
			undefined,
			NO_SDK_RETRIES,
		)) as Interaction;
	} catch (error) {
		throw toGoogleFailure(error, `Checking interaction ${interactionId}`);
	}
	switch (interaction.status) {
		case 'queued':
		case 'in_progress':
			return { done: false };
		case 'completed': {
			const video = videoOf(interaction);
			if (video) {
				const outputTokens = interaction.usage?.total_output_tokens;
				return {
					done: true,
					kind: 'videos',
					videos: [video],
					usage:
						outputTokens !== undefined
							? { outputTokens, costUsd: costOfOutputTokens(outputTokens) }
							: undefined,
				};
			}
			const said = textOf(interaction);
			if (said.length)
				return { done: true, kind: 'safety_filtered', filteredCount: 1, reasons: said };
			return {
				done: true,
				kind: 'failed',
				message: 'Omni finished without a video and without a reason',
				retryable: true,
			};
		}
		case 'incomplete':
			return {
				done: true,
				kind: 'failed',
				message: `the interaction ended incomplete (${errorsOf(interaction)})`,
				retryable: true,
			};
		case 'budget_exceeded':
			return {
				done: true,
				kind: 'failed',
				message: `Google stopped the interaction: budget exceeded (${errorsOf(interaction)}). Check the project's spending limit.`,
				retryable: false,
			};
		case 'cancelled':
			return {
				done: true,
				kind: 'failed',
				message: 'the interaction was cancelled at Google',
				retryable: false,
			};
		case 'failed':
			return {
				done: true,
				kind: 'failed',
				message: errorsOf(interaction),
				retryable: true,
			};
		default:
			return {
				done: true,
				kind: 'failed',
				message: `the interaction is "${interaction.status}", which a video generation never asks for`,
				retryable: false,
			};
	}
}

/** Whether an operation name is an Omni interaction id (Veo's operations are resource paths). */
export function isInteractionId(operationName: string): boolean {
	return !operationName.includes('/operations/');
}
