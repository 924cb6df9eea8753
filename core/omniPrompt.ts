/**
 * The compiled prompt as Gemini Omni reads it. Omni's request has no image fields and no negative
 * prompt: images are input parts bound to their roles by tags in the text, and what to avoid is
 * said in words. Google's Omni guide (google-gemini/gemini-skills, gemini-omni-flash-api):
 * - `[# Sources <FIRST_FRAME>@Image1] [# References <IMAGE_REF_0>@Image2]` declares each input
 *   image's role (`@ImageN` counts the input's images from 1, `<IMAGE_REF_N>` the references
 *   from 0), and a closing sentence says how to use them;
 * - Omni cuts between several shots unless told not to: a pipeline shot is one continuous shot;
 * - edits work best as a short instruction ending "Keep everything else the same".
 */

export interface OmniImages {
	firstFrame: boolean;
	lastFrame: boolean;
	/** What each reference image shows, in input order ("Mya", "the product"). */
	references: string[];
}

export const SINGLE_SHOT = 'In a single continuous shot, no scene cuts.';

function sentence(text: string): string {
	const trimmed = text.trim();
	return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** The input images in the order the request sends them: frames first, then references. */
export function omniImageOrder(images: OmniImages): Array<'firstFrame' | 'lastFrame' | number> {
	return [
		...(images.firstFrame ? (['firstFrame'] as const) : []),
		...(images.lastFrame ? (['lastFrame'] as const) : []),
		...images.references.map((_, index) => index),
	];
}

/** The text part of a fresh generation: roles, the compiled prompt, the negatives, one shot. */
export function omniPromptText(prompt: string, negativePrompt: string, images: OmniImages): string {
	const order = omniImageOrder(images);
	const imageNumber = (role: 'firstFrame' | 'lastFrame' | number) => order.indexOf(role) + 1;
	const sources = [
		images.firstFrame ? `<FIRST_FRAME>@Image${imageNumber('firstFrame')}` : '',
		images.lastFrame ? `<LAST_FRAME>@Image${imageNumber('lastFrame')}` : '',
	].filter(Boolean);
	const references = images.references.map(
		(_, index) => `<IMAGE_REF_${index}>@Image${imageNumber(index)}`,
	);
	const declarations = [
		sources.length ? `[# Sources ${sources.join(' ')}]` : '',
		references.length ? `[# References ${references.join(' ')}]` : '',
	]
		.filter(Boolean)
		.join(' ');

	const lines = [declarations, prompt.trim(), SINGLE_SHOT];
	if (images.references.length) {
		const bound = images.references.map((label, index) => `${label} is <IMAGE_REF_${index}>`);
		lines.push(
			`References: ${bound.join('; ')}. Use the reference images for who and what appears; they are not literal frames.`,
		);
	}
	if (images.firstFrame) lines.push('Start exactly on the <FIRST_FRAME> image.');
	if (images.lastFrame) lines.push('End exactly on the <LAST_FRAME> image.');
	if (negativePrompt.trim()) lines.push(`Avoid: ${sentence(negativePrompt)}`);
	return lines.filter(Boolean).join('\n');
}

/** The text of an edit turn: the corrections, and that nothing else changes. */
export function omniEditInstruction(corrections: string[]): string {
	const asked = corrections.map(sentence).join(' ');
	return `${asked} Keep everything else the same.`.trim();
}
