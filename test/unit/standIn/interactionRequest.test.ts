import {
	bindImageTags,
	parseInput,
	parseTask,
	parseVideoFormat,
} from '../../../google-api-standin/interactionRequest';
import { OMNI_MODELS_GEMINI } from '../../../google-api-standin/models';
import { editPicture, pictureFor, withDrift } from '../../../google-api-standin/picture';
import type { VideoFormat } from '../../../google-api-standin/state';

/** The stand-in's reading of Omni requests, and its edits of a clip's picture, without a server. */

const [OMNI_1_1, OMNI_1_2] = OMNI_MODELS_GEMINI;
const DEFAULTS: VideoFormat = {
	aspectRatio: '16:9',
	durationSeconds: 8,
	resolution: '720p',
	delivery: 'inline',
};
const PROMPT =
	'Mya lifts a blue mug.\nCharacters: Mya (a woman in a red coat).\nProps: mug (colour: blue); hat (colour: yellow).\nLighting: dusk.';

describe('editPicture', () => {
	it('undoes a prop-colour drift when told the asked colour, leaving everything else', () => {
		const drifted = pictureFor(PROMPT, ['prop_color']);
		expect(drifted.props[0]).toEqual({ name: 'mug', color: 'green', askedColor: 'blue' });

		const edited = editPicture(drifted, 'The mug must be blue, not green. Keep everything else.');
		expect(edited).toEqual(pictureFor(PROMPT));
	});

	it('records a change away from what was asked as a drift, and changes only what it names', () => {
		const edited = editPicture(pictureFor(PROMPT), 'Make the hat purple instead of yellow.');
		expect(edited.props).toEqual([
			{ name: 'mug', color: 'blue' },
			{ name: 'hat', color: 'purple', askedColor: 'yellow' },
		]);
		expect(edited.drift).toEqual(['prop_color']);
		expect(edited.lighting.name).toBe('dusk');
		expect(edited.characters).toEqual(pictureFor(PROMPT).characters);
	});

	it("gives back a character's look and the asked light, as the judge's corrections word them", () => {
		const drifted = pictureFor(PROMPT, ['character', 'lighting']);
		expect(drifted.drift).toEqual(['character', 'lighting']);
		const edited = editPicture(
			drifted,
			'Mya must look exactly as the bible describes; light the shot as dusk.',
		);
		expect(edited).toEqual(pictureFor(PROMPT));
	});

	it('leaves the picture as it was for an instruction that names nothing in it', () => {
		const picture = withDrift(pictureFor(PROMPT), ['lighting']);
		expect(editPicture(picture, 'Slow the camera down.')).toEqual(picture);
	});
});

describe('bindImageTags', () => {
	it('binds frames first, then references among the images left, in input order', () => {
		expect(bindImageTags('<FIRST_FRAME> then <IMAGE_REF_1> and <IMAGE_REF_0>', 3)).toEqual([
			{ tag: 'FIRST_FRAME', image: 0 },
			{ tag: 'IMAGE_REF_1', image: 2 },
			{ tag: 'IMAGE_REF_0', image: 1 },
		]);
		expect(bindImageTags('<FIRST_FRAME> to <LAST_FRAME>', 2)).toEqual([
			{ tag: 'FIRST_FRAME', image: 0 },
			{ tag: 'LAST_FRAME', image: 1 },
		]);
	});

	it('follows declarations <TAG>@ImageK when the prompt has them', () => {
		expect(bindImageTags('[# <LAST_FRAME>@Image1 <FIRST_FRAME>@Image2] A walk.', 2)).toEqual([
			{ tag: 'LAST_FRAME', image: 0 },
			{ tag: 'FIRST_FRAME', image: 1 },
		]);
	});

	it('binds nothing without tags, and refuses a tag past the last image', () => {
		expect(bindImageTags('A walk.', 2)).toEqual([]);
		expect(() => bindImageTags('<IMAGE_REF_2>', 2)).toThrow(
			'<IMAGE_REF_2> names an image the input does not have (it has 2).',
		);
	});
});

describe('parseVideoFormat', () => {
	it('reads the video entry of a list of response formats', () => {
		expect(
			parseVideoFormat(
				[
					{ type: 'text' },
					{
						type: 'video',
						duration: '12s',
						aspect_ratio: '9:16',
						resolution: '4k',
						delivery: 'uri',
					},
				],
				OMNI_1_2,
				'gemini',
				DEFAULTS,
			),
		).toEqual({
			aspectRatio: '9:16',
			durationSeconds: 12,
			resolution: '4k',
			delivery: 'uri',
			gcsUri: undefined,
		});
		expect(parseVideoFormat(undefined, OMNI_1_1, 'gemini', DEFAULTS)).toBe(DEFAULTS);
	});

	it.each([
		[{ duration: 6 }, "Invalid value at 'response_format.duration' (TYPE_STRING), 6"],
		[{ duration: '6.5s' }, 'give whole seconds'],
		[{ duration: '11s' }, 'out of range for gemini-omni-1.1-flash'],
		[{ aspect_ratio: '1:1' }, 'Unsupported aspect_ratio "1:1"'],
		[{ resolution: '480p' }, 'Unsupported resolution "480p"'],
		[{ delivery: 'stream' }, 'Unsupported delivery "stream"'],
	])('refuses %j', (format, message) => {
		expect(() =>
			parseVideoFormat({ type: 'video', ...format }, OMNI_1_1, 'gemini', DEFAULTS),
		).toThrow(message);
	});
});

describe('parseInput and parseTask', () => {
	it('reads a string, a list of contents, and resent steps ending with the new turn', () => {
		expect(parseInput('A walk.')).toMatchObject({ text: 'A walk.', images: [], videos: [] });
		const image = { type: 'image', data: 'AAAA', mime_type: 'image/png' };
		expect(parseInput([image, { type: 'text', text: '<FIRST_FRAME> A walk.' }])).toMatchObject({
			text: '<FIRST_FRAME> A walk.',
			images: [image],
		});
		const clip = { type: 'video', data: 'BBBB', mime_type: 'video/mp4' };
		expect(
			parseInput([
				{ type: 'user_input', content: [{ type: 'text', text: 'A walk.' }] },
				{ type: 'model_output', content: [clip] },
				{ type: 'user_input', content: [{ type: 'text', text: 'Make it night.' }] },
			]),
		).toMatchObject({ text: 'Make it night.', earlierText: 'A walk.', videos: [clip] });
	});

	it('refuses no input, media without data, and a task Omni does not know', () => {
		expect(() => parseInput(undefined)).toThrow('input is required.');
		expect(() => parseInput([{ type: 'image' }])).toThrow('An image content needs data or a uri.');
		expect(parseTask({ video_config: { task: 'edit' } })).toBe('edit');
		expect(parseTask(undefined)).toBeUndefined();
		expect(() => parseTask({ video_config: { task: 'remix' } })).toThrow(
			"Invalid value at 'generation_config.video_config.task'",
		);
	});
});
