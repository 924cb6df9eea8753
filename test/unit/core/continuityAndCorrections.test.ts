import { continuityStart } from '../../../core/continuity';
import { planCorrection } from '../../../core/corrections';
import type { ShotItem, Take } from '../../../core/types';
import { pipelineItems } from '../../helpers/assembly';

const OMNI = 'gemini-omni-1.2-flash';

/** Four shots of one pipeline; shot 3 continues shot 2. */
function film(steps: Parameters<typeof pipelineItems>[0]): ShotItem[] {
	const items = pipelineItems(steps);
	return items.map((item, index) => ({
		...item,
		shot: { ...item.shot, continuousWithPrevious: index === 2 },
	}));
}

describe('continuity from the previous shot', () => {
	it('leaves shots that do not continue the previous one, and every shot when the option is off, alone', () => {
		const items = film([[{}], [{ route: 'review' }], [], []]);
		expect(continuityStart(items, items[3], true)).toEqual({ kind: 'independent' });
		expect(continuityStart(items, items[2], false)).toEqual({ kind: 'independent' });
	});

	it("starts from the previous shot's approved take", () => {
		const items = film([[{}], [{ route: 'regenerate' }, { route: 'pass' }], [], []]);
		const start = continuityStart(items, items[2], true);
		expect(start).toMatchObject({ kind: 'fromPrevious', previousIndex: 1 });
		expect(start.kind === 'fromPrevious' && start.take.id).toBe('shot-02-take-2');
	});

	it('finds the previous shot wherever its item sits in the batch', () => {
		const items = film([[{}], [{}], [], []]);
		const shuffled = [items[2], items[3], items[1], items[0]];
		expect(continuityStart(shuffled, items[2], true)).toMatchObject({
			kind: 'fromPrevious',
			previousIndex: 2,
		});
	});

	it('waits while the previous shot is not approved yet, saying for which shot', () => {
		for (const steps of [[{ route: 'review' as const }], [{ route: 'regenerate' as const }], []]) {
			const items = film([[{}], steps, [], []]);
			expect(continuityStart(items, items[2], true)).toEqual({
				kind: 'wait',
				reason: 'waiting for shot-02 to be approved: this shot starts from its last frame',
			});
		}
	});

	it('goes on in words only when the previous shot failed or is not in the batch', () => {
		const failed = film([[{}], [{ outcome: 'failed', reason: 'timed out' }], [], []]);
		expect(continuityStart(failed, failed[2], true)).toMatchObject({
			kind: 'wordsOnly',
			reason: expect.stringContaining('shot-02 failed'),
		});
		const items = film([[{}], [{}], [], []]);
		const otherPipeline = { ...items[1], pipelineId: 'another-film' };
		expect(continuityStart([items[0], otherPipeline, items[2]], items[2], true)).toMatchObject({
			kind: 'wordsOnly',
		});
		// shot-01 is in the batch, but it is not the shot right before.
		expect(continuityStart([items[0], items[2]], items[2], true)).toMatchObject({
			kind: 'wordsOnly',
		});
	});
});

describe('fixing a rejected take by editing it', () => {
	/** A shot whose Omni take was rejected with a note. */
	function rejected(overrides: Partial<Take> = {}, note = 'The mug must be blue'): ShotItem {
		const [item] = pipelineItems([[{ route: 'regenerate' }]]);
		const take = { ...item.takes[0], model: OMNI, operationName: 'interaction-7', ...overrides };
		return {
			...item,
			takes: [take],
			correctiveNotes: [
				{ source: 'review', text: note, takeId: take.id, at: '2026-11-25T11:00:00Z' },
			],
		};
	}

	it('edits the rejected take on its own interaction, asking only for the correction', () => {
		expect(planCorrection(rejected(), OMNI, 'edit')).toEqual({
			kind: 'edit',
			takeId: 'shot-01-take-1',
			edit: {
				previousOperation: 'interaction-7',
				instruction: 'The mug must be blue. Keep everything else the same.',
			},
		});
	});

	it('generates anew when asked to, for shots not sent back, and on a model that cannot edit', () => {
		expect(planCorrection(rejected(), OMNI, 'regenerate')).toEqual({ kind: 'fresh' });
		const pending = pipelineItems([[]])[0];
		expect(planCorrection(pending, OMNI, 'edit')).toEqual({ kind: 'fresh' });
		expect(planCorrection(rejected(), 'veo-3.1-generate-001', 'edit')).toEqual({ kind: 'fresh' });
	});

	it('says why it generates anew when the take cannot be edited', () => {
		expect(planCorrection(rejected({ model: 'veo-3.1-generate-001' }), OMNI, 'edit')).toEqual({
			kind: 'freshInstead',
			reason:
				'shot-01-take-1 was made by veo-3.1-generate-001, which gemini-omni-1.2-flash cannot edit',
		});
		expect(planCorrection(rejected({ clip: undefined }), OMNI, 'edit')).toMatchObject({
			kind: 'freshInstead',
			reason: 'shot-01-take-1 has no clip to edit',
		});
		const withoutNote = { ...rejected(), correctiveNotes: [] };
		expect(planCorrection(withoutNote, OMNI, 'edit')).toMatchObject({ kind: 'freshInstead' });
	});
});
