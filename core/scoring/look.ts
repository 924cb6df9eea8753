import type { DimensionScore } from '../types';
import { rgbToLab, type Lab } from './color';
import { clamp01, round } from './numbers';
import { DEFAULT_THRESHOLDS } from './report';
import {
	colorHistogram,
	colorPresence,
	colorShare,
	histogramDistance,
	structuralSimilarity,
	type ColorSpread,
	type Frame,
} from './similarity';

/**
 * Palette, continuity and likeness to a reference image, measured from decoded frames. Each
 * returns a dimension score with reasons in plain words and, when it drifted, one sentence for the
 * next prompt.
 */

export type ScoreWithCorrection = DimensionScore & { correction?: string };

/** One score from several of a dimension (one per character or prop): the worst one's, with every reason and correction. */
export function worstScore(scores: ScoreWithCorrection[]): ScoreWithCorrection {
	const worst = scores.reduce((a, b) => (b.drift > a.drift ? b : a));
	return {
		drift: worst.drift,
		confidence: worst.confidence,
		reasons: scores.flatMap((score) => score.reasons),
		measures: Object.assign({}, ...scores.map((score) => score.measures ?? {})),
		correction:
			scores
				.map((score) => score.correction)
				.filter(Boolean)
				.join(' ') || undefined,
	};
}

/** Drift above which a measure is described as drifted and given a correction (the default pass threshold). */
const NOTICEABLE_DRIFT = DEFAULT_THRESHOLDS.pass;

/** A palette colour covering less than this share of the picture, on average, is missing. */
const PALETTE_MIN_SHARE = 0.003;
/** Colour words name wide ranges and grading shifts them: a palette verdict is a fair guess. */
const PALETTE_CONFIDENCE = 0.6;

const percentOf = (share: number) => `${(share * 100).toFixed(share < 0.01 ? 1 : 0)}%`;
const list = (names: string[]) =>
	names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0];

/** Which colours of the bible's palette appear in the frames. Undefined when it names no colour. */
export function paletteScore(
	palette: string[],
	frames: ColorSpread[],
): ScoreWithCorrection | undefined {
	const presence = colorPresence(frames, palette);
	if (!presence.length) return undefined;
	const missing = presence.filter((entry) => entry.share < PALETTE_MIN_SHARE);
	const names = (entries: typeof presence) => entries.map((entry) => entry.color.name);
	return {
		drift: round(missing.length / presence.length, 3),
		confidence: PALETTE_CONFIDENCE,
		reasons: missing.length
			? [
					`${list(names(missing))} from the bible's palette ${missing.length > 1 ? 'are' : 'is'} missing from the clip ` +
						`(palette: ${palette.join(', ')})`,
				]
			: [
					'every palette colour appears ' +
						`(${presence.map((entry) => `${entry.color.name} ${percentOf(entry.share)}`).join(', ')} of the picture)`,
				],
		measures: Object.fromEntries(
			presence.map((entry) => [`share_${entry.color.name}`, round(entry.share, 4)]),
		),
		correction: missing.length
			? `Bring the bible's palette into the frame: ${list(names(missing))}.`
			: undefined,
	};
}

/**
 * Histogram distance at which two frames stop reading as the same moment, and at which they read
 * as unrelated pictures. Between the two, drift rises evenly.
 */
const CONTINUITY_SAME = 0.25;
const CONTINUITY_UNRELATED = 0.6;
/** Structure below this is a different framing; it counts less than colour (the camera may move). */
const CONTINUITY_STRUCTURE_FLOOR = 0.6;
const CONTINUITY_STRUCTURE_WEIGHT = 0.3;
/**
 * Confidence from the measurement: clear when the frames are plainly alike or plainly unrelated,
 * a coin toss half way. A clear break is still short of certain (it shows that one of two shots
 * drifted, not which one), so it tops out below the face model's clear verdicts.
 */
const CONTINUITY_CONFIDENCE_MIDDLE = 0.5;
const CONTINUITY_CONFIDENCE_CLEAR = 0.85;

