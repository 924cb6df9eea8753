import { Ajv } from 'ajv';

import { InvalidInputError } from '../../../core/failures';
import {
	parseSceneSpec,
	pointerToPath,
	sceneSpecJsonSchema,
	sceneSpecResponseSchema,
} from '../../../core/schema';
import { rawSpec } from '../../fixtures/sceneSpec';

/** Parses and returns the error, failing the test when nothing is thrown. */
function errorOf(input: unknown): InvalidInputError {
	try {
		parseSceneSpec(input);
	} catch (error) {
		expect(error).toBeInstanceOf(InvalidInputError);
		return error as InvalidInputError;
	}
	throw new Error('parseSceneSpec accepted an invalid spec');
}

/** The spec must be refused with exactly one problem at `path`, and its message must contain `words`. */
function expectSingleProblem(input: unknown, path: string, ...words: string[]): InvalidInputError {
	const error = errorOf(input);
	expect(error.problems).toHaveLength(1);
	expect(error.problems[0].path).toBe(path);
	for (const word of words) expect(error.problems[0].message).toContain(word);
	// The thrown message leads with the path, so it reads well in n8n's error panel.
	expect(error.message).toBe(
		path ? `${path}: ${error.problems[0].message}` : error.problems[0].message,
	);
	return error;
}

describe('parseSceneSpec: a valid spec', () => {
	it('is normalised: shots sorted by sequence, missing ids derived, defaults filled', () => {
		const spec = parseSceneSpec(rawSpec());

		expect(spec.shots.map((shot) => shot.sequence)).toEqual([1, 2, 3]);
		expect(spec.shots.map((shot) => shot.id)).toEqual(['shot-01', 'pour', 'greet']);
		expect(spec.bible.characters.map((character) => character.id)).toEqual(['mya', 'old-tom']);
		expect(spec.shots[0].constraints).toEqual([
			{ id: 'c1', text: 'The mug is blue', dimension: 'props' },
		]);

		// Defaults of fields the author left out.
		const first = spec.shots[0];
		expect(first.camera).toBe('');
		expect(first.props).toEqual([]);
		expect(first.continuousWithPrevious).toBe(false);
		expect(spec.shots[2].constraints).toEqual([]);
	});

	it('fills bible defaults when the optional lists are absent', () => {
		const input = rawSpec();
		delete input.bible.logline;
		delete input.bible.rules;
		delete input.bible.negativePrompt;
		delete input.bible.style.palette;
		input.shots = [{ description: 'An empty kitchen', durationSeconds: 8 }];
		delete input.bible.locations;
		const spec = parseSceneSpec(input);
		expect(spec.bible.logline).toBe('');
		expect(spec.bible.rules).toEqual([]);
		expect(spec.bible.negativePrompt).toBe('');
		expect(spec.bible.style.palette).toEqual([]);
		expect(spec.bible.locations).toEqual([]);
		expect(spec.shots).toEqual([
			expect.objectContaining({
				id: 'shot-01',
				sequence: 1,
				characters: [],
				props: [],
				constraints: [],
			}),
		]);
	});

	it('does not change the input it was given', () => {
		const input = rawSpec();
		const before = JSON.stringify(input);
		parseSceneSpec(input);
		expect(JSON.stringify(input)).toBe(before);
	});

	it('accepts the same spec as a JSON string', () => {
		expect(parseSceneSpec(JSON.stringify(rawSpec()))).toEqual(parseSceneSpec(rawSpec()));
	});

	it('keeps ids that are given, so an edited spec keeps its ids', () => {
		const input = rawSpec();
		input.bible.characters[1].id = 'tom';
		input.shots[2].characters = ['tom'];
		const spec = parseSceneSpec(input);
		expect(spec.bible.characters[1].id).toBe('tom');
		expect(spec.shots.find((shot) => shot.id === 'greet')!.characters).toEqual(['tom']);
	});
});

