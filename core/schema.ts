import { Ajv, type ErrorObject } from 'ajv';

import { InvalidInputError, type Problem } from './failures';
import { shotIdForSequence, slugify } from './ids';
import { REVIEW_TAGS, SHOT_STATUSES, type SceneSpec } from './types';

/**
 * The JSON Schema of a scene spec (bible + shot list). It is the single description of the
 * format: hand-written specs are validated against it, and Gemini's structured output is asked
 * to follow it (see `sceneSpecResponseSchema`).
 */

const ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';

const idSchema = { type: 'string', pattern: ID_PATTERN } as const;
const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const nonEmptyText = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const textList = { type: 'array', items: text(500), default: [] } as const;
/** An image held in a binary property of the item (a character's face, a location's look). */
const imageReference = {
	type: 'object',
	required: ['binaryProperty'],
	additionalProperties: false,
	properties: {
		binaryProperty: nonEmptyText(120),
		mimeType: text(100),
	},
};

export const sceneSpecJsonSchema = {
	$id: 'https://n8n-nodes-veo-pipeline/scene-spec.json',
	title: 'SceneSpec',
	type: 'object',
	required: ['bible', 'shots'],
	additionalProperties: false,
	properties: {
		bible: {
			type: 'object',
			required: ['title', 'style'],
			additionalProperties: false,
			properties: {
				title: nonEmptyText(200),
				logline: { ...text(1000), default: '' },
				style: {
					type: 'object',
					required: ['look', 'lighting', 'aspectRatio', 'resolution'],
					additionalProperties: false,
					properties: {
						look: text(1000),
						palette: textList,
						lighting: text(300),
						lookReference: imageReference,
						aspectRatio: { type: 'string', enum: ['16:9', '9:16'] },
						resolution: { type: 'string', enum: ['360p', '720p', '1080p', '4k'] },
					},
				},
				characters: {
					type: 'array',
					default: [],
					items: {
						type: 'object',
						required: ['id', 'name', 'description'],
						additionalProperties: false,
						properties: {
							id: idSchema,
							name: nonEmptyText(120),
							description: nonEmptyText(1000),
							referenceImage: imageReference,
						},
					},
				},
				locations: {
					type: 'array',
					default: [],
					items: {
						type: 'object',
						required: ['id', 'name', 'description'],
						additionalProperties: false,
						properties: {
							id: idSchema,
							name: nonEmptyText(120),
							description: text(1000),
							lookReference: imageReference,
						},
					},
				},
				props: {
					type: 'array',
					default: [],
					items: {
						type: 'object',
						required: ['id', 'name', 'description'],
						additionalProperties: false,
						properties: {
							id: idSchema,
							name: nonEmptyText(120),
							description: text(1000),
							color: text(60),
							constraints: textList,
						},
					},
				},
				rules: textList,
				negativePrompt: { ...text(1000), default: '' },
			},
		},
		shots: {
			type: 'array',
			minItems: 1,
			items: {
				type: 'object',
				required: ['id', 'sequence', 'description', 'durationSeconds'],
				additionalProperties: false,
				properties: {
					id: idSchema,
					sequence: { type: 'integer', minimum: 1 },
					description: nonEmptyText(2000),
					camera: { ...text(300), default: '' },
					durationSeconds: { type: 'number', exclusiveMinimum: 0 },
					characters: { type: 'array', items: { type: 'string' }, default: [] },
					props: { type: 'array', items: { type: 'string' }, default: [] },
					location: { type: 'string' },
					lighting: text(300),
					continuousWithPrevious: { type: 'boolean', default: false },
					continuityNotes: text(1000),
					dialogue: text(1000),
					constraints: {
						type: 'array',
						default: [],
						items: {
							type: 'object',
							required: ['id', 'text', 'dimension'],
							additionalProperties: false,
							properties: {
								id: idSchema,
								text: nonEmptyText(500),
								dimension: {
									type: 'string',
									enum: ['character', 'props', 'lighting', 'palette', 'camera', 'other'],
								},
							},
						},
					},
				},
			},
		},
	},
} as const;

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const validateStructure = ajv.compile(sceneSpecJsonSchema);

