import { promises as fs } from 'fs';

import type { InteractionRecord, InteractionStatus, StandInState } from './state';

/**
 * An interaction as the Interactions API answers it (the SDK's `Interaction` type): its status,
 * computed when asked, its steps (`user_input`, and a `model_output` holding the video, a text,
 * or the reason it has none), and its usage.
 */

/** About 5,800 output tokens per second of video (5,792 in OpenMontage's Omni notes, [3P]). */
const VIDEO_TOKENS_PER_SECOND = 5792;

/**
 * A blocked video comes back `completed` with text and no video ([3P], issue 13); the words are
 * the stand-in's own.
 */
const SAFETY_TEXT =
	"I can't make this video. The request or the video it would produce may violate Google's Generative AI Prohibited Use Policy.";

export const TERMINAL: InteractionStatus[] = [
	'completed',
	'failed',
	'cancelled',
	'incomplete',
	'budget_exceeded',
];

function timestamp(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function tokensOf(text: string): number {
	return Math.ceil(text.length / 4);
}

/** The status now, waiting for the clip to be encoded once the latency has passed. */
export async function statusOf(
	state: StandInState,
	record: InteractionRecord,
): Promise<InteractionStatus> {
	const now = Date.now();
	if (record.cancelled) return 'cancelled';
	if (now < record.queuedUntil) return 'queued';
	if (now < record.dueAt) return 'in_progress';
	await record.render;
	if (record.renderError || record.outcome === 'failed') return 'failed';
	if (record.outcome === 'budget_exceeded') return 'budget_exceeded';
	if (record.outcome === 'video' && record.format.delivery === 'inline') {
		const size = state.files.get(record.fileId!)?.sizeBytes ?? 0;
		if (size > state.settings.inlineVideoLimitBytes) return 'incomplete';
	}
	return 'completed';
}

function updatedAt(record: InteractionRecord, status: InteractionStatus): number {
	if (status === 'queued') return record.createdAt;
	if (status === 'in_progress') return record.queuedUntil;
	return record.finishedAt ?? record.dueAt;
}

/** The `model_output` step of a finished interaction, if it has one. */
async function modelOutput(
	state: StandInState,
	record: InteractionRecord,
	status: InteractionStatus,
	origin: string,
): Promise<Record<string, unknown> | undefined> {
	const failure = (code: number, message: string) => ({
		type: 'model_output',
		error: { code, message },
	});
	switch (status) {
		case 'failed':
			return failure(
				13,
				record.renderError
					? `Rendering failed: ${record.renderError}`
					: 'Video generation failed due to an internal error. Please try again.',
			);
		case 'budget_exceeded':
			return failure(8, 'The interaction used up its budget before the video was finished.');
		case 'incomplete': {
			const size = state.files.get(record.fileId!)?.sizeBytes ?? 0;
			return failure(
				3,
				`The video (${size} bytes) is larger than can be delivered inline ` +
					`(${state.settings.inlineVideoLimitBytes} bytes): ask for response_format.delivery "uri".`,
			);
		}
		case 'completed':
			if (record.outcome === 'safety_filtered')
				return { type: 'model_output', content: [{ type: 'text', text: SAFETY_TEXT }] };
			return { type: 'model_output', content: [await videoContent(state, record, origin)] };
		default:
			return undefined;
	}
}

async function videoContent(
	state: StandInState,
	record: InteractionRecord,
	origin: string,
): Promise<Record<string, unknown>> {
	const video = { type: 'video', mime_type: 'video/mp4' };
	if (record.format.delivery === 'uri') {
		// The Gemini API hands out a Files API download URI; this stand-in names its own host, so a
		// client that follows the URI as given reaches it. Vertex AI writes to the caller's bucket.
		const uri =
			record.backend === 'vertex'
				? `${record.format.gcsUri!.replace(/\/+$/, '')}/${record.id}.mp4`
				: `${origin}/v1beta/files/${record.fileId}:download?alt=media`;
		return { ...video, uri };
	}
	let bytes = await fs.readFile(state.files.get(record.fileId!)!.path);
	if (record.truncated) bytes = bytes.subarray(0, Math.floor(bytes.length / 2));
	return { ...video, data: bytes.toString('base64') };
}

function usageOf(record: InteractionRecord, status: InteractionStatus): Record<string, unknown> {
	const input = { total_input_tokens: record.inputTokens };
	const output = (modality: string, tokens: number) => ({
		...input,
		total_output_tokens: tokens,
		output_tokens_by_modality: [{ modality, tokens }],
		total_tokens: record.inputTokens + tokens,
	});
	if (status !== 'completed') return { ...input, total_tokens: record.inputTokens };
	if (record.outcome === 'safety_filtered') return output('text', tokensOf(SAFETY_TEXT));
	return output('video', VIDEO_TOKENS_PER_SECOND * record.format.durationSeconds);
}

/** The interaction as Google answers it: a create names only the model's steps, a get all. */
export async function present(
	state: StandInState,
	record: InteractionRecord,
	origin: string,
	{ withUserInput, withInput = false }: { withUserInput: boolean; withInput?: boolean },
): Promise<Record<string, unknown>> {
	const status = await statusOf(state, record);
	const output = await modelOutput(state, record, status, origin);
	const steps = [
		...(withUserInput ? [{ type: 'user_input', content: record.userContent }] : []),
		...(output ? [output] : []),
	];
	return {
		id: record.id,
		model: record.model,
		status,
		created: timestamp(record.createdAt),
		updated: timestamp(updatedAt(record, status)),
		...(record.previousInteractionId
			? { previous_interaction_id: record.previousInteractionId }
			: {}),
		...record.echo,
		...(withInput ? { input: record.userContent } : {}),
		steps,
		...(TERMINAL.includes(status) ? { usage: usageOf(record, status) } : {}),
	};
}
