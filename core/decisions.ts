import { InvalidInputError } from './failures';
import type { DriftReport, ReviewTag, ReviewVerdict } from './types';

/**
 * A person's decision on a scored clip: the label that calibrates the drift thresholds. The review
 * board appends one per decision to its decisions export, one JSON object per line (JSONL); the
 * production report holds the same facts for every take it lists. Both are read back here.
 */
export interface DecisionRecord {
	pipelineId: string;
	shotId: string;
	takeId: string;
	clipId?: string;
	/** The drift report the clip had when the person decided. */
	drift: DriftReport;
	decision: ReviewVerdict;
	tags: ReviewTag[];
	note?: string;
	reviewer?: string;
	decidedAt: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** A decision record from parsed JSON, or why it is not one (`where` names it in the error). */
export function parseDecisionRecord(value: unknown, where: string): DecisionRecord {
	const problems: Array<{ path: string; message: string }> = [];
	if (!isObject(value)) {
		throw new InvalidInputError([{ path: where, message: 'is not a JSON object' }]);
	}
	for (const field of ['pipelineId', 'shotId', 'takeId', 'decidedAt'])
		if (typeof value[field] !== 'string')
			problems.push({ path: `${where}.${field}`, message: 'must be a string' });
	if (!['approved', 'rejected', 'undecided'].includes(value.decision as string))
		problems.push({
			path: `${where}.decision`,
			message: `must be approved, rejected or undecided (got ${JSON.stringify(value.decision)})`,
		});
	const drift = value.drift;
	if (!isObject(drift) || !isObject(drift.dimensions) || typeof drift.route !== 'string')
		problems.push({ path: `${where}.drift`, message: 'must be the drift report the clip had' });
	if (value.tags !== undefined && !Array.isArray(value.tags))
		problems.push({ path: `${where}.tags`, message: 'must be a list' });
	if (problems.length)
		throw new InvalidInputError(
			problems,
			'Each line of a decisions export is one JSON object: pipelineId, shotId, takeId, drift, decision, tags, note, reviewer, decidedAt.',
		);
	return {
		...(value as unknown as DecisionRecord),
		tags: (value.tags as ReviewTag[] | undefined) ?? [],
	};
}

/** Every record of a JSONL export; blank lines are skipped, a bad line is an error naming it. */
export function parseDecisionLines(text: string, source: string): DecisionRecord[] {
	return text
		.split('\n')
		.map((line, index) => ({ line: line.trim(), number: index + 1 }))
		.filter(({ line }) => line)
		.map(({ line, number }) => {
			let value: unknown;
			try {
				value = JSON.parse(line);
			} catch (error) {
				throw new InvalidInputError([
					{
						path: `${source} line ${number}`,
						message: `is not JSON (${(error as Error).message})`,
					},
				]);
			}
			return parseDecisionRecord(value, `${source} line ${number}`);
		});
}

/** One JSONL line for a record. */
export const decisionLine = (record: DecisionRecord): string => `${JSON.stringify(record)}\n`;

/** The decisions a production report holds: every take a person decided, with the drift report it had. */
export function decisionsOfReport(report: {
	pipelineId: string;
	shots: Array<{
		shotId: string;
		takes: Array<{
			id: string;
			drift: DriftReport | null;
			review: {
				decision: DecisionRecord['decision'];
				tags?: ReviewTag[];
				note?: string;
				reviewer?: string;
				decidedAt: string;
			} | null;
		}>;
	}>;
}): DecisionRecord[] {
	return report.shots.flatMap((shot) =>
		shot.takes.flatMap((take) =>
			take.drift && take.review
				? [
						{
							pipelineId: report.pipelineId,
							shotId: shot.shotId,
							takeId: take.id,
							drift: take.drift,
							decision: take.review.decision,
							tags: take.review.tags ?? [],
							...(take.review.note ? { note: take.review.note } : {}),
							...(take.review.reviewer ? { reviewer: take.review.reviewer } : {}),
							decidedAt: take.review.decidedAt,
						},
					]
				: [],
		),
	);
}

const PRODUCTION_REPORT = 'veo-pipeline/production-report@1';

/** The decisions in one parsed JSON value: a production report, or one decision record. */
export function decisionsIn(value: unknown, where: string): DecisionRecord[] {
	if (isObject(value) && value.schema === PRODUCTION_REPORT && Array.isArray(value.shots))
		return decisionsOfReport(value as unknown as Parameters<typeof decisionsOfReport>[0]);
	return [parseDecisionRecord(value, where)];
}

/** The decisions in a file's text: a production report (JSON) or a decisions export (JSONL). */
export function decisionsInText(text: string, source: string): DecisionRecord[] {
	try {
		// A report (however printed) or a one-line export parses whole; a longer export line by line.
		return decisionsIn(JSON.parse(text), source);
	} catch (error) {
		if (!(error instanceof SyntaxError)) throw error;
		return parseDecisionLines(text, source);
	}
}
