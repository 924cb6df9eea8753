import { COLOR_NAMES } from './picture';
import type { ClipTruth } from './truth';

/**
 * What the stand-in's Gemini answers with. It is not a language model: it recognises the tasks
 * this package asks for by the response schema's title and builds a plausible answer from the
 * prompt; for any other schema it answers with a minimal instance of the schema.
 */

export type JsonSchema = {
	type?: string | string[];
	title?: string;
	properties?: Record<string, JsonSchema>;
	required?: string[];
	items?: JsonSchema;
	enum?: unknown[];
	minItems?: number;
	minimum?: number;
	minLength?: number;
};

/** What an answerer is told about a structured-output request. */
export interface AnswerContext {
	prompt: string;
	schema: JsonSchema;
	/** What the clips attached to the request really show (when the stand-in made them). */
	clips: ClipTruth[];
}

/** Builds the answer to one kind of task, recognised by its response schema's title. */
export type Answerer = (context: AnswerContext) => unknown;

/** A minimal value that follows the schema. */
export function exampleOf(schema: JsonSchema | undefined): unknown {
	if (!schema) return null;
	if (schema.enum?.length) return schema.enum[0];
	const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
	switch (type) {
		case 'object':
			return Object.fromEntries(
				Object.entries(schema.properties ?? {}).map(([key, value]) => [key, exampleOf(value)]),
			);
		case 'array':
			return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () =>
				exampleOf(schema.items),
			);
		case 'integer':
		case 'number':
			return schema.minimum ?? 1;
		case 'boolean':
			return false;
		case 'string':
			return 'example';
		default:
			return null;
	}
}

/** The text of all parts of the request that are text. */
export function promptText(body: {
	contents?: Array<{ parts?: Array<{ text?: string }> }>;
	systemInstruction?: unknown;
}): string {
	return (body.contents ?? [])
		.flatMap((content) => content.parts ?? [])
		.map((part) => part.text ?? '')
		.join('\n');
}

function labelled(prompt: string, label: string): string | undefined {
	return new RegExp(`^${label}:\\s*(.+)$`, 'im').exec(prompt)?.[1]?.trim();
}

function slug(text: string): string {
	return (
		text
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 40) || 'item'
	);
}

const LIGHTING_WORDS =
	/\b(golden hour|blue hour|dusk|sunset|twilight|dawn|sunrise|morning|noon|midday|daylight|night|moonlight|overcast|warm|cool)\b/i;

/**
 * A scene spec for the brief in the prompt, following the lines this package's brief template
 * writes: "Brief:", "Shot durations:", "Aspect ratio:", "Resolution:", and "- id: Name - description"
 * lines under "Characters".
 */
export function sceneSpecFor(prompt: string): unknown {
	const brief =
		/^Brief:\s*([\s\S]*?)(?:\n[A-Z][A-Za-z ()]+:|$)/m.exec(prompt)?.[1]?.trim() ||
		prompt.slice(0, 400);
	const durations = (labelled(prompt, 'Shot durations \\(seconds, in order\\)') ?? '8, 8, 8')
		.split(/[,\s]+/)
		.map(Number)
		.filter((n) => n > 0);
	const aspectRatio = labelled(prompt, 'Aspect ratio') === '9:16' ? '9:16' : '16:9';
	const resolution = labelled(prompt, 'Resolution') ?? '720p';
	const title = labelled(prompt, 'Title') ?? brief.split(/[.!?\n]/)[0].slice(0, 60);

	const characterLines = [...prompt.matchAll(/^- ([a-z0-9][a-z0-9_-]*): ([^-\n]+?) - (.+)$/gm)];
	const characters = characterLines.length
		? characterLines.map(([, id, name, description]) => ({
				id,
				name: name.trim(),
				description: description.trim(),
			}))
		: [
				{
					id: 'lead',
					name: 'The Lead',
					description: 'a person in their thirties in a plain navy jacket',
				},
			];

	const props: Array<{
		id: string;
		name: string;
		description: string;
		color: string;
		constraints: string[];
	}> = [];
	// Overlapping word pairs: "the blue mug" gives (the, blue) and (blue, mug).
	for (const match of brief.matchAll(/\b([a-z]+)\s+(?=([a-z]+)\b)/gi)) {
		const [, colorWord, noun] = match;
		if (
			COLOR_NAMES[colorWord.toLowerCase()] &&
			!COLOR_NAMES[noun.toLowerCase()] &&
			!props.some((p) => p.id === slug(noun))
		) {
			props.push({
				id: slug(noun),
				name: noun.toLowerCase(),
				description: `a ${colorWord.toLowerCase()} ${noun.toLowerCase()}`,
				color: colorWord.toLowerCase(),
				constraints: [],
			});
		}
	}
	const lighting = LIGHTING_WORDS.exec(brief)?.[0]?.toLowerCase() ?? 'soft daylight';
	const sentences = brief.split(/(?<=[.!?])\s+/).filter(Boolean);
	const shots = durations.map((durationSeconds, index) => {
		const constraints = props.map((prop, propIndex) => ({
			id: `c${propIndex + 1}`,
			text: `The ${prop.name} is ${prop.color}`,
			dimension: 'props',
		}));
		return {
			id: `shot-${String(index + 1).padStart(2, '0')}`,
			sequence: index + 1,
			description: sentences[index % Math.max(1, sentences.length)] ?? brief,
			camera:
				index === 0
					? 'wide establishing shot'
					: index % 2
						? 'medium shot, slow push in'
						: 'close-up',
			durationSeconds,
			characters: characters.map((character) => character.id),
			props: props.map((prop) => prop.id),
			continuousWithPrevious: index > 0,
			constraints,
		};
	});
	return {
		bible: {
			title,
			logline: sentences[0] ?? title,
			style: {
				look: 'cinematic, shallow depth of field',
				palette: props.map((p) => p.color).slice(0, 3),
				lighting,
				aspectRatio,
				resolution,
			},
			characters,
			locations: [],
			props,
			rules: ['No text or logos on screen'],
			negativePrompt: 'text, watermark, distorted faces',
		},
		shots,
	};
}
