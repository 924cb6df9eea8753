import { selectTakes } from '../../core/assembly/selection';
import type { AssemblyInput } from '../../core/assembly/types';
import { parseSceneSpec } from '../../core/schema';
import { createShotItems, parseShotItem } from '../../core/shotItems';
import type { ShotItem } from '../../core/types';
import { assemblyOptions, pipelineItems } from '../helpers/assembly';
import { inputErrorOf } from '../helpers/errors';
import { cafeSpec } from '../helpers/specs';

/**
 * Items do not grow with the square of the shot count (issue 15, point 14a). Every item carried
 * every shot id of its pipeline (`allShotIds`), so 4,000 shots made 192 MB of JSON; an item now
 * carries the shot count and its own position, which is all Assemble needs to tell a shot missing.
 */

function batchOf(shots: number): ShotItem[] {
	return createShotItems(parseSceneSpec(cafeSpec(shots, 8)), 'gemini-omni-1.2-flash');
}

const jsonBytes = (items: unknown[]) =>
	items.reduce<number>((sum, item) => sum + Buffer.byteLength(JSON.stringify(item)), 0);

describe('the size of a batch', () => {
	it('grows with the shot count, not its square (a 4,000-shot batch, before and after)', () => {
		const small = batchOf(100);
		const large = batchOf(4000);
		const ids = large.map((item) => item.shot.id);
		// The former format: every item with every id of its pipeline.
		const before = jsonBytes(large.map((item) => ({ ...item, allShotIds: ids })));
		const after = jsonBytes(large);
		console.log(
			`4,000-shot batch: ${(before / 1e6).toFixed(1)} MB of JSON with every shot id on every item, ` +
				`${(after / 1e6).toFixed(2)} MB now (${Math.round(after / large.length)} bytes an item)`,
		);
		expect(after / large.length).toBeLessThan((jsonBytes(small) / small.length) * 1.05);
		expect(after).toBeLessThan(before / 20);
	});

	it('still lets Assemble name every shot that has no approved take, absent items included', () => {
		const items = pipelineItems([[{}], [{}], [{}], [{}]]);
		const inputs: AssemblyInput[] = [items[0], items[2]].map((item, itemIndex) => ({
			itemIndex,
			item,
			binaryProperties: ['clip_take1'],
		}));
		const error = inputErrorOf(() => selectTakes(inputs, assemblyOptions()));
		expect(error.problems.map((problem) => problem.path)).toEqual(['shot-02', 'shot-04']);
		expect(error.hint).toMatch(/^2 of 4 shots/);
	});

	it('reads items of the former format, with every shot id, as their position and count', () => {
		const [first, second] = batchOf(3);
		const former: Record<string, unknown> = {
			...second,
			formatVersion: 2,
			allShotIds: [first.shot.id, second.shot.id, 'shot-03'],
		};
		delete former.shotCount;
		delete former.shotPosition;
		expect(parseShotItem(former)).toMatchObject({ shotCount: 3, shotPosition: 2 });
		expect(parseShotItem(former)).not.toHaveProperty('allShotIds');
	});
});