/**
 * The JSON Schema of what a shot item records besides its bible and shot (which the scene spec
 * schema checks): status, takes with their clips, drift reports and review decisions, corrective
 * notes and status history. Items travel through n8n, where any node in between can change
 * them; every field a node reads is checked here, so a malformed one is named rather than
 * crashing the node that reads it. Fields it does not know are let through (a newer take may
 * carry more), and the format version says when the meaning of a field changes.
 */
const stringList = { type: 'array', items: { type: 'string' } } as const;
const clipReferenceSchema = {
	type: 'object',
	required: ['binaryProperty', 'mimeType'],
	properties: {
		binaryProperty: { type: 'string', minLength: 1 },
		mimeType: { type: 'string' },
		fileUri: { type: 'string' },
		durationSeconds: { type: 'number' },
		width: { type: 'number' },
		height: { type: 'number' },
		bytes: { type: 'number' },
	},
} as const;
const dimensionScoreSchema = {
	type: 'object',
	required: ['drift', 'confidence', 'reasons'],
	properties: {
		drift: { type: 'number' },
		confidence: { type: 'number' },
		reasons: stringList,
		measures: {
			type: 'object',
			additionalProperties: { type: ['number', 'string', 'boolean'] },
		},
	},
} as const;
const constraintDimensions = ['character', 'props', 'lighting', 'palette', 'camera', 'other'];
const DRIFT_DIMENSIONS = [
	'technical',
	'lighting',
	'palette',
	'continuity',
	'character',
	'props',
	'semantic',
];
const driftReportSchema = {
	type: 'object',
	required: [
		'drift',
		'confidence',
		'dimensions',
		'reasons',
		'route',
		'technicalDefects',
		'skipped',
		'scoredAt',
	],
	properties: {
		drift: { type: 'number' },
		confidence: { type: 'number' },
		dimensions: { type: 'object', additionalProperties: dimensionScoreSchema },
		reasons: stringList,
		correctivePrompt: { type: 'string' },
		route: { type: 'string', enum: ['pass', 'review', 'regenerate'] },
		technicalDefects: stringList,
		skipped: {
			type: 'array',
			items: {
				type: 'object',
				required: ['scorer', 'reason'],
				properties: { scorer: { type: 'string' }, reason: { type: 'string' } },
			},
		},
		constraints: {
			type: 'array',
			items: {
				type: 'object',
				required: ['id', 'text', 'dimension', 'passed', 'confidence', 'evidence'],
				properties: {
					id: { type: 'string' },
					text: { type: 'string' },
					dimension: { type: 'string', enum: constraintDimensions },
					passed: { type: 'boolean' },
					confidence: { type: 'number' },
					evidence: { type: 'string' },
					atSeconds: { type: 'number' },
				},
			},
		},
		poster: {
			type: 'object',
			required: ['binaryProperty', 'atSeconds'],
			properties: {
				binaryProperty: { type: 'string', minLength: 1 },
				atSeconds: { type: 'number', minimum: 0 },
			},
		},
		evidence: {
			type: 'array',
			items: {
				type: 'object',
				required: ['dimension', 'binaryProperty', 'caption'],
				properties: {
					dimension: { type: 'string', enum: DRIFT_DIMENSIONS },
					binaryProperty: { type: 'string', minLength: 1 },
					caption: { type: 'string' },
					atSeconds: { type: 'number', minimum: 0 },
				},
			},
		},
		scoredAt: { type: 'string' },
	},
} as const;
const reviewTagList = { type: 'array', items: { type: 'string', enum: [...REVIEW_TAGS] } } as const;
const reviewDecisionSchema = {
	type: 'object',
	required: ['decision', 'tags', 'annotations', 'decidedAt'],
	properties: {
		decision: { type: 'string', enum: ['approved', 'rejected', 'undecided'] },
		note: { type: 'string' },
		tags: reviewTagList,
		annotations: {
			type: 'array',
			items: {
				type: 'object',
				required: ['text'],
				properties: { atSeconds: { type: 'number' }, text: { type: 'string' } },
			},
		},
		reviewer: { type: 'string' },
		decidedAt: { type: 'string' },
	},
} as const;
const takeSchema = {
	type: 'object',
	required: [
		'id',
		'attempt',
		'prompt',
		'negativePrompt',
		'model',
		'requestedDurationSeconds',
		'outcome',
		'costUsd',
		'timings',
	],
	properties: {
		id: { type: 'string', minLength: 1 },
		attempt: { type: 'integer', minimum: 1 },
		prompt: { type: 'string' },
		negativePrompt: { type: 'string' },
		model: { type: 'string' },
		requestedDurationSeconds: { type: 'number', exclusiveMinimum: 0 },
		operationName: { type: 'string' },
		outcome: {
			type: 'string',
			enum: ['submitted', 'generated', 'failed', 'safety_filtered', 'timed_out'],
		},
		reason: { type: 'string' },
		safetyReasons: stringList,
		clip: clipReferenceSchema,
		alternateClips: { type: 'array', items: clipReferenceSchema },
		costUsd: { type: 'number', minimum: 0 },
		outputTokens: { type: 'integer', minimum: 0 },
		mode: { enum: ['generate', 'edit'] },
		editOf: { type: 'string', minLength: 1 },
		editFallback: { type: 'string' },
		firstFrameFrom: { type: 'string', minLength: 1 },
		timings: {
			type: 'object',
			required: ['submittedAt'],
			properties: {
				submittedAt: { type: 'string' },
				finishedAt: { type: 'string' },
				generationSeconds: { type: 'number' },
				pollCount: { type: 'integer', minimum: 0 },
			},
		},
		drift: driftReportSchema,
		review: reviewDecisionSchema,
	},
} as const;
const statusSchema = { type: 'string', enum: [...SHOT_STATUSES] } as const;

