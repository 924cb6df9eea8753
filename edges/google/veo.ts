import {
	GenerateVideosOperation,
	VideoGenerationReferenceType,
	type GeneratedVideo,
	type GenerateVideosParameters,
	type HttpOptions,
} from '@google/genai';

import { describeError, NonRetryableFailure, RetryableFailure } from '../../core/failures';
import type {
	GeneratedVideoHandle,
	InlineMedia,
	OperationState,
	VideoRequest,
} from '../../core/videoJobs';
import type { GoogleClient } from './client';
import { fetchWithTypedFailures, toGoogleFailure } from './failures';

/**
 * Veo through the official SDK: submit a long-running generation, check it, download its video.
 * Each call is one request; waiting, polling cadence and retries are the scheduler's business.
 */

export type { OperationState, VideoRequest } from '../../core/videoJobs';

function toSdkParameters(request: VideoRequest): GenerateVideosParameters {
	const image = (inline: InlineMedia) => ({ imageBytes: inline.data, mimeType: inline.mimeType });
	return {
		model: request.model,
		source: {
			prompt: request.prompt,
			image: request.firstFrame ? image(request.firstFrame) : undefined,
			video: request.extendVideo
				? { videoBytes: request.extendVideo.data, mimeType: request.extendVideo.mimeType }
				: undefined,
		},
		config: {
			numberOfVideos: request.numberOfVideos,
			durationSeconds: request.durationSeconds,
			aspectRatio: request.aspectRatio,
			resolution: request.resolution,
			negativePrompt: request.negativePrompt || undefined,
			personGeneration: request.personGeneration,
			enhancePrompt: request.enhancePrompt,
			seed: request.seed,
			generateAudio: request.generateAudio,
			lastFrame: request.lastFrame ? image(request.lastFrame) : undefined,
			referenceImages: request.referenceImages?.map((reference) => ({
				image: image(reference),
				referenceType: VideoGenerationReferenceType.ASSET,
			})),
		},
	};
}

/** Starts a generation; returns the operation name to check later (it survives restarts). */
export async function submitVideo(client: GoogleClient, request: VideoRequest): Promise<string> {
	try {
		const operation = await client.sdk.models.generateVideos(toSdkParameters(request));
		if (!operation.name) {
			throw new NonRetryableFailure('Veo accepted the request but returned no operation name');
		}
		return operation.name;
	} catch (error) {
		throw toGoogleFailure(error, `Submitting to ${request.model}`);
	}
}

/** Operation errors that a new attempt may not repeat (Google's own transient codes). */
const TRANSIENT_OPERATION_CODES = new Set([4, 8, 10, 13, 14]);

export async function checkVideoOperation(
	client: GoogleClient,
	operationName: string,
): Promise<OperationState> {
	const operation = new GenerateVideosOperation();
	operation.name = operationName;
	let current: GenerateVideosOperation;
	try {
		current = (await client.sdk.operations.getVideosOperation({
			operation,
		})) as GenerateVideosOperation;
	} catch (error) {
		throw toGoogleFailure(error, `Checking ${operationName}`);
	}
	if (!current.done) return { done: false };
	if (current.error) {
		const code = Number(current.error.code);
		const message = String(current.error.message ?? JSON.stringify(current.error));
		return {
			done: true,
			kind: 'failed',
			message,
			retryable: TRANSIENT_OPERATION_CODES.has(code) || !code,
		};
	}
	const videos: GeneratedVideoHandle[] = (current.response?.generatedVideos ?? [])
		.filter((video) => video.video?.uri || video.video?.videoBytes)
		.map((video) => ({ uri: video.video?.uri, source: video }));
	const filteredCount = current.response?.raiMediaFilteredCount ?? 0;
	if (videos.length === 0) {
		if (filteredCount > 0 || current.response?.raiMediaFilteredReasons?.length) {
			return {
				done: true,
				kind: 'safety_filtered',
				filteredCount: Math.max(filteredCount, 1),
				reasons: current.response?.raiMediaFilteredReasons ?? [],
			};
		}
		return {
			done: true,
			kind: 'failed',
			message: 'Veo finished without a video and without a reason',
			retryable: true,
		};
	}
	return { done: true, kind: 'videos', videos };
}

/** A copy of `body` that ends where a broken connection cut it, instead of erroring. */
function endingAtBreak(
	body: ReadableStream<Uint8Array>,
	onBreak: (error: unknown) => void,
): ReadableStream<Uint8Array> {
	const reader = body.getReader();
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				const { done, value } = await reader.read();
				if (done) controller.close();
				else controller.enqueue(value);
			} catch (error) {
				onBreak(error);
				controller.close();
			}
		},
		cancel: (reason) => reader.cancel(reason),
	});
}

/** Writes the generated video to a file (streamed for URIs; decoded for inline Vertex bytes). */
export async function downloadVideo(
	client: GoogleClient,
	video: GeneratedVideoHandle,
	destinationPath: string,
): Promise<void> {
	let broken: unknown;
	// The SDK pipes the body into the file with no error listener, so a connection cut mid-file
	// would crash the process (and n8n with it). The body ends at the cut instead, and it is
	// reported below as a broken transfer.
	const fetchEndingAtBreak: typeof fetch = async (input, init) => {
		const response = await fetchWithTypedFailures(input, init);
		if (!response.ok || !response.body) return response;
		const body = endingAtBreak(response.body, (error) => (broken = error));
		return new Response(body, {
			status: response.status,
			statusText: response.statusText,
			headers: response.headers,
		});
	};
	try {
		await client.sdk.files.download({
			file: video.source as GeneratedVideo,
			downloadPath: destinationPath,
			config: { httpOptions: { fetch: fetchEndingAtBreak } as HttpOptions },
		});
	} catch (error) {
		const failure = toGoogleFailure(error, 'Downloading the clip');
		// A broken transfer is worth another try; Google keeps the file for two days.
		throw failure instanceof NonRetryableFailure && !failure.status
			? new RetryableFailure(failure.message, undefined, { cause: error })
			: failure;
	}
	if (broken) {
		throw new RetryableFailure(
			`Downloading the clip: the connection broke mid-file (${describeError(broken)})`,
			undefined,
			{ cause: broken },
		);
	}
}
