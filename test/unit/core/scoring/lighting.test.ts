import { kelvinToRgb } from '../../../../google-api-standin/picture';
import {
	lightingScore,
	lightingTarget,
	lookShiftScore,
	measureLighting,
	type MeasuredLighting,
} from '../../../../core/scoring/lighting';
import { DEFAULT_THRESHOLDS } from '../../../../core/scoring/report';
import { solidFrame } from '../../../helpers/frames';

const frames = (rgb: [number, number, number]) => [
	solidFrame(32, 18, rgb),
	solidFrame(32, 18, rgb),
];

describe('lighting words', () => {
	it('say which side the light must not cross, and how specific they are', () => {
		const dusk = lightingTarget('warm dusk')!;
		expect(dusk.kelvin).toEqual({ coolest: 4600 });
		expect(dusk.specificity).toBeGreaterThan(lightingTarget('natural daylight')!.specificity);
		expect(lightingTarget('night, floodlit')!.luma).toMatchObject({ brightest: 120 });
		expect(lightingTarget('bright noon sun')!.luma!.darkest).toBeGreaterThan(0);
	});

	it('never make words alone sure enough to send a clip back (below the usual 0.6)', () => {
		expect(lightingTarget('warm golden dusk, candlelit, dark')!.specificity).toBeLessThan(0.6);
	});

	it('let a warmth word win over a time of day that contradicts it', () => {
		expect(lightingTarget('cool sunset')!.kelvin).toEqual({ warmest: 4000 });
		expect(lightingTarget('warm blue hour')!.kelvin).toEqual({ coolest: 4600 });
	});

	it('give no target when nothing in them can be measured', () => {
		expect(lightingTarget('studio light')).toBeUndefined();
		expect(lightingTarget('moody and cinematic')).toBeUndefined();
		expect(lightingTarget('high-contrast noir')).toMatchObject({ contrast: 'high' });
	});
});

describe('the lighting score on words', () => {
	it('passes a warm room reading 1,700 K for "warm indoor light": warmer than asked is still warm', () => {
		const measured = measureLighting(frames(kelvinToRgb(1700, 90)));
		expect(measured.kelvin).toBeLessThan(2000);
		expect(lightingScore(lightingTarget('warm indoor light')!, measured).drift).toBe(0);
	});

	it('catches "warm dusk" against a clip about 2,400 K cooler, as a drift for a person to see', () => {
		const measured = measureLighting(frames(kelvinToRgb(5200, 90)));
		const score = lightingScore(lightingTarget('warm dusk')!, measured);
		// Past the pass threshold, not sure enough to regenerate: a person sees it.
		expect(score.drift).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.pass);
		expect(score.confidence).toBeLessThan(DEFAULT_THRESHOLDS.minConfidence);
		expect(score.reasons.join(' ')).toMatch(
			/cooler than the 4,600 K that 'warm dusk' allows at most/,
		);
		expect(score.correction).toMatch(/warmer/);
	});

	it('passes a warm 2,300 K picture for "natural daylight" and a 20,000 K sky for "blue hour"', () => {
		expect(
			lightingScore(
				lightingTarget('natural daylight')!,
				measureLighting(frames(kelvinToRgb(2300, 120))),
			).drift,
		).toBe(0);
		expect(
			lightingScore(lightingTarget('blue hour')!, measureLighting(frames(kelvinToRgb(20000, 80))))
				.drift,
		).toBe(0);
	});

	it('finds a bright picture for "night" drifted by brightness, in figures that agree with the verdict', () => {
		const score = lightingScore(
			lightingTarget('night')!,
			measureLighting(frames(kelvinToRgb(6000, 200))),
		);
		expect(score.drift).toBeGreaterThan(0.5);
		expect(score.reasons.join(' ')).toMatch(
			/brighter than 'night' allows \(average brightness \d+%, at most 47%\)/,
		);
	});

	it('is less sure of colour when the picture is nearly black', () => {
		const score = lightingScore(lightingTarget('warm dusk')!, measureLighting(frames([8, 6, 5])));
		expect(score.confidence).toBeLessThanOrEqual(0.3);
		expect(score.reasons.join(' ')).toMatch(/too dark to tell/);
	});
});

describe('the lighting score against the established look', () => {
	const established: MeasuredLighting = {
		luma: 100,
		contrast: 50,
		kelvin: 4000,
		chroma: 20,
		a: 2,
		b: 10,
	};

	it('passes a take that moved a little, as later takes of one place do', () => {
		const score = lookShiftScore(
			established,
			{ luma: 112, contrast: 48, kelvin: 4300, chroma: 23, a: 3, b: 8 },
			"the scene's first approved take",
		);
		expect(score.drift).toBe(0);
		expect(score.reasons).toEqual(["the light and colour match the scene's first approved take"]);
	});

	it('finds two stops brighter, for a person to judge: one measure alone may be the framing', () => {
		const brighter = lookShiftScore(
			established,
			{ ...established, luma: 200 },
			'the look reference image',
		);
		expect(brighter.drift).toBe(1);
		expect(brighter.confidence).toBeLessThan(0.6);
		expect(brighter.reasons[0]).toMatch(
			/^the picture is 2\.2 stops brighter than the look reference image/,
		);
	});

	it('is sure of a cooler grade that also casts the picture blue: a grade moves several measures', () => {
		const cooler = lookShiftScore(
			established,
			{ ...established, kelvin: 9000, b: -12 },
			'the look reference image',
		);
		expect(cooler.drift).toBeGreaterThan(0.9);
		expect(cooler.confidence).toBeGreaterThanOrEqual(0.7);
		expect(cooler.reasons[0]).toMatch(/cooler than the 4,000 K of the look reference image/);
		expect(cooler.correction).toMatch(
			/^Match the look reference image: warmer light, the same colour grade\.$/,
		);
	});
});
