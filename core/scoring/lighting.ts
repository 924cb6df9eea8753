import { colorTemperature, luma, mired, rgbToLab } from './color';
import { clamp01, mean, median, round } from './numbers';
import type { ScoreWithCorrection } from './look';
import type { Frame } from './similarity';
import { fixedBeside } from './words';

/**
 * Lighting, colour and exposure. What drifts in a film is the change from the look a scene has
 * established, not a kelvin number: a clip is compared with the scene's look reference (an image
 * in the bible, or the first approved take of the same location and lighting) when there is one.
 * The first clip of a scene has only the words ("warm dusk"), and real footage's white balance
 * varies widely under the same words: they are read as the side the light must not cross ("warm"
 * must not be cool; "night" must not be bright), with wide bands and a confidence that says how
 * specific the words are. Words alone never send a clip back without a person.
 */

/** What frames measure: brightness, contrast, colour temperature and colourfulness. */
export interface MeasuredLighting {
	/** Mean luma, 0-255. */
	luma: number;
	/** Standard deviation of luma, 0-255. */
	contrast: number;
	/** Colour temperature of the typical pixel; undefined when the picture is too dark to tell. */
	kelvin?: number;
	/**
	 * Colour temperature of the brightest tenth of the picture: the light itself (a sunset sky, a
	 * lamp) where the typical pixel shows what it falls on (blue water under an orange sky).
	 */
	highlightKelvin?: number;
	/** Mean CIELAB chroma: how colourful the picture is. */
	chroma: number;
	/** Median CIELAB a* (green - to magenta +) and b* (blue - to yellow +): the picture's cast. */
	a: number;
	b: number;
}

/** Below this typical luma, colour is mostly noise and its temperature means little. */
const MIN_LUMA_FOR_COLOR = 25;

function medianOf(histogram: Uint32Array, count: number): number {
	let seen = 0;
	for (let value = 0; value < histogram.length; value++)
		if ((seen += histogram[value]) >= count / 2) return value;
	return histogram.length - 1;
}

const HIGHLIGHT_SHARE = 0.1;

/** The mean colour of the brightest tenth of a picture's pixels (by luma). */
function highlightColor(rgb: Uint8Array): [number, number, number] | undefined {
	const histogram = new Uint32Array(256);
	const lumas = new Uint8Array(rgb.length / 3);
	for (let offset = 0, pixel = 0; offset < rgb.length; offset += 3, pixel++) {
		lumas[pixel] = Math.round(luma(rgb[offset], rgb[offset + 1], rgb[offset + 2]));
		histogram[lumas[pixel]] += 1;
	}
	let threshold = 255;
	for (let seen = 0; threshold > 0; threshold--)
		if ((seen += histogram[threshold]) >= lumas.length * HIGHLIGHT_SHARE) break;
	const sum = [0, 0, 0];
	let count = 0;
	lumas.forEach((value, pixel) => {
		if (value < threshold) return;
		sum[0] += rgb[pixel * 3];
		sum[1] += rgb[pixel * 3 + 1];
		sum[2] += rgb[pixel * 3 + 2];
		count += 1;
	});
	return count
		? (sum.map((value) => Math.round(value / count)) as [number, number, number])
		: undefined;
}

/**
 * Brightness, contrast, colour temperature and colour of frames. The temperature is that of each
 * frame's per-channel median colour (what most of the picture is lit like, whatever small bright
 * objects show), taken as the median over frames.
 */
