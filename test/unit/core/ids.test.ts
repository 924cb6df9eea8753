import {
	canonicalJson,
	pipelineIdFor,
	shortHash,
	shotIdForSequence,
	slugify,
	takeIdFor,
} from '../../../core/ids';
import { parseSceneSpec } from '../../../core/schema';
import { createShotItems } from '../../../core/shotItems';
import { rawSpec } from '../../fixtures/sceneSpec';

/** The same data with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(reversedKeys);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value)
				.reverse()
				.map(([key, entry]) => [key, reversedKeys(entry)]),
		);
	}
	return value;
}

describe('canonicalJson', () => {
	it('does not depend on key order, at any depth', () => {
		const value = { b: 1, a: { d: [1, { f: true, e: null }], c: 'x' } };
		expect(canonicalJson(reversedKeys(value))).toBe(canonicalJson(value));
		expect(canonicalJson(value)).toBe('{"a":{"c":"x","d":[1,{"e":null,"f":true}]},"b":1}');
	});

	it('keeps array order, and parses back to equal data', () => {
		expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
		const value = { title: 'Ünïcode "quoted"', list: [3, 1, 2], nested: { n: -1.5 } };
		expect(JSON.parse(canonicalJson(value))).toEqual(value);
	});

	it('drops undefined fields, as JSON would', () => {
		expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
	});
});

describe('deterministic ids', () => {
	it('gives a spec the same pipeline id however its keys are ordered', () => {
		const spec = parseSceneSpec(rawSpec());
		const id = pipelineIdFor(spec);
		expect(id).toMatch(/^pl-[0-9a-f]{12}$/);
		expect(pipelineIdFor(reversedKeys(spec))).toBe(id);
		expect(pipelineIdFor(parseSceneSpec(rawSpec()))).toBe(id);
	});

	it('gives a changed spec another pipeline id', () => {
		const spec = parseSceneSpec(rawSpec());
		const changed = parseSceneSpec(rawSpec());
		changed.shots[0].description += ' slowly';
		expect(pipelineIdFor(changed)).not.toBe(pipelineIdFor(spec));
	});

	it('gives shot items of one spec and model one pipeline id, and another model another', () => {
		const spec = parseSceneSpec(rawSpec());
		const items = createShotItems(spec, 'gemini-omni-1.2-flash');
		expect(new Set(items.map((item) => item.pipelineId)).size).toBe(1);
		expect(createShotItems(parseSceneSpec(rawSpec()), 'gemini-omni-1.2-flash')[0].pipelineId).toBe(
			items[0].pipelineId,
		);
		expect(createShotItems(spec, 'veo-3.1-generate-preview')[0].pipelineId).not.toBe(
			items[0].pipelineId,
		);
		expect(items.map((item) => item.shot.id)).toEqual(['shot-01', 'pour', 'greet']);
	});

	it('names shots by sequence with two digits at least', () => {
		expect(shotIdForSequence(3)).toBe('shot-03');
		expect(shotIdForSequence(12)).toBe('shot-12');
		expect(shotIdForSequence(123)).toBe('shot-123');
	});

	it('gives each attempt at a shot its own take id', () => {
		expect(takeIdFor('shot-03', 1)).toBe('shot-03-take-1');
		const ids = [1, 2, 3].map((attempt) => takeIdFor('shot-03', attempt));
		expect(new Set(ids).size).toBe(3);
		expect(takeIdFor('shot-04', 1)).not.toBe(takeIdFor('shot-03', 1));
	});

	it('hashes equal data equally and different data differently', () => {
		expect(shortHash({ a: 1, b: 2 })).toBe(shortHash({ b: 2, a: 1 }));
		expect(shortHash({ a: 1 })).not.toBe(shortHash({ a: 2 }));
		expect(shortHash('x', 6)).toHaveLength(6);
	});
});

describe('slugify', () => {
	it.each([
		['Mya Ortiz', 'mya-ortiz'],
		['Café Crème', 'cafe-creme'],
		['  --Hello, World!--  ', 'hello-world'],
		['Blue  Mug #2', 'blue-mug-2'],
	])('%j -> %j', (name, slug) => {
		expect(slugify(name)).toBe(slug);
	});

	it('makes ids the scene spec schema accepts, at most 40 characters', () => {
		const slug = slugify('A very long character name that goes on and on and on');
		expect(slug.length).toBeLessThanOrEqual(40);
		expect(slug).toMatch(/^[a-z0-9][a-z0-9_-]{0,63}$/);
	});

	it('falls back to the prefix and a stable hash for names without letters or digits', () => {
		const slug = slugify('!!!', 'character');
		expect(slug).toMatch(/^character-[0-9a-f]{6}$/);
		expect(slugify('!!!', 'character')).toBe(slug);
		expect(slugify('???', 'character')).not.toBe(slug);
	});
});
