import type {
	ConstraintVerdict,
	DimensionScore,
	DriftDimension,
	DriftReport,
	DriftRoute,
} from '../types';
import { round } from './numbers';
import type { TechnicalDefect } from './technical';

/**
 * Findings of several scorers -> one drift report and a route. A dimension scored twice (the
 * lighting measured and judged) is merged; the clip's drift is its worst dimension's; the route
 * follows the rule a person would: a defect or a confident large drift goes back to generation,
 * a small drift measured with enough confidence passes, anything else goes to a person.
 */

export interface Thresholds {
	/** Below this drift (with enough confidence) a clip passes. */
	pass: number;
	/** At or above this drift (with enough confidence) a clip is generated again. */
	fail: number;
	/** Confidence a verdict needs to pass or send back a clip without a person. */
	minConfidence: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { pass: 0.15, fail: 0.5, minConfidence: 0.6 };

/** What one scorer found. */
export interface Findings {
	scorer: string;
	dimensions: Partial<Record<DriftDimension, DimensionScore>>;
	defects?: TechnicalDefect[];
	/** One sentence per drifted dimension, for the next prompt. */
	corrections?: Partial<Record<DriftDimension, string>>;
	/** Measures the scorer could not take, and why. */
	skipped?: string[];
	constraints?: ConstraintVerdict[];
}

const DIMENSION_NAMES: Record<DriftDimension, string> = {
	technical: 'technical quality',
	lighting: 'lighting',
	palette: 'palette',
	continuity: 'continuity',
	character: 'character',
	props: 'props',
	semantic: 'the judge',
};

/**
 * One score from several for the same dimension: drift weighted by confidence; confidence that of
 * the surest scorer, lowered as far as the scorers disagree.
 */
export function mergeScores(scores: DimensionScore[]): DimensionScore {
	if (scores.length === 1) return scores[0];
	const weight = scores.reduce((sum, score) => sum + score.confidence, 0) || 1;
	const drifts = scores.map((score) => score.drift);
	const spread = Math.max(...drifts) - Math.min(...drifts);
	return {
		drift: round(
			scores.reduce((sum, score) => sum + score.drift * score.confidence, 0) / weight,
			3,
		),
		confidence: round(Math.max(...scores.map((score) => score.confidence)) * (1 - spread / 2), 3),
		reasons: scores.flatMap((score) => score.reasons),
		measures: Object.assign({}, ...scores.map((score) => score.measures ?? {})),
	};
}

/** Independent agreeing evidence adds up: the chance that not every measure is wrong. */
function combinedConfidence(scores: DimensionScore[]): number {
	return 1 - scores.reduce((doubt, score) => doubt * (1 - score.confidence), 1);
}

/** Confidence of a pass when nothing but technical checks ran: too little to skip a person. */
const TECHNICAL_ONLY_CONFIDENCE = 0.5;

const percent = (value: number) => `${Math.round(value * 100)}%`;

export function buildReport(
	findings: Findings[],
	thresholds: Thresholds,
	now: Date = new Date(),
): DriftReport {
	const grouped = new Map<DriftDimension, DimensionScore[]>();
	for (const finding of findings) {
		for (const [dimension, score] of Object.entries(finding.dimensions) as Array<
			[DriftDimension, DimensionScore]
		>) {
			grouped.set(dimension, [...(grouped.get(dimension) ?? []), score]);
		}
	}
	const dimensions = Object.fromEntries(
		[...grouped].map(([dimension, scores]) => [dimension, mergeScores(scores)]),
	) as Partial<Record<DriftDimension, DimensionScore>>;
	const ranked = (Object.entries(dimensions) as Array<[DriftDimension, DimensionScore]>).sort(
		([, a], [, b]) => b.drift - a.drift,
	);
	const defects = findings.flatMap((finding) => finding.defects ?? []);
	const content = ranked.filter(([dimension]) => dimension !== 'technical');
	const drift = ranked.length ? ranked[0][1].drift : 0;

	let route: DriftRoute;
	let confidence: number;
	let verdict: string;
	const confidentFailure = ranked.find(
		([, score]) => score.drift >= thresholds.fail && score.confidence >= thresholds.minConfidence,
	);
	if (defects.length) {
		route = 'regenerate';
		confidence = dimensions.technical?.confidence ?? 1;
		verdict = `Regenerate: ${defects.length} technical defect${defects.length > 1 ? 's' : ''}`;
	} else if (confidentFailure) {
		const [dimension, score] = confidentFailure;
		route = 'regenerate';
		confidence = score.confidence;
		verdict = `Regenerate: ${DIMENSION_NAMES[dimension]} drift ${score.drift.toFixed(2)} (${percent(score.confidence)} sure) is at or above the fail threshold ${thresholds.fail}`;
	} else if (ranked.every(([, score]) => score.drift < thresholds.pass)) {
		confidence = content.length
			? combinedConfidence(content.map(([, score]) => score))
			: TECHNICAL_ONLY_CONFIDENCE;
		route = confidence >= thresholds.minConfidence ? 'pass' : 'review';
		verdict =
			route === 'pass'
				? `Pass: every measure is within the bible (drift ${drift.toFixed(2)}, ${percent(confidence)} sure)`
				: `Review: nothing drifted, but the measures that ran are only ${percent(confidence)} sure${content.length ? '' : ' (only technical checks could run)'}`;
	} else {
		const [dimension, score] = ranked[0];
		route = 'review';
		confidence = score.confidence;
		verdict =
			score.drift >= thresholds.fail
				? `Review: ${DIMENSION_NAMES[dimension]} drift ${score.drift.toFixed(2)} is high, but only ${percent(score.confidence)} sure`
				: `Review: ${DIMENSION_NAMES[dimension]} drift ${score.drift.toFixed(2)} is between the pass (${thresholds.pass}) and fail (${thresholds.fail}) thresholds`;
	}

	const drifted = ranked.filter(([, score]) => score.drift >= thresholds.pass);
	const corrections = new Map<DriftDimension, string>();
	for (const finding of findings) {
		for (const [dimension, text] of Object.entries(finding.corrections ?? {}) as Array<
			[DriftDimension, string]
		>) {
			if (
				text &&
				dimensions[dimension] &&
				dimensions[dimension]!.drift >= thresholds.pass &&
				!corrections.has(dimension)
			)
				corrections.set(dimension, text);
		}
	}
	const correctivePrompt = [
		...new Set(drifted.map(([dimension]) => corrections.get(dimension)).filter(Boolean)),
	].join(' ');
	const constraints = findings.flatMap((finding) => finding.constraints ?? []);
	return {
		drift: round(drift, 3),
		confidence: round(confidence, 3),
		dimensions,
		reasons: [
			verdict,
			...drifted.flatMap(([dimension, score]) =>
				score.reasons.map((reason) => `${DIMENSION_NAMES[dimension]}: ${reason}`),
			),
		],
		...(correctivePrompt ? { correctivePrompt } : {}),
		route,
		technicalDefects: defects.map((defect) => defect.text),
		skipped: findings.flatMap((finding) =>
			(finding.skipped ?? []).map((reason) => ({ scorer: finding.scorer, reason })),
		),
		...(constraints.length ? { constraints } : {}),
		scoredAt: now.toISOString(),
	};
}
