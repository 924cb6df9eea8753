/**
 * Colour arithmetic for the look scorers: sRGB to CIELAB (where distances match what people see),
 * colour words to colours, and the colour temperature of a pixel. Plain numbers in, numbers out.
 */

export type Rgb = [number, number, number];

export interface Lab {
	l: number;
	a: number;
	b: number;
}

/** sRGB byte -> linear light, looked up rather than computed per pixel. */
const LINEAR = Float64Array.from({ length: 256 }, (_, value) => {
	const c = value / 255;
	return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

/** CIE XYZ of an sRGB colour (D65, Y of white = 1). */
function rgbToXyz(r: number, g: number, b: number): [number, number, number] {
	const [lr, lg, lb] = [LINEAR[r], LINEAR[g], LINEAR[b]];
	return [
		0.4124 * lr + 0.3576 * lg + 0.1805 * lb,
		0.2126 * lr + 0.7152 * lg + 0.0722 * lb,
		0.0193 * lr + 0.1192 * lg + 0.9505 * lb,
	];
}

const WHITE = rgbToXyz(255, 255, 255);
const labF = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);

export function rgbToLab(r: number, g: number, b: number): Lab {
	const [x, y, z] = rgbToXyz(r, g, b);
	const [fx, fy, fz] = [labF(x / WHITE[0]), labF(y / WHITE[1]), labF(z / WHITE[2])];
	return { l: 116 * fy - 16, a: 500 * (fx - fy), b: 200 * (fy - fz) };
}

/** CIE76 colour difference: about 2.3 is just noticeable, above 20 reads as another colour. */
export function deltaE(first: Lab, second: Lab): number {
	return Math.hypot(first.l - second.l, first.a - second.a, first.b - second.b);
}

/** Luma (Rec. 601) of an sRGB colour, 0-255. */
export function luma(r: number, g: number, b: number): number {
	return 0.299 * r + 0.587 * g + 0.114 * b;
}

/**
 * Correlated colour temperature in kelvin of an sRGB colour, by McCamy's approximation from its
 * CIE xy chromaticity; clamped to 1,500-20,000 K where the approximation stops meaning much.
 * Undefined for black, which has no colour.
 */
export function colorTemperature(r: number, g: number, b: number): number | undefined {
	const [x, y, z] = rgbToXyz(r, g, b);
	const sum = x + y + z;
	if (sum < 1e-4) return undefined;
	const n = (x / sum - 0.332) / (0.1858 - y / sum);
	const kelvin = 449 * n ** 3 + 3525 * n ** 2 + 6823.3 * n + 5520.33;
	return Math.min(20_000, Math.max(1_500, kelvin));
}

/** Mireds (a million over kelvin): equal steps in mireds look like equal shifts in colour. */
export function mired(kelvin: number): number {
	return 1_000_000 / kelvin;
}

/** Colour words a bible may use, at a typical value of each. */
const COLOR_WORDS: Record<string, Rgb> = {
	red: [220, 30, 40],
	crimson: [190, 20, 60],
	maroon: [128, 20, 30],
	burgundy: [128, 0, 32],
	coral: [255, 127, 80],
	orange: [255, 140, 0],
	peach: [255, 200, 160],
	amber: [255, 191, 0],
	gold: [212, 175, 55],
	yellow: [245, 220, 40],
	lime: [160, 220, 40],
	olive: [128, 128, 0],
	green: [40, 160, 60],
	mint: [160, 230, 190],
	teal: [0, 128, 128],
	turquoise: [64, 224, 208],
	cyan: [0, 200, 220],
	blue: [30, 80, 220],
	navy: [20, 30, 110],
	indigo: [75, 0, 130],
	purple: [128, 40, 160],
	violet: [140, 80, 210],
	lavender: [190, 170, 230],
	magenta: [210, 30, 170],
	pink: [240, 130, 180],
	brown: [125, 75, 40],
	tan: [210, 180, 140],
	beige: [225, 205, 170],
	cream: [250, 240, 210],
	ivory: [255, 250, 235],
	white: [245, 245, 245],
	silver: [192, 192, 192],
	grey: [128, 128, 128],
	gray: [128, 128, 128],
	charcoal: [54, 69, 79],
	black: [15, 15, 15],
};

export interface NamedColor {
	/** As the bible wrote it ("brand blue #1A4DFF" -> "#1a4dff"; "warm amber" -> "amber"). */
	name: string;
	rgb: Rgb;
	/** True for a hex code: matched tightly, where a colour word is matched loosely. */
	exact: boolean;
}

/** The colour a phrase names: a hex code when it has one, else its last colour word. */
export function colorOf(phrase: string): NamedColor | undefined {
	const hex = /#([0-9a-f]{6})\b/i.exec(phrase)?.[1];
	if (hex) {
		const value = parseInt(hex, 16);
		return {
			name: `#${hex.toLowerCase()}`,
			rgb: [value >> 16, (value >> 8) & 255, value & 255],
			exact: true,
		};
	}
	const words = phrase.toLowerCase().match(/[a-z]+/g) ?? [];
	const word = words.reverse().find((candidate) => COLOR_WORDS[candidate]);
	return word ? { name: word, rgb: COLOR_WORDS[word], exact: false } : undefined;
}
