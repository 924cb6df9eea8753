import { InvalidInputError } from './failures';
import { estimatePromptTokens } from './models';
import type { CorrectiveNote, SceneBible, Shot } from './types';

/**
 * The prompt compiler: shot + scene bible + corrective notes -> the Veo prompt.
 *
 * This is the stateful handoff the product exists for. Every generation gets the bible's
 * characters, props, look and rules spelled out again, because Veo remembers nothing between
 * clips. The output is deterministic (same input, same prompt, byte for byte), so takes can be
 * compared and a re-run reproduces its prompts. Each section is one labelled line, which keeps
 * prompts readable for editors on the review page.
 */

export interface CompiledPrompt {
	prompt: string;
	negativePrompt: string;
	/** Estimated tokens of the prompt, for the model's limit. */
	tokens: number;
	/** The corrections from earlier takes as the prompt states them (its last line), if any. */
	corrections?: string;
}

const CORRECTIONS_FIELD = 'correctiveNotes';

interface Section {
	/** The field of the spec this text comes from, named when the prompt is too long. */
	field: string;
	text: string;
}

function sentence(text: string): string {
	const trimmed = text.trim();
	return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function uniqueInOrder(texts: string[]): string[] {
	const seen = new Set<string>();
	return texts.filter((text) => {
		const key = text.trim().toLowerCase();
		if (!key || seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

function buildSections(
	shot: Shot,
	bible: SceneBible,
	notes: CorrectiveNote[],
	shotCount?: number,
): Section[] {
	const sections: Section[] = [];
	const of = shotCount ? ` of ${shotCount}` : '';
	sections.push({
		field: 'shot.description',
		text: `Shot ${shot.sequence}${of}: ${sentence(shot.description)}`,
	});
	if (shot.camera.trim())
		sections.push({ field: 'shot.camera', text: `Camera: ${sentence(shot.camera)}` });

	const location = shot.location ? bible.locations.find((l) => l.id === shot.location) : undefined;
	if (location) {
		const detail = location.description.trim() ? ` - ${location.description.trim()}` : '';
		sections.push({
			field: `bible.locations[${location.id}]`,
			text: `Setting: ${sentence(location.name + detail)}`,
		});
	}

	const characters = shot.characters
		.map((id) => bible.characters.find((c) => c.id === id))
		.filter((c): c is NonNullable<typeof c> => Boolean(c));
	if (characters.length) {
		const described = characters.map((c) => {
			const reference = c.referenceImage ? ', exactly as in the reference image' : '';
			return `${c.name} (${c.description.trim()}${reference})`;
		});
		sections.push({
			field: 'bible.characters',
			text: `Characters: ${described.join('; ')}. Keep each character's face, hair and wardrobe identical to every other shot.`,
		});
	}

	const props = shot.props
		.map((id) => bible.props.find((p) => p.id === id))
		.filter((p): p is NonNullable<typeof p> => Boolean(p));
	if (props.length) {
		const described = props.map((p) => {
			const details = [p.description.trim(), p.color ? `colour: ${p.color}` : '', ...p.constraints]
				.map((d) => d.trim())
				.filter(Boolean);
			return details.length ? `${p.name} (${details.join(', ')})` : p.name;
		});
		sections.push({ field: 'bible.props', text: `Props: ${described.join('; ')}.` });
	}

	const lighting = (shot.lighting ?? bible.style.lighting).trim();
	if (lighting) {
		sections.push({
			field: shot.lighting ? 'shot.lighting' : 'bible.style.lighting',
			text: `Lighting: ${sentence(lighting)}`,
		});
	}
	const look = [
		bible.style.look.trim() ? sentence(bible.style.look) : '',
		bible.style.palette.length ? `Palette: ${bible.style.palette.join(', ')}.` : '',
	]
		.filter(Boolean)
		.join(' ');
	if (look) sections.push({ field: 'bible.style.look', text: `Look: ${look}` });

	if (shot.continuousWithPrevious || shot.continuityNotes?.trim()) {
		const continues = shot.continuousWithPrevious
			? 'Continues directly from the previous shot, same moment and place.'
			: '';
		const notesText = shot.continuityNotes?.trim() ? sentence(shot.continuityNotes) : '';
		sections.push({
			field: 'shot.continuityNotes',
			text: `Continuity: ${[continues, notesText].filter(Boolean).join(' ')}`,
		});
	}
	if (shot.dialogue?.trim()) {
		sections.push({
			field: 'shot.dialogue',
			text: `Dialogue: "${shot.dialogue.trim().replace(/"/g, "'")}"`,
		});
	}
	if (bible.rules.length) {
		sections.push({
			field: 'bible.rules',
			text: `Rules: ${uniqueInOrder(bible.rules).map(sentence).join(' ')}`,
		});
	}
	const constraintTexts = shot.constraints.map((c) => sentence(c.text));
	if (constraintTexts.length) {
		sections.push({ field: 'shot.constraints', text: `Must show: ${constraintTexts.join(' ')}` });
	}
	const corrections = uniqueInOrder(notes.map((note) => note.text));
	if (corrections.length) {
		sections.push({
			field: CORRECTIONS_FIELD,
			text: `Corrections from earlier takes: ${corrections.map(sentence).join(' ')}`,
		});
	}
	return sections;
}

export function compilePrompt(
	shot: Shot,
	bible: SceneBible,
	notes: CorrectiveNote[] = [],
	options: { maxPromptTokens?: number; shotCount?: number; extraNegativePrompt?: string } = {},
): CompiledPrompt {
	const sections = buildSections(shot, bible, notes, options.shotCount);
	const prompt = sections.map((section) => section.text).join('\n');
	const negativePrompt = uniqueInOrder(
		[bible.negativePrompt, options.extraNegativePrompt ?? '']
			.flatMap((text) => text.split(','))
			.map((part) => part.trim()),
	).join(', ');
	const tokens = estimatePromptTokens(prompt);
	if (options.maxPromptTokens && tokens > options.maxPromptTokens) {
		const longest = sections.reduce((a, b) => (b.text.length > a.text.length ? b : a));
		throw new InvalidInputError(
			[
				{
					path: longest.field,
					message: `makes the prompt for shot "${shot.id}" about ${tokens} tokens, over the model's limit of ${options.maxPromptTokens}; shorten it (it is the longest part, ${longest.text.length} characters)`,
				},
			],
			'Veo reads about 1,024 tokens of prompt; move detail that every shot shares into short bible rules.',
		);
	}
	const corrections = sections.find((section) => section.field === CORRECTIONS_FIELD)?.text;
	return { prompt, negativePrompt, tokens, ...(corrections ? { corrections } : {}) };
}

/** A prompt the user wrote, with the corrections from earlier takes appended: none is lost. */
export function withCorrections(custom: string, compiled: CompiledPrompt): string {
	return [custom.trim(), compiled.corrections].filter(Boolean).join('\n');
}
