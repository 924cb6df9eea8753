import { promises as fs } from 'fs';
import path from 'path';

import { HttpError, newId, sendJson, sha256 } from '../http';
import {
	bindImageTags,
	parseInput,
	parseTask,
	parseVideoFormat,
	type ContentPart,
	type InteractionInput,
} from '../interactionRequest';
import { present, statusOf, TERMINAL, tokensOf } from '../interactionResponse';
import { omniModel, type Backend, type OmniModel } from '../models';
import { editPicture, pictureFor, withDrift, type Picture } from '../picture';
import type { ImageBinding, InteractionRecord, StandInState, VideoFormat } from '../state';
import type { Call, Route } from './route';

/**
 * The Interactions API for Gemini Omni Flash, as the pinned SDK (@google/genai 2.32.0) calls it:
 * `POST {ver}/interactions`, `GET {ver}/interactions/{id}`, `POST .../{id}/cancel` and
 * `DELETE .../{id}`, on the Gemini API (`v1beta`; `v1` for the 3.x SDK) and on Vertex AI
 * (`v1beta1`, under `projects/{p}/locations/global` or, in Express mode, without it).
 *
 * Background interactions answer at once and are polled; blocking ones answer when done. A clip
 * is drawn from the prompt as Veo's are; images are bound by the prompt's tags; a first frame
 * opens the clip. Given an earlier interaction (`previous_interaction_id`) and no explicit task,
 * the interaction edits that clip: it keeps its picture and changes only what the instruction
 * names. An explicit task stops that chaining, as Google is reported to do (issue 13); an edit,
 * extension or upscale with an explicit task needs its video in the input.
 *
 * Where Google's behaviour is not published, the stand-in chooses, and says so here:
 * - a clip over the inline limit ends `incomplete`, its model output step carrying the reason;
 * - chaining to an interaction deleted, created with `store: false` or unknown answers 404, so
 *   a client falls back to a fresh generation; to one still running, 400 FAILED_PRECONDITION;
 * - a background interaction created with `store: false` can be polled, but not chained to;
 * - cancelling a finished interaction answers 400 FAILED_PRECONDITION;
 * - interactions and Veo operations share one quota of concurrent video jobs (state.ts).
 */

/** Where an interaction lives: its backend and, on Vertex AI, its `projects/{p}/locations/{l}`. */
interface Scope {
	backend: Backend;
	parent: string;
}

/** What Gemini counts an image as in a prompt (258 tokens, Gemini API token docs). */
const IMAGE_TOKENS = 258;

/** An interaction that can be read back: created in this scope and stored (or running). */
function findInteraction(state: StandInState, scope: Scope, id: string): InteractionRecord {
	const record = state.interactions.get(id);
	if (!record || record.backend !== scope.backend || (!record.store && !record.background))
		throw new HttpError(404, `Interaction ${id} not found.`);
	return record;
}

/** What an earlier clip showed, and, when an interaction made it, how and from what frames. */
interface SourceClip {
	picture: Picture;
	format?: VideoFormat;
	frames?: InteractionRecord['frames'];
	interactionId?: string;
}

/**
 * The earlier interaction an edit chains to. Google keeps only stored interactions for that, and
 * only once they are finished ("That interaction must have been run with store=true and must be
 * in a terminal state", js-genai's CreateInteractionEvent docs). Gone, never stored or unknown
 * answers 404, which a client can take as its cue to generate afresh.
 */
async function previousInteraction(
	state: StandInState,
	scope: Scope,
	id: string,
): Promise<InteractionRecord> {
	const record = state.interactions.get(id);
	if (!record || record.backend !== scope.backend || !record.store)
		throw new HttpError(404, `Interaction ${id} not found.`);
	const status = await statusOf(state, record);
	if (!TERMINAL.includes(status)) {
		throw new HttpError(
			400,
			`Interaction ${id} is ${status}: an interaction continues from one in a terminal state (completed, failed...).`,
			undefined,
			'FAILED_PRECONDITION',
		);
	}
	return record;
}

