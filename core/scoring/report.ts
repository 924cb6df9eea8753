import type {
	ConstraintVerdict,
	DimensionScore,
	DriftDimension,
	DriftReport,
	DriftRoute,
} from '../types';
import { InvalidInputError } from '../failures';
import { round } from './numbers';
import { fixedBeside, sure } from './words';
import type { TechnicalDefect } from './technical';

/**
 * Findings of several scorers -> one drift report and a route. A dimension scored twice (the
 * lighting measured and judged) is merged, unless one scorer's evidence is decisive for it (a face
 * compared by the face model outweighs the colours of the reference image); the clip's drift is its
 * worst dimension's; the route follows the rule a person would: a defect or a confident large drift
 * goes back to generation, a measure that drifted or is ambiguous goes to a person, and a clip whose
 * every measure is within its pass threshold passes. What could not be measured is listed, never by
 * itself a reason for review (unless the team asks for that with `reviewUnverified`).
 */

/** Pass and fail thresholds of one dimension, where they differ from the general ones (from calibration). */
export interface DimensionThresholds {
	pass?: number;
	fail?: number;
}

export interface Thresholds {
	/** Below this drift a measure passes. */
	pass: number;
	/** At or above this drift (with enough confidence) a clip is generated again. */
	fail: number;
	/** Confidence a verdict needs to send back a clip without a person. */
	minConfidence: number;
	/** Per-dimension thresholds, e.g. as the Calibrate operation recommends them. */
	dimensions?: Partial<Record<DriftDimension, DimensionThresholds>>;
	/** Send to a person the clips on which no check of look, characters or props could run. */
	reviewUnverified?: boolean;
}

export const DEFAULT_THRESHOLDS: Thresholds = { pass: 0.15, fail: 0.5, minConfidence: 0.6 };

/** The pass and fail thresholds that apply to a dimension. */
export function thresholdsOf(
	thresholds: Thresholds,
	dimension: DriftDimension,
): { pass: number; fail: number } {
	const own = thresholds.dimensions?.[dimension] ?? {};
	return { pass: own.pass ?? thresholds.pass, fail: own.fail ?? thresholds.fail };
}

/** What one scorer found. */
export interface Findings {
	scorer: string;
	dimensions: Partial<Record<DriftDimension, DimensionScore>>;
	/** What each dimension was measured against ("the look reference image", "the words 'warm dusk'"). */
	against?: Partial<Record<DriftDimension, string>>;
	/** Dimensions on which this scorer's evidence outweighs any other scorer's that is not decisive. */
	decisive?: DriftDimension[];
	defects?: TechnicalDefect[];
	/** One sentence per drifted dimension, for the next prompt. */
	corrections?: Partial<Record<DriftDimension, string>>;
	/** Measures the scorer could not take, and why. */
	skipped?: string[];
	constraints?: ConstraintVerdict[];
}

export const DIMENSION_NAMES: Record<DriftDimension, string> = {
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

const list = (names: string[]) =>
	names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0];

/** The scores of each dimension, the decisive ones alone where a scorer gave decisive evidence. */
function scoresByDimension(findings: Findings[]): Map<DriftDimension, DimensionScore[]> {
	const grouped = new Map<DriftDimension, Array<{ score: DimensionScore; decisive: boolean }>>();
	for (const finding of findings) {
		for (const [dimension, score] of Object.entries(finding.dimensions) as Array<
			[DriftDimension, DimensionScore]
		>) {
			const decisive = Boolean(finding.decisive?.includes(dimension));
			grouped.set(dimension, [...(grouped.get(dimension) ?? []), { score, decisive }]);
		}
	}
	return new Map(
		[...grouped].map(([dimension, entries]) => {
			const decisive = entries.filter((entry) => entry.decisive);
			return [dimension, (decisive.length ? decisive : entries).map((entry) => entry.score)];
		}),
	);
}

/** Dimensions, the one furthest past its own pass threshold first (then the larger drift). */
function rankDimensions<Score extends Pick<DimensionScore, 'drift'>>(
	dimensions: Partial<Record<DriftDimension, Score>>,
	thresholds: Thresholds,
): Array<[DriftDimension, Score]> {
	const pass = (dimension: DriftDimension) => thresholdsOf(thresholds, dimension).pass;
	return (Object.entries(dimensions) as Array<[DriftDimension, Score]>).sort(
		([a, first], [b, second]) =>
			second.drift - pass(b) - (first.drift - pass(a)) || second.drift - first.drift,
	);
}

