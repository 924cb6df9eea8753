import { InvalidInputError } from './failures';
import { estimatePromptTokens, findVideoModel } from './models';
import { REVIEW_TAGS, type CorrectiveNote, type SceneBible, type Shot } from './types';

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
	/** Corrections cut short, and corrections left out, to keep the prompt within the model's limit. */
	correctionsShortened?: number;
	correctionsLeftOut?: number;
}

const CORRECTIONS_HEADER = 'Corrections from earlier takes: ';
/** Characters per estimated token (`estimatePromptTokens`). */
const CHARS_PER_TOKEN = 4;
/** An older correction that does not fit whole keeps its start, up to this many characters. */
const SHORTENED_CORRECTION_CHARS = 100;
/** Veo's limit, the smallest of the model table: what a model the table does not know gets. */
const SMALLEST_PROMPT_TOKENS = 1024;

interface Section {
	/** The field of the spec this text comes from, named when the prompt is too long. */
	field: string;
	text: string;
}

function sentence(text: string): string {
	const trimmed = text.trim();
	return /[.!?\u2026]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** The start of a text, at most `maxChars` long, cut after a word and marked with an ellipsis. */
function shortened(text: string, maxChars: number): string {
	if (text.length <= maxChars) return text;
	const cut = text.slice(0, Math.max(0, maxChars - 1));
	const atWord = cut.lastIndexOf(' ');
	return `${(atWord > maxChars / 2 ? cut.slice(0, atWord) : cut).replace(/[\s,;:.]+$/, '')}\u2026`;
}

export interface FittedCorrections {
	/** The corrections line, or undefined when there are none or no room for any. */
	text?: string;
	shortened: number;
	leftOut: number;
}

/**
 * The corrections line in at most `roomChars` characters. Corrections are given oldest first; the
 * newest matter most (they answer the latest take), so they are kept whole from the newest back
 * while they fit; the older ones keep their first words; whatever still does not fit is left out.
 * A newest correction longer than the whole room keeps its start. The prompt never outgrows the
 * model's limit because editors wrote a lot: the generation goes ahead with what fits.
 */
export function fitCorrections(texts: string[], roomChars: number): FittedCorrections {
	const sentences = uniqueInOrder(texts).map(sentence);
	const kept: string[] = [];
	let room = roomChars - CORRECTIONS_HEADER.length;
	let shortenedCount = 0;
	/** Keeps `text` before those kept so far if it fits (with a space, unless it is the first). */
	const keep = (text: string): boolean => {
		const cost = text.length + (kept.length ? 1 : 0);
		if (cost > room) return false;
		room -= cost;
		kept.unshift(text);
		return true;
	};
	let next = sentences.length - 1;
	while (next >= 0 && keep(sentences[next])) next--;
	if (next === sentences.length - 1 && next >= 0 && room > SHORTENED_CORRECTION_CHARS / 4) {
		keep(shortened(sentences[next], room));
		shortenedCount++;
		next--;
	}
	for (; next >= 0; next--) {
		const start = shortened(sentences[next], SHORTENED_CORRECTION_CHARS);
		if (!keep(start)) break;
		if (start !== sentences[next]) shortenedCount++;
	}
	return {
		text: kept.length ? `${CORRECTIONS_HEADER}${kept.join(' ')}` : undefined,
		shortened: shortenedCount,
		leftOut: sentences.length - kept.length,
	};
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

function buildSections(shot: Shot, bible: SceneBible, shotCount?: number): Section[] {
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
	return sections;
}

export interface PromptOptions {
	/** The model's limit (`maxPromptTokens` in core/models.ts): corrections are fitted within it. */
	maxPromptTokens?: number;
	shotCount?: number;
	extraNegativePrompt?: string;
	/** The user's own prompt, used instead of the compiled sections; the corrections follow it. */
	customPrompt?: string;
}

function tooLong(
	shot: Shot,
	sections: Section[],
	tokens: number,
	maxPromptTokens: number,
): InvalidInputError {
	const longest = sections.reduce((a, b) => (b.text.length > a.text.length ? b : a));
	return new InvalidInputError(
		[
			{
				path: longest.field,
				message:
					`makes the prompt for shot "${shot.id}" about ${tokens} tokens, over the model's limit of ${maxPromptTokens}; ` +
					`shorten it (it is the longest part, ${longest.text.length} characters)`,
			},
		],
		'Veo reads about 1,024 tokens of prompt; move detail that every shot shares into short bible rules.',
	);
}

/**
 * The prompt of one take: the shot and the bible spelled out (or the user's own prompt), then the
 * corrections from earlier takes, fitted into what the model's limit leaves (`fitCorrections`).
 * Only the spec itself can make a prompt too long; that is an error naming its longest field.
 */
export function compilePrompt(
	shot: Shot,
	bible: SceneBible,
	notes: CorrectiveNote[] = [],
	options: PromptOptions = {},
): CompiledPrompt {
	const sections =
		options.customPrompt === undefined
			? buildSections(shot, bible, options.shotCount)
			: [{ field: 'customPrompt', text: options.customPrompt.trim() }];
	const body = sections.map((section) => section.text).join('\n');
	const negativePrompt = uniqueInOrder(
		[bible.negativePrompt, options.extraNegativePrompt ?? '']
			.flatMap((text) => text.split(','))
			.map((part) => part.trim()),
	).join(', ');
	const bodyTokens = estimatePromptTokens(body);
	if (options.maxPromptTokens && bodyTokens > options.maxPromptTokens)
		throw tooLong(shot, sections, bodyTokens, options.maxPromptTokens);
	const room = options.maxPromptTokens
		? options.maxPromptTokens * CHARS_PER_TOKEN - body.length - 1
		: Infinity;
	const fitted = fitCorrections(
		notes.map((note) => note.text),
		room,
	);
	const prompt = [body, fitted.text].filter(Boolean).join('\n');
	return {
		prompt,
		negativePrompt,
		tokens: estimatePromptTokens(prompt),
		...(fitted.text ? { corrections: fitted.text } : {}),
		...(fitted.shortened ? { correctionsShortened: fitted.shortened } : {}),
		...(fitted.leftOut ? { correctionsLeftOut: fitted.leftOut } : {}),
	};
}

/** The longest editor note the board takes, and the fewest characters it always takes. */
export const MAX_NOTE_CHARS = 1000;
export const MIN_NOTE_CHARS = 200;
/** What a rejection adds to the editor's note in the correction (`core/review.ts` correctionText). */
const TAGS_SUFFIX_CHARS = ` (editor flagged: ${REVIEW_TAGS.join(', ')})`.length;

/**
 * The longest note an editor can write for a shot on the review board: what the shot's prompt
 * leaves for corrections under its model's limit, at most MAX_NOTE_CHARS (a note tells one take
 * what to change; a thousand characters is a long paragraph and a quarter of Veo's prompt), and at
 * least MIN_NOTE_CHARS, so an editor can always say what is wrong (older corrections then shorten).
 */
export function noteLimitFor(
	shot: Shot,
	bible: SceneBible,
	model: string,
	shotCount?: number,
): number {
	const maxPromptTokens = findVideoModel(model)?.maxPromptTokens ?? SMALLEST_PROMPT_TOKENS;
	const body = buildSections(shot, bible, shotCount)
		.map((section) => section.text)
		.join('\n');
	const room =
		maxPromptTokens * CHARS_PER_TOKEN -
		body.length -
		1 -
		CORRECTIONS_HEADER.length -
		TAGS_SUFFIX_CHARS -
		1;
	return Math.max(MIN_NOTE_CHARS, Math.min(MAX_NOTE_CHARS, room));
}
