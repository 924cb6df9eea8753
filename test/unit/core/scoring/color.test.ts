import { colorOf, colorTemperature, deltaE, mired, rgbToLab } from '../../../../core/scoring/color';

describe('colour arithmetic', () => {
	it('puts white, black and grey where CIELAB has them', () => {
		expect(rgbToLab(255, 255, 255).l).toBeCloseTo(100, 1);
		expect(rgbToLab(0, 0, 0).l).toBeCloseTo(0, 1);
		const grey = rgbToLab(128, 128, 128);
		expect(Math.abs(grey.a) + Math.abs(grey.b)).toBeLessThan(0.5);
	});

	it('measures colour differences the way people see them', () => {
		expect(deltaE(rgbToLab(30, 80, 220), rgbToLab(32, 82, 218))).toBeLessThan(3);
		expect(deltaE(rgbToLab(30, 80, 220), rgbToLab(40, 160, 60))).toBeGreaterThan(50);
	});

	it('reads colour temperature: neutral white near 6,500 K, candle-orange warm, sky-blue cool', () => {
		expect(colorTemperature(255, 255, 255)).toBeGreaterThan(6000);
		expect(colorTemperature(255, 255, 255)).toBeLessThan(7000);
		expect(colorTemperature(255, 170, 95)).toBeLessThan(3200);
		expect(colorTemperature(200, 220, 255)).toBeGreaterThan(8000);
		expect(colorTemperature(0, 0, 0)).toBeUndefined();
		expect(mired(2500)).toBe(400);
	});

	it('finds the colour a palette entry names: a hex code exactly, else its last colour word', () => {
		expect(colorOf('brand blue #1A4DFF')).toEqual({
			name: '#1a4dff',
			rgb: [0x1a, 0x4d, 0xff],
			exact: true,
		});
		expect(colorOf('warm amber')).toMatchObject({ name: 'amber', exact: false });
		expect(colorOf('soft pastels')).toBeUndefined();
	});
});
