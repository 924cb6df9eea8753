import { colorOf } from './color';
import { clamp01 } from './numbers';
import type { Frame } from './similarity';
import type { Box } from './vision';

/**
 * The colour of an object as a person would name it: the dominant hue of the middle of its box
 * (its edges are mostly background), named in words, and how far it is from the colour a bible asks
 * for. Hue rather than exact colour, because lighting and grading move brightness and saturation
 * much more than they move hue.
 */

interface Hsv {
	/** Degrees, 0-360. */
	hue: number;
	saturation: number;
	value: number;
}

export function rgbToHsv(r: number, g: number, b: number): Hsv {
	const max = Math.max(r, g, b);
	const spread = max - Math.min(r, g, b);
	let hue = 0;
	if (spread) {
		if (max === r) hue = ((g - b) / spread + 6) % 6;
		else if (max === g) hue = (b - r) / spread + 2;
		else hue = (r - g) / spread + 4;
	}
	return { hue: hue * 60, saturation: max ? spread / max : 0, value: max / 255 };
}

/** The middle of a box: half its width and half its height. */
const CENTRE = 0.5;
/** Pixels less saturated or darker than this have no reliable hue (grey, shadow, glare). */
const MIN_SATURATION = 0.25;
const MIN_VALUE = 0.2;
/** Below this share of pixels with a hue, the middle reads as white, grey or black. */
const MIN_COLORED_SHARE = 0.35;
const HUE_BIN_DEGREES = 15;
const HUE_BINS = 360 / HUE_BIN_DEGREES;

export interface ColorReading {
	/** The dominant hue in degrees; absent when the middle has little colour. */
	hue?: number;
	/** Share of the middle's pixels of that hue (or, without one, of the pixels without colour). */
	share: number;
	/** Mean saturation and brightness (0-1) of those pixels. */
	saturation: number;
	value: number;
	/** The colour in words: "orange-brown", "blue", "grey". */
	words: string;
}

const hueDistance = (first: number, second: number) => {
	const difference = Math.abs(first - second) % 360;
	return difference > 180 ? 360 - difference : difference;
};

const HUE_NAMES: Array<[number, string]> = [
	[15, 'red'],
	[40, 'orange'],
	[70, 'yellow'],
	[160, 'green'],
	[195, 'cyan'],
	[255, 'blue'],
	[290, 'purple'],
	[320, 'magenta'],
	[345, 'pink'],
	[360, 'red'],
];

/** A colour in plain words; warm hues darken into browns, as people name them. */
function colorWords(hue: number | undefined, saturation: number, value: number): string {
	if (hue === undefined)
		return value < 0.25 ? 'black' : value > 0.75 && saturation < 0.15 ? 'white' : 'grey';
	const name = HUE_NAMES.find(([upTo]) => hue < upTo)![1];
	const warm = ['red', 'orange', 'yellow'].includes(name);
	if (warm && value < 0.6) return `${name}-brown`;
	if (value < 0.35) return `dark ${name}`;
	if (saturation < 0.4) return `pale ${name}`;
	return name;
}

interface HueBin {
	count: number;
	/** Sums of the pixels' hues as unit vectors, and of their saturation and brightness. */
	x: number;
	y: number;
	saturation: number;
	value: number;
}

const add = (bins: HueBin[], key: keyof HueBin) => bins.reduce((total, bin) => total + bin[key], 0);

