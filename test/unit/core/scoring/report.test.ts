import {
	buildReport,
	DEFAULT_THRESHOLDS,
	mergeScores,
	type Findings,
} from '../../../../core/scoring/report';
import type { DimensionScore } from '../../../../core/types';

const score = (drift: number, confidence: number, reason = `drift ${drift}`): DimensionScore => ({
	drift,
	confidence,
	reasons: [reason],
});
const clean: Findings = { scorer: 'technical', dimensions: { technical: score(0, 0.95) } };
const look = (
	dimensions: Findings['dimensions'],
	corrections: Findings['corrections'] = {},
): Findings => ({ scorer: 'look', dimensions, corrections });
const report = (...findings: Findings[]) =>
	buildReport(findings, DEFAULT_THRESHOLDS, new Date('2026-01-01T00:00:00Z'));

describe('routing a clip', () => {
	it('passes a clip whose measures are all small and together sure enough', () => {
		const result = report(clean, look({ lighting: score(0.05, 0.7), palette: score(0, 0.6) }));
		expect(result.route).toBe('pass');
		expect(result.drift).toBe(0.05);
		// Two agreeing measures, 70% and 60% sure: 1 - 0.3 x 0.4.
		expect(result.confidence).toBe(0.88);
		expect(result.reasons).toEqual([
			'Pass: every measure is within the bible (drift 0.05, 88% sure)',
		]);
		expect(result.correctivePrompt).toBeUndefined();
	});

	it('sends a clip with a technical defect back, whatever its look', () => {
		const defective: Findings = {
			...clean,
			dimensions: { technical: score(1, 0.95) },
			defects: [{ kind: 'black', text: 'the picture is black from 1.0 s to 2.0 s' }],
		};
		const result = report(defective, look({ lighting: score(0, 0.7) }));
		expect(result.route).toBe('regenerate');
		expect(result.technicalDefects).toEqual(['the picture is black from 1.0 s to 2.0 s']);
	});

	it('sends back a clip that drifted past the fail threshold with enough confidence, with its correction', () => {
		const result = report(
			clean,
			look(
				{ lighting: score(0.8, 0.7, 'too cool'), palette: score(0, 0.6) },
				{ lighting: 'Warmer light.' },
			),
		);
		expect(result.route).toBe('regenerate');
		expect(result.confidence).toBe(0.7);
		expect(result.reasons).toEqual([
			'Regenerate: lighting drift 0.80 (70% sure) is at or above the fail threshold 0.5',
			'lighting: too cool',
		]);
		expect(result.correctivePrompt).toBe('Warmer light.');
	});

	it('sends a large drift it is unsure of to a person', () => {
		const result = report(clean, look({ continuity: score(1, 0.5), lighting: score(0, 0.7) }));
		expect(result.route).toBe('review');
		expect(result.reasons[0]).toBe('Review: continuity drift 1.00 is high, but only 50% sure');
	});

	it('sends a drift between the thresholds to a person', () => {
		expect(report(clean, look({ palette: score(0.3, 0.6) })).reasons[0]).toBe(
			'Review: palette drift 0.30 is between the pass (0.15) and fail (0.5) thresholds',
		);
	});

	it('sends a clip to a person when only technical checks could run', () => {
		const result = report(clean);
		expect(result.route).toBe('review');
		expect(result.reasons[0]).toMatch(/only technical checks could run/);
	});

	it('records what was skipped, and the judge verdicts', () => {
		const verdict = {
			id: 'c1',
			text: 'The mug is blue',
			dimension: 'props' as const,
			passed: true,
			confidence: 0.9,
			evidence: 'blue',
			atSeconds: 1,
		};
		const result = report(
			clean,
			{ scorer: 'look', dimensions: {}, skipped: ['lighting: no words'] },
			{ scorer: 'judge', dimensions: { props: score(0.1, 0.9) }, constraints: [verdict] },
		);
		expect(result.skipped).toEqual([{ scorer: 'look', reason: 'lighting: no words' }]);
		expect(result.constraints).toEqual([verdict]);
		expect(result.scoredAt).toBe('2026-01-01T00:00:00.000Z');
	});

	it('merges two scores of one dimension, less sure as they disagree', () => {
		expect(mergeScores([score(0.2, 0.8), score(0.2, 0.6)])).toMatchObject({
			drift: 0.2,
			confidence: 0.8,
		});
		const disagreeing = mergeScores([score(0, 0.7), score(1, 0.7)]);
		expect(disagreeing).toMatchObject({ drift: 0.5, confidence: 0.35 });
		expect(
			report(clean, look({ lighting: score(0, 0.7) }), {
				scorer: 'judge',
				dimensions: { lighting: score(1, 0.7) },
			}).route,
		).toBe('review');
	});
});
