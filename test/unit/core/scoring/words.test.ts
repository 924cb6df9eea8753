import {
	driftPercent,
	fixedBeside,
	percentBeside,
	reportSure,
	sure,
} from '../../../../core/scoring/words';

describe('numbers written beside the limits they were judged against', () => {
	it('keep the side of each limit the value is on', () => {
		expect(fixedBeside(0.149, [0.15, 0.5])).toBe('0.149');
		expect(fixedBeside(0.151, [0.15])).toBe('0.151');
		expect(fixedBeside(0.15, [0.15])).toBe('0.15');
		expect(fixedBeside(0.3, [0.15, 0.5])).toBe('0.30');
		expect(fixedBeside(0.49999, [0.5])).toBe('0.49999');
	});

	it('write shares as percentages that do not land on a range end they are outside', () => {
		expect(percentBeside(0.554, [0.55])).toBe('55.4%');
		expect(percentBeside(0.18, [0.18, 0.55])).toBe('18%');
		expect(percentBeside(0.4)).toBe('40%');
		expect(sure(0.598, [0.6])).toBe('59.8% sure');
	});
});

describe("a report's figures", () => {
	it('are written beside the thresholds the report kept', () => {
		const thresholds = { pass: 0.15, fail: 0.5, minConfidence: 0.6 };
		expect(driftPercent({ drift: 0.149, thresholds })).toBe('14.9%');
		expect(driftPercent({ drift: 0.3, thresholds })).toBe('30%');
		expect(reportSure({ confidence: 0.598, thresholds })).toBe('59.8% sure');
	});
});
