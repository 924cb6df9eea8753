import { kelvinToRgb } from '../../../../google-api-standin/picture';
import { lightingScore, lightingTarget, measureLighting } from '../../../../core/scoring/lighting';
import { solidFrame } from '../../../helpers/frames';

describe('lighting words', () => {
	it('turn a time of day into brightness and colour temperature ranges', () => {
		const dusk = lightingTarget('warm dusk')!;
		expect(dusk.kelvin![1]).toBeLessThanOrEqual(4000);
		expect(dusk.luma![1]).toBeLessThan(150);
		const noon = lightingTarget('bright noon sun')!;
		expect(noon.kelvin![0]).toBeGreaterThan(4500);
		expect(noon.luma![0]).toBeGreaterThan(dusk.luma![1] - 30);
	});

	it('let a warmth word narrow the time of day, and win when they disagree', () => {
		expect(lightingTarget('warm morning light')!.kelvin).toEqual([3000, 4000]);
		expect(lightingTarget('cool sunset')!.kelvin![0]).toBeGreaterThan(6000);
	});

	it('give no target when nothing in them can be measured', () => {
		expect(lightingTarget('moody and cinematic')).toBeUndefined();
		expect(lightingTarget('high-contrast noir')).toMatchObject({ contrast: 'high' });
	});
});

describe('the lighting score', () => {
	const frames = (rgb: [number, number, number]) => [
		solidFrame(32, 18, rgb),
		solidFrame(32, 18, rgb),
	];

	it('passes a dim orange picture for "warm dusk"', () => {
		const measured = measureLighting(frames(kelvinToRgb(2800, 95)));
		expect(measured.kelvin).toBeGreaterThan(2200);
		expect(measured.kelvin).toBeLessThan(3400);
		const score = lightingScore(lightingTarget('warm dusk')!, measured);
		expect(score.drift).toBe(0);
		expect(score.correction).toBeUndefined();
	});

	it('finds a cool bright picture far from "warm dusk", and says how far in kelvin and brightness', () => {
		const score = lightingScore(
			lightingTarget('warm dusk')!,
			measureLighting(frames(kelvinToRgb(8500, 160))),
		);
		expect(score.drift).toBeGreaterThanOrEqual(0.9);
		expect(score.reasons.join(' ')).toMatch(/K cooler than the [\d,]+ K that 'warm dusk' asks for/);
		expect(score.reasons.join(' ')).toMatch(/brighter than 'warm dusk' asks for/);
		expect(score.correction).toMatch(/warmer/);
	});

	it('finds a dark picture for "noon" drifted by brightness alone', () => {
		const score = lightingScore(
			lightingTarget('noon')!,
			measureLighting(frames(kelvinToRgb(5800, 60))),
		);
		expect(score.drift).toBeGreaterThan(0.5);
		expect(score.reasons.join(' ')).toMatch(/darker/);
		expect(score.reasons.join(' ')).not.toMatch(/cooler|warmer/);
	});

	it('is less sure of colour when the picture is nearly black', () => {
		const score = lightingScore(lightingTarget('warm dusk')!, measureLighting(frames([8, 6, 5])));
		expect(score.confidence).toBeLessThan(0.5);
		expect(score.reasons.join(' ')).toMatch(/too dark to tell/);
	});
});