export function measureLighting(frames: Frame[]): MeasuredLighting {
	const lumas: number[] = [];
	const contrasts: number[] = [];
	const kelvins: number[] = [];
	const highlightKelvins: number[] = [];
	const chromas: number[] = [];
	const casts: Array<[number, number]> = [];
	for (const frame of frames) {
		const histograms = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
		// a* and b* from -128 to 127, shifted into 0-255 for histograms.
		const castHistograms = [new Uint32Array(256), new Uint32Array(256)];
		let [sum, sumSquares, chroma] = [0, 0, 0];
		const pixels = frame.rgb.length / 3;
		// Colour per pixel costs a conversion: every fourth pixel tells the picture's colour as well.
		let sampled = 0;
		for (let offset = 0, pixel = 0; offset < frame.rgb.length; offset += 3, pixel++) {
			const r = frame.rgb[offset];
			const g = frame.rgb[offset + 1];
			const b = frame.rgb[offset + 2];
			histograms[0][r] += 1;
			histograms[1][g] += 1;
			histograms[2][b] += 1;
			const y = luma(r, g, b);
			sum += y;
			sumSquares += y * y;
			if ((pixel & 3) === 0) {
				const lab = rgbToLab(r, g, b);
				chroma += Math.hypot(lab.a, lab.b);
				castHistograms[0][Math.max(0, Math.min(255, Math.round(lab.a) + 128))] += 1;
				castHistograms[1][Math.max(0, Math.min(255, Math.round(lab.b) + 128))] += 1;
				sampled += 1;
			}
		}
		const frameMean = sum / pixels;
		lumas.push(frameMean);
		contrasts.push(Math.sqrt(Math.max(0, sumSquares / pixels - frameMean * frameMean)));
		chromas.push(sampled ? chroma / sampled : 0);
		casts.push([
			medianOf(castHistograms[0], sampled) - 128,
			medianOf(castHistograms[1], sampled) - 128,
		]);
		const [r, g, b] = histograms.map((histogram) => medianOf(histogram, pixels));
		const kelvin = luma(r, g, b) >= MIN_LUMA_FOR_COLOR ? colorTemperature(r, g, b) : undefined;
		if (kelvin !== undefined) kelvins.push(kelvin);
		const highlight = highlightColor(frame.rgb);
		if (highlight && luma(...highlight) >= MIN_LUMA_FOR_COLOR)
			highlightKelvins.push(colorTemperature(...highlight)!);
	}
	return {
		luma: mean(lumas),
		contrast: mean(contrasts),
		kelvin: kelvins.length ? median(kelvins) : undefined,
		highlightKelvin: highlightKelvins.length ? median(highlightKelvins) : undefined,
		chroma: mean(chromas),
		a: median(casts.map(([a]) => a)),
		b: median(casts.map(([, b]) => b)),
	};
}

const thousands = (kelvin: number) =>
	`${(Math.round(kelvin / 100) * 100).toLocaleString('en-US')} K`;
const brightness = (lumaValue: number, limits: number[] = []) =>
	`${fixedBeside(
		(lumaValue / 255) * 100,
		limits.map((limit) => (limit / 255) * 100),
		0,
	)}%`;

// --- The words ---------------------------------------------------------------------------------

/**
 * A side the light must not cross, from a word: "warm" light must not be cooler than a kelvin
 * value, "night" must not be brighter than a mean luma. `weight` is how much the word pins the look
 * down: a time of day and a warmth word together are more specific than "natural".
 */
interface Cue {
	pattern: RegExp;
	/** The light must be at least this warm: its colour temperature at most this (K). */
	coolest?: number;
	/** The light must be at least this cool: its colour temperature at least this (K). */
	warmest?: number;
	/** Mean luma bounds, 0-255. */
	darkest?: number;
	brightest?: number;
	contrast?: 'high' | 'low';
	weight: number;
	/** A time of day or light source: its warmth gives way to a warmth word ("cool sunset" is cool). */
	timeOfDay?: boolean;
}

/**
 * Bounds measured on real photographs described by these words (the development set in
 * bench/drift-dev-set): warm interiors and sunsets measure 1,700-4,200 K, clear skies and blue hour
 * 6,500-20,000 K, daylight scenes anywhere from 2,300 K (autumn leaves) to 12,000 K (shade). So
 * "warm" only rules out what reads plainly cool, and daylight words rule out almost nothing.
 */
