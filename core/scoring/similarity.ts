import { colorOf, deltaE, rgbToLab, type Lab, type NamedColor } from './color';
import { mean } from './numbers';

/**
 * How alike two pictures are, from their decoded pixels: colour histograms (what colours are
 * there, wherever they are) and structural similarity (whether the same shapes are in the same
 * places). Frames are small (about 160 pixels wide), so all of this is cheap.
 */

/** A decoded picture: RGB bytes, row by row. */
export interface Frame {
	/** Where in the clip it was taken; 0 for a still image. */
	atSeconds: number;
	width: number;
	height: number;
	rgb: Uint8Array;
}

const HISTOGRAM_BITS = 3;
const HISTOGRAM_SHIFT = 8 - HISTOGRAM_BITS;
export const HISTOGRAM_CELLS = 1 << (3 * HISTOGRAM_BITS);

/** The cell of the 8 x 8 x 8 colour histogram a pixel falls in. */
export function histogramCell(r: number, g: number, b: number): number {
	return (
		((r >> HISTOGRAM_SHIFT) << (2 * HISTOGRAM_BITS)) |
		((g >> HISTOGRAM_SHIFT) << HISTOGRAM_BITS) |
		(b >> HISTOGRAM_SHIFT)
	);
}

/** Share of pixels in each cell of the colour histogram. */
export function colorHistogram(frame: Pick<Frame, 'rgb'>): Float64Array {
	const histogram = new Float64Array(HISTOGRAM_CELLS);
	const { rgb } = frame;
	const pixels = rgb.length / 3;
	for (let offset = 0; offset < rgb.length; offset += 3)
		histogram[histogramCell(rgb[offset], rgb[offset + 1], rgb[offset + 2])] += 1;
	for (let cell = 0; cell < histogram.length; cell++) histogram[cell] /= pixels;
	return histogram;
}

/** Hellinger distance of two histograms: 0 for the same colours, 1 for no colour in common. */
export function histogramDistance(first: Float64Array, second: Float64Array): number {
	let overlap = 0;
	for (let cell = 0; cell < first.length; cell++) overlap += Math.sqrt(first[cell] * second[cell]);
	return Math.sqrt(Math.max(0, 1 - overlap));
}

/** Luma (Rec. 601) of every pixel, 0-255. */
function lumaPlane(frame: Pick<Frame, 'rgb'>): Uint8Array {
	const { rgb } = frame;
	const plane = new Uint8Array(rgb.length / 3);
	for (let pixel = 0, offset = 0; pixel < plane.length; pixel++, offset += 3) {
		plane[pixel] = (77 * rgb[offset] + 150 * rgb[offset + 1] + 29 * rgb[offset + 2]) >> 8;
	}
	return plane;
}

const SSIM_WINDOW = 8;
const SSIM_C1 = (0.01 * 255) ** 2;
const SSIM_C2 = (0.03 * 255) ** 2;

/**
 * Structural similarity (Wang et al. 2004) of the luma of two frames of the same size, averaged
 * over 8 x 8 windows stepped by half a window: 1 for the same picture, near 0 for unrelated ones.
 */
