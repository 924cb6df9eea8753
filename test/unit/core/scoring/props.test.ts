import { checkColor, readColor } from '../../../../core/scoring/hue';
import {
	detectorClassOf,
	OBJECT_MIN_SCORE,
	propsScore,
	sightProp,
} from '../../../../core/scoring/props';
import type { Frame } from '../../../../core/scoring/similarity';
import type { Prop } from '../../../../core/types';
import type { Box, FoundObject } from '../../../../core/scoring/vision';
import { paintFrame } from '../../../helpers/frames';

type Rgb = [number, number, number];

const prop = (name: string, fields: Partial<Prop> = {}): Prop => ({
	id: name.replace(/\W+/g, '-'),
	name,
	description: '',
	constraints: [],
	...fields,
});

describe('which props the object detector can check', () => {
	it.each([
		['mug', 'cup'],
		["Mya's travel mug", 'cup'],
		['coffee mugs', 'cup'],
		['wine glass', 'wine glass'],
		['teddy bear', 'teddy bear'],
		['smartphone', 'cell phone'],
		['sofa', 'couch'],
		['hair dryer', 'hair drier'],
	])('"%s" is a %s', (name, label) => {
		expect(detectorClassOf(prop(name))).toBe(label);
	});

	it('reads the description when the name names no class, and takes the first thing it names', () => {
		expect(
			detectorClassOf(
				prop('hero product', { description: 'a steel water bottle on a wooden table' }),
			),
		).toBe('bottle');
	});

	it('knows no class in a neon sign, an orange scarf or a mouse pad', () => {
		for (const name of ['neon sign', 'orange scarf', 'mouse pad'])
			expect(detectorClassOf(prop(name))).toBeUndefined();
	});
});

/** A 100 x 80 frame: `middle` in the middle of the box at (20, 20, 60, 40), `edge` everywhere else. */
const BOX: Box = { x: 20, y: 20, width: 60, height: 40 };
function objectFrame(middle: Rgb, edge: Rgb = [240, 240, 240], atSeconds = 0): Frame {
	return paintFrame(
		100,
		80,
		(x, y) => (x >= 35 && x < 65 && y >= 30 && y < 50 ? middle : edge),
		atSeconds,
	);
}

describe('the colour of an object', () => {
	it('is the dominant hue of the middle of its box, in words', () => {
		expect(readColor([{ frame: objectFrame([200, 120, 60]), box: BOX }]).words).toBe('orange');
		expect(readColor([{ frame: objectFrame([120, 60, 30]), box: BOX }]).words).toBe('orange-brown');
		expect(readColor([{ frame: objectFrame([30, 70, 200]), box: BOX }]).words).toBe('blue');
	});

	it('averages hues across red, where the hue circle wraps', () => {
		const frame = paintFrame(100, 80, (x) => (x % 2 ? [220, 30, 45] : [220, 45, 30]));
		const { hue, words } = readColor([{ frame, box: BOX }]);
		expect(Math.min(hue!, 360 - hue!)).toBeLessThan(5);
		expect(words).toBe('red');
	});

	it('reads white, grey or black when the middle has little colour', () => {
		expect(readColor([{ frame: objectFrame([235, 235, 230], [0, 0, 255]), box: BOX }]).words).toBe(
			'white',
		);
		expect(readColor([{ frame: objectFrame([110, 110, 115], [0, 0, 255]), box: BOX }]).words).toBe(
			'grey',
		);
		expect(readColor([{ frame: objectFrame([15, 12, 10], [0, 0, 255]), box: BOX }]).words).toBe(
			'black',
		);
	});

	it('reads the boxes of several frames together', () => {
		const reading = readColor([
			{ frame: objectFrame([30, 70, 200]), box: BOX },
			{ frame: objectFrame([30, 70, 200]), box: BOX },
			{ frame: objectFrame([200, 120, 60]), box: BOX },
		]);
		expect(reading.words).toBe('blue');
		expect(reading.share).toBeCloseTo(2 / 3, 1);
	});

	it('is compared with the bible by hue, and by brightness for white, grey and black', () => {
		const blue = readColor([{ frame: objectFrame([30, 70, 200]), box: BOX }]);
		const white = readColor([{ frame: objectFrame([235, 235, 230], [0, 0, 255]), box: BOX }]);
		expect(checkColor('brand blue', blue)?.drift).toBe(0);
		expect(checkColor('#1a4dff', blue)?.drift).toBe(0);
		expect(checkColor('orange', blue)?.drift).toBe(1);
		expect(checkColor('white', white)?.drift).toBe(0);
		expect(checkColor('black', white)?.drift).toBe(1);
		expect(checkColor('blue', white)?.drift).toBe(1);
		expect(checkColor('matte', blue)).toBeUndefined();
	});
});

