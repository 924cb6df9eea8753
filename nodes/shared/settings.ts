import type { INode, INodeProperties } from 'n8n-workflow';

import { InvalidInputError, type Problem } from '../../core/failures';

/**
 * Reading a node's parameters into its typed settings, once per run. Numbers are checked on the
 * way in: the editor keeps a number field numeric, but an expression or an imported workflow can
 * give "abc" or a value out of range, which would otherwise turn into NaN deep inside (a batch
 * that never submits, retries without end, or never times out).
 */

export interface NumberRule {
	/** The smallest value allowed; excluded when `aboveMin` (a duration must be more than 0). */
	min?: number;
	aboveMin?: boolean;
	max?: number;
	/** Whole numbers only (counts, attempts). */
	whole?: boolean;
}

/** "a whole number of 1 or more", "a number from 0 to 1", "a number above 0"... */
function describeRule(rule: NumberRule): string {
	const kind = rule.whole ? 'a whole number' : 'a number';
	if (rule.min !== undefined && rule.max !== undefined)
		return `${kind} from ${rule.min} to ${rule.max}`;
	if (rule.min !== undefined)
		return rule.aboveMin ? `${kind} above ${rule.min}` : `${kind} of ${rule.min} or more`;
	if (rule.max !== undefined) return `${kind} of ${rule.max} or less`;
	return kind;
}

function fits(value: number, rule: NumberRule): boolean {
	if (!Number.isFinite(value)) return false;
	if (rule.whole && !Number.isInteger(value)) return false;
	if (rule.min !== undefined && (rule.aboveMin ? value <= rule.min : value < rule.min))
		return false;
	return rule.max === undefined || value <= rule.max;
}

/** The option at `path` (`options.concurrency`, `shots.shot[0].durationSeconds`) as the editor shows it. */
export function optionLabel(properties: INodeProperties[], path: string): string {
	const [name, ...rest] = path.replace(/\[\d+\]/g, '').split('.');
	const property = properties.find((candidate) => candidate.name === name);
	if (!property) return path;
	if (!rest.length) return property.displayName;
	const children =
		property.type === 'fixedCollection'
			? (property.options as Array<{ name: string; values: INodeProperties[] }>).find(
					(group) => group.name === rest[0],
				)?.values
			: (property.options as INodeProperties[] | undefined);
	const childPath = property.type === 'fixedCollection' ? rest.slice(1) : rest;
	if (!children || !childPath.length) return property.displayName;
	return `${property.displayName} > ${optionLabel(children, childPath.join('.'))}`;
}

/**
 * Collects the problems of one reading of a node's settings, each naming the option by its path
 * and as the editor shows it, and throws them together from `done()`.
 */
export class SettingsCheck {
	private readonly problems: Problem[] = [];

	constructor(
		private readonly node: INode,
		private readonly properties: INodeProperties[],
	) {}

	/**
	 * A numeric option: `fallback` when it is not set (absent, empty, null), else a number within
	 * `rule`. Numbers given as text are taken, as expressions often give them.
	 */
	number(path: string, value: unknown, fallback: number, rule: NumberRule = {}): number {
		return this.optionalNumber(path, value, rule) ?? fallback;
	}

	/** `number` without a fallback: undefined when the option is not set. */
	optionalNumber(path: string, value: unknown, rule: NumberRule = {}): number | undefined {
		if (value === undefined || value === null || value === '') return undefined;
		const parsed =
			typeof value === 'number'
				? value
				: typeof value === 'string' && value.trim()
					? Number(value)
					: Number.NaN;
		if (fits(parsed, rule)) return parsed;
		this.problems.push({
			path,
			message:
				`${optionLabel(this.properties, path)} is ${typeof value === 'number' ? value : JSON.stringify(value)}: ` +
				`enter ${describeRule(rule)}`,
		});
		return undefined;
	}

	/** A problem no number rule expresses (thresholds in the wrong order). */
	refuse(path: string, message: string): void {
		this.problems.push({ path, message });
	}

	/** Throws every problem found, naming the node, or returns when there was none. */
	done(): void {
		const problems = this.problems.splice(0);
		if (!problems.length) return;
		throw new InvalidInputError(
			problems,
			`Change ${problems.length > 1 ? 'these options' : 'this option'} in the node "${this.node.name}" ` +
				'(an expression must give a number where a number is asked for).',
		);
	}
}
