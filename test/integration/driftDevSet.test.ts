import { generateDevSet } from '../../bench/drift-dev-set/generate';
import { figuresOf, scoreCases } from '../../bench/drift-dev-set/run';
import { stopVisionModels } from '../../edges/vision/humanModels';

/**
 * A regression subset of the drift development set (bench/drift-dev-set): clips of real
 * photographs from Debian's scikit-image package, clean and drifted, scored as the Drift Score
 * node scores them by default. The whole set (158 clips, with real people and more places) runs
 * with `npx tsx bench/drift-dev-set/run.ts`; this keeps a night shot, an established look, grades,
 * exposure, technical defects and a prop in check within a couple of minutes.
 */

jest.setTimeout(600_000);

const SUBSET = [
	'clean/launch-first',
	'clean/launch-later',
	'clean/garage-later',
	'clean/cafe-prop',
	'clean/studio-later',
	'exposure/garage-overOne',
	'exposure/studio-underOne',
	'grade/garage-cooled-words-only',
	'grade/launch-warmer',
	'black/launch',
	'frozen/launch',
	'flicker/launch',
	'prop-colour/cafe-blue',
	'missing-prop/garage',
];

afterAll(() => stopVisionModels());

it('routes the subset as an editor would: clean clips pass, drifted ones reach a person or go back', async () => {
	const cases = await generateDevSet(undefined, (devCase) => SUBSET.includes(devCase.id), {
		people: false,
	});
	expect(cases.map((devCase) => devCase.id).sort()).toEqual([...SUBSET].sort());
	const results = await scoreCases(cases);
	const wrong = results
		.filter((result) => (result.kind === 'clean') !== (result.route === 'pass'))
		.map((result) => `${result.id}: ${result.report.reasons[0]}`);
	expect(wrong).toEqual([]);
	const figures = figuresOf(results);
	expect(figures.clean.regenerate).toBe(0);
	// The night launch is dark but structured: not black, not frozen.
	const night = results.find((result) => result.id === 'clean/launch-first')!;
	expect(night.report.technicalDefects).toEqual([]);
});
