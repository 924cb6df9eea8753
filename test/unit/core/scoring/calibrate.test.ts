import {
	parseDecisionLines,
	decisionLine,
	decisionsInText,
	type DecisionRecord,
} from '../../../../core/decisions';
import { calibrate, MAX_REJECTED_PASSED } from '../../../../core/scoring/calibrate';
import {
	buildReport,
	DEFAULT_THRESHOLDS,
	parseDimensionThresholds,
} from '../../../../core/scoring/report';
import type { DimensionScore, DriftDimension } from '../../../../core/types';

const score = (drift: number, confidence = 0.7): DimensionScore => ({
	drift,
	confidence,
	reasons: [],
});

/** A decided clip whose report measured these dimensions, routed with the default thresholds. */
function decided(
	index: number,
	decision: 'approved' | 'rejected',
	dimensions: Partial<Record<DriftDimension, DimensionScore>>,
	tags: DecisionRecord['tags'] = [],
): DecisionRecord {
	return {
		pipelineId: 'film',
		shotId: `shot-${index}`,
		takeId: `shot-${index}-t1`,
		drift: buildReport([{ scorer: 'look', dimensions }], DEFAULT_THRESHOLDS, new Date(0)),
		decision,
		tags,
		reviewer: 'ana',
		decidedAt: '2026-12-01T10:00:00.000Z',
	};
}

describe('calibrating thresholds from decisions', () => {
	// Editors approved clips whose lighting measured up to 0.35 drift and rejected those from 0.45;
	// every character drift they saw above 0.2 they rejected.
	const records = [
		...Array.from({ length: 40 }, (_, index) =>
			decided(index, 'approved', {
				lighting: score(0.2 + (index % 8) * 0.02),
				character: score(0.05),
			}),
		),
		...Array.from({ length: 10 }, (_, index) =>
			decided(
				100 + index,
				'rejected',
				{ lighting: score(0.45 + index * 0.02), character: score(0.05) },
				['lighting'],
			),
		),
		...Array.from({ length: 5 }, (_, index) =>
			decided(
				200 + index,
				'rejected',
				{ lighting: score(0.1), character: score(0.3 + index * 0.1) },
				['character'],
			),
		),
	];

	it('counts per dimension the approved clips QA flagged and the rejected clips it passed', () => {
		const result = calibrate(records, DEFAULT_THRESHOLDS);
		expect(result.decisions).toEqual({ approved: 40, rejected: 15, undecided: 0 });
		expect(result.dimensions.lighting).toMatchObject({
			clips: 55,
			approvedButFlagged: 40,
			rejectedButPassed: 0,
		});
		// As routed: the 40 approved and the rejected clips between the thresholds went to a person.
		expect(result.current.review).toBe(45);
	});

	it('recommends the thresholds that let at most 2% of rejected clips pass, with the least review', () => {
		const result = calibrate(records, DEFAULT_THRESHOLDS);
		const lighting = result.thresholds.lighting!;
		expect(lighting.pass).toBeGreaterThan(0.34);
		expect(lighting.pass).toBeLessThanOrEqual(0.45);
		expect(result.thresholds.character!.pass).toBeLessThanOrEqual(0.3);
		expect(result.recommended.rejectedPassed).toBeLessThanOrEqual(
			Math.floor(MAX_REJECTED_PASSED * 15),
		);
		expect(result.recommended.review).toBeLessThan(result.current.review);
		// Ready to paste back: the node and the CLI read them as they are written.
		expect(parseDimensionThresholds(JSON.stringify(result.thresholds), 'pasted')).toEqual(
			result.thresholds,
		);
	});

	it('says when there are too few decisions for the target to mean much', () => {
		expect(calibrate(records.slice(0, 5), DEFAULT_THRESHOLDS).notes[0]).toMatch(
			/^Only 5 decided clips \(0 rejected\)/,
		);
	});
});

describe('decision records', () => {
	it('round-trip through a JSONL export, and a bad line is an error naming it', () => {
		const lines = records().map(decisionLine).join('');
		expect(parseDecisionLines(lines, 'decisions.jsonl')).toEqual(records());
		expect(decisionsInText(lines, 'decisions.jsonl')).toHaveLength(2);
		expect(() => parseDecisionLines(`${lines}{"shotId": 3}\n`, 'decisions.jsonl')).toThrow(
			/decisions.jsonl line 3\.pipelineId: must be a string/,
		);
	});

	it('are read out of a production report, one per decided take', () => {
		const [approved] = records();
		const report = {
			schema: 'veo-pipeline/production-report@1',
			pipelineId: 'film',
			shots: [
				{
					shotId: 'shot-1',
					takes: [
						{
							id: 'shot-1-t1',
							drift: approved.drift,
							review: {
								decision: 'approved',
								tags: [],
								decidedAt: approved.decidedAt,
								reviewer: 'ana',
							},
						},
						{ id: 'shot-1-t2', drift: approved.drift, review: null },
					],
				},
			],
		};
		expect(decisionsInText(JSON.stringify(report, null, 2), 'report.json')).toEqual([
			{ ...approved, shotId: 'shot-1', takeId: 'shot-1-t1' },
		]);
	});

	function records(): DecisionRecord[] {
		return [
			decided(1, 'approved', { lighting: score(0.1) }),
			decided(2, 'rejected', { props: score(0.9) }, ['props']),
		];
	}
});
