import { InvalidInputError } from '../../../../core/failures';
import { parseSceneSpec } from '../../../../core/schema';
import { recordDrift } from '../../../../core/scoring/recordDrift';
import { createShotItems } from '../../../../core/shotItems';
import type { DriftReport, DriftRoute, ShotItem } from '../../../../core/types';
import { cafeSpec } from '../../../helpers/specs';

const at = new Date('2026-01-01T10:00:00Z');

function generatedItem(takes = 2): ShotItem {
	const [item] = createShotItems(parseSceneSpec(cafeSpec(1)), 'gemini-omni-1.2-flash');
	return {
		...item,
		status: 'generated',
		takes: Array.from({ length: takes }, (_, index) => ({
			id: `shot-01-take-${index + 1}`,
			attempt: index + 1,
			prompt: 'p',
			negativePrompt: '',
			model: 'gemini-omni-1.2-flash',
			requestedDurationSeconds: 8,
			outcome: 'generated',
			clip: { binaryProperty: `clip_take${index + 1}`, mimeType: 'video/mp4' },
			costUsd: 0.8,
			timings: { submittedAt: at.toISOString() },
		})),
	};
}

function reportFor(route: DriftRoute, correctivePrompt?: string): DriftReport {
	return {
		drift: 0.7,
		confidence: 0.9,
		dimensions: {},
		reasons: [`${route}: because`, 'lighting: too cool'],
		correctivePrompt,
		route,
		technicalDefects: [],
		skipped: [],
		scoredAt: at.toISOString(),
	};
}

describe('recording a drift report', () => {
	it.each([
		['pass', 'approved'],
		['review', 'needs_review'],
		['regenerate', 'needs_regeneration'],
	] as const)(
		'puts a %s report on the newest take and moves the shot through scored to %s',
		(route, status) => {
			const recorded = recordDrift(generatedItem(), reportFor(route, 'Warmer light.'), at);
			expect(recorded.takes[0].drift).toBeUndefined();
			expect(recorded.takes[1].drift?.route).toBe(route);
			expect(recorded.status).toBe(status);
			expect(
				recorded.statusHistory.map((change) => [change.from, change.to, change.reason]),
			).toEqual([
				['generated', 'scored', 'drift 0.7, 90% sure'],
				['scored', status, `${route}: because`],
			]);
		},
	);

	it('leaves a corrective note for the next prompt only when the clip goes back', () => {
		expect(
			recordDrift(generatedItem(), reportFor('review', 'Warmer light.'), at).correctiveNotes,
		).toEqual([]);
		expect(
			recordDrift(generatedItem(), reportFor('regenerate', 'Warmer light.'), at).correctiveNotes,
		).toEqual([
			{ source: 'drift', text: 'Warmer light.', takeId: 'shot-01-take-2', at: at.toISOString() },
		]);
		expect(recordDrift(generatedItem(), reportFor('regenerate'), at).correctiveNotes[0].text).toBe(
			'lighting: too cool',
		);
	});

	it('refuses an item without a take to score, and one not freshly generated', () => {
		expect(() => recordDrift(generatedItem(0), reportFor('pass'), at)).toThrow(InvalidInputError);
		expect(() =>
			recordDrift({ ...generatedItem(), status: 'approved' }, reportFor('pass'), at),
		).toThrow(/cannot go from approved to scored/);
	});
});
