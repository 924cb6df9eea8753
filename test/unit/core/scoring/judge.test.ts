import { NonRetryableFailure } from '../../../../core/failures';
import { parseSceneSpec } from '../../../../core/schema';
import {
	judgeConstraints,
	judgementDimensions,
	judgeRequest,
	parseJudgement,
} from '../../../../core/scoring/judge';
import { cafeSpec } from '../../../helpers/specs';
import { askedConstraints } from '../../../../google-api-standin/judge';

const spec = parseSceneSpec(cafeSpec(2));
const [shot] = spec.shots;
const constraints = judgeConstraints(shot, spec.bible);

function answer(value: unknown, finishReason = 'STOP') {
	return { text: JSON.stringify(value), value, finishReason };
}

function verdicts(overrides: Record<string, { passed: boolean; confidence: number }> = {}) {
	return constraints.map(({ id }) => ({
		id,
		passed: overrides[id]?.passed ?? true,
		confidence: overrides[id]?.confidence ?? 0.9,
		evidence: 'seen',
		atSeconds: 2,
	}));
}

describe('the judge', () => {
	it("asks about the shot's constraints and what the bible fixes for its props and characters, once each", () => {
		// The shot's own "The mug is blue" and the bible's blue mug are one constraint.
		expect(
			constraints.map((constraint) => [constraint.id, constraint.text, constraint.dimension]),
		).toEqual([
			['c1', 'The mug is blue', 'props'],
			['prop-mug-1', 'The mug: always full', 'props'],
			[
				'character-mya',
				'Mya looks like this: a barista in her thirties, short black hair, green apron',
				'character',
			],
		]);
	});

	it('writes one line per constraint, in the form the stand-in reads back', () => {
		const request = judgeRequest(shot, spec.bible, constraints);
		expect(request.responseJsonSchema.title).toBe('DriftJudgement');
		expect(askedConstraints(request.text)).toEqual(constraints);
	});

	it('turns verdicts into dimensions: the likeliest failure sets the drift, the judge its confidence', () => {
		const judgement = parseJudgement(
			answer({
				constraints: verdicts({ c1: { passed: false, confidence: 0.8 } }),
				correctivePrompt: 'The mug must be blue.',
			}),
			constraints,
			'gemini-x',
		);
		const dimensions = judgementDimensions(judgement);
		expect(dimensions.props).toMatchObject({ drift: 0.8, confidence: 0.8 });
		expect(dimensions.props!.reasons).toEqual([
			'"The mug is blue" fails at 2.0 s: seen (judge 80% sure)',
		]);
		expect(dimensions.character).toMatchObject({ drift: 0.1, confidence: 0.9 });
		expect(dimensions.semantic).toMatchObject({ drift: 0.8, reasons: ['2 of 3 constraints hold'] });
		expect(judgement.correctivePrompt).toBe('The mug must be blue.');
	});

	it('refuses an answer that is not JSON, saying when it was cut off and what to do', () => {
		const cutOff = () =>
			parseJudgement(
				{ text: '{"constraints": [', value: undefined, finishReason: 'MAX_TOKENS' },
				constraints,
				'gemini-x',
			);
		expect(cutOff).toThrow(NonRetryableFailure);
		expect(cutOff).toThrow(
			/^The drift judge \(gemini-x\) did not answer valid JSON \(it was cut off at the output limit\)/,
		);
		expect(cutOff).toThrow(
			expect.objectContaining({ hint: expect.stringMatching(/switch the semantic judge off/) }),
		);
	});

	it('refuses an answer outside the schema, naming the field', () => {
		expect(() => parseJudgement(answer({ correctivePrompt: '' }), constraints, 'gemini-x')).toThrow(
			/outside its schema: answer must have required property 'constraints'/,
		);
		const badConfidence = verdicts({ c1: { passed: true, confidence: 7 } });
		expect(() =>
			parseJudgement(
				answer({ constraints: badConfidence, correctivePrompt: '' }),
				constraints,
				'gemini-x',
			),
		).toThrow(/constraints\[0\]\.confidence must be <= 1/);
	});

	it('refuses an answer that skips a constraint', () => {
		expect(() =>
			parseJudgement(
				answer({ constraints: verdicts().slice(1), correctivePrompt: '' }),
				constraints,
				'gemini-x',
			),
		).toThrow(new NonRetryableFailure('The drift judge (gemini-x) gave no verdict on "c1"'));
	});
});