/** The dominant colour of the middles of an object's boxes in several frames, read together. */
export function readColor(regions: Array<{ frame: Frame; box: Box }>): ColorReading {
	const bins: HueBin[] = Array.from({ length: HUE_BINS }, () => ({
		count: 0,
		x: 0,
		y: 0,
		saturation: 0,
		value: 0,
	}));
	let pixels = 0;
	let [plainSaturation, plainValue] = [0, 0];
	for (const { frame, box } of regions) {
		const [left, top] = [
			Math.max(0, Math.round(box.x + (box.width * (1 - CENTRE)) / 2)),
			Math.max(0, Math.round(box.y + (box.height * (1 - CENTRE)) / 2)),
		];
		const [right, bottom] = [
			Math.min(frame.width, Math.round(left + box.width * CENTRE)),
			Math.min(frame.height, Math.round(top + box.height * CENTRE)),
		];
		for (let y = top; y < bottom; y++) {
			for (let x = left, offset = (y * frame.width + left) * 3; x < right; x++, offset += 3) {
				const { hue, saturation, value } = rgbToHsv(
					frame.rgb[offset],
					frame.rgb[offset + 1],
					frame.rgb[offset + 2],
				);
				pixels += 1;
				if (saturation < MIN_SATURATION || value < MIN_VALUE) {
					plainSaturation += saturation;
					plainValue += value;
					continue;
				}
				// Hues are summed as unit vectors: 355 and 5 degrees average to 0, not 180.
				const bin = bins[Math.floor(hue / HUE_BIN_DEGREES) % HUE_BINS];
				bin.count += 1;
				bin.x += Math.cos((hue * Math.PI) / 180);
				bin.y += Math.sin((hue * Math.PI) / 180);
				bin.saturation += saturation;
				bin.value += value;
			}
		}
	}
	const colored = bins.reduce((sum, bin) => sum + bin.count, 0);
	if (!pixels || colored / pixels < MIN_COLORED_SHARE) {
		const plain = pixels - colored;
		const [saturation, value] = plain ? [plainSaturation / plain, plainValue / plain] : [0, 0];
		return {
			share: pixels ? plain / pixels : 0,
			saturation,
			value,
			words: colorWords(undefined, saturation, value),
		};
	}
	// The peak is the bin that, with its two neighbours, holds the most pixels: a hue that straddles a bin edge still wins.
	const around = (index: number) =>
		[index - 1, index, index + 1].map((neighbour) => bins[(neighbour + HUE_BINS) % HUE_BINS]);
	const peak = bins
		.map((_, index) => index)
		.reduce(
			(best, index) => (add(around(index), 'count') > add(around(best), 'count') ? index : best),
			0,
		);
	const chosen = around(peak);
	const count = add(chosen, 'count');
	const hue = ((Math.atan2(add(chosen, 'y'), add(chosen, 'x')) * 180) / Math.PI + 360) % 360;
	const [saturation, value] = [add(chosen, 'saturation') / count, add(chosen, 'value') / count];
	return {
		hue,
		share: count / pixels,
		saturation,
		value,
		words: colorWords(hue, saturation, value),
	};
}

/** Hue distances in degrees up to which two colours are the same, and from which they are different. */
const HUE_SAME = 25;
const HUE_DIFFERENT = 60;
/** A colour asked for with less saturation than this is white, grey or black; below MUTED, it may read as either. */
const ACHROMATIC_SATURATION = 0.12;
const MUTED_SATURATION = 0.35;

export interface ColorCheck {
	/** 0 = the colour asked for, 1 = another colour. */
	drift: number;
	/** The asked colour in words, as the bible wrote it ("blue", "#1a4dff"). */
	asked: string;
	/** The asked colour's hue, when it has one. */
	askedHue?: number;
}

/** How far a reading is from the colour a phrase names; undefined when the phrase names no colour. */
export function checkColor(phrase: string, reading: ColorReading): ColorCheck | undefined {
	const named = colorOf(phrase);
	if (!named) return undefined;
	const asked = rgbToHsv(...named.rgb);
	const achromatic = asked.saturation < ACHROMATIC_SATURATION || asked.value < 0.15;
	let drift: number;
	if (achromatic) {
		// White, grey and black differ by brightness alone.
		drift =
			reading.hue === undefined
				? clamp01((Math.abs(asked.value - reading.value) - 0.25) / 0.25)
				: 1;
	} else if (reading.hue === undefined) {
		// Beige or charcoal under a grade may read as without colour; blue may not.
		drift = asked.saturation < MUTED_SATURATION ? 0 : 1;
	} else {
		drift = clamp01((hueDistance(asked.hue, reading.hue) - HUE_SAME) / (HUE_DIFFERENT - HUE_SAME));
	}
	return { drift, asked: named.name, askedHue: achromatic ? undefined : asked.hue };
}
