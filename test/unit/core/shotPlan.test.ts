import { InvalidInputError } from '../../../core/failures';
import { inputErrorOf } from '../../helpers/errors';
import { allowedDurations, getVideoModel } from '../../../core/models';
import { parseSceneSpec } from '../../../core/schema';
import {
	checkSpecAgainstModel,
	DEFAULT_MAX_SHOTS,
	planShotDurations,
} from '../../../core/shotPlan';
import type { SceneSpec } from '../../../core/types';
import { rawSpec } from '../../fixtures/sceneSpec';

const VEO_31 = 'veo-3.1-fast-generate-001';
const OMNI = 'gemini-omni-1.1-flash';

/** The fixture's shots are 8 + 6 + 4 = 18 s at 720p. */
function spec(): SceneSpec {
	return parseSceneSpec(rawSpec());
}

describe('checkSpecAgainstModel', () => {
	it('accepts a spec whose durations, resolution and aspect ratio the model offers', () => {
		expect(checkSpecAgainstModel(spec(), VEO_31)).toEqual([]);
		expect(checkSpecAgainstModel(spec(), VEO_31, { targetDurationSeconds: 18 })).toEqual([]);
	});

	it('names each shot whose duration the model does not make', () => {
		const source = spec();
		source.shots[1].durationSeconds = 12;
		const problems = checkSpecAgainstModel(source, OMNI);
		// Omni 1.1 makes 3 to 10 s: only the 12 s shot (second in sequence) is refused.
		expect(problems).toEqual([
			{
				path: 'shots[1].durationSeconds',
				message: expect.stringContaining(
					'12 s is not a duration Gemini Omni 1.1 Flash makes at 720p (allowed: 3-10 s)',
				),
			},
		]);
	});

	it('checks durations at the resolution of the style (1080p on Veo 3.1 needs 8 s)', () => {
		const source = spec();
		source.bible.style.resolution = '1080p';
		const problems = checkSpecAgainstModel(source, VEO_31);
		expect(problems.map((problem) => problem.path)).toEqual([
			'shots[1].durationSeconds',
			'shots[2].durationSeconds',
		]);
		expect(problems[0].message).toContain('allowed: 8 s');
	});

	it('refuses a resolution the model does not offer', () => {
		const source = spec();
		source.bible.style.resolution = '360p';
		expect(checkSpecAgainstModel(source, VEO_31)).toEqual([
			{
				path: 'bible.style.resolution',
				message: expect.stringContaining('Veo 3.1 Fast does not offer 360p'),
			},
		]);
		expect(checkSpecAgainstModel(source, OMNI)).toEqual([]);
	});

	it('accepts a total within one shot length of the target and refuses one further away', () => {
		// 18 s of shots; the longest Veo 3.1 shot is 8 s, so targets 10..26 are fine.
		for (const target of [10, 18, 26]) {
			expect(checkSpecAgainstModel(spec(), VEO_31, { targetDurationSeconds: target })).toEqual([]);
		}
		for (const target of [9, 27, 60]) {
			const problems = checkSpecAgainstModel(spec(), VEO_31, { targetDurationSeconds: target });
			expect(problems).toHaveLength(1);
			expect(problems[0].path).toBe('shots');
			expect(problems[0].message).toContain('add up to 18 s');
			expect(problems[0].message).toContain(`target of ${target} s`);
		}
	});

	it('names the shot cap when there are more shots than it allows', () => {
		expect(checkSpecAgainstModel(spec(), VEO_31, { maxShots: 3 })).toEqual([]);
		const problems = checkSpecAgainstModel(spec(), VEO_31, { maxShots: 2 });
		expect(problems).toEqual([
			{ path: 'shots', message: expect.stringContaining('3 shots is over the cap of 2') },
		]);
	});

	it('refuses a model id that is not Veo', () => {
		expect(() => checkSpecAgainstModel(spec(), 'gemini-2.5-flash')).toThrow(InvalidInputError);
	});
});

describe('planShotDurations', () => {
	const cases = [
		['Veo 3.1 at 720p', VEO_31, '720p'],
		['Veo 3.1 at 1080p', VEO_31, '1080p'],
		['Gemini Omni 1.2', 'gemini-omni-1.2-flash', '720p'],
		['Gemini Omni 1.1 at 4K', OMNI, '4k'],
	] as const;

	it.each(cases)(
		'with %s, sums to within one shot length of every target from 1 to 300 s',
		(_name, modelId, resolution) => {
			const model = getVideoModel(modelId);
			const allowed = allowedDurations(model, resolution);
			const longest = Math.max(...allowed);
			for (let target = 1; target <= 300; target++) {
				const planned = planShotDurations(target, model, { resolution });
				expect(planned.length).toBeGreaterThan(0);
				for (const duration of planned) expect(allowed).toContain(duration);
				const total = planned.reduce((sum, duration) => sum + duration, 0);
				if (Math.abs(total - target) > longest)
					throw new Error(`target ${target}: planned ${planned} (${total} s)`);
			}
		},
	);

	it('uses as few shots as it can: a minute of Veo 3.1 is 8-second shots with a short filler', () => {
		const planned = planShotDurations(60, getVideoModel(VEO_31));
		expect(planned.slice(0, 7)).toEqual(Array(7).fill(8));
		expect(planned.reduce((sum, duration) => sum + duration, 0)).toBeGreaterThanOrEqual(56);
		expect(planned.length).toBeLessThanOrEqual(8);
	});

	it.each([0, -8, Number.NaN])('refuses a target of %p', (target) => {
		const error = inputErrorOf(() => planShotDurations(target, getVideoModel(VEO_31)));
		expect(error.firstPath).toBe('targetDurationSeconds');
		expect(error.message).toContain('more than 0 seconds');
	});

	it('refuses 3 hours, naming the cap of 200 shots', () => {
		const error = inputErrorOf(() => planShotDurations(3 * 3600, getVideoModel(VEO_31)));
		expect(error.firstPath).toBe('targetDurationSeconds');
		expect(error.message).toContain(`over the cap of ${DEFAULT_MAX_SHOTS} shots`);
		expect(DEFAULT_MAX_SHOTS).toBe(200);
		expect(error.message).toContain('1350 shots');
	});

	it('honours a raised cap', () => {
		const planned = planShotDurations(3 * 3600, getVideoModel(VEO_31), { maxShots: 2000 });
		expect(planned).toHaveLength(1350);
	});

	it('plans a fixed number of shots of one allowed duration', () => {
		const model = getVideoModel(VEO_31);
		const planned = planShotDurations(30, model, { shotCount: 5 });
		expect(planned).toEqual([6, 6, 6, 6, 6]);
		expect(planShotDurations(40, model, { shotCount: 10 })).toEqual(Array(10).fill(4));
	});

	it('refuses a shot count that cannot reach the target, or is not a positive whole number, or is over the cap', () => {
		const model = getVideoModel(VEO_31);
		expect(inputErrorOf(() => planShotDurations(60, model, { shotCount: 2 })).firstPath).toBe(
			'shotCount',
		);
		expect(inputErrorOf(() => planShotDurations(60, model, { shotCount: 0 })).message).toContain(
			'whole number',
		);
		expect(inputErrorOf(() => planShotDurations(60, model, { shotCount: 2.5 })).firstPath).toBe(
			'shotCount',
		);
		expect(
			inputErrorOf(() => planShotDurations(6000, model, { shotCount: 750 })).message,
		).toContain('over the cap of 200');
	});
});
