import { COLOR_NAMES, type Picture } from './picture';
import type { AnswerContext } from './answers';

/**
 * The stand-in's answer to a drift judgement (schema title `DriftJudgement`): for each constraint
 * line of the request (`- [id] (dimension) text`), the truth about the clip as the stand-in drew
 * it, injected drifts included. About a clip it did not render it cannot know, and says so with
 * a confidence of one half.
 */

interface AskedConstraint {
	id: string;
	dimension: string;
	text: string;
}

interface Verdict {
	passed: boolean;
	evidence: string;
	/** A clause for the corrective prompt, for a failure. */
	fix?: string;
}

const SURE = 0.95;
const UNSURE = 0.5;
const LIGHTING_WORDS =
	/\b(light|lighting|lit|dusk|dawn|noon|night|sunset|sunrise|daylight|warm|cool|golden|overcast)\b/i;

export function askedConstraints(prompt: string): AskedConstraint[] {
	return [...prompt.matchAll(/^- \[([^\]]+)\] \(([a-z]+)\) (.+)$/gm)].map(
		([, id, dimension, text]) => ({ id, dimension, text: text.trim() }),
	);
}

function mentionsColor(text: string): boolean {
	return (text.toLowerCase().match(/[a-z]+/g) ?? []).some((word) => COLOR_NAMES[word]);
}

function verdictOn(constraint: AskedConstraint, picture: Picture): Verdict {
	const text = constraint.text.toLowerCase();
	const prop = picture.props.find((candidate) => text.includes(candidate.name.toLowerCase()));
	if (prop && mentionsColor(text)) {
		return prop.askedColor
			? {
					passed: false,
					evidence: `the ${prop.name} is ${prop.color}, not ${prop.askedColor}`,
					fix: `the ${prop.name} must be ${prop.askedColor}, not ${prop.color}`,
				}
			: { passed: true, evidence: `the ${prop.name} is ${prop.color}` };
	}
	const character = picture.characters.find((candidate) =>
		text.includes(candidate.name.toLowerCase()),
	);
	if (character) {
		return character.drifted
			? {
					passed: false,
					evidence: `${character.name} looks like someone else than in the other shots`,
					fix: `${character.name} must look exactly as the bible describes`,
				}
			: { passed: true, evidence: `${character.name} looks as described` };
	}
	if (constraint.dimension === 'lighting' || LIGHTING_WORDS.test(text)) {
		return picture.drift.includes('lighting')
			? {
					passed: false,
					evidence: `the light is ${picture.lighting.name}, not ${picture.askedLighting.name}`,
					fix: `light the shot as ${picture.askedLighting.name}`,
				}
			: { passed: true, evidence: `the light is ${picture.lighting.name}` };
	}
	return { passed: true, evidence: 'the clip shows it' };
}

export function driftJudgementFor({ prompt, clips }: AnswerContext): unknown {
	const picture = clips[0]?.picture;
	const answers = askedConstraints(prompt).map((constraint) => {
		const verdict = picture
			? verdictOn(constraint, picture)
			: { passed: true, evidence: 'the stand-in did not render this clip and cannot tell' };
		return { constraint, verdict };
	});
	const fixes = answers.map(({ verdict }) => verdict.fix).filter(Boolean) as string[];
	return {
		constraints: answers.map(({ constraint, verdict }) => ({
			id: constraint.id,
			passed: verdict.passed,
			confidence: picture ? SURE : UNSURE,
			evidence: verdict.evidence,
			atSeconds: 1,
		})),
		correctivePrompt: fixes.length
			? `${fixes.join('; ').replace(/^./, (first) => first.toUpperCase())}.`
			: '',
	};
}
