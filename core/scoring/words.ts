import type { DriftReport } from '../types';

/**
 * Numbers written next to the limits they were judged against. A figure rounded for reading must
 * land on the same side of each limit as the measured value did: a drift of 0.149 that passed
 * under a pass threshold of 0.15 reads "0.149", not "0.15"; a brightness of 55.4% that is above a
 * range ending at 55% reads "55.4%", not "55%". Every text that shows a routed figure (reports,
 * statuses, the board, the production report) writes it through these.
 */

const MAX_EXTRA_DIGITS = 3;

function sideOf(value: number, limit: number): number {
	return Math.sign(value - limit);
}

/**
 * `value` with `digits` decimals, or more when fewer would put it on another side of (or onto) one
 * of the limits it was compared with. The limits are written as given.
 */
export function fixedBeside(value: number, limits: number[], digits = 2): string {
	for (let places = digits; places <= digits + MAX_EXTRA_DIGITS; places++) {
		const shown = value.toFixed(places);
		if (limits.every((limit) => sideOf(Number(shown), limit) === sideOf(value, limit)))
			return shown;
	}
	return String(value);
}

/** A share (0-1) as a whole percentage, with decimals when rounding would cross a limit (shares too). */
export function percentBeside(share: number, limits: number[] = []): string {
	return `${fixedBeside(
		share * 100,
		limits.map((limit) => limit * 100),
		0,
	)}%`;
}

/** A confidence as people read it: "85% sure". */
export const sure = (confidence: number, limits: number[] = []) =>
	`${percentBeside(confidence, limits)} sure`;

/** A report's drift as a percentage, beside the pass and fail thresholds it was routed with. */
export function driftPercent(report: Pick<DriftReport, 'drift' | 'thresholds'>): string {
	const limits = report.thresholds ? [report.thresholds.pass, report.thresholds.fail] : [];
	return percentBeside(report.drift, limits);
}

/** A report's confidence, beside the confidence it needed to route without a person. */
export function reportSure(report: Pick<DriftReport, 'confidence' | 'thresholds'>): string {
	return sure(report.confidence, report.thresholds ? [report.thresholds.minConfidence] : []);
}