/** How the light changes from the previous shot's last frame to this one's first (measured by the caller). */
export interface LightChange {
	stops: number;
	/** Positive: warmer. */
	mireds: number;
}
/** Frames this alike in structure show the same framing: their light is compared directly. */
const CONTINUITY_SAME_FRAMING = 0.5;
/**
 * Light changes at a continuous cut: within these it continues (a camera's auto-exposure, compression),
 * from the larger ones it plainly does not (a colourist's warmer grade moves 60 mireds and more).
 */
const CUT_STOPS_SAME = 0.35;
const CUT_STOPS_BROKEN = 1;
const CUT_MIREDS_SAME = 20;
const CUT_MIREDS_BROKEN = 60;

/**
 * A break against a previous shot that is not settled shows that one of two shots drifted, not
 * which: below the usual confidence needed to send a clip back, so a person decides.
 */
const CONTINUITY_UNSETTLED_MAX_CONFIDENCE = 0.55;

/**
 * The first frame of this shot against the last frame of the shot it continues; `previousSettled`
 * when that shot is approved, so that a break can only be this one's.
 */
export function continuityScore(
	previousLast: Frame,
	first: Frame,
	previousSettled = false,
	lightChange?: LightChange,
): ScoreWithCorrection {
	const distance = histogramDistance(colorHistogram(previousLast), colorHistogram(first));
	const sameSize = previousLast.width === first.width && previousLast.height === first.height;
	const structure = sameSize ? structuralSimilarity(previousLast, first) : undefined;
	const colorDrift = clamp01(
		(distance - CONTINUITY_SAME) / (CONTINUITY_UNRELATED - CONTINUITY_SAME),
	);
	const structureDrift =
		structure === undefined
			? 0
			: clamp01((CONTINUITY_STRUCTURE_FLOOR - structure) / CONTINUITY_STRUCTURE_FLOOR);
	// Where the framing continues, the light must too: a grade or exposure change at the cut shows
	// plainly, though it moves few histogram cells in a dark or one-coloured picture.
	const sameFraming = structure !== undefined && structure >= CONTINUITY_SAME_FRAMING;
	const lightDrift =
		sameFraming && lightChange
			? Math.max(
					clamp01(
						(Math.abs(lightChange.stops) - CUT_STOPS_SAME) / (CUT_STOPS_BROKEN - CUT_STOPS_SAME),
					),
					clamp01(
						(Math.abs(lightChange.mireds) - CUT_MIREDS_SAME) /
							(CUT_MIREDS_BROKEN - CUT_MIREDS_SAME),
					),
				)
			: 0;
	// Colour decides; a changed framing alone adds at most the structure's weight.
	const drift = Math.max(
		colorDrift,
		lightDrift,
		(1 - CONTINUITY_STRUCTURE_WEIGHT) * colorDrift + CONTINUITY_STRUCTURE_WEIGHT * structureDrift,
	);
	const colorsInCommon = Math.round((1 - distance * distance) * 100);
	const reasons =
		drift > NOTICEABLE_DRIFT
			? [
					lightDrift >= drift && lightChange
						? `the light changes at the cut: ${Math.abs(lightChange.stops).toFixed(1)} stops ` +
							`${lightChange.stops > 0 ? 'brighter' : 'darker'}, ${Math.round(Math.abs(lightChange.mireds))} mireds ` +
							`${lightChange.mireds > 0 ? 'warmer' : 'cooler'} than the previous shot's last frame`
						: `the first frame does not continue the previous shot's last frame: ${colorsInCommon}% of their colours in common` +
							`${structure === undefined ? '' : `, shapes ${Math.round(structure * 100)}% alike`}`,
				]
			: ['the first frame continues the previous shot'];
	return {
		drift: round(drift, 3),
		confidence: round(
			Math.min(
				CONTINUITY_CONFIDENCE_MIDDLE +
					(CONTINUITY_CONFIDENCE_CLEAR - CONTINUITY_CONFIDENCE_MIDDLE) * Math.abs(2 * drift - 1),
				drift > NOTICEABLE_DRIFT && !previousSettled ? CONTINUITY_UNSETTLED_MAX_CONFIDENCE : 1,
			),
			3,
		),
		reasons,
		measures: {
			histogramDistance: round(distance, 3),
			...(structure === undefined ? {} : { structuralSimilarity: round(structure, 3) }),
		},
		correction:
			drift > NOTICEABLE_DRIFT
				? 'Start exactly where the previous shot ends: the same light, colours and framing.'
				: undefined,
	};
}

