import type { DimensionScore } from '../types';
import { colorTemperature, luma, mired } from './color';
import type { Frame } from './similarity';
import { clamp01, mean, median, round } from './numbers';

/**
 * Lighting words -> what a camera would measure: how bright the picture is on average, its colour
 * temperature, and its contrast. The ranges are those of graded footage described that way (dusk
 * is dim and orange, noon bright and near-neutral). Words that say nothing measurable ("moody")
 * give no target, and the lighting is then left to the judge.
 */

type Range = [number, number];

export interface LightingTarget {
	/** The lighting as the spec words it. */
	words: string;
	/** Colour temperature in kelvin. */
	kelvin?: Range;
	/** Mean luma, 0-255. */
	luma?: Range;
	contrast?: 'high' | 'low';
}

interface LightingWord {
	pattern: RegExp;
	kelvin?: Range;
	luma?: Range;
	contrast?: 'high' | 'low';
}

/** Times of day and light sources: the first that matches sets the base look. */
const LOOKS: LightingWord[] = [
	{ pattern: /\bblue hour\b/i, kelvin: [7000, 14000], luma: [30, 120] },
	{ pattern: /\b(night|midnight|moonlit|moonlight|nocturnal)\b/i, luma: [10, 80] },
	{
		pattern: /\b(dusk|sunset|golden hour|twilight|evening)\b/i,
		kelvin: [2000, 3800],
		luma: [45, 140],
	},
	{ pattern: /\b(dawn|sunrise|morning)\b/i, kelvin: [3000, 5500], luma: [80, 190] },
	{
		pattern: /\b(noon|midday|daylight|sunny|sunlit|bright sun)\b/i,
		kelvin: [4800, 7000],
		luma: [120, 230],
	},
	{ pattern: /\b(overcast|cloudy)\b/i, kelvin: [5500, 8500], luma: [90, 180] },
	{
		pattern: /\b(candle ?lit|candlelight|firelight|fireside)\b/i,
		kelvin: [1700, 2800],
		luma: [20, 110],
	},
	{ pattern: /\b(tungsten|incandescent)\b/i, kelvin: [2500, 3500] },
	{ pattern: /\b(fluorescent|office light)\b/i, kelvin: [4000, 6500] },
];

/** Words that narrow the base look: warm/cool, dark/bright, hard/flat. */
const MODIFIERS: LightingWord[] = [
	{ pattern: /\b(warm|warmly|amber|golden)\b/i, kelvin: [2000, 4000] },
	{ pattern: /\b(cool|cold|icy|bluish)\b/i, kelvin: [6500, 14000] },
	{ pattern: /\b(dark|dim|low[- ]key|gloomy)\b/i, luma: [15, 90] },
	{ pattern: /\b(bright|brightly|high[- ]key|airy)\b/i, luma: [140, 240] },
	{ pattern: /\b(high[- ]contrast|hard light|chiaroscuro|noir)\b/i, contrast: 'high' },
	{ pattern: /\b(low[- ]contrast|flat light|washed out)\b/i, contrast: 'low' },
];

/** Contrast (the spread of luma, 0-255) that reads as high or low. */
const HIGH_CONTRAST_MIN = 55;
const LOW_CONTRAST_MAX = 35;

function narrow(base: Range | undefined, modifier: Range | undefined): Range | undefined {
	if (!base || !modifier) return modifier ?? base;
	const overlap: Range = [Math.max(base[0], modifier[0]), Math.min(base[1], modifier[1])];
	// A modifier that contradicts the base look ("cool sunset") is taken as the stronger instruction.
	return overlap[0] < overlap[1] ? overlap : modifier;
}

/** What the words ask a camera to see, or undefined when they ask nothing measurable. */
export function lightingTarget(words: string): LightingTarget | undefined {
	const base = LOOKS.find((look) => look.pattern.test(words));
	let target: LightingTarget = { words: words.trim(), kelvin: base?.kelvin, luma: base?.luma };
	for (const modifier of MODIFIERS.filter((candidate) => candidate.pattern.test(words))) {
		target = {
			...target,
			kelvin: narrow(target.kelvin, modifier.kelvin),
			luma: narrow(target.luma, modifier.luma),
			contrast: modifier.contrast ?? target.contrast,
		};
	}
	return target.kelvin || target.luma || target.contrast ? target : undefined;
}

export interface MeasuredLighting {
	/** Mean luma, 0-255. */
	luma: number;
	/** Standard deviation of luma, 0-255. */
	contrast: number;
	/** Colour temperature of the typical pixel; undefined when the picture is too dark to tell. */
	kelvin?: number;
}

/** Below this typical luma, colour is mostly noise and its temperature means little. */
const MIN_LUMA_FOR_COLOR = 25;

/**
 * Brightness, contrast and colour temperature of frames. The temperature is that of each frame's
 * per-channel median colour (what most of the picture is lit like, whatever small bright objects
 * show), taken as the median over frames.
 */
