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

export interface VideoRequest extends VideoSettings {
	negativePrompt?: string;
	enhancePrompt?: boolean;
	firstFrame?: InlineMedia;
	lastFrame?: InlineMedia;
	referenceImages?: InlineMedia[];
	/** A clip to extend (Veo 3.1). */
	extendVideo?: InlineMedia;
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
	| { done: true; kind: 'videos'; videos: GeneratedVideoHandle[] }
	| { done: true; kind: 'safety_filtered'; filteredCount: number; reasons: string[] }
	| { done: true; kind: 'failed'; message: string; retryable: boolean };

export interface ClipInfo {
	durationSeconds: number;
	width?: number;
	height?: number;
	sizeBytes: number;
}

export interface VideoService {
	submit(request: VideoRequest): Promise<string>;
	check(operationName: string): Promise<OperationState>;
	download(video: GeneratedVideoHandle, destinationPath: string): Promise<void>;
	/** Whether the downloaded file is a whole, playable clip of the expected length. */
	verify(
		filePath: string,
		expectedDurationSeconds: number,
	): Promise<{ ok: true; info: ClipInfo } | { ok: false; reason: string }>;
}