interface SignatureColor {
	lab: Lab;
	/** Share of the reference's centre this colour covers. */
	weight: number;
}

/** The reference's centre holds the character; its edges are mostly backdrop. */
const REFERENCE_CENTRE = 0.6;
/** Colours covering less of the centre than this are detail, not identity. */
const SIGNATURE_MIN_SHARE = 0.05;
/**
 * A signature colour needs this share of some frame to count as present: a person in shot covers
 * more than that, where the blended edge between two other colours (which may average to it) does not.
 */
const SIGNATURE_PRESENT_SHARE = 0.015;
/**
 * Much tighter than for colour words: a photo's colours are specific (dark brown hair is not grey,
 * a teal jacket is not a teal wall). Compression moves a colour by about 3.
 */
const SIGNATURE_TOLERANCE = 10;
const REFERENCE_MATCH_COVERAGE = 0.9;
const REFERENCE_STRANGER_COVERAGE = 0.3;
/** Colours alone cannot tell two people apart: a hint for a person to check, never proof. */
const REFERENCE_CONFIDENCE = 0.4;

/** The main colours of the centre of a reference image, each with the share it covers. */
function colorSignature(reference: Frame): SignatureColor[] {
	const { width, height, rgb } = reference;
	const [left, top] = [
		Math.floor((width * (1 - REFERENCE_CENTRE)) / 2),
		Math.floor((height * (1 - REFERENCE_CENTRE)) / 2),
	];
	const centre: number[] = [];
	for (let y = top; y < height - top; y++) {
		for (let x = left; x < width - left; x++) {
			const offset = (y * width + x) * 3;
			centre.push(rgb[offset], rgb[offset + 1], rgb[offset + 2]);
		}
	}
	const cells = new Map<number, { sum: [number, number, number]; count: number }>();
	for (let offset = 0; offset < centre.length; offset += 3) {
		const key =
			((centre[offset] >> 5) << 6) | ((centre[offset + 1] >> 5) << 3) | (centre[offset + 2] >> 5);
		const cell = cells.get(key) ?? { sum: [0, 0, 0], count: 0 };
		cell.sum[0] += centre[offset];
		cell.sum[1] += centre[offset + 1];
		cell.sum[2] += centre[offset + 2];
		cell.count += 1;
		cells.set(key, cell);
	}
	const pixels = centre.length / 3;
	return [...cells.values()]
		.filter((cell) => cell.count / pixels >= SIGNATURE_MIN_SHARE)
		.map((cell) => ({
			lab: rgbToLab(
				...(cell.sum.map((value) => Math.round(value / cell.count)) as [number, number, number]),
			),
			weight: cell.count / pixels,
		}));
}

/** How much of a character's reference-image colouring the clip shows. */
export function referenceScore(
	name: string,
	reference: Frame,
	frames: ColorSpread[],
): ScoreWithCorrection {
	const signature = colorSignature(reference);
	const total = signature.reduce((sum, color) => sum + color.weight, 0);
	const found = signature
		.filter((color) =>
			frames.some(
				(spread) => colorShare(spread, color.lab, SIGNATURE_TOLERANCE) >= SIGNATURE_PRESENT_SHARE,
			),
		)
		.reduce((sum, color) => sum + color.weight, 0);
	const coverage = total ? found / total : 1;
	// Nine tenths of the colouring found is a match (lighting shifts some); three tenths or less, a stranger.
	const drift = clamp01(
		(REFERENCE_MATCH_COVERAGE - coverage) /
			(REFERENCE_MATCH_COVERAGE - REFERENCE_STRANGER_COVERAGE),
	);
	return {
		drift: round(drift, 3),
		confidence: REFERENCE_CONFIDENCE,
		reasons: [
			drift > NOTICEABLE_DRIFT
				? `only ${Math.round(coverage * 100)}% of ${name}'s colouring in the reference image (hair, skin, wardrobe) appears in the clip`
				: `${name}'s colouring in the reference image appears in the clip`,
		],
		measures: { [`referenceCoverage_${name}`]: round(coverage, 3) },
		correction:
			drift > NOTICEABLE_DRIFT ? `${name} must look exactly like the reference image.` : undefined,
	};
}
