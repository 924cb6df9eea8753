import { HttpError } from './http';
import type { Backend, OmniModel } from './models';
import type { VideoFormat } from './state';

/**
 * Reading an Omni request of the Interactions API as the pinned SDK types it (@google/genai
 * 2.32.0, genai.d.ts: CreateModelInteraction, VideoResponseFormat_2, VideoConfig, Task), and
 * refusing what Google refuses.
 */

export interface ContentPart {
	type: string;
	text?: string;
	data?: string;
	uri?: string;
	mime_type?: string;
}

export interface InteractionInput {
	/** The text of the user's turn: the prompt, or an edit's instruction. */
	text: string;
	/** Text of earlier user turns resent as steps (Google's Vertex notebook edits that way). */
	earlierText: string;
	images: ContentPart[];
	/** Videos of the user's turn, then clips of earlier model turns resent as steps. */
	videos: ContentPart[];
	/** The user's turn as sent, for the `user_input` step. */
	userContent: ContentPart[];
}

/** `Task` in the SDK's types. */
export const VIDEO_TASKS = [
	'text_to_video',
	'image_to_video',
	'reference_to_video',
	'edit',
	'extend',
	'upscale',
];

const ASPECT_RATIOS = ['16:9', '9:16'];
const RESOLUTIONS = ['360p', '720p', '1080p', '4k'];

function isStep(value: unknown): value is { type: string; content?: ContentPart[] } {
	const type = (value as { type?: unknown })?.type;
	return type === 'user_input' || type === 'model_output' || type === 'thought';
}

function textOf(parts: ContentPart[]): string {
	return parts
		.filter((part) => part.type === 'text')
		.map((part) => part.text ?? '')
		.join('\n');
}

/**
 * `input`: a string, one content, a list of contents, or a list of steps (an earlier
 * conversation resent, ending with the new user turn).
 */
export function parseInput(input: unknown): InteractionInput {
	if (input === undefined || input === null || input === '')
		throw new HttpError(400, 'input is required.');
	if (typeof input === 'string') {
		const part = { type: 'text', text: input };
		return { text: input, earlierText: '', images: [], videos: [], userContent: [part] };
	}
	const list = (Array.isArray(input) ? input : [input]) as unknown[];
	if (list.length && list.every(isStep)) {
		const steps = list as Array<{ type: string; content?: ContentPart[] }>;
		const userTurns = steps.filter((step) => step.type === 'user_input');
		const last = userTurns[userTurns.length - 1]?.content ?? [];
		return {
			text: textOf(last),
			earlierText: userTurns
				.slice(0, -1)
				.map((step) => textOf(step.content ?? []))
				.join('\n'),
			images: last.filter((part) => part.type === 'image'),
			videos: [
				...last.filter((part) => part.type === 'video'),
				...steps
					.filter((step) => step.type === 'model_output')
					.flatMap((step) => step.content ?? [])
					.filter((part) => part.type === 'video'),
			],
			userContent: last,
		};
	}
	const parts = list as ContentPart[];
	for (const part of parts) {
		if (typeof part?.type !== 'string')
			throw new HttpError(400, 'Each content of input needs a type, such as "text" or "image".');
		if ((part.type === 'image' || part.type === 'video') && !part.data && !part.uri)
			throw new HttpError(400, `An ${part.type} content needs data or a uri.`);
	}
	return {
		text: textOf(parts),
		earlierText: '',
		images: parts.filter((part) => part.type === 'image'),
		videos: parts.filter((part) => part.type === 'video'),
		userContent: parts,
	};
}

/** `generation_config.video_config.task`, when the request names one. */
export function parseTask(generationConfig: unknown): string | undefined {
	const task = (generationConfig as { video_config?: { task?: unknown } } | undefined)?.video_config
		?.task;
	if (task === undefined) return undefined;
	if (typeof task !== 'string' || !VIDEO_TASKS.includes(task)) {
		throw new HttpError(
			400,
			`Invalid value at 'generation_config.video_config.task' (${JSON.stringify(task)}): use one of ${VIDEO_TASKS.join(', ')}.`,
		);
	}
	return task;
}

/**
 * The video `response_format` (an object, or one entry of a list), its values checked against
 * the model. A duration is a string of whole seconds ("6s"); a bare number is refused as Google's
 * JSON parser refuses a number for a string field ([3P] reports a 400).
 */
