import { groupPipelines, selectTakes, unknownOverrides } from '../../../../core/assembly/selection';
import { AssemblyInputError, type AssemblyInput } from '../../../../core/assembly/types';
import type { ShotItem } from '../../../../core/types';
import { assemblyOptions, FIXTURE_TIME, pipelineItems } from '../../../helpers/assembly';
import { inputErrorOf } from '../../../helpers/errors';

const OPTIONS = assemblyOptions();

/** Inputs as the node builds them: every item carries its takes' clips and the newest under "clip". */
function asInputs(items: ShotItem[], order = items.map((_, index) => index)): AssemblyInput[] {
	return order.map((source, itemIndex) => ({
		itemIndex,
		item: items[source],
		binaryProperties: [
			'clip',
			...items[source].takes.filter((take) => take.clip).map((take) => take.clip!.binaryProperty),
		],
	}));
}

const thrown = (call: () => unknown) => inputErrorOf(call, AssemblyInputError);

describe('choosing the takes of a cut', () => {
	it('puts the shots in sequence order whatever the order of the items', () => {
		const items = pipelineItems([[{}], [{}], [{}], [{}]]);
		const cut = selectTakes(asInputs(items, [2, 0, 3, 1]), OPTIONS);
		expect(cut.slots.map((slot) => (slot.kind === 'clip' ? slot.shot.id : slot.shotId))).toEqual([
			'shot-01',
			'shot-02',
			'shot-03',
			'shot-04',
		]);
		// The item indexes point back at the shuffled input.
		expect(cut.slots.map((slot) => (slot.kind === 'clip' ? slot.itemIndex : -1))).toEqual([
			1, 3, 0, 2,
		]);
	});

	it('uses the take that was approved and the binary property that take records', () => {
		const items = pipelineItems([[{ route: 'regenerate' }, { route: 'pass' }]]);
		const [slot] = selectTakes(asInputs(items), OPTIONS).slots;
		expect(slot).toMatchObject({ kind: 'clip', binaryProperty: 'clip_take2', chosenBy: 'only' });
		expect(slot.kind === 'clip' && slot.take.id).toBe('shot-01-take-2');
	});

	it("falls back to the clip property when the take's own property is gone, and names both when neither is there", () => {
		const items = pipelineItems([[{}]]);
		const fallback = selectTakes(
			[{ itemIndex: 0, item: items[0], binaryProperties: ['clip'] }],
			OPTIONS,
		);
		expect(fallback.slots[0]).toMatchObject({ binaryProperty: 'clip' });

		const error = thrown(() =>
			selectTakes([{ itemIndex: 4, item: items[0], binaryProperties: ['ref_mya'] }], OPTIONS),
		);
		expect(error.itemIndex).toBe(4);
		expect(error.message).toMatch(
			new RegExp(
				String.raw`^takes\[0\]\.clip: take shot-01-take-1 of shot-01 has no clip here: ` +
					String.raw`neither binary property "clip_take1" .* nor "clip" .* is on the item \(it has "ref_mya"\)`,
			),
		);
	});

	it('fails listing every shot without an approved take, with its status and reasons', () => {
		const items = pipelineItems([
			[{}],
			[{ route: 'regenerate' }, { outcome: 'safety_filtered', reason: 'person detected' }],
			[{ route: 'review' }],
			[{}],
		]);
		// shot-04's item is not in the batch at all.
		const error = thrown(() => selectTakes(asInputs(items.slice(0, 3)), OPTIONS));
		expect(error.itemIndex).toBe(1);
		expect(error.problems.map((problem) => problem.path)).toEqual([
			'shot-02 (item 1)',
			'shot-03 (item 2)',
			'shot-04',
		]);
		expect(error.problems[0].message).toMatch(/status failed; person detected/);
		expect(error.problems[1].message).toMatch(/status needs_review; waiting for a person/);
		expect(error.problems[2].message).toMatch(/no item of this shot is in the batch/);
		expect(error.hint).toMatch(/3 of 4 shots .* "Missing Shots"/);
	});

	it("puts a slate of the shot's length where a shot is missing when asked, and says so", () => {
		const items = pipelineItems([[{}], [{ route: 'regenerate' }]], { durationSeconds: 6 });
		const cut = selectTakes(asInputs(items), { ...OPTIONS, missingShots: 'slate' });
		expect(cut.slots[1]).toMatchObject({ kind: 'slate', shotId: 'shot-02', durationSeconds: 6 });
		expect(cut.slots[1].kind === 'slate' && cut.slots[1].reason).toMatch(
			/status needs_regeneration/,
		);
		expect(cut.notes.join('\n')).toMatch(/shot-02: no approved take .* a 6 s slate stands in/);
	});

	it('gives a shot absent from the batch a slate of the most common length, in its place in the list', () => {
		const items = pipelineItems([[{}], [{}], [{}]], { durationSeconds: 4 });
		const cut = selectTakes(asInputs([items[0], items[2]]), { ...OPTIONS, missingShots: 'slate' });
		expect(cut.slots.map((slot) => slot.kind)).toEqual(['clip', 'slate', 'clip']);
		expect(cut.slots[1]).toMatchObject({ shotId: 'shot-02', durationSeconds: 4 });
	});

	it('takes the newest approval of a shot approved twice and lists the other', () => {
		const [first] = pipelineItems([[{}]]);
		const later: ShotItem = {
			...first,
			takes: [
				...first.takes,
				{
					...first.takes[0],
					id: 'shot-01-take-2',
					attempt: 2,
					operationName: 'op-2',
					clip: { binaryProperty: 'clip_take2', mimeType: 'video/mp4' },
				},
			],
			statusHistory: [
				...first.statusHistory,
				// An hour after every status change of the fixtures, whatever day the test runs.
				{ from: 'needs_review', to: 'approved', at: FIXTURE_TIME(60).toISOString() },
			],
		};
		const cut = selectTakes(asInputs([later, first]), OPTIONS);
		expect(cut.slots[0]).toMatchObject({
			itemIndex: 0,
			chosenBy: 'newest',
			passedOver: [{ itemIndex: 1, takeId: 'shot-01-take-1' }],
		});
		expect(cut.notes[0]).toMatch(
			/used shot-01-take-2 from item 0 \(the newest approval\); also approved and not used: shot-01-take-1 \(item 1\)/,
		);

		const overridden = selectTakes(asInputs([later, first]), {
			...OPTIONS,
			takeOverrides: ['shot-01-take-1'],
		});
		expect(overridden.slots[0]).toMatchObject({ itemIndex: 1, chosenBy: 'override' });
	});

	it('never cuts the newest clip in for an earlier take whose own clip is gone', () => {
		const [item] = pipelineItems([[{ route: 'regenerate' }, {}]]);
		item.takes[0].review = {
			decision: 'approved',
			tags: [],
			annotations: [],
			decidedAt: FIXTURE_TIME(30).toISOString(),
		};
		const input = { itemIndex: 0, item, binaryProperties: ['clip', 'clip_take2'] };
		const error = thrown(() =>
			selectTakes([input], { ...OPTIONS, takeOverrides: ['shot-01-take-1'] }),
		);
		expect(error.message).toBe(
			'takes[0].clip: take shot-01-take-1 of shot-01 has no clip here: ' +
				'binary property "clip_take1" (recorded by the take) is not on the item (it has "clip", "clip_take2")',
		);
	});

	it('refuses an override that names a take nobody approved, and reports ids no item has', () => {
		const items = pipelineItems([[{ route: 'regenerate' }, {}]]);
		const error = thrown(() =>
			selectTakes(asInputs(items), { ...OPTIONS, takeOverrides: ['shot-01-take-1'] }),
		);
		expect(error.problems).toEqual([
			{
				path: 'takeOverrides',
				message: '"shot-01-take-1" is not an approved take of shot-01 (approved: shot-01-take-2)',
			},
		]);
		expect(unknownOverrides(asInputs(items), ['shot-01-take-2', 'shot-1-take-2'])).toEqual([
			{
				path: 'takeOverrides',
				message: expect.stringMatching(/^"shot-1-take-2" is not a take of any item/),
			},
		]);
	});

	it('notes an unused item of a shot that another item got approved', () => {
		const [approved] = pipelineItems([[{}]]);
		const [stuck] = pipelineItems([[{ route: 'regenerate' }]]);
		const cut = selectTakes(asInputs([approved, stuck]), OPTIONS);
		expect(cut.notes).toEqual([
			'shot-01: item 1 (shot-01) in status needs_regeneration was not used: another item of the shot is approved',
		]);
	});

	it('groups a batch by pipeline, in order of first appearance', () => {
		const a = pipelineItems([[{}], [{}]], { title: 'Product A' });
		const b = pipelineItems([[{}]], { title: 'Product B' });
		expect(a[0].pipelineId).not.toBe(b[0].pipelineId);
		const groups = groupPipelines(asInputs([b[0], a[1], a[0]]));
		expect(groups.map((group) => group.map((input) => input.itemIndex))).toEqual([[0], [1, 2]]);
	});
});
