import { driftWords, surenessWords } from '../../../core/reviewWords';
import type { DriftReport } from '../../../core/types';

/** A drift report as Drift Score writes it, with the dimensions given. */
function report(overrides: Partial<DriftReport>): DriftReport {
	return {
		drift: 0,
		confidence: 0.9,
		dimensions: {},
		reasons: [],
		route: 'review',
		technicalDefects: [],
		skipped: [],
		scoredAt: '2026-03-01T10:05:00.000Z',
		...overrides,
	};
}

describe('a drift report in words a marketer reads right', () => {
	it('leads with the prop in the wrong colour, then how sure: no percentages in the headline', () => {
		const words = driftWords(
			report({
				drift: 0.9,
				confidence: 0.75,
				dimensions: {
					props: {
						drift: 0.9,
						confidence: 0.75,
						reasons: ['the mug reads orange-brown, the bible asks for blue (hue 28° against 225°)'],
						measures: {
							propFrames_mug: 3,
							propColor_mug: 'orange-brown',
							propColorAsked_mug: 'blue',
							propHue_mug: 28,
						},
					},
					lighting: { drift: 0.05, confidence: 0.8, reasons: ['matches warm dusk'] },
				},
			}),
		);
		expect(words.verdict).toBe('Check this');
		expect(words.headline).toBe('The mug looks orange-brown; the bible says blue. Fairly sure.');
		expect(words.headline).not.toMatch(/\d/);
		expect(words.flags).toEqual(['props']);
		// The numbers come after, each dimension measured.
		expect(words.numbers).toEqual([
			{ dimension: 'props', distance: 0.9, confidence: 0.75 },
			{ dimension: 'lighting', distance: 0.05, confidence: 0.8 },
		]);
	});

	it('says a character was not seen, and that it is not sure, where the numbers said "drift 100%, 50% sure"', () => {
		const words = driftWords(
			report({
				drift: 1,
				confidence: 0.5,
				dimensions: {
					character: {
						drift: 1,
						confidence: 0.5,
						reasons: ['Mya not found: no face in the 4 sampled frames'],
						measures: { faceMatchThreshold: 0.6, faceFound_Mya: false },
					},
				},
			}),
		);
		expect(words.headline).toBe("Mya's face is not seen in the clip. Not very sure.");
		expect(words.headline).not.toMatch(/100|50|%/);
	});

	it('puts technical defects first, then the drifted dimensions from the furthest off, each of its kind', () => {
		const words = driftWords(
			report({
				route: 'regenerate',
				technicalDefects: ['the picture is black from 1.2 s to 2.0 s'],
				dimensions: {
					technical: { drift: 1, confidence: 0.95, reasons: [] },
					continuity: {
						drift: 0.4,
						confidence: 0.5,
						reasons: ["the first frame does not continue the previous shot's last frame"],
					},
					palette: {
						drift: 0.7,
						confidence: 0.6,
						reasons: ["teal from the bible's palette is missing from the clip"],
					},
					character: {
						drift: 0.8,
						confidence: 0.85,
						reasons: ['Mya not found'],
						measures: { faceFound_Mya: false, faceSimilarity_Mya: 0.41, faceAtSeconds_Mya: 2.1 },
					},
					props: { drift: 0.1, confidence: 0.7, reasons: ['the mug is in 4 of 4 frames'] },
				},
			}),
		);
		expect(words.verdict).toBe('Make again');
		expect(words.findings.map((finding) => [finding.flag, finding.text, finding.sureness])).toEqual(
			[
				['technical', 'The picture is black from 1.2 s to 2.0 s.', 'Very sure.'],
				[
					'character',
					'The face at 2.1 s does not look like Mya in the reference picture.',
					'Very sure.',
				],
				['lighting', "Teal from the bible's palette is missing from the clip.", 'Not very sure.'],
				[
					'continuity',
					"The first frame does not continue the previous shot's last frame.",
					'Not very sure.',
				],
			],
		);
		expect(words.headline).toBe('The picture is black from 1.2 s to 2.0 s. Very sure.');
		expect(words.flags).toEqual(['technical', 'character', 'lighting', 'continuity']);
	});

	it('adds what the judge saw fail where no other check found that kind of problem', () => {
		const words = driftWords(
			report({
				constraints: [
					{
						id: 'c1',
						text: 'The mug is blue',
						dimension: 'props',
						passed: false,
						confidence: 0.9,
						evidence: 'the mug is green',
						atSeconds: 2,
					},
					{
						id: 'c2',
						text: 'Mya smiles',
						dimension: 'character',
						passed: true,
						confidence: 0.9,
						evidence: 'she does',
					},
				],
			}),
		);
		expect(words.findings).toEqual([
			{
				flag: 'props',
				dimension: 'semantic',
				text: 'Not shown: The mug is blue. The mug is green.',
				sureness: 'Very sure.',
			},
		]);
	});

	it('says why a clip with nothing off still needs a person, and that a passed clip passed', () => {
		expect(driftWords(report({ confidence: 0.5 })).headline).toBe(
			'Nothing looks off, but the checks that ran cannot pass it alone. Not very sure.',
		);
		expect(driftWords(report({ route: 'pass', confidence: 0.92 }))).toMatchObject({
			verdict: 'Passed',
			headline: 'Every check is within the bible. Very sure.',
			findings: [],
		});
		expect([0.9, 0.7, 0.5, 0.2].map(surenessWords)).toEqual([
			'Very sure.',
			'Fairly sure.',
			'Not very sure.',
			'A guess.',
		]);
	});
});
