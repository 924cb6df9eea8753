import {
	GenerateVideosOperation,
	VideoGenerationReferenceType,
	type GenerateVideosParameters,
} from '@google/genai';

import { NonRetryableFailure } from '../../core/failures';
import type {
	GeneratedVideoHandle,
	InlineMedia,
	OperationState,
	VideoRequest,
} from '../../core/videoJobs';
import type { GoogleClient } from './client';
import type { DownloadSource } from './download';
import { toGoogleFailure } from './failures';

/**
 * Veo through the official SDK: submit a long-running generation, check it, download its video.
 * Each call is one request; waiting, polling cadence and retries are the scheduler's business.
 */

export type { OperationState, VideoRequest } from '../../core/videoJobs';
export { downloadVideo } from './download';

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
		.map((video) => ({ uri: video.video?.uri, source: { veo: video } satisfies DownloadSource }));
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
