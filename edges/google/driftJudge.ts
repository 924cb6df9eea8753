import { DEFAULT_RETRY_POLICY, withRetries, type Sleep } from '../../core/retry';
import type { DriftJudge } from '../../core/scoring/scorer';
import type { GoogleClient } from './client';
import { deleteFile, generateJson, videoPart } from './gemini';

/**
 * The semantic drift judge on Gemini: the clip (inline, or uploaded when larger than
 * `inlineLimitBytes` on the Gemini API) and the question the core built, with retries on Google's
 * passing faults. The answer is checked by the core.
 */
export function geminiDriftJudge(
	client: GoogleClient,
	model: string,
	sleep: Sleep,
	options: { inlineLimitBytes?: number } = {},
): DriftJudge {
	return {
		model,
		async ask(clip, request) {
			const video = await videoPart(
				client,
				clip.path,
				clip.mimeType ?? 'video/mp4',
				sleep,
				options.inlineLimitBytes,
			);
			try {
				return await withRetries(
					() =>
						generateJson(client, {
							model,
							systemInstruction: request.systemInstruction,
							parts: [video.part, { text: request.text }],
							responseJsonSchema: request.responseJsonSchema,
							temperature: 0,
						}),
					{ ...DEFAULT_RETRY_POLICY, sleep },
				);
			} finally {
				// Google deletes uploads after two days anyway: a failed clean-up must not fail the score.
				if (video.uploaded) await deleteFile(client, video.uploaded).catch(() => undefined);
			}
		},
	};
}
