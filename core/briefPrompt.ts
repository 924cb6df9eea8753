import { InvalidInputError, type Problem } from './failures';
import { allowedDurations, describeDurations, type VideoModel } from './models';
import { planShotDurations } from './shotPlan';
import type { Resolution, SceneSpec, VeoAspectRatio } from './types';

/**
 * The prompt that turns a creative brief into a scene spec. It is a reviewed, versioned template:
 * change it here, bump the version, and the version travels with every spec it produced, so a
 * team can tell which wording made which shot list.
 */
export const BRIEF_PROMPT_VERSION = 'scene-spec-from-brief/v1';

const SYSTEM_INSTRUCTION = [
	'You are the script supervisor of a video production. You turn a creative brief into a scene bible ' +
		'and a shot list that a video model (Google Veo) will generate shot by shot, without memory between shots.',
	'',
	'Rules:',
	"- Write the scene bible so every recurring detail is fixed once: each character's face, hair, " +
		"age and wardrobe; each prop's colour and look; the lighting and palette; the rules every shot obeys.",
	'- Use the characters given in the brief with exactly the ids given. ' +
		'Invent others only if the story needs them.',
	'- Give every prop a colour when its colour matters, and list the props each shot shows.',
	'- Each shot is one continuous take of the given duration: one action, one camera set-up. ' +
		'Describe only what can be seen and heard.',
	'- Mark continuousWithPrevious when a shot continues the previous one in the same moment and place.',
	'- Give each shot checkable constraints: short statements a reviewer can verify by looking ' +
		'("The mug is blue", "Mya wears the red scarf").',
	'- Use only ids made of lowercase letters, digits and hyphens. ' +
		'Answer with JSON that follows the schema, nothing else.',
].join('\n');

export interface BriefCharacter {
	id: string;
	name: string;
	description: string;
	/** Binary property of the input item with the character's reference image. */
	referenceImageProperty?: string;
}

export interface BriefInput {
	brief: string;
	title?: string;
	targetDurationSeconds: number;
	aspectRatio: VeoAspectRatio;
	resolution: Resolution;
	model: VideoModel;
	shotCount?: number;
	maxShots?: number;
	characters: BriefCharacter[];
	houseStyle?: string;
}

export interface BriefPrompt {
	version: string;
	systemInstruction: string;
	userText: string;
	plannedDurations: number[];
}

export function validateBriefInput(input: BriefInput): Problem[] {
	const problems: Problem[] = [];
	if (!input.brief.trim())
		problems.push({ path: 'brief', message: 'is empty: describe the story, tone and characters' });
	if (input.brief.length > 20_000)
		problems.push({
			path: 'brief',
			message: `is ${input.brief.length} characters; keep it under 20,000`,
		});
	input.characters.forEach((character, index) => {
		if (!character.name.trim())
			problems.push({ path: `characters[${index}].name`, message: 'is empty' });
		if (!character.description.trim())
			problems.push({ path: `characters[${index}].description`, message: 'is empty' });
	});
	return problems;
}

export function buildBriefPrompt(input: BriefInput): BriefPrompt {
	const problems = validateBriefInput(input);
	if (problems.length) throw new InvalidInputError(problems);
	const plannedDurations = planShotDurations(input.targetDurationSeconds, input.model, {
		resolution: input.resolution,
		shotCount: input.shotCount,
		maxShots: input.maxShots,
	});
	const lines = [
		input.title?.trim() ? `Title: ${input.title.trim()}` : '',
		`Target total duration: ${input.targetDurationSeconds} seconds`,
		`Number of shots: ${plannedDurations.length}`,
		`Shot durations (seconds, in order): ${plannedDurations.join(', ')}`,
		`Allowed durations for ${input.model.displayName}: ` +
			`${describeDurations(allowedDurations(input.model, input.resolution))} seconds (whole seconds)`,
		`Aspect ratio: ${input.aspectRatio}`,
		`Resolution: ${input.resolution}`,
	].filter(Boolean);
	if (input.characters.length) {
		lines.push('Characters (use these ids):');
		for (const character of input.characters) {
			const reference = character.referenceImageProperty
				? ' (a reference image will be supplied)'
				: '';
			lines.push(
				`- ${character.id}: ${character.name.trim()} - ${character.description.trim()}${reference}`,
			);
		}
	}
	if (input.houseStyle?.trim())
		lines.push(`House style and brand rules: ${input.houseStyle.trim()}`);
	lines.push(`Brief: ${input.brief.trim()}`);
	return {
		version: BRIEF_PROMPT_VERSION,
		systemInstruction: SYSTEM_INSTRUCTION,
		userText: lines.join('\n'),
		plannedDurations,
	};
}

/** The one re-ask after an invalid answer: it quotes the problems so the model can fix them. */
export function buildRepairText(
	prompt: BriefPrompt,
	previousAnswer: string,
	problems: Problem[],
): string {
	const listed = problems
		.slice(0, 20)
		.map((problem) => `- ${problem.path || '(answer)'}: ${problem.message}`);
	return [
		prompt.userText,
		'',
		'Your previous answer could not be used:',
		...listed,
		'',
		`Previous answer (first 4,000 characters): ${previousAnswer.slice(0, 4000)}`,
		'',
		'Answer again with the complete JSON, fixing every problem listed.',
	].join('\n');
}

/**
 * The user's own characters keep their ids and reference images, whatever the model answered.
 * An answer without a character list is returned as it is, for validation to report.
 */
export function applyBriefCharacters(spec: SceneSpec, characters: BriefCharacter[]): SceneSpec {
	if (!Array.isArray(spec?.bible?.characters)) return spec;
	const bibleCharacters = spec.bible.characters.map((character) => {
		const given = characters.find((c) => c.id === character.id);
		if (!given?.referenceImageProperty) return character;
		return { ...character, referenceImage: { binaryProperty: given.referenceImageProperty } };
	});
	const missing = characters.filter((c) => !bibleCharacters.some((b) => b.id === c.id));
	return {
		...spec,
		bible: {
			...spec.bible,
			characters: [
				...bibleCharacters,
				...missing.map((c) => ({
					id: c.id,
					name: c.name,
					description: c.description,
					...(c.referenceImageProperty
						? { referenceImage: { binaryProperty: c.referenceImageProperty } }
						: {}),
				})),
			],
		},
	};
}
