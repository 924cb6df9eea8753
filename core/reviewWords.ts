import { DEFAULT_THRESHOLDS, thresholdsOf, type Thresholds } from './scoring/report';
import type { DimensionScore, DriftDimension, DriftReport, DriftRoute } from './types';

/**
 * A drift report as the review board says it: the verdict first, then the most important reason
 * in plain words with how sure the checks are ("The mug looks orange-brown; the bible says blue.
 * Fairly sure."), the numbers after. A marketer reads "drift 100% (confidence 50%)" as alarming
 * and contradictory; "Mya's face is not seen in the clip. Unsure." says what was measured.
 */

/** What an editor can filter the board by: each finding belongs to one of these. */
export const BOARD_FLAGS = ['character', 'lighting', 'props', 'continuity', 'technical'] as const;
export type BoardFlag = (typeof BOARD_FLAGS)[number];

export const FLAG_NAMES: Record<BoardFlag, string> = {
	character: 'Character',
	lighting: 'Lighting and colour',
	props: 'Props',
	continuity: 'Continuity',
	technical: 'Technical',
};

const FLAG_OF: Partial<Record<string, BoardFlag>> = {
	character: 'character',
	lighting: 'lighting',
	palette: 'lighting',
	props: 'props',
	continuity: 'continuity',
	technical: 'technical',
};

/** The kind of finding a drift dimension (or a judged constraint's dimension) belongs to. */
export function flagOf(dimension: string): BoardFlag | undefined {
	return FLAG_OF[dimension];
}

/** One finding: what is wrong, in a sentence, and how sure the check is. */
export interface Finding {
	flag: BoardFlag;
	/** The drift dimension it comes from (the judge's findings: `semantic`). */
	dimension: DriftDimension;
	text: string;
	sureness: string;
}

export interface DriftWords {
	route: DriftRoute;
	/** "Passed", "Check this", "Make again". */
	verdict: string;
	/** The most important reason and how sure, in a sentence or two. */
	headline: string;
	findings: Finding[];
	flags: BoardFlag[];
	/** Per measured dimension, for people who want numbers: what was measured, after the words. */
	numbers: Array<{ dimension: DriftDimension; distance: number; confidence: number }>;
}

const VERDICTS: Record<DriftRoute, string> = {
	pass: 'Passed',
	review: 'Check this',
	regenerate: 'Make again',
};

/** How sure, in words, from a confidence of 0-1. */
export function surenessWords(confidence: number): string {
	if (confidence >= 0.85) return 'Very sure.';
	if (confidence >= 0.65) return 'Fairly sure.';
	if (confidence >= 0.45) return 'Not very sure.';
	return 'A guess.';
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const asSentence = (text: string) => {
	const trimmed = capitalised(text.trim());
	return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
};

/** Names measured per thing (`propColor_mug`, `faceFound_Mya`), with their values. */
function measuredPer(
	score: DimensionScore,
	prefix: string,
): Array<{ name: string; value: number | string | boolean }> {
	return Object.entries(score.measures ?? {})
		.filter(([key]) => key.startsWith(`${prefix}_`))
		.map(([key, value]) => ({ name: key.slice(prefix.length + 1), value }));
}

/** The props finding in words: a missing prop first, then one in the wrong colour. */
function propsWords(score: DimensionScore): string | undefined {
	const missing = measuredPer(score, 'propFrames').find((entry) => entry.value === 0);
	if (missing) return `The ${missing.name} is not in the clip.`;
	const measures = score.measures ?? {};
	for (const { name, value } of measuredPer(score, 'propColor')) {
		const asked = measures[`propColorAsked_${name}`];
		if (asked !== undefined && !String(value).includes(String(asked)))
			return `The ${name} looks ${value}; the bible says ${asked}.`;
	}
	return undefined;
}

/** The character finding in words: who is not seen, or whose face does not match. */
function characterWords(score: DimensionScore): string | undefined {
	const measures = score.measures ?? {};
	for (const { name, value } of measuredPer(score, 'faceFound')) {
		if (value !== false) continue;
		const at = measures[`faceAtSeconds_${name}`];
		return typeof at === 'number'
			? `The face at ${at.toFixed(1)} s does not look like ${name} in the reference picture.`
			: `${name}'s face is not seen in the clip.`;
	}
	return undefined;
}

function findingText(dimension: DriftDimension, score: DimensionScore): string {
	const plain =
		dimension === 'props'
			? propsWords(score)
			: dimension === 'character'
				? characterWords(score)
				: dimension === 'continuity'
					? "The first frame does not continue the previous shot's last frame."
					: undefined;
	return plain ?? asSentence(score.reasons[0] ?? `${dimension} drifted from the bible`);
}

/** The thresholds the report was routed with, where it records them, else the defaults. */
const thresholdsUsed = (report: DriftReport): Thresholds => report.thresholds ?? DEFAULT_THRESHOLDS;

/**
 * The findings of a report, the most important first: technical defects (they make a clip
 * unusable), then each drifted dimension from the furthest off, and what the judge saw fail.
 */
export function findingsOf(report: DriftReport): Finding[] {
	const findings: Finding[] = [];
	const technicalConfidence = report.dimensions.technical?.confidence ?? 1;
	for (const defect of report.technicalDefects)
		findings.push({
			flag: 'technical',
			dimension: 'technical',
			text: asSentence(defect),
			sureness: surenessWords(technicalConfidence),
		});
	const thresholds = thresholdsUsed(report);
	const drifted = (Object.entries(report.dimensions) as Array<[DriftDimension, DimensionScore]>)
		.filter(
			([dimension, score]) =>
				dimension !== 'technical' && score.drift >= thresholdsOf(thresholds, dimension).pass,
		)
		.sort(([, a], [, b]) => b.drift - a.drift || b.confidence - a.confidence);
	for (const [dimension, score] of drifted) {
		if (dimension === 'semantic') continue;
		findings.push({
			flag: flagOf(dimension)!,
			dimension,
			text: findingText(dimension, score),
			sureness: surenessWords(score.confidence),
		});
	}
	for (const verdict of report.constraints ?? []) {
		const flag = flagOf(verdict.dimension);
		if (verdict.passed || !flag || findings.some((finding) => finding.flag === flag)) continue;
		findings.push({
			flag,
			dimension: 'semantic',
			text: `Not shown: ${asSentence(verdict.text)} ${asSentence(verdict.evidence)}`,
			sureness: surenessWords(verdict.confidence),
		});
	}
	return findings;
}

export function driftWords(report: DriftReport): DriftWords {
	const findings = findingsOf(report);
	const [first] = findings;
	const headline =
		report.route === 'pass'
			? `Every check is within the bible. ${surenessWords(report.confidence)}`
			: first
				? `${first.text} ${first.sureness}`
				: `Nothing looks off, but the checks that ran cannot pass it alone. ${surenessWords(report.confidence)}`;
	return {
		route: report.route,
		verdict: VERDICTS[report.route],
		headline,
		findings,
		flags: [...new Set(findings.map((finding) => finding.flag))],
		numbers: (Object.entries(report.dimensions) as Array<[DriftDimension, DimensionScore]>).map(
			([dimension, score]) => ({ dimension, distance: score.drift, confidence: score.confidence }),
		),
	};
}
