import {
	applyBriefCharacters,
	buildBriefPrompt,
	buildRepairText,
	type BriefInput,
} from './briefPrompt';
import { formatProblems, InvalidInputError, NonRetryableFailure, type Problem } from './failures';
import { parseSceneSpec, sceneSpecResponseSchema } from './schema';
import { checkSpecAgainstModel } from './shotPlan';
import type { SceneSpec } from './types';

/** Whatever asks a language model for JSON (the Gemini edge in the node, a fake in unit tests). */
export type AskForJson = (request: {
	systemInstruction: string;
	userText: string;
	responseJsonSchema: Record<string, unknown>;
}) => Promise<{ text: string; value: unknown; finishReason?: string }>;

export interface DraftedSpec {
	spec: SceneSpec;
	promptVersion: string;
	/** 1 when the first answer was valid, 2 when the re-ask fixed it. */
	attempts: number;
}

function problemsOf(
	answer: { text: string; value: unknown; finishReason?: string },
	input: BriefInput,
): { spec?: SceneSpec; problems: Problem[] } {
	if (answer.value === undefined) {
		const cutOff =
			answer.finishReason === 'MAX_TOKENS' ? ' (it was cut off at the output limit)' : '';
		return { problems: [{ path: '', message: `the answer is not valid JSON${cutOff}` }] };
	}
	let spec: SceneSpec;
	try {
		spec = parseSceneSpec(applyBriefCharacters(answer.value as SceneSpec, input.characters));
	} catch (error) {
		if (error instanceof InvalidInputError) return { problems: error.problems };
		throw error;
	}
	const problems = checkSpecAgainstModel(spec, input.model.id, {
		targetDurationSeconds: input.targetDurationSeconds,
		maxShots: input.maxShots,
	});
	return problems.length ? { problems } : { spec, problems };
}

/**
 * Brief -> scene spec through a language model with structured output. An invalid or truncated
 * answer gets one re-ask that quotes the problems; a second bad answer fails with the list.
 */
export async function draftSpecFromBrief(input: BriefInput, ask: AskForJson): Promise<DraftedSpec> {
	const prompt = buildBriefPrompt(input);
	const responseJsonSchema = sceneSpecResponseSchema();
	const first = await ask({
		systemInstruction: prompt.systemInstruction,
		userText: prompt.userText,
		responseJsonSchema,
	});
	const firstCheck = problemsOf(first, input);
	if (firstCheck.spec) return { spec: firstCheck.spec, promptVersion: prompt.version, attempts: 1 };

	const second = await ask({
		systemInstruction: prompt.systemInstruction,
		userText: buildRepairText(prompt, first.text, firstCheck.problems),
		responseJsonSchema,
	});
	const secondCheck = problemsOf(second, input);
	if (secondCheck.spec)
		return { spec: secondCheck.spec, promptVersion: prompt.version, attempts: 2 };
	throw new NonRetryableFailure(
		"The model's scene spec was invalid twice (after one re-ask quoting the problems): " +
			`${formatProblems(secondCheck.problems.slice(0, 10))}`,
		{
			hint: 'Run again, simplify the brief, or switch the node to "From JSON" and edit a spec by hand.',
		},
	);
}