describe('parseSceneSpec: each bad input gives one error naming the field', () => {
	it('a dangling character id in a shot', () => {
		const input = rawSpec();
		input.shots[1].characters = ['mia'];
		expectSingleProblem(
			input,
			'shots[1].characters[0]',
			'unknown character id "mia"',
			'"mya"',
			'"old-tom"',
		);
	});

	it('a dangling character id further down a list', () => {
		const input = rawSpec();
		input.shots[2].characters = ['mya', 'tom'];
		expectSingleProblem(input, 'shots[2].characters[1]', 'unknown character id "tom"');
	});

	it('a dangling prop id', () => {
		const input = rawSpec();
		input.shots[0].props = ['cup'];
		expectSingleProblem(input, 'shots[0].props[0]', 'unknown prop id "cup"', '"mug"');
	});

	it('a dangling location id', () => {
		const input = rawSpec();
		input.shots[2].location = 'garden';
		expectSingleProblem(input, 'shots[2].location', 'unknown location id "garden"', '"kitchen"');
	});

	it('a reference when the bible defines none of that kind', () => {
		const input = rawSpec();
		input.bible.props = [];
		input.shots.forEach((shot: Record<string, unknown>) => delete shot.props);
		input.shots[0].props = ['mug'];
		expectSingleProblem(input, 'shots[0].props[0]', 'none defined');
	});

	it('a duplicate shot id', () => {
		const input = rawSpec();
		input.shots[2].id = 'pour';
		expectSingleProblem(input, 'shots[2].id', 'duplicate shot id "pour"', 'shots[0]');
	});

	it('a duplicate sequence number', () => {
		const input = rawSpec();
		input.shots[2].sequence = 2;
		expectSingleProblem(input, 'shots[2].sequence', 'duplicate sequence number 2', 'shots[0]');
	});

	it('a duplicate character id in the bible', () => {
		const input = rawSpec();
		input.bible.characters[1].id = 'mya';
		input.shots[2].characters = ['mya'];
		expectSingleProblem(input, 'bible.characters[1].id', 'duplicate id "mya"');
	});

	it('a missing required field of a shot', () => {
		const input = rawSpec();
		delete input.shots[0].description;
		expectSingleProblem(input, 'shots[0].description', 'is required');
	});

	it('a missing required field of the bible', () => {
		const input = rawSpec();
		delete input.bible.style.lighting;
		expectSingleProblem(input, 'bible.style.lighting', 'is required');
	});

	it('an unknown field (a typo)', () => {
		const input = rawSpec();
		input.shots[1].durationSecs = 8;
		expectSingleProblem(input, 'shots[1].durationSecs', 'not a known field');
	});

	it('malformed JSON text', () => {
		const error = expectSingleProblem('{"bible": {"title": "x"', '', 'not valid JSON');
		expect(error.hint).toContain('JSON string');
	});

	it('JSON that is not an object', () => {
		expectSingleProblem('[1, 2]', '', 'must be an object');
	});

	it('a wrong enum value (aspect ratio)', () => {
		const input = rawSpec();
		input.bible.style.aspectRatio = '4:3';
		expectSingleProblem(input, 'bible.style.aspectRatio', '"16:9"', '"9:16"');
	});

	it('continuousWithPrevious on the first shot', () => {
		const input = rawSpec();
		// shots[1] has the lowest sequence number, so it is the first shot whatever its position.
		input.shots[1].continuousWithPrevious = true;
		expectSingleProblem(input, 'shots[1].continuousWithPrevious', 'first shot');
	});

	it('an id that is not a lowercase slug', () => {
		const input = rawSpec();
		input.bible.props[0].id = 'Blue Mug';
		input.shots.forEach((shot: Record<string, unknown>) => delete shot.props);
		expectSingleProblem(input, 'bible.props[0].id', 'lowercase id');
	});

	it('a shot list that is empty', () => {
		const input = rawSpec();
		input.shots = [];
		expectSingleProblem(input, 'shots');
	});

	it('reports every problem when there are several, each at its own path', () => {
		const input = rawSpec();
		input.shots[0].props = ['cup'];
		input.shots[2].location = 'garden';
		expect(errorOf(input).problems.map((problem) => problem.path)).toEqual([
			'shots[0].props[0]',
			'shots[2].location',
		]);
	});
});

