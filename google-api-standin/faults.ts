import type { DriftKind } from './picture';

/**
 * Fault and drift injection. A rule names where it strikes, what it does, and how often: a number
 * of times, a rate (from a seeded generator, so runs repeat), and optionally only for requests
 * whose prompt contains a text (for example "Shot 3").
 *
 * The points name steps of a video job, not routes, so one rule serves Veo and Omni alike:
 * `predict` is a submission (Veo's predictLongRunning, an interaction's create), `operation` a
 * status check (an operation poll, an interaction's get), `download` a file download.
 */

export type FaultPoint =
	| 'predict'
	| 'operation'
	| 'download'
	| 'generateContent'
	| 'upload'
	| 'list';

export type FaultEffect =
	| 'http_400'
	| 'http_403'
	| 'http_404'
	| 'http_429'
	| 'http_500'
	| 'http_503'
	| 'connection_reset'
	| 'operation_failed'
	| 'safety_filtered'
	/** An interaction ends `budget_exceeded` (Veo has no such outcome and ignores it). */
	| 'budget_exceeded'
	| 'truncated_download'
	/** The download promises the whole file, sends half, and the connection drops. */
	| 'cut_download'
	| 'invalid_json'
	| 'schema_violation'
	| 'drift_prop_color'
	| 'drift_lighting'
	| 'drift_character';

export interface FaultRule {
	on: FaultPoint;
	effect: FaultEffect;
	/** Only requests whose prompt contains this text (case-insensitive). */
	match?: string;
	/** Strike this many times, then stop. Unlimited when absent. */
	times?: number;
	/** Strike with this probability (0-1). Always when absent. */
	rate?: number;
	/** For 429 / 503: the delay Google advertises (RetryInfo and Retry-After). */
	retryDelaySeconds?: number;
}

export function driftKindOf(effect: FaultEffect): DriftKind | undefined {
	switch (effect) {
		case 'drift_prop_color':
			return 'prop_color';
		case 'drift_lighting':
			return 'lighting';
		case 'drift_character':
			return 'character';
		default:
			return undefined;
	}
}

/** mulberry32: small, fast, and the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class FaultInjector {
	private rules: FaultRule[] = [];
	private random: () => number;

	constructor(seed = 1) {
		this.random = seededRandom(seed);
	}

	setRules(rules: FaultRule[], seed?: number): void {
		this.rules = rules.map((rule) => ({ ...rule }));
		if (seed !== undefined) this.random = seededRandom(seed);
	}

	get activeRules(): FaultRule[] {
		return this.rules.map((rule) => ({ ...rule }));
	}

	/** Every rule that strikes this request (each strike uses up one of its `times`). */
	strike(
		point: FaultPoint,
		context: string,
		filter: (rule: FaultRule) => boolean = () => true,
	): FaultRule[] {
		const struck: FaultRule[] = [];
		for (const rule of this.rules) {
			if (rule.on !== point || !filter(rule)) continue;
			if (rule.times !== undefined && rule.times <= 0) continue;
			if (rule.match && !context.toLowerCase().includes(rule.match.toLowerCase())) continue;
			if (rule.rate !== undefined && this.random() >= rule.rate) continue;
			if (rule.times !== undefined) rule.times -= 1;
			struck.push({ ...rule });
		}
		return struck;
	}

	/** The first non-drift fault that strikes, if any. */
	strikeFault(point: FaultPoint, context: string): FaultRule | undefined {
		for (const rule of this.rules) {
			if (driftKindOf(rule.effect)) continue;
			const [struck] = this.strike(point, context, (candidate) => candidate === rule);
			if (struck) return struck;
		}
		return undefined;
	}
}
