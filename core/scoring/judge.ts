import { Ajv } from 'ajv';

import { NonRetryableFailure } from '../failures';
import { pointerToPath } from '../schema';
import type {
	CheckableConstraint,
	ConstraintVerdict,
	DimensionScore,
	DriftDimension,
	SceneBible,
	Shot,
} from '../types';
import { round } from './numbers';

/**
 * The semantic judge: a Gemini model watches the clip and says, for every checkable constraint of
 * the shot, whether it holds, how sure it is and when it saw it. The constraints, the prompt and
 * the answer's schema are built here; the clip and the call are the Google edge's business. An
 * answer that does not follow the schema is an error, never a pass.
 */

/** The shot's own constraints, plus what the bible fixes for its props and characters. */
export function judgeConstraints(shot: Shot, bible: SceneBible): CheckableConstraint[] {
	const constraints: CheckableConstraint[] = [...shot.constraints];
	for (const prop of shot.props.map((id) => bible.props.find((candidate) => candidate.id === id))) {
		if (!prop) continue;
		if (prop.color)
			constraints.push({
				id: `prop-${prop.id}-color`,
				text: `The ${prop.name} is ${prop.color}`,
				dimension: 'props',
			});
		prop.constraints.forEach((rule, index) =>
			constraints.push({
				id: `prop-${prop.id}-${index + 1}`,
				text: `The ${prop.name}: ${rule}`,
				dimension: 'props',
			}),
		);
	}
	for (const character of shot.characters.map((id) =>
		bible.characters.find((candidate) => candidate.id === id),
	)) {
		if (!character) continue;
		constraints.push({
			id: `character-${character.id}`,
			text: `${character.name} looks like this: ${character.description}`,
			dimension: 'character',
		});
	}
	const seen = new Set<string>();
	return constraints.filter((constraint) => {
		const key = constraint.text
			.trim()
			.toLowerCase()
			.replace(/[.!]+$/, '');
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

const DRIFT_JUDGEMENT_SCHEMA = {
	title: 'DriftJudgement',
	type: 'object',
	required: ['constraints', 'correctivePrompt'],
	properties: {
		constraints: {
			type: 'array',
			description: 'One entry per constraint id of the request, in the same order',
			items: {
				type: 'object',
				required: ['id', 'passed', 'confidence', 'evidence', 'atSeconds'],
				properties: {
					id: { type: 'string' },
					passed: { type: 'boolean' },
					confidence: { type: 'number', minimum: 0, maximum: 1 },
					evidence: { type: 'string', description: 'What the clip shows, in one short sentence' },
					atSeconds: {
						type: 'number',
						minimum: 0,
						description: 'The moment of the clip that shows it',
					},
				},
			},
		},
		correctivePrompt: {
			type: 'string',
			description:
				'One sentence telling the video model what to change so the failed constraints hold; empty when all hold',
		},
	},
} as const;

const validateJudgement = new Ajv({ allErrors: true, strict: false }).compile(
	DRIFT_JUDGEMENT_SCHEMA,
);

export interface JudgeRequest {
	systemInstruction: string;
	text: string;
	responseJsonSchema: Record<string, unknown>;
}

const SYSTEM_INSTRUCTION = [
	'You are the continuity supervisor of a video production, checking one AI-generated clip against its scene bible.',
	'Watch the whole clip. For every constraint, answer whether the clip obeys it (passed), how sure you are (confidence, 0 to 1),',
	'what you saw (evidence, one short sentence) and when (atSeconds, the moment of the clip that shows it).',
	'Judge only what can be seen or heard; when something cannot be seen, say so with a low confidence.',
	'Answer every constraint id exactly once. Then write correctivePrompt: one sentence that tells the video model what to change',
	"so the failed constraints hold (for example 'The mug must be blue, not green.'), or an empty string when all hold.",
].join(' ');

/** The request for one clip: the shot in words, and its constraints one per line as `- [id] (dimension) text`. */
export function judgeRequest(
	shot: Shot,
	bible: SceneBible,
	constraints: CheckableConstraint[],
): JudgeRequest {
	const lines = [
		`Scene: "${bible.title}". Shot ${shot.sequence}: ${shot.description}`,
		shot.camera ? `Camera: ${shot.camera}` : '',
		`Lighting asked for: ${shot.lighting ?? bible.style.lighting}`,
		`Clip length asked for: ${shot.durationSeconds} s`,
		'Constraints:',
		...constraints.map(
			(constraint) => `- [${constraint.id}] (${constraint.dimension}) ${constraint.text}`,
		),
	];
	return {
		systemInstruction: SYSTEM_INSTRUCTION,
		text: lines.filter(Boolean).join('\n'),
		responseJsonSchema: DRIFT_JUDGEMENT_SCHEMA as unknown as Record<string, unknown>,
	};
}

export interface JudgeAnswer {
	text: string;
	value: unknown;
	finishReason?: string;
}

export interface Judgement {
	verdicts: ConstraintVerdict[];
	correctivePrompt: string;
}

const HINT =
	'Run the node again; if it keeps happening, pick another Gemini model or switch the semantic judge off.';

/** The judge's answer, checked: valid JSON, the schema, and a verdict for every constraint asked. */
export function parseJudgement(
	answer: JudgeAnswer,
	constraints: CheckableConstraint[],
	model: string,
): Judgement {
	if (answer.value === undefined) {
		const cutOff =
			answer.finishReason === 'MAX_TOKENS' ? ' (it was cut off at the output limit)' : '';
		throw new NonRetryableFailure(
			`The drift judge (${model}) did not answer valid JSON${cutOff}: ${JSON.stringify(answer.text.slice(0, 200))}`,
			{ hint: HINT },
		);
	}
	if (!validateJudgement(answer.value)) {
		const problems = (validateJudgement.errors ?? []).map(
			(error) =>
				`${pointerToPath(error.instancePath) || 'answer'} ${error.message ?? 'is invalid'}`,
		);
		throw new NonRetryableFailure(
			`The drift judge (${model}) answered outside its schema: ${problems.slice(0, 5).join('; ')}`,
			{ hint: HINT },
		);
	}
	const value = answer.value as {
		constraints: Array<Omit<ConstraintVerdict, 'text' | 'dimension'>>;
		correctivePrompt: string;
	};
	const missing = constraints.filter(
		(constraint) => !value.constraints.some((entry) => entry.id === constraint.id),
	);
	if (missing.length) {
		throw new NonRetryableFailure(
			`The drift judge (${model}) gave no verdict on ${missing.map((constraint) => `"${constraint.id}"`).join(', ')}`,
			{ hint: HINT },
		);
	}
	const verdicts = constraints.map((constraint) => {
		const entry = value.constraints.find((candidate) => candidate.id === constraint.id)!;
		return {
			id: constraint.id,
			text: constraint.text,
			dimension: constraint.dimension,
			passed: entry.passed,
			confidence: entry.confidence,
			evidence: entry.evidence,
			atSeconds: entry.atSeconds,
		};
	});
	return { verdicts, correctivePrompt: value.correctivePrompt.trim() };
}

const JUDGED_DIMENSIONS: Partial<Record<CheckableConstraint['dimension'], DriftDimension>> = {
	props: 'props',
	character: 'character',
	lighting: 'lighting',
	palette: 'palette',
};

/** The chance the constraint fails, from the judge's verdict and confidence. */
const failureChance = (verdict: ConstraintVerdict) =>
	verdict.passed ? 1 - verdict.confidence : verdict.confidence;

function describe(verdict: ConstraintVerdict): string {
	const when = verdict.atSeconds !== undefined ? ` at ${verdict.atSeconds.toFixed(1)} s` : '';
	return (
		`"${verdict.text}" ${verdict.passed ? 'holds' : 'fails'}${when}: ${verdict.evidence} ` +
		`(judge ${Math.round(verdict.confidence * 100)}% sure)`
	);
}

/** A score from verdicts: as drifted as the likeliest failure, as sure as the judge was of it. */
function scoreOf(verdicts: ConstraintVerdict[], reasonsFrom: ConstraintVerdict[]): DimensionScore {
	const worst = verdicts.reduce((a, b) => (failureChance(b) > failureChance(a) ? b : a));
	const failed = reasonsFrom.filter((verdict) => !verdict.passed);
	return {
		drift: round(failureChance(worst), 3),
		confidence: round(worst.confidence, 3),
		reasons: failed.length
			? failed.map(describe)
			: [
					`${verdicts.filter((verdict) => verdict.passed).length} of ${verdicts.length} constraints hold`,
				],
		measures: {
			constraintsChecked: verdicts.length,
			constraintsFailed: verdicts.filter((verdict) => !verdict.passed).length,
		},
	};
}

/**
 * The judge's dimensions: props, character, lighting and palette from their constraints, and
 * `semantic` over every constraint (its reasons name only the camera and other constraints, which
 * no other dimension covers).
 */
export function judgementDimensions(
	judgement: Judgement,
): Partial<Record<DriftDimension, DimensionScore>> {
	const dimensions: Partial<Record<DriftDimension, DimensionScore>> = {};
	if (!judgement.verdicts.length) return dimensions;
	for (const [constraintDimension, dimension] of Object.entries(JUDGED_DIMENSIONS)) {
		const verdicts = judgement.verdicts.filter(
			(verdict) => verdict.dimension === constraintDimension,
		);
		if (verdicts.length) dimensions[dimension] = scoreOf(verdicts, verdicts);
	}
	const unassigned = judgement.verdicts.filter((verdict) => !JUDGED_DIMENSIONS[verdict.dimension]);
	dimensions.semantic = scoreOf(judgement.verdicts, unassigned);
	return dimensions;
}
