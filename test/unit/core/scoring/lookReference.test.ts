import { parseSceneSpec } from '../../../../core/schema';
import { establishedLook } from '../../../../core/scoring/lookReference';
import { createShotItems } from '../../../../core/shotItems';
import { transition } from '../../../../core/status';
import type { ShotItem } from '../../../../core/types';
import { takeFor } from '../../../helpers/reviewItems';
import { cafeSpec } from '../../../helpers/specs';

/** The café spec's shots as a batch: shot 1 approved, the others freshly generated. */
function batch(edit: (spec: ReturnType<typeof cafeSpec>) => void = () => undefined) {
	const spec = cafeSpec(3);
	edit(spec);
	const items = createShotItems(parseSceneSpec(spec), 'gemini-omni-1.2-flash').map(
		(pending, index): ShotItem => {
			const generated = transition({ ...pending, takes: [takeFor(pending, 1)] }, 'generated');
			return index === 0 ? transition(transition(generated, 'scored'), 'approved') : generated;
		},
	);
	return items.map((item, itemIndex) => ({ item, itemIndex, hasClip: true }));
}

describe('the look a shot is judged against', () => {
	it('is the first approved take of the same location and lighting when the bible has no look image', () => {
		const entries = batch();
		const look = establishedLook(entries[2].item, entries);
		expect(look).toMatchObject({ kind: 'clip', itemIndex: 0 });
		expect(look!.description).toMatch(
			/^take \S+ of shot shot-01 \(the first approved take of The café in this light\)$/,
		);
	});

	it("is the location's look reference image when the bible gives one, and the film's otherwise", () => {
		const withImages = batch((spec) => {
			spec.bible.style.lookReference = { binaryProperty: 'look_film' };
			spec.bible.locations[0].lookReference = { binaryProperty: 'look_cafe' };
		});
		expect(establishedLook(withImages[1].item, withImages)).toMatchObject({
			kind: 'image',
			binaryProperty: 'look_cafe',
			description: 'the look reference image of The café',
		});
		const filmOnly = batch((spec) => {
			spec.bible.style.lookReference = { binaryProperty: 'look_film' };
		});
		expect(establishedLook(filmOnly[1].item, filmOnly)).toMatchObject({
			binaryProperty: 'look_film',
		});
	});

	it('is none for the first clip of a scene, or a shot in other light: the words judge those', () => {
		const entries = batch((spec) => {
			spec.shots[2].lighting = 'night, neon signs';
			spec.bible.locations[0].lookReference = { binaryProperty: 'look_cafe' };
		});
		expect(establishedLook(entries[2].item, entries)).toBeUndefined();
		const fresh = batch().slice(1);
		expect(establishedLook(fresh[0].item, fresh)).toBeUndefined();
	});
});