export function parseVideoFormat(
	responseFormat: unknown,
	model: OmniModel,
	backend: Backend,
	defaults: VideoFormat,
): VideoFormat {
	const entries = (Array.isArray(responseFormat) ? responseFormat : [responseFormat]) as Array<
		Record<string, unknown> | undefined
	>;
	const video = entries.find((entry) => entry?.type === 'video');
	if (!video) return defaults;

	let durationSeconds = defaults.durationSeconds;
	if (video.duration !== undefined) {
		if (typeof video.duration !== 'string') {
			throw new HttpError(
				400,
				`Invalid value at 'response_format.duration' (TYPE_STRING), ${JSON.stringify(video.duration)}`,
			);
		}
		const seconds = /^(\d+)s$/.exec(video.duration)?.[1];
		if (!seconds) {
			throw new HttpError(
				400,
				`Invalid duration "${video.duration}": give whole seconds with an "s", such as "6s".`,
			);
		}
		durationSeconds = Number(seconds);
	}
	if (durationSeconds < model.minSeconds || durationSeconds > model.maxSeconds) {
		throw new HttpError(
			400,
			`The duration ${durationSeconds}s is out of range for ${model.id}: ` +
				`it makes clips of ${model.minSeconds} to ${model.maxSeconds} seconds.`,
		);
	}
	const aspectRatio = String(video.aspect_ratio ?? defaults.aspectRatio);
	if (!ASPECT_RATIOS.includes(aspectRatio)) {
		throw new HttpError(
			400,
			`Unsupported aspect_ratio "${aspectRatio}": use one of ${ASPECT_RATIOS.join(', ')}.`,
		);
	}
	const resolution = String(video.resolution ?? defaults.resolution);
	if (!RESOLUTIONS.includes(resolution)) {
		throw new HttpError(
			400,
			`Unsupported resolution "${resolution}": use one of ${RESOLUTIONS.join(', ')}.`,
		);
	}
	const delivery = String(video.delivery ?? defaults.delivery);
	if (delivery !== 'inline' && delivery !== 'uri')
		throw new HttpError(400, `Unsupported delivery "${delivery}": use inline or uri.`);
	const gcsUri = typeof video.gcs_uri === 'string' ? video.gcs_uri : undefined;
	// "The Cloud Storage URI to store the video output. Required for Vertex if delivery mode is
	// URI." (VideoResponseFormat_2.gcs_uri in the SDK's types)
	if (backend === 'vertex' && delivery === 'uri' && !gcsUri?.startsWith('gs://')) {
		throw new HttpError(
			400,
			'response_format.gcs_uri (gs://bucket/prefix) is required when delivery is "uri" on Vertex AI.',
		);
	}
	return { aspectRatio, durationSeconds, resolution, delivery, gcsUri };
}

/** An image bound to a tag, by its place among the input's images (from 0). */
export interface ImageTag {
	tag: string;
	image: number;
}

/**
 * Which image each tag of the prompt stands for. Declarations `<TAG>@ImageK` (K from 1, in input
 * order) bind explicitly, as Google's prompt guide and its users write them; without them, the
 * tags bind in input order: `<FIRST_FRAME>` the first image, `<LAST_FRAME>` the next, and
 * `<IMAGE_REF_N>` the N-th (from 0) of the images left. Images no tag names are not used.
 */
export function bindImageTags(text: string, imageCount: number): ImageTag[] {
	const declared = [...text.matchAll(/<(FIRST_FRAME|LAST_FRAME|IMAGE_REF_\d+)>@Image(\d+)/g)];
	const tags = [
		...new Set(
			[...text.matchAll(/<(FIRST_FRAME|LAST_FRAME|IMAGE_REF_\d+)>/g)].map((found) => found[1]),
		),
	];
	let bindings: ImageTag[];
	if (declared.length) {
		bindings = declared.map(([, tag, number]) => ({ tag, image: Number(number) - 1 }));
	} else {
		const frames = ['FIRST_FRAME', 'LAST_FRAME'].filter((tag) => tags.includes(tag));
		const rest = Array.from({ length: imageCount }, (_, index) => index).slice(frames.length);
		bindings = [
			...frames.map((tag, index) => ({ tag, image: index })),
			...tags
				.filter((tag) => tag.startsWith('IMAGE_REF_'))
				.map((tag) => ({ tag, image: rest[Number(tag.slice('IMAGE_REF_'.length))] ?? -1 })),
		];
	}
	for (const binding of bindings) {
		if (binding.image < 0 || binding.image >= imageCount) {
			throw new HttpError(
				400,
				`<${binding.tag}> names an image the input does not have (it has ${imageCount}).`,
			);
		}
	}
	return bindings;
}
