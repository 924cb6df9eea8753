import { type GeneratedVideo, type HttpOptions } from '@google/genai';
import { promises as fs } from 'fs';

import { describeError, NonRetryableFailure, RetryableFailure } from '../../core/failures';
import type { GeneratedVideoHandle } from '../../core/videoJobs';
import type { GoogleClient } from './client';
import { fetchWithTypedFailures, toGoogleFailure } from './failures';

/**
 * Fetching a generated clip into a file, for Veo and Omni alike: streamed from Google's file
 * store when the result names a file, decoded when the bytes came inline.
 */

/** What `download` needs: a Google file name (`files/<id>`), or the video's bytes. */
export type DownloadSource =
	| { fileName: string }
	| { inlineBase64: string }
	| { veo: GeneratedVideo };

/**
 * The Google file behind a download URI. Google's URIs (`https://.../files/<id>:download`) and
 * a stand-in's (`http://127.0.0.1:.../files/<id>:download`) both name it; the SDK itself only
 * understands the https form, so the name is taken out here.
 */
export function fileNameFromUri(uri: string): string | undefined {
	const id = /\/files\/([a-z0-9]+)/.exec(uri)?.[1];
	return id ? `files/${id}` : undefined;
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

/** Writes the generated video to a file (streamed for files; decoded for inline bytes). */
export async function downloadVideo(
	client: GoogleClient,
	video: GeneratedVideoHandle,
	destinationPath: string,
): Promise<void> {
	const source = video.source as DownloadSource;
	if ('inlineBase64' in source) {
		await fs.writeFile(destinationPath, Buffer.from(source.inlineBase64, 'base64'));
		return;
	}
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
			file: 'fileName' in source ? source.fileName : source.veo,
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
