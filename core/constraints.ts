import type { ConstraintDimension } from './types';

/**
 * Which drift dimension a constraint a person typed is about, so checkers know where to look:
 * a prop's or character's name, lighting words, the palette's colours, or camera words.
 */
const LIGHTING_WORDS =
	/\b(light|lighting|lit|dusk|dawn|sunset|sunrise|noon|night|shadow|backlit|golden hour|warm|cool)\b/i;
const CAMERA_WORDS =
	/\b(camera|shot|close-up|closeup|wide|angle|pan|tilt|zoom|dolly|tracking|framing)\b/i;

const words = (text: string) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];

export interface ConstraintContext {
	props: Array<{ name: string }>;
	characters: Array<{ name: string }>;
	palette: string[];
}

export function inferConstraintDimension(
	text: string,
	bible: ConstraintContext,
): ConstraintDimension {
	const said = new Set(words(text));
	const mentions = (name: string) => words(name).some((word) => word.length > 2 && said.has(word));
	if (bible.props.some((prop) => mentions(prop.name))) return 'props';
	if (bible.characters.some((character) => mentions(character.name))) return 'character';
	if (LIGHTING_WORDS.test(text)) return 'lighting';
	if (bible.palette.some((colour) => said.has(colour.toLowerCase()))) return 'palette';
	if (CAMERA_WORDS.test(text)) return 'camera';
	return 'other';
}