/** A video of the input that the stand-in made, found by its bytes or its Files API id. */
function knownVideo(state: StandInState, videos: ContentPart[]): SourceClip | undefined {
	for (const video of videos) {
		const fileId = video.uri ? /files\/([a-z0-9]+)/.exec(video.uri)?.[1] : undefined;
		const hash = video.data
			? sha256(Buffer.from(video.data, 'base64'))
			: fileId
				? state.files.get(fileId)?.sha256
				: undefined;
		const truth = hash ? state.truths.get(hash) : undefined;
		if (truth)
			return { picture: truth.picture, frames: state.interactions.get(truth.operationId)?.frames };
	}
	return undefined;
}

/** The bytes of an input image: inline, or a file uploaded to the stand-in's Files API. */
async function imageBytes(state: StandInState, image: ContentPart): Promise<Buffer> {
	if (image.data) return Buffer.from(image.data, 'base64');
	const fileId = /\/files\/([a-z0-9]+)/.exec(image.uri ?? '')?.[1];
	const file = fileId ? state.files.get(fileId) : undefined;
	if (!file) {
		throw new HttpError(
			400,
			`Cannot read the image at ${image.uri}: the stand-in reads images given inline or uploaded to its Files API.`,
		);
	}
	return fs.readFile(file.path);
}

const IMAGE_EXTENSIONS: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/webp': 'webp',
};

/** Binds the input's images to the prompt's tags, and writes the frame images for ffmpeg. */
async function bindImages(
	state: StandInState,
	model: OmniModel,
	input: InteractionInput,
): Promise<{ bindings: ImageBinding[]; frames: InteractionRecord['frames'] }> {
	const tags = bindImageTags(input.text, input.images.length);
	const references = input.images.length - tags.filter((tag) => /_FRAME$/.test(tag.tag)).length;
	if (references > model.maxReferenceImages) {
		throw new HttpError(
			400,
			`${model.id} takes at most ${model.maxReferenceImages} reference images; the input has ${references}.`,
		);
	}
	const bindings: ImageBinding[] = [];
	const framePaths: Record<string, string> = {};
	for (const { tag, image } of tags) {
		const part = input.images[image];
		const bytes = await imageBytes(state, part);
		const mimeType = part.mime_type ?? 'image/png';
		const hash = sha256(bytes);
		bindings.push({ tag, image, mimeType, sha256: hash });
		if (tag === 'FIRST_FRAME' || tag === 'LAST_FRAME') {
			const framePath = path.join(
				state.workDir,
				`frame-${hash.slice(0, 16)}.${IMAGE_EXTENSIONS[mimeType] ?? 'png'}`,
			);
			await fs.writeFile(framePath, bytes);
			framePaths[tag] = framePath;
		}
	}
	return { bindings, frames: { first: framePaths.FIRST_FRAME, last: framePaths.LAST_FRAME } };
}