export function measureLighting(frames: Frame[]): MeasuredLighting {
	const lumas: number[] = [];
	const contrasts: number[] = [];
	const kelvins: number[] = [];
	for (const frame of frames) {
		const histograms = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
		let [sum, sumSquares] = [0, 0];
		const pixels = frame.rgb.length / 3;
		for (let offset = 0; offset < frame.rgb.length; offset += 3) {
			const r = frame.rgb[offset];
			const g = frame.rgb[offset + 1];
			const b = frame.rgb[offset + 2];
			histograms[0][r] += 1;
			histograms[1][g] += 1;
			histograms[2][b] += 1;
			const y = luma(r, g, b);
			sum += y;
			sumSquares += y * y;
		}
		const mean = sum / pixels;
		lumas.push(mean);
		contrasts.push(Math.sqrt(Math.max(0, sumSquares / pixels - mean * mean)));
		const [r, g, b] = histograms.map((histogram) => {
			let seen = 0;
			for (let value = 0; value < 256; value++)
				if ((seen += histogram[value]) >= pixels / 2) return value;
			return 255;
		});
		const kelvin = luma(r, g, b) >= MIN_LUMA_FOR_COLOR ? colorTemperature(r, g, b) : undefined;
		if (kelvin !== undefined) kelvins.push(kelvin);
	}
	return {
		luma: mean(lumas),
		contrast: mean(contrasts),
		kelvin: kelvins.length ? median(kelvins) : undefined,
	};
}

/** Confidence of a lighting verdict from frame statistics: a good proxy, not a light meter. */
const LIGHTING_CONFIDENCE = 0.7;
/** Mireds outside the asked range that count as fully drifted (about noon light for "dusk"). */
const FULL_DRIFT_MIREDS = 120;
const FULL_DRIFT_LUMA = 60;
const FULL_DRIFT_CONTRAST = 25;

const thousands = (kelvin: number) =>
	`${(Math.round(kelvin / 100) * 100).toLocaleString('en-US')} K`;
const percent = (lumaValue: number) => `${Math.round((lumaValue / 255) * 100)}%`;

function outside(value: number, [low, high]: Range): number {
	return value < low ? low - value : value > high ? value - high : 0;
}

/** The lighting dimension: how far the measured light is from what the words ask for, in words too. */
export function lightingScore(
	target: LightingTarget,
	measured: MeasuredLighting,
): DimensionScore & { correction?: string } {
	const reasons: string[] = [];
	const fixes: string[] = [];
	const drifts: number[] = [0];
	const measures: Record<string, number | string> = {
		meanLumaPercent: round((measured.luma / 255) * 100, 1),
		contrast: round(measured.contrast, 1),
	};
	let confidence = LIGHTING_CONFIDENCE;
	if (target.kelvin) {
		if (measured.kelvin === undefined) {
			confidence = 0.4;
			reasons.push(
				`the picture is too dark to tell its colour temperature ('${target.words}' asks for ${thousands(target.kelvin[0])}-${thousands(target.kelvin[1])})`,
			);
		} else {
			measures.kelvin = Math.round(measured.kelvin);
			const asked = 1_000_000 / ((mired(target.kelvin[0]) + mired(target.kelvin[1])) / 2);
			const excess = outside(mired(measured.kelvin), [
				mired(target.kelvin[1]),
				mired(target.kelvin[0]),
			]);
			drifts.push(clamp01(excess / FULL_DRIFT_MIREDS));
			if (excess > 0) {
				const cooler = measured.kelvin > asked;
				reasons.push(
					`the light is about ${thousands(measured.kelvin)}: ${thousands(Math.abs(measured.kelvin - asked))} ${cooler ? 'cooler' : 'warmer'} than the ${thousands(asked)} that '${target.words}' asks for`,
				);
				fixes.push(cooler ? 'warmer, more orange light' : 'cooler, more neutral light');
			}
		}
	}
	if (target.luma) {
		const excess = outside(measured.luma, target.luma);
		drifts.push(clamp01(excess / FULL_DRIFT_LUMA));
		if (excess > 0) {
			const darker = measured.luma < target.luma[0];
			reasons.push(
				`the picture is ${darker ? 'darker' : 'brighter'} than '${target.words}' asks for (average brightness ${percent(measured.luma)}, expected ${percent(target.luma[0])}-${percent(target.luma[1])})`,
			);
			fixes.push(darker ? 'a brighter exposure' : 'a darker, lower exposure');
		}
	}
	if (target.contrast) {
		const excess =
			target.contrast === 'high'
				? Math.max(0, HIGH_CONTRAST_MIN - measured.contrast)
				: Math.max(0, measured.contrast - LOW_CONTRAST_MAX);
		drifts.push(clamp01(excess / FULL_DRIFT_CONTRAST));
		if (excess > 0) {
			reasons.push(
				`the contrast is ${target.contrast === 'high' ? 'lower' : 'higher'} than '${target.words}' asks for`,
			);
			fixes.push(
				target.contrast === 'high' ? 'harder light with deep shadows' : 'softer, flatter light',
			);
		}
	}
	const drift = Math.max(...drifts);
	if (!reasons.length) reasons.push(`the light matches '${target.words}'`);
	return {
		drift: round(drift, 3),
		confidence,
		reasons,
		measures,
		correction: fixes.length
			? `Light the shot as '${target.words}': ${fixes.join(', ')}.`
			: undefined,
	};
}