export function structuralSimilarity(first: Frame, second: Frame): number {
	if (first.width !== second.width || first.height !== second.height) {
		throw new RangeError(
			`frames differ in size (${first.width}x${first.height} and ${second.width}x${second.height})`,
		);
	}
	const [a, b] = [lumaPlane(first), lumaPlane(second)];
	const { width, height } = first;
	const step = SSIM_WINDOW / 2;
	let total = 0;
	let windows = 0;
	for (let top = 0; top + SSIM_WINDOW <= height; top += step) {
		for (let left = 0; left + SSIM_WINDOW <= width; left += step) {
			let [sumA, sumB, sumAA, sumBB, sumAB] = [0, 0, 0, 0, 0];
			for (let y = top; y < top + SSIM_WINDOW; y++) {
				for (let x = left, index = y * width + left; x < left + SSIM_WINDOW; x++, index++) {
					sumA += a[index];
					sumB += b[index];
					sumAA += a[index] * a[index];
					sumBB += b[index] * b[index];
					sumAB += a[index] * b[index];
				}
			}
			const n = SSIM_WINDOW * SSIM_WINDOW;
			const [meanA, meanB] = [sumA / n, sumB / n];
			const varianceA = sumAA / n - meanA * meanA;
			const varianceB = sumBB / n - meanB * meanB;
			const covariance = sumAB / n - meanA * meanB;
			total +=
				((2 * meanA * meanB + SSIM_C1) * (2 * covariance + SSIM_C2)) /
				((meanA * meanA + meanB * meanB + SSIM_C1) * (varianceA + varianceB + SSIM_C2));
			windows += 1;
		}
	}
	return windows ? total / windows : 1;
}

/** The colours of a picture: each distinct colour (to 5 bits a channel) in CIELAB, with its share of the pixels. */
export interface ColorSpread {
	colors: Lab[];
	shares: number[];
}

const QUANTUM_BITS = 5;
const QUANTUM_SHIFT = 8 - QUANTUM_BITS;
/** CIELAB of each quantised colour, computed the first time a picture has it. */
const QUANTUM_LAB = new Map<number, Lab>();

/** A picture's colours, converted to CIELAB once per distinct colour rather than once per pixel. */
export function colorSpread(frame: Pick<Frame, 'rgb'>): ColorSpread {
	const { rgb } = frame;
	const counts = new Int32Array(1 << (3 * QUANTUM_BITS));
	for (let offset = 0; offset < rgb.length; offset += 3) {
		counts[
			((rgb[offset] >> QUANTUM_SHIFT) << (2 * QUANTUM_BITS)) |
				((rgb[offset + 1] >> QUANTUM_SHIFT) << QUANTUM_BITS) |
				(rgb[offset + 2] >> QUANTUM_SHIFT)
		]++;
	}
	const pixels = rgb.length / 3;
	const spread: ColorSpread = { colors: [], shares: [] };
	const centre = (level: number) => (level << QUANTUM_SHIFT) + (1 << (QUANTUM_SHIFT - 1));
	const mask = (1 << QUANTUM_BITS) - 1;
	counts.forEach((count, key) => {
		if (!count) return;
		let lab = QUANTUM_LAB.get(key);
		if (!lab) {
			lab = rgbToLab(
				centre(key >> (2 * QUANTUM_BITS)),
				centre((key >> QUANTUM_BITS) & mask),
				centre(key & mask),
			);
			QUANTUM_LAB.set(key, lab);
		}
		spread.colors.push(lab);
		spread.shares.push(count / pixels);
	});
	return spread;
}

/** Share of pixels within `tolerance` (CIE76) of a colour. */
export function colorShare(spread: ColorSpread, color: Lab, tolerance: number): number {
	let share = 0;
	spread.colors.forEach((candidate, index) => {
		if (deltaE(candidate, color) <= tolerance) share += spread.shares[index];
	});
	return share;
}

export interface ColorPresence {
	color: NamedColor;
	/** Mean share of the frames' pixels that have the colour. */
	share: number;
}

/** A colour word is matched loosely (words name wide ranges), a hex code tightly. */
const COLOR_WORD_TOLERANCE = 25;
const HEX_COLOR_TOLERANCE = 15;

/** How much of each named colour the frames hold, on average. */
export function colorPresence(frames: ColorSpread[], phrases: string[]): ColorPresence[] {
	return phrases
		.map((phrase) => colorOf(phrase))
		.filter((color): color is NamedColor => Boolean(color))
		.map((color) => {
			const lab = rgbToLab(...color.rgb);
			const tolerance = color.exact ? HEX_COLOR_TOLERANCE : COLOR_WORD_TOLERANCE;
			return { color, share: mean(frames.map((spread) => colorShare(spread, lab, tolerance))) };
		});
}
