import { InvalidInputError } from '../../../core/failures';
import { estimatePromptTokens } from '../../../core/models';
import {
	compilePrompt,
	fitCorrections,
	MAX_NOTE_CHARS,
	MIN_NOTE_CHARS,
	noteLimitFor,
} from '../../../core/prompt';
import { parseSceneSpec } from '../../../core/schema';
import type { CorrectiveNote, SceneSpec, Shot } from '../../../core/types';
import { rawSpec } from '../../fixtures/sceneSpec';

function spec(): SceneSpec {
	return parseSceneSpec(rawSpec());
}

function shotById(source: SceneSpec, id: string): Shot {
	return source.shots.find((shot) => shot.id === id)!;
}

function note(text: string): CorrectiveNote {
	return { source: 'review', text, at: '2026-01-01T00:00:00.000Z' };
}

/** The labelled line of the prompt, e.g. `Lighting: ...`. */
function line(prompt: string, label: string): string | undefined {
	return prompt.split('\n').find((candidate) => candidate.startsWith(`${label}: `));
}

describe('compilePrompt', () => {
	it('is deterministic: equal inputs built separately give byte-identical output', () => {
		const a = spec();
		const b = spec();
		const notes = [note('Keep the mug blue'), note('Slower camera')];
		const first = compilePrompt(shotById(a, 'pour'), a.bible, notes, {
			shotCount: 3,
			extraNegativePrompt: 'blur',
		});
		const second = compilePrompt(
			shotById(b, 'pour'),
			b.bible,
			notes.map((n) => ({ ...n })),
			{
				shotCount: 3,
				extraNegativePrompt: 'blur',
			},
		);
		expect(second).toEqual(first);
		expect(first.tokens).toBe(estimatePromptTokens(first.prompt));
	});

	it('changes when the shot changes', () => {
		const source = spec();
		const shot = shotById(source, 'pour');
		const base = compilePrompt(shot, source.bible).prompt;
		expect(compilePrompt({ ...shot, camera: 'wide shot' }, source.bible).prompt).not.toBe(base);
	});

	it('starts with the shot and its place in the film, then the camera', () => {
		const source = spec();
		const { prompt } = compilePrompt(shotById(source, 'pour'), source.bible, [], { shotCount: 3 });
		const lines = prompt.split('\n');
		expect(lines[0]).toBe('Shot 2 of 3: Mya pours coffee into the mug.');
		expect(lines[1]).toBe('Camera: close-up.');
	});

	it("carries the bible's characters of the shot, and only those", () => {
		const source = spec();
		const pour = compilePrompt(shotById(source, 'pour'), source.bible).prompt;
		expect(line(pour, 'Characters')).toContain(
			'Mya Ortiz (a woman in her thirties with short black hair and a yellow cardigan)',
		);
		expect(pour).not.toContain('Old Tom');

		const greet = compilePrompt(shotById(source, 'greet'), source.bible).prompt;
		expect(line(greet, 'Characters')).toMatch(
			/Old Tom \(an elderly neighbour in a grey flat cap\); Mya Ortiz/,
		);
	});

	it('asks for the reference image when a character has one', () => {
		const source = spec();
		source.bible.characters[0].referenceImage = { binaryProperty: 'mya' };
		const { prompt } = compilePrompt(shotById(source, 'pour'), source.bible);
		expect(line(prompt, 'Characters')).toContain('exactly as in the reference image');
	});

	it('carries props with their colour and constraints', () => {
		const source = spec();
		const { prompt } = compilePrompt(shotById(source, 'pour'), source.bible);
		expect(line(prompt, 'Props')).toBe(
			'Props: mug (a ceramic mug, colour: blue, always full of coffee).',
		);
		// A shot without props has no props line.
		expect(
			line(compilePrompt(shotById(source, 'shot-01'), source.bible).prompt, 'Props'),
		).toBeUndefined();
	});

	it('carries the setting of the shot', () => {
		const source = spec();
		const { prompt } = compilePrompt(shotById(source, 'pour'), source.bible);
		expect(line(prompt, 'Setting')).toBe(
			'Setting: Kitchen - a small sunlit kitchen with white tiles.',
		);
	});

	it("uses the bible's lighting unless the shot overrides it", () => {
		const source = spec();
		const bibleLit = compilePrompt(shotById(source, 'pour'), source.bible).prompt;
		expect(line(bibleLit, 'Lighting')).toBe(
			'Lighting: warm morning light through the kitchen window.',
		);

		const overridden = compilePrompt(shotById(source, 'greet'), source.bible).prompt;
		expect(line(overridden, 'Lighting')).toBe('Lighting: cool blue hour.');
		expect(overridden).not.toContain('warm morning light');
	});

	it('carries the look and the palette', () => {
		const source = spec();
		const { prompt } = compilePrompt(shotById(source, 'pour'), source.bible);
		expect(line(prompt, 'Look')).toBe(
			'Look: cinematic, shallow depth of field. Palette: blue, cream.',
		);
	});

	it("carries the bible's rules, once each", () => {
		const source = spec();
		source.bible.rules = [
			'No text or logos on screen',
			'Brand blue is #1a4dff.',
			'no text or logos on screen ',
		];
		const { prompt } = compilePrompt(shotById(source, 'pour'), source.bible);
		expect(line(prompt, 'Rules')).toBe('Rules: No text or logos on screen. Brand blue is #1a4dff.');
	});

	it('carries continuity with the previous shot and continuity notes', () => {
		const source = spec();
		const shot = {
			...shotById(source, 'pour'),
			continuityNotes: 'Mya still holds the mug in her left hand',
		};
		const { prompt } = compilePrompt(shot, source.bible);
		expect(line(prompt, 'Continuity')).toBe(
			'Continuity: Continues directly from the previous shot, same moment and place. Mya still holds the mug in her left hand.',
		);
		expect(
			line(compilePrompt(shotById(source, 'greet'), source.bible).prompt, 'Continuity'),
		).toBeUndefined();
	});

	it("carries the shot's checkable constraints and its dialogue", () => {
		const source = spec();
		const shot = { ...shotById(source, 'shot-01'), dialogue: 'Morning, "Tom"!' };
		const { prompt } = compilePrompt(shot, source.bible);
		expect(line(prompt, 'Must show')).toBe('Must show: The mug is blue.');
		expect(line(prompt, 'Dialogue')).toBe(`Dialogue: "Morning, 'Tom'!"`);
	});

	it('carries corrective notes, each once however often they were given', () => {
		const source = spec();
		const notes = [
			note('The mug must be blue, not green'),
			note('Keep the camera still'),
			note('  the mug must be BLUE, not green  '),
			{ ...note('The mug must be blue, not green'), source: 'drift' as const },
		];
		const { prompt } = compilePrompt(shotById(source, 'pour'), source.bible, notes);
		expect(line(prompt, 'Corrections from earlier takes')).toBe(
			'Corrections from earlier takes: The mug must be blue, not green. Keep the camera still.',
		);
		expect(prompt.toLowerCase().split('the mug must be blue').length - 1).toBe(1);
	});

	it('gives the corrections as a field of their own, which a custom prompt keeps', () => {
		const source = spec();
		const notes = [note('The mug must be blue, not green'), note('Keep the camera still')];
		const compiled = compilePrompt(shotById(source, 'pour'), source.bible, notes);
		expect(compiled.corrections).toBe(
			'Corrections from earlier takes: The mug must be blue, not green. Keep the camera still.',
		);
		expect(compiled.prompt.endsWith(`\n${compiled.corrections}`)).toBe(true);
		const custom = compilePrompt(shotById(source, 'pour'), source.bible, notes, {
			customPrompt: '  A close-up of the mug ',
		});
		expect(custom.prompt).toBe(`A close-up of the mug\n${compiled.corrections}`);

		const uncorrected = compilePrompt(shotById(source, 'pour'), source.bible);
		expect(uncorrected.corrections).toBeUndefined();
		expect(
			compilePrompt(shotById(source, 'pour'), source.bible, [], {
				customPrompt: 'A close-up of the mug',
			}).prompt,
		).toBe('A close-up of the mug');
	});

	it('merges the negative prompt of the bible with the extra one, without duplicates', () => {
		const source = spec();
		const { negativePrompt } = compilePrompt(shotById(source, 'pour'), source.bible, [], {
			extraNegativePrompt: 'Watermark, blurry faces,  , text',
		});
		expect(negativePrompt).toBe('text, watermark, blurry faces');
		expect(compilePrompt(shotById(source, 'pour'), source.bible).negativePrompt).toBe(
			'text, watermark',
		);
	});

	it('fits under the limit without complaint', () => {
		const source = spec();
		const compiled = compilePrompt(shotById(source, 'pour'), source.bible, [], {
			maxPromptTokens: 1024,
		});
		expect(compiled.tokens).toBeLessThan(1024);
	});

	it('over the limit, throws an InvalidInputError naming the longest field (the description)', () => {
		const source = spec();
		const shot = {
			...shotById(source, 'pour'),
			description: 'Mya pours coffee slowly. '.repeat(80),
		};
		let thrown: unknown;
		try {
			compilePrompt(shot, source.bible, [], { maxPromptTokens: 300 });
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(InvalidInputError);
		const error = thrown as InvalidInputError;
		expect(error.problems).toHaveLength(1);
		expect(error.firstPath).toBe('shot.description');
		expect(error.message).toContain('shot "pour"');
		expect(error.message).toContain('limit of 300');
	});

	it('over the limit, names whichever field is longest (here the dialogue, or a bible list)', () => {
		const source = spec();
		const talky = {
			...shotById(source, 'pour'),
			dialogue: 'I really do need this coffee today. '.repeat(60),
		};
		expect(() => compilePrompt(talky, source.bible, [], { maxPromptTokens: 300 })).toThrow(
			expect.objectContaining({ firstPath: 'shot.dialogue' }),
		);

		source.bible.characters[0].description = 'a woman with a very detailed wardrobe '.repeat(60);
		expect(() =>
			compilePrompt(shotById(source, 'pour'), source.bible, [], { maxPromptTokens: 300 }),
		).toThrow(expect.objectContaining({ firstPath: 'bible.characters' }));
	});
});

describe('corrections within the prompt budget', () => {
	const twoThousand = (word: string) =>
		`${word} `.repeat(Math.ceil(2000 / (word.length + 1))).slice(0, 2000);

	it('keeps two 2,000-character notes from stopping the next take: the newest first, within the limit', () => {
		const source = spec();
		const shot = shotById(source, 'pour');
		const older = note(`Older: ${twoThousand('the mug must be blue')}`);
		const newer = note(`Newer: ${twoThousand('keep the camera still')}`);
		// Without a budget the prompt would be about 1,300 tokens, over Veo's 1,024.
		const unbounded = compilePrompt(shot, source.bible, [older, newer]);
		expect(unbounded.tokens).toBeGreaterThan(1024);

		const fitted = compilePrompt(shot, source.bible, [older, newer], { maxPromptTokens: 1024 });
		expect(fitted.tokens).toBeLessThanOrEqual(1024);
		expect(estimatePromptTokens(fitted.prompt)).toBe(fitted.tokens);
		const corrections = line(fitted.prompt, 'Corrections from earlier takes')!;
		// The newest is kept from its start; the older one is shortened or left out.
		expect(corrections).toContain('Newer: keep the camera still');
		expect((fitted.correctionsShortened ?? 0) + (fitted.correctionsLeftOut ?? 0)).toBeGreaterThan(
			0,
		);
		// Everything before the corrections is the spec, untouched.
		expect(fitted.prompt.startsWith(compilePrompt(shot, source.bible).prompt)).toBe(true);
	});

	it('keeps the newest whole, shortens the older to their first words, then leaves the oldest out', () => {
		const texts = ['first '.repeat(40), 'second '.repeat(40), 'third note', 'fourth note'];
		const header = 'Corrections from earlier takes: ';
		const whole = fitCorrections(texts, 10_000);
		expect(whole).toEqual({
			text: `${header}${texts.map((text) => `${text.trim()}.`).join(' ')}`,
			shortened: 0,
			leftOut: 0,
		});

		const tight = fitCorrections(texts, header.length + 130);
		expect(tight.text!.length).toBeLessThanOrEqual(header.length + 130);
		expect(tight.text).toMatch(/second second .*\u2026 Third note\. Fourth note\.$/i);
		expect(tight).toMatchObject({ shortened: 1, leftOut: 1 });

		// No room even for the newest whole: its start is kept.
		const tiny = fitCorrections(['a very long note '.repeat(20)], header.length + 40);
		expect(tiny.text!.length).toBeLessThanOrEqual(header.length + 40);
		expect(tiny.text).toMatch(
			/^Corrections from earlier takes: a very long note a very long note a\u2026$/,
		);
		expect(fitCorrections(['x'], header.length)).toEqual({ shortened: 0, leftOut: 1 });
	});

	it('names the spec, not the notes, when the spec alone is over the limit', () => {
		const source = spec();
		const shot = { ...shotById(source, 'pour'), description: 'Mya pours. '.repeat(200) };
		expect(() =>
			compilePrompt(shot, source.bible, [note('bluer mug')], { maxPromptTokens: 300 }),
		).toThrow(expect.objectContaining({ firstPath: 'shot.description' }));
		expect(() =>
			compilePrompt(shotById(source, 'pour'), source.bible, [], {
				maxPromptTokens: 100,
				customPrompt: 'A long custom prompt. '.repeat(40),
			}),
		).toThrow(expect.objectContaining({ firstPath: 'customPrompt' }));
	});

	it("sizes the board's note to what the shot's prompt can hold under its model's limit", () => {
		const source = spec();
		const shot = shotById(source, 'pour');
		expect(noteLimitFor(shot, source.bible, 'veo-3.1-fast-generate-001')).toBe(MAX_NOTE_CHARS);
		const crowded = { ...shot, description: 'Mya pours coffee into the blue mug. '.repeat(90) };
		const veoLimit = noteLimitFor(crowded, source.bible, 'veo-3.1-fast-generate-001');
		expect(veoLimit).toBeLessThan(MAX_NOTE_CHARS);
		expect(veoLimit).toBeGreaterThanOrEqual(MIN_NOTE_CHARS);
		// A note of that length, flagged with every tag, fits the prompt whole.
		const flagged = `${'n'.repeat(veoLimit)} (editor flagged: character, lighting, props, motion, other)`;
		const compiled = compilePrompt(crowded, source.bible, [note(flagged)], {
			maxPromptTokens: 1024,
		});
		expect(compiled.correctionsShortened).toBeUndefined();
		expect(compiled.tokens).toBeLessThanOrEqual(1024);
		// Gemini Omni takes longer prompts: the same shot leaves the whole note.
		expect(noteLimitFor(crowded, source.bible, 'gemini-omni-1.2-flash')).toBe(MAX_NOTE_CHARS);
	});
});