export const shotItemStateJsonSchema = {
	$id: 'https://n8n-nodes-veo-pipeline/shot-item-state.json',
	title: 'ShotItemState',
	type: 'object',
	required: [
		'formatVersion',
		'pipelineId',
		'shotCount',
		'shotPosition',
		'status',
		'statusHistory',
		'takes',
		'correctiveNotes',
		'model',
	],
	properties: {
		formatVersion: { type: 'integer', minimum: 1 },
		pipelineId: { type: 'string', minLength: 1 },
		shotCount: { type: 'integer', minimum: 1 },
		// 0: a shot whose place in its pipeline is not known (an item that listed no shot ids).
		shotPosition: { type: 'integer', minimum: 0 },
		status: statusSchema,
		statusReason: { type: 'string' },
		statusHistory: {
			type: 'array',
			items: {
				type: 'object',
				required: ['from', 'to', 'at'],
				properties: {
					from: statusSchema,
					to: statusSchema,
					reason: { type: 'string' },
					at: { type: 'string' },
				},
			},
		},
		takes: { type: 'array', items: takeSchema },
		correctiveNotes: {
			type: 'array',
			items: {
				type: 'object',
				required: ['source', 'text', 'at'],
				properties: {
					source: { type: 'string', enum: ['drift', 'review'] },
					text: { type: 'string' },
					takeId: { type: 'string' },
					tags: reviewTagList,
					at: { type: 'string' },
				},
			},
		},
		model: { type: 'string' },
		provenance: {
			type: 'object',
			required: ['mode'],
			properties: {
				mode: { type: 'string', enum: ['fromBrief', 'fromJson', 'defineInNode'] },
				promptVersion: { type: 'string' },
				languageModel: { type: 'string' },
			},
		},
	},
} as const;

const validateItemState = ajv.compile(shotItemStateJsonSchema);

/** Problems of a shot item's state (everything but its bible and shot), each at its path. */
export function shotItemStateProblems(item: unknown): Problem[] {
	return validateItemState(item) ? [] : (validateItemState.errors ?? []).map(describeAjvError);
}

/**
 * How deep any part of a spec or a shot item may nest. The deepest real field is a drift
 * measure (`takes[0].drift.dimensions.lighting.measures.x`, 8 levels); a structure nested
 * thousands deep would overflow the stack of whatever walks it (cloning, validation, hashing).
 */
export const MAX_NESTING = 64;

/**
 * Finds where `value` nests deeper than `MAX_NESTING`, walking it with a stack of its own rather
 * than by recursion, so a hostile depth cannot exhaust the call stack. `path` names `value`.
 */
