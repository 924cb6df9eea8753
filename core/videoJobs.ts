/**
 * What a video generation service must offer the scheduler. The Google edge implements it with
 * `@google/genai`; the types live here so the scheduler, which has no idea of HTTP, can be tested
 * on its own.
 */

import type { VideoSettings } from './models';

export interface InlineMedia {
	/** Base64 of the bytes. */
	data: string;
	mimeType: string;
}

/** A reference image with what it shows, so a prompt can bind it by name (Gemini Omni). */
export interface ReferenceImage extends InlineMedia {
	/** "Mya", "the product": how the prompt refers to what the image shows. */
	label?: string;
}

/**
 * An edit of an earlier take instead of a fresh generation (Gemini Omni): the earlier take's
 * operation (its interaction) and the instruction, everything else kept. The rest of the request
 * is the fresh generation, used when the earlier take can no longer be edited.
 */
export interface EditRequest {
	previousOperation: string;
	instruction: string;
}

export interface VideoRequest extends VideoSettings {
	negativePrompt?: string;
	firstFrame?: InlineMedia;
	lastFrame?: InlineMedia;
	referenceImages?: ReferenceImage[];
	/** A clip to extend (Veo 3.1). */
	extendVideo?: InlineMedia;
	edit?: EditRequest;
}

/** What the service accepted: the operation to check, and whether it is an edit. */
export interface Submission {
	operationName: string;
	mode: 'generate' | 'edit';
	/** Why an edit that was asked for became a fresh generation. */
	editFallback?: string;
}

/** A generated video as the service hands it back; only the service knows how to fetch it. */
export interface GeneratedVideoHandle {
	/** Google's file URI when the video is stored remotely (Gemini API). */
	uri?: string;
	/** The service's own object, passed back to `download`. */
	source: unknown;
}

export type OperationState =
	| { done: false }
	| { done: true; kind: 'videos'; videos: GeneratedVideoHandle[]; usage?: BilledUsage }
	| { done: true; kind: 'safety_filtered'; filteredCount: number; reasons: string[] }
	| { done: true; kind: 'failed'; message: string; retryable: boolean };

/** What Google reports it billed, where it bills by tokens (Gemini Omni). */
export interface BilledUsage {
	outputTokens: number;
	costUsd: number;
}

export interface ClipInfo {
	durationSeconds: number;
	width?: number;
	height?: number;
	sizeBytes: number;
}

export interface VideoService {
	submit(request: VideoRequest): Promise<Submission>;
	check(operationName: string): Promise<OperationState>;
	download(video: GeneratedVideoHandle, destinationPath: string): Promise<void>;
	/** Whether the downloaded file is a whole, playable clip of the expected length. */
	verify(
		filePath: string,
		expectedDurationSeconds: number,
	): Promise<{ ok: true; info: ClipInfo } | { ok: false; reason: string }>;
}
