import {
	buildReport,
	DEFAULT_THRESHOLDS,
	mergeScores,
	parseDimensionThresholds,
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
			'Pass: every measure taken is within its pass threshold (lighting, technical quality and palette; ' +
				'worst lighting drift 0.05, 88% sure)',
		]);
		expect(result.measured?.map((entry) => entry.dimension)).toEqual([
			'lighting',
			'technical',
			'palette',
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

	// Issue 14 changes this: what could not be measured is listed, not a reason for review.
	it('passes a clip when only technical checks could run, and lists what was not measured', () => {
		const result = report(clean, {
			scorer: 'look',
			dimensions: {},
			skipped: ["lighting: 'studio light' names nothing measurable"],
		});
		expect(result.route).toBe('pass');
		expect(result.skipped).toEqual([
			{ scorer: 'look', reason: "lighting: 'studio light' names nothing measurable" },
		]);
	});

	it('sends such a clip to a person when the team asks to review unverified clips', () => {
		const result = buildReport([clean], { ...DEFAULT_THRESHOLDS, reviewUnverified: true });
		expect(result.route).toBe('review');
		expect(result.reasons[0]).toMatch(/^Review: nothing drifted, but no check could verify/);
	});

	it('writes a drift just under the pass threshold so that it reads under it', () => {
		const result = report(clean, look({ lighting: score(0.149, 0.7) }));
		expect(result.route).toBe('pass');
		expect(result.reasons[0]).toMatch(/worst lighting drift 0\.149,/);
		const over = report(clean, look({ lighting: score(0.4999, 0.7) }));
		expect(over.reasons[0]).toBe(
			'Review: lighting drift 0.4999 is between the pass (0.15) and fail (0.5) thresholds',
		);
	});

	it('routes each dimension by its own thresholds when given', () => {
		const thresholds = {
			...DEFAULT_THRESHOLDS,
			dimensions: { lighting: { pass: 0.3, fail: 0.8 } },
		};
		expect(buildReport([clean, look({ lighting: score(0.25, 0.7) })], thresholds).route).toBe(
			'pass',
		);
		expect(buildReport([clean, look({ lighting: score(0.6, 0.7) })], thresholds).route).toBe(
			'review',
		);
		expect(buildReport([clean, look({ palette: score(0.25, 0.7) })], thresholds).route).toBe(
			'review',
		);
		expect(buildReport([clean], thresholds).thresholds).toEqual(thresholds);
	});

	it("lets a scorer's decisive evidence outweigh another's hint on the same dimension", () => {
		const face: Findings = {
			scorer: 'identity',
			dimensions: { character: score(1, 0.85, 'a stranger') },
			decisive: ['character'],
		};
		const colours = look({ character: score(0, 0.4, 'colouring appears') });
		const result = report(clean, colours, face);
		expect(result.dimensions.character).toMatchObject({ drift: 1, confidence: 0.85 });
		expect(result.route).toBe('regenerate');
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

describe('per-dimension thresholds as a person writes them', () => {
	it('are read from JSON, and a wrong one is an error naming it', () => {
		expect(parseDimensionThresholds('{"lighting": {"pass": 0.25, "fail": 0.7}}', 'field')).toEqual({
			lighting: { pass: 0.25, fail: 0.7 },
		});
		expect(parseDimensionThresholds('', 'field')).toEqual({});
		expect(() => parseDimensionThresholds('{"look": {"pass": 0.2}}', 'field')).toThrow(
			/field\.look: is no dimension \(dimensions: technical, lighting/,
		);
		expect(() => parseDimensionThresholds({ props: { pass: 0.8, fail: 0.5 } }, 'field')).toThrow(
			/field\.props: pass \(0\.8\) is above fail \(0\.5\)/,
		);
		expect(() => parseDimensionThresholds('{"props": {"pass": 2}}', 'field')).toThrow(
			/field\.props\.pass: must be a number from 0 to 1/,
		);
	});
});