export function nestingProblem(value: unknown, path: string): Problem | undefined {
	const pending: Array<{ value: unknown; depth: number; path: string }> = [
		{ value, depth: 0, path },
	];
	while (pending.length) {
		const current = pending.pop()!;
		if (!current.value || typeof current.value !== 'object') continue;
		if (current.depth >= MAX_NESTING) {
			return {
				path: current.path,
				message: `is nested more than ${MAX_NESTING} levels deep; no field of a spec or shot item is`,
			};
		}
		for (const [key, child] of Object.entries(current.value)) {
			const childPath = Array.isArray(current.value)
				? `${current.path}[${key}]`
				: current.path
					? `${current.path}.${key}`
					: key;
			pending.push({ value: child, depth: current.depth + 1, path: childPath });
		}
	}
	return undefined;
}

/** `/shots/3/characters/0` -> `shots[3].characters[0]` */
export function pointerToPath(pointer: string): string {
	return pointer
		.split('/')
		.slice(1)
		.map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
		.reduce(
			(path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part),
			'',
		);
}

function describeAjvError(error: ErrorObject): Problem {
	const base = pointerToPath(error.instancePath);
	const params = error.params as Record<string, unknown>;
	switch (error.keyword) {
		case 'required':
			return { path: joinPath(base, String(params.missingProperty)), message: 'is required' };
		case 'additionalProperties':
			return {
				path: joinPath(base, String(params.additionalProperty)),
				message: 'is not a known field (check the spelling)',
			};
		case 'enum':
			return {
				path: base,
				message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
			};
		case 'pattern':
			return {
				path: base,
				message:
					'must be a lowercase id of letters, digits, "-" or "_" (for example "mya" or "blue-mug")',
			};
		default:
			return { path: base, message: error.message ?? 'is invalid' };
	}
}

function joinPath(base: string, field: string): string {
	return base ? `${base}.${field}` : field;
}

/**
 * Fills in ids a person may leave out when writing a spec by hand: characters, locations and
 * props get a slug of their name, shots `shot-NN` from their sequence, constraints `c1`, `c2`...
 * Ids that are given are kept, so specs stay stable when edited.
 */
function fillMissingIds(input: unknown): void {
	if (!input || typeof input !== 'object') return;
	const spec = input as { bible?: Record<string, unknown>; shots?: unknown };
	const bible = spec.bible;
	if (bible && typeof bible === 'object') {
		for (const listName of ['characters', 'locations', 'props']) {
			const list = bible[listName];
			if (!Array.isArray(list)) continue;
			for (const entry of list) {
				if (entry && typeof entry === 'object' && !entry.id && typeof entry.name === 'string') {
					entry.id = slugify(entry.name, listName.slice(0, -1));
				}
			}
		}
	}
	if (Array.isArray(spec.shots)) {
		spec.shots.forEach((shot: Record<string, unknown>, index: number) => {
			if (!shot || typeof shot !== 'object') return;
			if (shot.sequence === undefined) shot.sequence = index + 1;
			if (!shot.id && typeof shot.sequence === 'number') shot.id = shotIdForSequence(shot.sequence);
			if (Array.isArray(shot.constraints)) {
				shot.constraints.forEach((constraint: Record<string, unknown>, constraintIndex: number) => {
					if (constraint && typeof constraint === 'object' && !constraint.id) {
						constraint.id = `c${constraintIndex + 1}`;
					}
				});
			}
		});
	}
}

function findDuplicates(ids: string[]): Map<string, number[]> {
	const positions = new Map<string, number[]>();
	ids.forEach((id, index) => positions.set(id, [...(positions.get(id) ?? []), index]));
	return new Map([...positions].filter(([, indexes]) => indexes.length > 1));
}