describe('pointerToPath', () => {
	it('turns JSON pointers into dotted paths with indexes', () => {
		expect(pointerToPath('/shots/3/characters/0')).toBe('shots[3].characters[0]');
		expect(pointerToPath('/bible/style/aspectRatio')).toBe('bible.style.aspectRatio');
		expect(pointerToPath('')).toBe('');
		expect(pointerToPath('/a~1b/c~0d')).toBe('a/b.c~d');
	});
});

interface SchemaNode {
	title?: string;
	required?: string[];
	properties?: Record<string, SchemaNode>;
	items?: SchemaNode;
	enum?: unknown[];
	minItems?: number;
	additionalProperties?: unknown;
}

describe('sceneSpecResponseSchema (for Gemini structured output)', () => {
	const dropped = ['$id', 'default', 'pattern', 'additionalProperties', 'exclusiveMinimum'];

	function keysAnywhere(node: unknown, found = new Set<string>()): Set<string> {
		if (Array.isArray(node)) node.forEach((child) => keysAnywhere(child, found));
		else if (node && typeof node === 'object') {
			for (const [key, value] of Object.entries(node)) {
				found.add(key);
				keysAnywhere(value, found);
			}
		}
		return found;
	}

	it('drops the keywords Gemini rejects, at every depth', () => {
		const full = keysAnywhere(sceneSpecJsonSchema);
		// The full schema does use them, so their absence below means they were removed.
		for (const key of dropped) expect(full.has(key)).toBe(true);
		const stripped = keysAnywhere(sceneSpecResponseSchema());
		for (const key of dropped) expect(stripped.has(key)).toBe(false);
	});

	/** The node at a path of property names, `[]` meaning the array's items. */
	function at(root: unknown, ...path: string[]): SchemaNode {
		return path.reduce<SchemaNode>(
			(node, key) => (key === '[]' ? node.items! : node.properties![key]),
			root as SchemaNode,
		);
	}

	it('keeps title, required, properties, enums and limits', () => {
		const schema = sceneSpecResponseSchema();
		expect(at(schema).title).toBe('SceneSpec');
		expect(at(schema).required).toEqual(['bible', 'shots']);
		expect(Object.keys(at(schema).properties!)).toEqual(['bible', 'shots']);
		expect(at(schema, 'shots', '[]').required).toEqual(
			at(sceneSpecJsonSchema, 'shots', '[]').required,
		);
		expect(Object.keys(at(schema, 'shots', '[]').properties!)).toEqual(
			Object.keys(at(sceneSpecJsonSchema, 'shots', '[]').properties!),
		);
		expect(at(schema, 'bible', 'style').required).toEqual([
			'look',
			'lighting',
			'aspectRatio',
			'resolution',
		]);
		expect(at(schema, 'bible', 'style', 'aspectRatio').enum).toEqual(['16:9', '9:16']);
		expect(at(schema, 'shots').minItems).toBe(1);
	});

	it('leaves the full schema intact, so hand-written specs are still checked strictly', () => {
		sceneSpecResponseSchema();
		expect(sceneSpecJsonSchema.properties.shots.items.additionalProperties).toBe(false);
		const input = rawSpec();
		input.shots[0].extra = true;
		expect(() => parseSceneSpec(input)).toThrow(InvalidInputError);
	});

	it('is still a schema a normalised spec satisfies', () => {
		const validate = new Ajv({ strict: false }).compile(sceneSpecResponseSchema());
		expect(validate(parseSceneSpec(rawSpec()))).toBe(true);
		expect(validate({ bible: {} })).toBe(false);
	});
});