describe('the props score', () => {
	const mug = prop('mug', { color: 'blue' });
	const cup = (score: number, box = BOX): FoundObject => ({ label: 'cup', score, box });
	const sampled = (frame: Frame, objects: FoundObject[]) => ({
		frame,
		atSeconds: frame.atSeconds,
		detections: { faces: [], objects },
	});

	it('names the colour a prop reads against the colour the bible asks for', () => {
		const frames = [0, 2, 4, 6].map((seconds) =>
			sampled(objectFrame([200, 120, 60], undefined, seconds), seconds === 6 ? [] : [cup(0.45)]),
		);
		const score = propsScore([sightProp(mug, 'cup', frames)]);
		expect(score.drift).toBe(1);
		expect(score.confidence).toBeGreaterThanOrEqual(0.6);
		expect(score.reasons[0]).toMatch(
			/^the mug reads orange, the bible asks for blue \(hue \d+° against \d+°\); in 3 of 4 sampled frames$/,
		);
		expect(score.measures).toMatchObject({
			propFrames_mug: 3,
			propScore_mug: 0.45,
			propColor_mug: 'orange',
			propColorAsked_mug: 'blue',
		});
		expect(score.correction).toBe('The mug must be blue, not orange.');
	});

	it('leaves a prop whose middle reads without colour to a person when a colour is asked (chrome, shadow)', () => {
		const score = propsScore([
			sightProp(mug, 'cup', [sampled(objectFrame([128, 128, 130]), [cup(0.5)])]),
		]);
		expect(score.drift).toBe(1);
		expect(score.confidence).toBeLessThan(0.6);
		expect(score.reasons[0]).toMatch(/^the mug reads grey, the bible asks for blue/);
	});

	it('passes a prop of the asked colour', () => {
		const score = propsScore([
			sightProp(mug, 'cup', [sampled(objectFrame([30, 70, 200]), [cup(0.5)])]),
		]);
		expect(score.drift).toBe(0);
		expect(score.reasons[0]).toBe(
			'the mug reads blue, as the bible asks (blue); in 1 of 1 sampled frames',
		);
	});

	it('calls a prop missing when no detection of its class is confident enough, and leaves it to a person', () => {
		const frames = [
			sampled(objectFrame([30, 70, 200]), [
				cup(OBJECT_MIN_SCORE - 0.05),
				{ label: 'bowl', score: 0.9, box: BOX },
			]),
		];
		const score = propsScore([sightProp(prop('travel mug', { color: 'blue' }), 'cup', frames)]);
		expect(score.drift).toBe(1);
		expect(score.confidence).toBeLessThan(0.6);
		expect(score.reasons[0]).toBe(
			'the travel mug (a cup to the detector) is missing: in none of the 1 sampled frames',
		);
	});

	it('checks presence alone when the bible asks for no colour, reading each frame at its best detection', () => {
		const frames = [
			sampled(objectFrame([30, 70, 200]), [
				cup(0.4, { x: 0, y: 0, width: 10, height: 10 }),
				cup(0.7),
			]),
		];
		const sighting = sightProp(prop('mug'), 'cup', frames);
		expect(sighting.found.map(({ object }) => object.score)).toEqual([0.7]);
		const score = propsScore([sighting]);
		expect(score).toMatchObject({
			drift: 0,
			reasons: ['the mug (a cup to the detector) is in 1 of 1 sampled frames'],
		});
	});
});