function defaultFormat(model: OmniModel): VideoFormat {
	return {
		aspectRatio: '16:9',
		// Omni 1.1 picks its own length when none is asked for ("Model-selected duration",
		// developer.civitai.com's Omni recipe); the stand-in makes 8 s.
		durationSeconds: Math.min(model.maxSeconds, Math.max(model.minSeconds, 8)),
		resolution: '720p', // "Defaults to 720p." (VideoResponseFormat_2.resolution)
		delivery: 'inline',
	};
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

async function create(call: Call, scope: Scope): Promise<void> {
	const { state, response } = call;
	const body = await call.json();
	state.stats.interactionCreates += 1;
	if (body.stream === true)
		throw new HttpError(400, 'The stand-in does not stream interactions: leave stream unset.');
	if (typeof body.model !== 'string' || !body.model) throw new HttpError(400, 'model is required.');
	const model = omniModel(scope.backend, body.model, scope.parent);
	const task = parseTask(body.generation_config);
	const input = parseInput(body.input);
	const store = body.store !== false;
	const background = body.background === true;

	// Chaining: the earlier interaction's clip is the one to edit, unless a task is named.
	const previousId =
		typeof body.previous_interaction_id === 'string' ? body.previous_interaction_id : undefined;
	const previous =
		previousId && !task ? await previousInteraction(state, scope, previousId) : undefined;
	const source: SourceClip | undefined =
		previous?.picture && previous.outcome === 'video' && !previous.renderError
			? {
					picture: previous.picture,
					format: previous.format,
					frames: previous.frames,
					interactionId: previous.id,
				}
			: knownVideo(state, input.videos);
	if (task && ['edit', 'extend', 'upscale'].includes(task) && !source) {
		throw new HttpError(
			400,
			`The task "${task}" needs the video to work on in the input (previous_interaction_id is not followed when a task is named).`,
		);
	}
	const format = parseVideoFormat(
		body.response_format,
		model,
		scope.backend,
		source?.format ?? defaultFormat(model),
	);
	const bound = await bindImages(state, model, input);
	const { bindings } = bound;
	// A clip made from an earlier one keeps its frames unless the request gives new ones.
	const frames = {
		first: bound.frames.first ?? source?.frames?.first,
		last: bound.frames.last ?? source?.frames?.last,
	};
	const hasFrame = bindings.some((binding) => /_FRAME$/.test(binding.tag));
	const performedTask =
		task ??
		(source
			? 'edit'
			: hasFrame
				? 'image_to_video'
				: bindings.length
					? 'reference_to_video'
					: 'text_to_video');

	const now = Date.now();
	const running = state.admitVideoJob('interaction', now);
	// The whole conversation is the prompt a fault rule's `match` reads, so a rule for "Shot 3"
	// strikes the edits of shot 3 too. As for Veo, faults strike only requests the quota admits.
	const context = [previous?.prompt, input.earlierText, input.text].filter(Boolean).join('\n');
	const resultFault = state.strikeFault('predict', context);
	let picture: Picture;
	if (performedTask === 'edit' && source) {
		picture = withDrift(
			editPicture(source.picture, input.text),
			state.driftFor('predict', context, false),
		);
	} else if (source && (performedTask === 'extend' || performedTask === 'upscale')) {
		picture = source.picture;
	} else {
		picture = pictureFor(context, state.driftFor('predict', context));
	}

	const id = newId();
	const outcomes: Record<string, InteractionRecord['outcome']> = {
		operation_failed: 'failed',
		safety_filtered: 'safety_filtered',
		budget_exceeded: 'budget_exceeded',
	};
	const record: InteractionRecord = {
		id,
		backend: scope.backend,
		parent: scope.parent,
		model: model.id,
		prompt: context,
		userContent: input.userContent,
		echo: {
			...(body.generation_config ? { generation_config: body.generation_config } : {}),
			...(body.response_format ? { response_format: body.response_format } : {}),
		},
		background,
		store,
		createdAt: now,
		queuedUntil: now + Math.min(state.settings.interactionQueuedMs, state.settings.latencyMs),
		dueAt: now + state.settings.latencyMs,
		task,
		performedTask,
		previousInteractionId: previousId,
		editedInteractionId: source?.interactionId,
		format,
		bindings,
		frames,
		outcome: outcomes[resultFault?.effect ?? ''] ?? 'video',
		picture,
		cancelled: false,
		truncated: false,
		inputTokens:
			tokensOf([input.earlierText, input.text].join('\n')) + IMAGE_TOKENS * input.images.length,
	};
	state.interactions.set(id, record);
	state.noteRunningVideoJobs(running + 1);
	if (performedTask === 'edit') state.stats.interactionEdits += 1;
	if (bindings.some((binding) => binding.tag.startsWith('IMAGE_REF_')))
		state.stats.interactionsWithReferenceImages += 1;
	if (bound.frames.first) state.stats.interactionsWithFirstFrame += 1;

	if (record.outcome === 'video') {
		record.filePath = path.join(state.workDir, `${id}.mp4`);
		record.fileId = `video${id}`;
		record.render = state
			.renderClip(
				{
					picture,
					prompt: context,
					durationSeconds: format.durationSeconds,
					aspectRatio: format.aspectRatio,
					resolution: format.resolution,
					// Omni always makes sound (no audio switch in the request).
					withAudio: true,
					firstFramePath: frames.first,
					lastFramePath: frames.last,
				},
				{ id, filePath: record.filePath, fileId: record.fileId },
			)
			.then(
				() => {
					record.finishedAt = Math.max(Date.now(), record.dueAt);
				},
				(error: Error) => {
					record.renderError = error.message;
				},
			);
	}
	// A blocking create answers once the clip is due (timers may fire a millisecond early).
	if (!background) while (Date.now() < record.dueAt) await sleep(record.dueAt - Date.now() + 1);
	sendJson(response, 200, await present(state, record, call.origin, { withUserInput: false }));
}

async function get(call: Call, scope: Scope, id: string): Promise<void> {
	const { state, response, url } = call;
	state.stats.interactionGets += 1;
	if (url.searchParams.get('stream') === 'true')
		throw new HttpError(400, 'The stand-in does not stream interactions: ask with stream=false.');
	const record = findInteraction(state, scope, id);
	const fault = state.strikeFault('operation', record.prompt);
	if (fault?.effect === 'truncated_download') record.truncated = true;
	const withInput = url.searchParams.get('include_input') === 'true';
	sendJson(
		response,
		200,
		await present(state, record, call.origin, { withUserInput: true, withInput }),
	);
}

/** "Cancels an interaction by id. This only applies to background interactions" (the SDK). */
async function cancel(call: Call, scope: Scope, id: string): Promise<void> {
	const { state, response } = call;
	state.stats.interactionCancels += 1;
	const record = findInteraction(state, scope, id);
	if (!record.background)
		throw new HttpError(400, `Interaction ${id} was not created in the background.`);
	const status = await statusOf(state, record);
	if (TERMINAL.includes(status)) {
		throw new HttpError(
			400,
			`Interaction ${id} is already ${status} and cannot be cancelled.`,
			undefined,
			'FAILED_PRECONDITION',
		);
	}
	record.cancelled = true;
	record.finishedAt = Date.now();
	sendJson(response, 200, await present(state, record, call.origin, { withUserInput: true }));
}

function remove(call: Call, scope: Scope, id: string): void {
	const { state, response } = call;
	state.stats.interactionDeletes += 1;
	findInteraction(state, scope, id);
	state.interactions.delete(id);
	sendJson(response, 200, {});
}

/** The four routes of one place interactions live, its scope read from the path's groups. */
function routesUnder(prefix: string, scopeOf: (params: string[]) => Scope): Route[] {
	const id = '([^/:]+)';
	const path = (rest: string) => new RegExp(`^${prefix}\\/interactions${rest}$`);
	const last = (params: string[]) => params[params.length - 1];
	return [
		{ method: 'POST', path: path(''), handle: (call) => create(call, scopeOf(call.params)) },
		{
			method: 'GET',
			path: path(`\\/${id}`),
			handle: (call) => get(call, scopeOf(call.params), last(call.params)),
		},
		{
			method: 'DELETE',
			path: path(`\\/${id}`),
			handle: (call) => remove(call, scopeOf(call.params), last(call.params)),
		},
		{
			method: 'POST',
			path: path(`\\/${id}\\/cancel`),
			handle: (call) => cancel(call, scopeOf(call.params), last(call.params)),
		},
	];
}

export const interactionRoutes: Route[] = [
	// Gemini API: v1beta (SDK 2.x), v1 (SDK 3.x).
	...routesUnder('\\/(?:v1beta|v1alpha|v1)', () => ({ backend: 'gemini', parent: '' })),
	// Vertex AI with a project: the location is checked against the model's.
	...routesUnder('\\/(?:v1beta1|v1)\\/(projects\\/[^/]+\\/locations\\/[^/]+)', (params) => ({
		backend: 'vertex',
		parent: params[0],
	})),
	// Vertex AI in Express mode (an API key, no project).
	...routesUnder('\\/v1beta1', () => ({ backend: 'vertex', parent: '' })),
];