/** The checks JSON Schema cannot express: every reference resolves, ids and sequences are unique. */
function checkReferences(spec: SceneSpec, wholeShotList: boolean): Problem[] {
	const problems: Problem[] = [];
	const { bible, shots } = spec;
	for (const listName of ['characters', 'locations', 'props'] as const) {
		for (const [id, indexes] of findDuplicates(bible[listName].map((entry) => entry.id))) {
			problems.push({
				path: `bible.${listName}[${indexes[1]}].id`,
				message: `duplicate id "${id}" (also used by bible.${listName}[${indexes[0]}])`,
			});
		}
	}
	for (const [id, indexes] of findDuplicates(shots.map((shot) => shot.id))) {
		problems.push({
			path: `shots[${indexes[1]}].id`,
			message: `duplicate shot id "${id}" (also used by shots[${indexes[0]}])`,
		});
	}
	for (const [sequence, indexes] of findDuplicates(shots.map((shot) => String(shot.sequence)))) {
		problems.push({
			path: `shots[${indexes[1]}].sequence`,
			message: `duplicate sequence number ${sequence} (also used by shots[${indexes[0]}])`,
		});
	}

	const known = {
		character: new Set(bible.characters.map((c) => c.id)),
		prop: new Set(bible.props.map((p) => p.id)),
		location: new Set(bible.locations.map((l) => l.id)),
	};
	const listOf = (set: Set<string>) =>
		set.size ? [...set].map((id) => `"${id}"`).join(', ') : 'none defined';
	const firstSequence = Math.min(...shots.map((shot) => shot.sequence));
	shots.forEach((shot, shotIndex) => {
		shot.characters.forEach((id, index) => {
			if (!known.character.has(id)) {
				problems.push({
					path: `shots[${shotIndex}].characters[${index}]`,
					message: `unknown character id "${id}" (the bible has ${listOf(known.character)})`,
				});
			}
		});
		shot.props.forEach((id, index) => {
			if (!known.prop.has(id)) {
				problems.push({
					path: `shots[${shotIndex}].props[${index}]`,
					message: `unknown prop id "${id}" (the bible has ${listOf(known.prop)})`,
				});
			}
		});
		if (shot.location !== undefined && !known.location.has(shot.location)) {
			problems.push({
				path: `shots[${shotIndex}].location`,
				message: `unknown location id "${shot.location}" (the bible has ${listOf(known.location)})`,
			});
		}
		if (wholeShotList && shot.continuousWithPrevious && shot.sequence === firstSequence) {
			problems.push({
				path: `shots[${shotIndex}].continuousWithPrevious`,
				message: 'the first shot has no previous shot to continue',
			});
		}
		for (const [id, indexes] of findDuplicates(
			shot.constraints.map((constraint) => constraint.id),
		)) {
			problems.push({
				path: `shots[${shotIndex}].constraints[${indexes[1]}].id`,
				message: `duplicate constraint id "${id}"`,
			});
		}
	});
	return problems;
}

/**
 * Validates a scene spec and returns a normalised copy (defaults filled in, shots in sequence
 * order). Throws `InvalidInputError` listing the exact path of every problem. `wholeShotList`
 * false checks a part of the list (one shot item) without the checks that need every shot.
 */
export function parseSceneSpec(input: unknown, { wholeShotList = true } = {}): SceneSpec {
	if (typeof input === 'string') {
		try {
			input = JSON.parse(input);
		} catch (error) {
			throw new InvalidInputError(
				[{ path: '', message: `is not valid JSON (${(error as Error).message})` }],
				'Pass an object with "bible" and "shots", or a JSON string of one.',
			);
		}
	}
	if (!input || typeof input !== 'object' || Array.isArray(input)) {
		throw new InvalidInputError([
			{ path: '', message: 'must be an object with "bible" and "shots"' },
		]);
	}
	const tooDeep = nestingProblem(input, '');
	if (tooDeep) throw new InvalidInputError([tooDeep]);
	const spec = structuredClone(input) as SceneSpec;
	fillMissingIds(spec);
	if (!validateStructure(spec)) {
		throw new InvalidInputError((validateStructure.errors ?? []).map(describeAjvError));
	}
	const problems = checkReferences(spec, wholeShotList);
	if (problems.length) throw new InvalidInputError(problems);
	spec.shots.sort((a, b) => a.sequence - b.sequence);
	return spec;
}

/**
 * The schema Gemini is asked to answer with. Gemini's structured output accepts a subset of JSON
 * Schema, so keywords it ignores or rejects (defaults, ids, patterns) are removed; the answer is
 * still validated against the full schema by `parseSceneSpec`.
 */
export function sceneSpecResponseSchema(): Record<string, unknown> {
	const dropKeys = new Set([
		'$id',
		'default',
		'pattern',
		'additionalProperties',
		'exclusiveMinimum',
	]);
	const strip = (node: unknown): unknown => {
		if (Array.isArray(node)) return node.map(strip);
		if (!node || typeof node !== 'object') return node;
		return Object.fromEntries(
			Object.entries(node as Record<string, unknown>)
				.filter(([key]) => !dropKeys.has(key))
				.map(([key, value]) => [key, strip(value)]),
		);
	};
	return strip(sceneSpecJsonSchema) as Record<string, unknown>;
}