export interface RouteDecision {
	route: DriftRoute;
	/** The dimension that decided it, when one did. */
	dimension?: DriftDimension;
	why: 'defect' | 'confident failure' | 'drifted' | 'unverified' | 'within thresholds';
}

/**
 * The routing rule on measured dimensions, the one place it lives: the report and the calibration
 * (which replays people's decisions against other thresholds) both route through it.
 */
export function routeOf(
	dimensions: Partial<Record<DriftDimension, Pick<DimensionScore, 'drift' | 'confidence'>>>,
	defects: number,
	thresholds: Thresholds,
): RouteDecision {
	if (defects) return { route: 'regenerate', why: 'defect' };
	const limits = (dimension: DriftDimension) => thresholdsOf(thresholds, dimension);
	const ranked = rankDimensions(dimensions, thresholds);
	const failed = ranked.find(
		([dimension, score]) =>
			score.drift >= limits(dimension).fail && score.confidence >= thresholds.minConfidence,
	);
	if (failed) return { route: 'regenerate', dimension: failed[0], why: 'confident failure' };
	const drifted = ranked.find(([dimension, score]) => score.drift >= limits(dimension).pass);
	if (drifted) return { route: 'review', dimension: drifted[0], why: 'drifted' };
	if (thresholds.reviewUnverified && !ranked.some(([dimension]) => dimension !== 'technical'))
		return { route: 'review', why: 'unverified' };
	return { route: 'pass', why: 'within thresholds' };
}

export function buildReport(
	findings: Findings[],
	thresholds: Thresholds,
	now: Date = new Date(),
): DriftReport {
	const dimensions = Object.fromEntries(
		[...scoresByDimension(findings)].map(([dimension, scores]) => [dimension, mergeScores(scores)]),
	) as Partial<Record<DriftDimension, DimensionScore>>;
	const limits = (dimension: DriftDimension) => thresholdsOf(thresholds, dimension);
	const ranked = rankDimensions(dimensions, thresholds);
	const defects = findings.flatMap((finding) => finding.defects ?? []);
	const content = ranked.filter(([dimension]) => dimension !== 'technical');
	const drift = ranked.length ? Math.max(...ranked.map(([, score]) => score.drift)) : 0;
	const driftWords = (dimension: DriftDimension, score: DimensionScore) =>
		`${DIMENSION_NAMES[dimension]} drift ${fixedBeside(score.drift, [limits(dimension).pass, limits(dimension).fail])}`;

	const decision = routeOf(dimensions, defects.length, thresholds);
	const { route } = decision;
	const drifted = ranked.filter(([dimension, score]) => score.drift >= limits(dimension).pass);
	let confidence: number;
	let verdict: string;
	const decided = decision.dimension && dimensions[decision.dimension];
	if (decision.why === 'defect') {
		confidence = dimensions.technical?.confidence ?? 1;
		verdict = `Regenerate: ${defects.length} technical defect${defects.length > 1 ? 's' : ''}`;
	} else if (decided && decision.why === 'confident failure') {
		confidence = decided.confidence;
		verdict =
			`Regenerate: ${driftWords(decision.dimension!, decided)} ` +
			`(${sure(decided.confidence, [thresholds.minConfidence])}) is at or above the fail threshold ` +
			`${limits(decision.dimension!).fail}`;
	} else if (decided) {
		const { pass, fail } = limits(decision.dimension!);
		confidence = decided.confidence;
		verdict =
			decided.drift >= fail
				? `Review: ${driftWords(decision.dimension!, decided)} is high, but only ${sure(decided.confidence, [thresholds.minConfidence])}`
				: `Review: ${driftWords(decision.dimension!, decided)} is between the pass (${pass}) and fail (${fail}) thresholds`;
	} else {
		// Nothing drifted. How sure that is depends on what was measured; what was not is listed apart.
		confidence = content.length
			? combinedConfidence(content.map(([, score]) => score))
			: (dimensions.technical?.confidence ?? 0);
		const names = ranked.map(([dimension]) => DIMENSION_NAMES[dimension]);
		const worst = ranked[0];
		verdict =
			decision.why === 'unverified'
				? 'Review: nothing drifted, but no check could verify the look, ' +
					`characters or props (only ${names.length ? list(names) : 'nothing'} could be measured), ` +
					'and unverified clips go to a person'
				: worst
					? `Pass: every measure taken is within its pass threshold (${list(names)}; ` +
						`worst ${driftWords(worst[0], worst[1])}, ${sure(confidence)})`
					: 'Pass: nothing could be measured, and nothing drifted';
	}

	const corrections = new Map<DriftDimension, string>();
	for (const finding of findings) {
		for (const [dimension, text] of Object.entries(finding.corrections ?? {}) as Array<
			[DriftDimension, string]
		>) {
			if (
				text &&
				dimensions[dimension] &&
				dimensions[dimension]!.drift >= limits(dimension).pass &&
				!corrections.has(dimension)
			)
				corrections.set(dimension, text);
		}
	}
	const correctivePrompt = [
		...new Set(drifted.map(([dimension]) => corrections.get(dimension)).filter(Boolean)),
	].join(' ');
	const constraints = findings.flatMap((finding) => finding.constraints ?? []);
	const against = new Map<DriftDimension, string[]>();
	for (const finding of findings)
		for (const [dimension, basis] of Object.entries(finding.against ?? {}) as Array<
			[DriftDimension, string]
		>)
			if (dimensions[dimension])
				against.set(dimension, [...new Set([...(against.get(dimension) ?? []), basis])]);
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
		measured: ranked.map(([dimension]) => ({
			dimension,
			against: against.get(dimension)?.join('; ') ?? 'what the bible asks',
		})),
		skipped: findings.flatMap((finding) =>
			(finding.skipped ?? []).map((reason) => ({ scorer: finding.scorer, reason })),
		),
		...(constraints.length ? { constraints } : {}),
		thresholds,
		scoredAt: now.toISOString(),
	};
}

