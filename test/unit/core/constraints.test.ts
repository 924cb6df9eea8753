import { inferConstraintDimension } from '../../../core/constraints';

const bible = {
	props: [{ name: 'Water Bottle' }],
	characters: [{ name: 'Mya Ortiz' }],
	palette: ['teal', 'amber'],
};

describe('inferConstraintDimension', () => {
	it.each([
		['The bottle is blue', 'props'],
		['Mya wears the red scarf', 'character'],
		['Warm dusk light from the left', 'lighting'],
		['The walls are teal', 'palette'],
		['Wide shot, slow pan', 'camera'],
		['It is raining', 'other'],
	])('%s -> %s', (text, dimension) => {
		expect(inferConstraintDimension(text, bible)).toBe(dimension);
	});
});
