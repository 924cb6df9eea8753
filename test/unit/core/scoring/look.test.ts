import { continuityScore, paletteScore, referenceScore } from '../../../../core/scoring/look';
import { colorSpread } from '../../../../core/scoring/similarity';
import { paintFrame, sceneFrame, solidFrame } from '../../../helpers/frames';

/** A dusk-brown picture with a band of amber and teal swatches along the bottom. */
const withPalette = paintFrame(64, 36, (x, y) =>
	y >= 32 ? (x < 32 ? [230, 160, 40] : [20, 140, 140]) : [130, 86, 48],
);

describe('the palette score', () => {
	it('finds every palette colour in the picture, loosely for words and tightly for hex codes', () => {
		const score = paletteScore(['warm amber', 'teal', '#148c8c'], [colorSpread(withPalette)])!;
		expect(score.drift).toBe(0);
		expect(score.reasons[0]).toMatch(
			/every palette colour appears \(amber \d+%, teal \d+%, #148c8c \d+%/,
		);
	});

	it('names the palette colours that are missing and asks for them', () => {
		const score = paletteScore(['amber', 'magenta'], [colorSpread(withPalette)])!;
		expect(score.drift).toBe(0.5);
		expect(score.reasons[0]).toMatch(/^magenta from the bible's palette is missing/);
		expect(score.correction).toBe("Bring the bible's palette into the frame: magenta.");
	});

	it('has nothing to say about a palette without colour names', () => {
		expect(paletteScore(['muted', 'earthy tones'], [colorSpread(withPalette)])).toBeUndefined();
	});
});

describe('the continuity score', () => {
	it('sees the same place a moment later as continuous', () => {
		const score = continuityScore(sceneFrame(20), sceneFrame(24));
		expect(score.drift).toBeLessThan(0.15);
		expect(score.correction).toBeUndefined();
	});

	// Issue 14: continuity's confidence comes from the measurement, no longer a fixed 0.5.
	it('sees a different picture as a clear break: sure of it after a settled shot, for a person to judge after an unsettled one', () => {
		const [previous, first] = [sceneFrame(20), sceneFrame(20, [30, 60, 200], [250, 200, 0])];
		const score = continuityScore(previous, first, true);
		expect(score.drift).toBeGreaterThanOrEqual(0.9);
		expect(score.confidence).toBeGreaterThanOrEqual(0.8);
		expect(continuityScore(previous, first).confidence).toBeLessThan(0.6);
		expect(continuityScore(previous, previous).confidence).toBeGreaterThanOrEqual(0.8);
		expect(score.reasons[0]).toMatch(
			/does not continue the previous shot's last frame: \d+% of their colours in common, shapes \d+% alike/,
		);
	});

	it('sees the light change at a cut that keeps the framing, which the colours alone barely show', () => {
		const frame = sceneFrame(20);
		const same = continuityScore(frame, frame, true, { stops: 0.1, mireds: 5 });
		expect(same.drift).toBe(0);
		const warmer = continuityScore(frame, frame, true, { stops: -0.2, mireds: 75 });
		expect(warmer.drift).toBe(1);
		expect(warmer.reasons[0]).toBe(
			"the light changes at the cut: 0.2 stops darker, 75 mireds warmer than the previous shot's last frame",
		);
	});

	it('counts a changed framing of the same colours as a smaller drift than a changed picture', () => {
		const reframed = continuityScore(
			sceneFrame(4),
			paintFrame(64, 36, (x) =>
				x < 10 ? [230, 230, 230] : [90 + 63 - x, 90 + 63 - x, 90 + 63 - x],
			),
		);
		const changed = continuityScore(sceneFrame(4), solidFrame(64, 36, [200, 30, 30]));
		expect(reframed.drift).toBeLessThan(changed.drift);
	});
});

describe('the reference-image score', () => {
	/** A reference photo: the character's colours in the middle, white backdrop around. */
	const reference = paintFrame(40, 60, (x, y) =>
		x > 8 && x < 32 && y > 6 ? (y < 25 ? [60, 40, 30] : [40, 150, 70]) : [250, 250, 250],
	);

	it('finds a character whose colouring appears in the clip', () => {
		const clip = paintFrame(64, 36, (x, y) =>
			x > 20 && x < 30 ? (y < 14 ? [62, 41, 31] : [42, 148, 72]) : [90, 90, 90],
		);
		const score = referenceScore('Mya', reference, [colorSpread(clip)]);
		expect(score.drift).toBe(0);
		expect(score.confidence).toBeLessThan(0.6);
	});

	it('finds a character whose colouring is not in the clip', () => {
		const clip = paintFrame(64, 36, (x) => (x > 20 && x < 30 ? [200, 30, 160] : [90, 90, 90]));
		const score = referenceScore('Mya', reference, [colorSpread(clip)]);
		expect(score.drift).toBe(1);
		expect(score.reasons[0]).toMatch(/^only 0% of Mya's colouring in the reference image/);
		expect(score.correction).toBe('Mya must look exactly like the reference image.');
	});
});