const WARM_COOLEST = 4600;
const COOL_WARMEST = 4000;
const CUES: Cue[] = [
	{ pattern: /\b(warm|warmly|amber|golden|orange)\b/i, coolest: WARM_COOLEST, weight: 0.2 },
	{
		pattern:
			/\b(dusk|sunset|sundown|golden hour|evening glow|sunset glow|candle ?lit|candlelight|firelight|fireside|tungsten|incandescent)\b/i,
		coolest: WARM_COOLEST,
		weight: 0.2,
		timeOfDay: true,
	},
	{ pattern: /\b(cool|cold|icy|bluish)\b/i, warmest: COOL_WARMEST, weight: 0.2 },
	{
		pattern: /\b(blue hour|moonlit|moonlight)\b/i,
		warmest: COOL_WARMEST,
		weight: 0.2,
		timeOfDay: true,
	},
	{ pattern: /\b(night|midnight|nocturnal|after dark)\b/i, brightest: 120, weight: 0.2 },
	{ pattern: /\b(dark|dim|low[- ]key|gloomy|twilight)\b/i, brightest: 110, weight: 0.15 },
	{
		pattern: /\b(bright|brightly|high[- ]key|airy|sunny|sunlit|noon|midday)\b/i,
		darkest: 60,
		weight: 0.15,
	},
	{ pattern: /\b(daylight|day|morning|overcast|cloudy|natural)\b/i, darkest: 35, weight: 0.1 },
	{
		pattern: /\b(high[- ]contrast|hard light|chiaroscuro|noir)\b/i,
		contrast: 'high',
		weight: 0.1,
	},
	{ pattern: /\b(low[- ]contrast|flat light|washed out)\b/i, contrast: 'low', weight: 0.1 },
];

export interface LightingTarget {
	/** The lighting as the spec words it. */
	words: string;
	/** The warmest and coolest colour temperatures the words allow (K). */
	kelvin?: { warmest?: number; coolest?: number };
	/** The darkest and brightest mean luma the words allow, 0-255. */
	luma?: { darkest?: number; brightest?: number };
	contrast?: 'high' | 'low';
	/** How specific the words are, 0-1: the confidence a verdict on them can have at most. */
	specificity: number;
}

/** Words never send a clip back alone: even the most specific stay below the usual confidence to regenerate. */
const WORDS_MAX_CONFIDENCE = 0.55;
const WORDS_BASE_CONFIDENCE = 0.25;

/** What the words rule out, or undefined when they name nothing measurable ("studio light", "moody"). */
export function lightingTarget(words: string): LightingTarget | undefined {
	const cues = CUES.filter((cue) => cue.pattern.test(words));
	if (!cues.length) return undefined;
	const pick = (values: Array<number | undefined>, choose: (...v: number[]) => number) => {
		const given = values.filter((value): value is number => value !== undefined);
		return given.length ? choose(...given) : undefined;
	};
	// A warmth word wins over the warmth of a time of day it contradicts ("cool sunset" is cool).
	const warmthWord = cues.some((cue) => !cue.timeOfDay && (cue.coolest || cue.warmest));
	const warmthCues = cues.filter((cue) => !(warmthWord && cue.timeOfDay));
	const coolest = pick(
		warmthCues.map((cue) => cue.coolest),
		Math.min,
	);
	const warmest = pick(
		warmthCues.map((cue) => cue.warmest),
		Math.max,
	);
	const brightest = pick(
		cues.map((cue) => cue.brightest),
		Math.min,
	);
	const darkest = pick(
		cues.map((cue) => cue.darkest),
		Math.max,
	);
	return {
		words: words.trim(),
		kelvin:
			coolest !== undefined || warmest !== undefined
				? {
						...(warmest !== undefined ? { warmest } : {}),
						...(coolest !== undefined ? { coolest } : {}),
					}
				: undefined,
		luma: brightest !== undefined || darkest !== undefined ? { darkest, brightest } : undefined,
		contrast: cues.find((cue) => cue.contrast)?.contrast,
		specificity: round(
			Math.min(
				WORDS_MAX_CONFIDENCE,
				WORDS_BASE_CONFIDENCE + cues.reduce((sum, cue) => sum + cue.weight, 0),
			),
			2,
		),
	};
}

/** Mireds past a kelvin bound that count as fully drifted: warm dusk read as plain daylight. */
const FULL_DRIFT_MIREDS = 60;
const FULL_DRIFT_LUMA = 50;
const HIGH_CONTRAST_MIN = 55;
const LOW_CONTRAST_MAX = 35;
const FULL_DRIFT_CONTRAST = 25;

