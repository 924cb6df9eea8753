import {
	omniEditInstruction,
	omniImageOrder,
	omniPromptText,
	SINGLE_SHOT,
} from '../../../core/omniPrompt';

describe('the prompt as Gemini Omni reads it', () => {
	const prompt = 'Shot 2 of 6: Mya pours coffee.\nProps: mug (colour: blue).';

	it('is the compiled prompt, one continuous shot, and the negatives in words when there are no images', () => {
		expect(
			omniPromptText(prompt, 'text, watermark', {
				firstFrame: false,
				lastFrame: false,
				references: [],
			}),
		).toBe(`${prompt}\n${SINGLE_SHOT}\nAvoid: text, watermark.`);
	});

	it('declares each image by role and position, and binds references to what they show by name', () => {
		const images = { firstFrame: true, lastFrame: false, references: ['Mya', 'the blue mug'] };
		expect(omniImageOrder(images)).toEqual(['firstFrame', 0, 1]);
		const text = omniPromptText(prompt, '', images);
		expect(text.split('\n')[0]).toBe(
			'[# Sources <FIRST_FRAME>@Image1] [# References <IMAGE_REF_0>@Image2 <IMAGE_REF_1>@Image3]',
		);
		expect(text).toContain('References: Mya is <IMAGE_REF_0>; the blue mug is <IMAGE_REF_1>.');
		expect(text).toContain('Start exactly on the <FIRST_FRAME> image.');
		expect(text).not.toContain('Avoid:');
	});

	it('numbers a last frame after the first', () => {
		const images = { firstFrame: true, lastFrame: true, references: ['Mya'] };
		expect(omniPromptText(prompt, '', images).split('\n')[0]).toBe(
			'[# Sources <FIRST_FRAME>@Image1 <LAST_FRAME>@Image2] [# References <IMAGE_REF_0>@Image3]',
		);
	});

	it('asks an edit for the corrections only, and to keep everything else', () => {
		expect(omniEditInstruction(['The mug must be blue', 'Keep Mya in frame.'])).toBe(
			'The mug must be blue. Keep Mya in frame. Keep everything else the same.',
		);
	});
});