const DIMENSIONS = Object.keys(DIMENSION_NAMES) as DriftDimension[];

/**
 * Per-dimension thresholds as a person writes them (JSON text or an object), checked: known
 * dimensions only, each threshold from 0 to 1, pass not above fail. `where` names the field in errors.
 */
export function parseDimensionThresholds(
	value: unknown,
	where: string,
): Partial<Record<DriftDimension, DimensionThresholds>> {
	const problems: Array<{ path: string; message: string }> = [];
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = value.trim() ? JSON.parse(value) : {};
		} catch (error) {
			throw new InvalidInputError([
				{ path: where, message: `is not JSON (${(error as Error).message})` },
			]);
		}
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
		throw new InvalidInputError([{ path: where, message: 'must be an object of dimensions' }]);
	const result: Partial<Record<DriftDimension, DimensionThresholds>> = {};
	for (const [dimension, limits] of Object.entries(parsed as Record<string, unknown>)) {
		if (!DIMENSIONS.includes(dimension as DriftDimension)) {
			problems.push({
				path: `${where}.${dimension}`,
				message: `is no dimension (dimensions: ${DIMENSIONS.join(', ')})`,
			});
			continue;
		}
		const own: DimensionThresholds = {};
		for (const key of ['pass', 'fail'] as const) {
			const limit = (limits as Record<string, unknown> | null)?.[key];
			if (limit === undefined) continue;
			if (typeof limit !== 'number' || !(limit >= 0 && limit <= 1))
				problems.push({
					path: `${where}.${dimension}.${key}`,
					message: 'must be a number from 0 to 1',
				});
			else own[key] = limit;
		}
		if (own.pass !== undefined && own.fail !== undefined && own.pass > own.fail)
			problems.push({
				path: `${where}.${dimension}`,
				message: `pass (${own.pass}) is above fail (${own.fail})`,
			});
		result[dimension as DriftDimension] = own;
	}
	if (problems.length)
		throw new InvalidInputError(
			problems,
			'Write them as {"lighting": {"pass": 0.25, "fail": 0.7}}.',
		);
	return result;
}