/** The lighting dimension from the words alone: how far past what the words rule out the light is. */
export function lightingScore(
	target: LightingTarget,
	measured: MeasuredLighting,
): ScoreWithCorrection {
	const reasons: string[] = [];
	const fixes: string[] = [];
	const drifts: number[] = [0];
	const measures: Record<string, number | string> = {
		meanLumaPercent: round((measured.luma / 255) * 100, 1),
		contrast: round(measured.contrast, 1),
		wordsSpecificity: target.specificity,
	};
	let confidence = target.specificity;
	const { kelvin, luma: lumaBounds } = target;
	if (kelvin) {
		if (measured.kelvin === undefined) {
			confidence = Math.min(confidence, 0.3);
			reasons.push(`the picture is too dark to tell its colour temperature`);
		} else {
			// Words are vague: light is warm if its typical colour or its highlights are, cool if either is.
			const both = [measured.kelvin, measured.highlightKelvin ?? measured.kelvin];
			const warmest = Math.min(...both);
			const coolest = Math.max(...both);
			measures.kelvin = Math.round(measured.kelvin);
			measures.highlightKelvin = Math.round(measured.highlightKelvin ?? measured.kelvin);
			const cooler = kelvin.coolest !== undefined ? mired(kelvin.coolest) - mired(warmest) : 0;
			const warmer = kelvin.warmest !== undefined ? mired(coolest) - mired(kelvin.warmest) : 0;
			if (cooler > 0) {
				drifts.push(clamp01(cooler / FULL_DRIFT_MIREDS));
				reasons.push(
					`the light is about ${thousands(warmest)} at its warmest, ` +
						`cooler than the ${thousands(kelvin.coolest!)} that '${target.words}' allows at most`,
				);
				fixes.push('warmer, more orange light');
			}
			if (warmer > 0) {
				drifts.push(clamp01(warmer / FULL_DRIFT_MIREDS));
				reasons.push(
					`the light is about ${thousands(coolest)} at its coolest, ` +
						`warmer than the ${thousands(kelvin.warmest!)} that '${target.words}' allows at least`,
				);
				fixes.push('cooler, bluer light');
			}
		}
	}
	if (lumaBounds) {
		const { darkest, brightest } = lumaBounds;
		if (brightest !== undefined && measured.luma > brightest) {
			drifts.push(clamp01((measured.luma - brightest) / FULL_DRIFT_LUMA));
			reasons.push(
				`the picture is brighter than '${target.words}' allows ` +
					`(average brightness ${brightness(measured.luma, [brightest])}, at most ${brightness(brightest)})`,
			);
			fixes.push('a darker, lower exposure');
		}
		if (darkest !== undefined && measured.luma < darkest) {
			drifts.push(clamp01((darkest - measured.luma) / FULL_DRIFT_LUMA));
			reasons.push(
				`the picture is darker than '${target.words}' allows ` +
					`(average brightness ${brightness(measured.luma, [darkest])}, at least ${brightness(darkest)})`,
			);
			fixes.push('a brighter exposure');
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
	if (!reasons.length) reasons.push(`the light fits '${target.words}'`);
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

// --- Against the established look --------------------------------------------------------------

/**
 * How far a clip may move from its scene's established look before it reads as another look, and
 * how far is plainly another. Measured on the development set (bench/drift-dev-set): a later take
 * of the same place, framed a fifth of the frame aside, moved by up to 0.83 stops, 86 mireds (the
 * sky leaving a sunset's frame), a colourfulness ratio of 0.72-1.38 and a cast shift of 40 (a blue
 * sky leaving a yellow wall's frame); a colourist's cooler or warmer grade moved 115-280 mireds,
 * a washed-out one a colourfulness ratio of 0.3, a magenta or teal-orange one a cast of 15-37, an
 * exposure change of a stop and more 1.06-3.5 stops.
 */
const LOOK_TOLERANCE = { stops: 0.9, mireds: 60, chromaRatio: 1.45, cast: 12 };
const LOOK_FULL = { stops: 1.9, mireds: 140, chromaRatio: 2.2, cast: 25 };
/**
 * Framing alone moves one measure at a time; a grade or an exposure change moves several, or one
 * very far. A comparison is clear (sure enough to send a clip back) when two measures drifted at
 * least half way, or one drifted twice its full amount; otherwise a person looks.
 */
const LOOK_CONFIDENCE_UNSURE = 0.5;
const LOOK_CONFIDENCE_CLEAR = 0.75;

/** A change beyond a tolerance, as drift: 0 within it, 1 at the full amount. */
const beyond = (change: number, tolerance: number, full: number) =>
	clamp01((Math.abs(change) - tolerance) / (full - tolerance));

/** Stops of exposure between two mean lumas (gamma-encoded, about 2.2). */
const stopsBetween = (from: number, to: number) =>
	2.2 * Math.log2(Math.max(to, 1) / Math.max(from, 1));

/** The lighting dimension against the established look: exposure, white balance, colourfulness and cast. */
export function lookShiftScore(
	reference: MeasuredLighting,
	measured: MeasuredLighting,
	basis: string,
): ScoreWithCorrection {
	const stops = stopsBetween(reference.luma, measured.luma);
	const mireds =
		reference.kelvin !== undefined && measured.kelvin !== undefined
			? mired(measured.kelvin) - mired(reference.kelvin)
			: 0;
	const chromaRatio = (measured.chroma + 2) / (reference.chroma + 2);
	const cast = Math.hypot(measured.a - reference.a, measured.b - reference.b);
	const parts = {
		exposure: beyond(stops, LOOK_TOLERANCE.stops, LOOK_FULL.stops),
		whiteBalance: beyond(mireds, LOOK_TOLERANCE.mireds, LOOK_FULL.mireds),
		colourfulness: beyond(
			Math.log(chromaRatio),
			Math.log(LOOK_TOLERANCE.chromaRatio),
			Math.log(LOOK_FULL.chromaRatio),
		),
		cast: beyond(cast, LOOK_TOLERANCE.cast, LOOK_FULL.cast),
	};
	const drift = Math.max(...Object.values(parts));
	const halfWay = Object.values(parts).filter((part) => part >= 0.5).length;
	const farOut =
		Math.abs(stops) >= 2 * LOOK_FULL.stops ||
		Math.abs(mireds) >= 2 * LOOK_FULL.mireds ||
		Math.abs(Math.log(chromaRatio)) >= 2 * Math.log(LOOK_FULL.chromaRatio) ||
		cast >= 2 * LOOK_FULL.cast;
	const reasons: string[] = [];
	const fixes: string[] = [];
	if (parts.exposure > 0) {
		reasons.push(
			`the picture is ${Math.abs(stops).toFixed(1)} stops ${stops > 0 ? 'brighter' : 'darker'} than ${basis}`,
		);
		fixes.push(stops > 0 ? 'a darker exposure' : 'a brighter exposure');
	}
	if (parts.whiteBalance > 0) {
		reasons.push(
			`the light is about ${thousands(measured.kelvin!)}, ${mireds > 0 ? 'warmer' : 'cooler'} than the ` +
				`${thousands(reference.kelvin!)} of ${basis}`,
		);
		fixes.push(mireds > 0 ? 'cooler light' : 'warmer light');
	}
	if (parts.colourfulness > 0) {
		reasons.push(
			`the colours are ${chromaRatio > 1 ? 'more' : 'less'} saturated than in ${basis} ` +
				`(${Math.round(chromaRatio * 100)}% of its colourfulness)`,
		);
		fixes.push(chromaRatio > 1 ? 'more muted colours' : 'richer colours');
	}
	if (parts.cast > 0) {
		reasons.push(
			`the picture has a colour cast ${basis} does not have (a shift of ${cast.toFixed(0)} in CIELAB)`,
		);
		fixes.push('the same colour grade');
	}
	if (!reasons.length) reasons.push(`the light and colour match ${basis}`);
	return {
		drift: round(drift, 3),
		confidence: halfWay >= 2 || farOut ? LOOK_CONFIDENCE_CLEAR : LOOK_CONFIDENCE_UNSURE,
		reasons,
		measures: {
			exposureStops: round(stops, 2),
			whiteBalanceMireds: round(mireds, 1),
			colourfulnessRatio: round(chromaRatio, 2),
			castShift: round(cast, 1),
		},
		correction: fixes.length ? `Match ${basis}: ${fixes.join(', ')}.` : undefined,
	};
}

/** The change of light between two measurements, for continuity at a cut. */
export function lightChangeBetween(
	before: MeasuredLighting,
	after: MeasuredLighting,
): { stops: number; mireds: number } {
	return {
		stops: stopsBetween(before.luma, after.luma),
		mireds:
			before.kelvin !== undefined && after.kelvin !== undefined
				? mired(after.kelvin) - mired(before.kelvin)
				: 0,
	};
}
