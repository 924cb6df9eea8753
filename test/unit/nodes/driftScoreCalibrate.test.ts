import type { INodeExecutionData } from 'n8n-workflow';

import { decisionLine, type DecisionRecord } from '../../../core/decisions';
import { buildReport, DEFAULT_THRESHOLDS } from '../../../core/scoring/report';
import type { DimensionScore } from '../../../core/types';
import { DriftScore } from '../../../nodes/DriftScore/DriftScore.node';
import { mockNodeContext } from '../../helpers/mockNodeContext';

const score = (drift: number): DimensionScore => ({ drift, confidence: 0.7, reasons: [] });

function record(
	index: number,
	decision: 'approved' | 'rejected',
	lighting: number,
): DecisionRecord {
	return {
		pipelineId: 'film',
		shotId: `shot-${index}`,
		takeId: `shot-${index}-t1`,
		drift: buildReport(
			[{ scorer: 'look', dimensions: { lighting: score(lighting) } }],
			DEFAULT_THRESHOLDS,
			new Date(0),
		),
		decision,
		tags: decision === 'rejected' ? ['lighting'] : [],
		decidedAt: '2026-12-01T10:00:00.000Z',
	};
}
const records = [
	...Array.from({ length: 6 }, (_, index) => record(index, 'approved', 0.2 + index * 0.02)),
	...Array.from({ length: 3 }, (_, index) => record(10 + index, 'rejected', 0.45 + index * 0.1)),
];

async function calibrateWith(
	items: INodeExecutionData[],
	parameters: Record<string, unknown> = {},
) {
	const mock = mockNodeContext({ items, parameters: { operation: 'calibrate', ...parameters } });
	return { mock, outputs: await new DriftScore().execute.call(mock.context) };
}

describe('Drift Score: Calibrate', () => {
	it('reads decision records from items and returns the thresholds to paste into Score', async () => {
		const { outputs } = await calibrateWith(records.map((json) => ({ json: json as never })));
		expect(outputs).toHaveLength(1);
		const [[result]] = outputs;
		expect(result.pairedItem).toHaveLength(records.length);
		expect(result.json).toMatchObject({ decisions: { approved: 6, rejected: 3, undecided: 0 } });
		const pasted = JSON.parse(result.json.thresholdsPerDimension as string);
		expect(pasted.lighting.pass).toBeGreaterThan(0.3);
		expect(pasted.lighting.pass).toBeLessThanOrEqual(0.45);
	});

	it('reads a decisions export from a binary file', async () => {
		const setup = mockNodeContext({ items: [], parameters: {} });
		const data = await setup.context.helpers.prepareBinaryData(
			Buffer.from(records.map(decisionLine).join('')),
			'decisions.jsonl',
			'application/jsonl',
		);
		const mock = mockNodeContext({
			items: [{ json: {}, binary: { data } }],
			binaryDir: setup.binaryDir,
			parameters: { operation: 'calibrate', decisionsFrom: 'binary', decisionsProperty: 'data' },
		});
		const [[result]] = await new DriftScore().execute.call(mock.context);
		expect(result.json).toMatchObject({ decisions: { approved: 6, rejected: 3 } });
	});

	it('names the item and the field of a record it cannot read', async () => {
		await expect(calibrateWith([{ json: { shotId: 'shot-1' } }])).rejects.toThrow(
			/item 0\.pipelineId: must be a string/,
		);
	});
});
