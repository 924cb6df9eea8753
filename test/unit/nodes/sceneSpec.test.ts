import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ShotItem } from '../../../core/types';
import { SceneSpec } from '../../../nodes/SceneSpec/SceneSpec.node';
import { mockNodeContext } from '../../helpers/mockNodeContext';
import { SCENE_SPEC_FROM_BRIEF } from '../../helpers/nodeParameters';
import { cafeSpec } from '../../helpers/specs';

async function run(
	parameters: Record<string, unknown>,
	items: INodeExecutionData[] = [{ json: {} }],
	continueOnFail = false,
) {
	const mock = mockNodeContext({
		parameters: { output: 'perShot', maxShots: 200, ...parameters },
		items,
		continueOnFail,
	});
	const [output] = await new SceneSpec().execute.call(mock.context);
	return output;
}

const fromJson = (spec: unknown, extra: Record<string, unknown> = {}) => ({
	operation: 'fromJson',
	specJson: spec,
	model: 'gemini-omni-1.2-flash',
	targetDurationSeconds: 0,
	...extra,
});

describe('Scene Spec: From JSON', () => {
	it('gives one pending item per shot, in sequence order, each with the whole bible', async () => {
		const spec = cafeSpec(3);
		spec.shots.reverse();
		const output = await run(fromJson(spec));
		const items = output.map((entry) => entry.json as unknown as ShotItem);
		expect(items.map((item) => item.shot.sequence)).toEqual([1, 2, 3]);
		expect(items.every((item) => item.status === 'pending' && item.takes.length === 0)).toBe(true);
		expect(new Set(items.map((item) => item.pipelineId)).size).toBe(1);
		expect(items[0].bible.props[0].color).toBe('blue');
		expect(items.map((item) => [item.shotPosition, item.shotCount])).toEqual([
			[1, 3],
			[2, 3],
			[3, 3],
		]);
		expect(output.every((entry) => (entry.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('gives the same pipeline and shot ids when the same spec runs again', async () => {
		const first = await run(fromJson(JSON.stringify(cafeSpec(2))));
		const second = await run(fromJson(cafeSpec(2)));
		expect(
			second.map((entry) => [entry.json.pipelineId, (entry.json.shot as IDataObject).id]),
		).toEqual(first.map((entry) => [entry.json.pipelineId, (entry.json.shot as IDataObject).id]));
	});

	it('puts the whole spec in one item when asked', async () => {
		const output = await run({ ...fromJson(cafeSpec(3)), output: 'wholeSpec' });
		expect(output).toHaveLength(1);
		expect(((output[0].json.spec as IDataObject).shots as unknown[]).length).toBe(3);
	});

	it('names the item and the field of an unknown character', async () => {
		const spec = cafeSpec(2);
		spec.shots[1].characters = ['leo'];
		await expect(run(fromJson(spec), [{ json: {} }, { json: {} }])).rejects.toThrow(
			/Item 0: shots\[1\]\.characters\[0\]: unknown character id "leo"/,
		);
	});

	it('refuses a spec nested 20,000 deep with an error naming the field, not a RangeError', async () => {
		const spec = cafeSpec(1) as unknown as { bible: { logline: unknown } };
		let level: Record<string, unknown> = {};
		spec.bible.logline = level;
		for (let depth = 0; depth < 20_000; depth++) level = level.a = {};
		await expect(run(fromJson(spec))).rejects.toThrow(
			/^Item 0: bible\.logline(\.a)+: is nested more than 64 levels deep/,
		);
	});

	it('says malformed JSON is malformed', async () => {
		await expect(run(fromJson('{"bible": {'))).rejects.toThrow(/Item 0: .*is not valid JSON/);
	});

	it('refuses a duration the model does not make, naming the shot', async () => {
		const spec = cafeSpec(2);
		spec.shots[1].durationSeconds = 20;
		await expect(run(fromJson(spec))).rejects.toThrow(
			/shots\[1\]\.durationSeconds: 20 s is not a duration Gemini Omni 1\.2 Flash makes/,
		);
	});

	it('checks the total against a target and the number of shots against the cap', async () => {
		await expect(run(fromJson(cafeSpec(3), { targetDurationSeconds: 60 }))).rejects.toThrow(
			/add up to 24 s.*target of 60 s/,
		);
		await expect(run(fromJson(cafeSpec(3), { maxShots: 2 }))).rejects.toThrow(
			/3 shots is over the cap of 2/,
		);
	});

	it('gives an error item instead of stopping when Continue On Fail is on', async () => {
		const output = await run(
			fromJson((index: number) => (index === 0 ? '{' : cafeSpec(1))),
			[{ json: {} }, { json: {} }],
			true,
		);
		expect(output[0].json.error).toMatch(/Item 0: .*not valid JSON/);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(output[1].json.status).toBe('pending');
		expect(output[1].pairedItem).toEqual({ item: 1 });
	});

	it("moves a character's reference image to ref_<id> on every shot item, and keeps the item's other binaries", async () => {
		const spec = cafeSpec(2);
		spec.bible.characters[0].referenceImage = { binaryProperty: 'photo' };
		const binary = {
			photo: { data: Buffer.from('png').toString('base64'), mimeType: 'image/png' },
			logo: { data: Buffer.from('logo').toString('base64'), mimeType: 'image/png' },
		};
		const output = await run(fromJson(spec), [{ json: {}, binary }]);
		for (const entry of output) {
			expect(entry.binary?.ref_mya?.mimeType).toBe('image/png');
			expect(entry.binary?.logo).toBeDefined();
			expect(
				((entry.json.bible as IDataObject).characters as IDataObject[])[0].referenceImage,
			).toEqual({ binaryProperty: 'ref_mya', mimeType: 'image/png' });
		}
	});

	it('names the missing reference-image property and the item', async () => {
		const spec = cafeSpec(1);
		spec.bible.characters[0].referenceImage = { binaryProperty: 'photo' };
		await expect(run(fromJson(spec))).rejects.toThrow(
			/Item 0: bible\.characters\[0\]\.referenceImage\.binaryProperty: names the binary property "photo", which item 0 does not have/,
		);
	});
});

describe('Scene Spec: Define in Node', () => {
	const defined = (shots: Array<Record<string, unknown>>) => ({
		operation: 'defineInNode',
		title: 'Launch',
		logline: '',
		model: 'gemini-omni-1.2-flash',
		aspectRatio: '9:16',
		resolution: '720p',
		look: 'bright',
		lighting: 'noon',
		palette: 'blue, white',
		characters: {
			character: [
				{
					name: 'Mya Ortiz',
					description: 'a runner in a red jacket',
					id: '',
					referenceImageProperty: '',
				},
			],
		},
		props: {
			prop: [
				{
					name: 'Water Bottle',
					description: 'steel bottle',
					color: 'blue',
					constraints: 'logo faces the camera; always closed',
					id: '',
				},
			],
		},
		shots: { shot: shots },
		rules: 'No text on screen\nNo other brands',
		negativePrompt: 'blur',
	});

	it('builds a spec from the form, resolving names to ids', async () => {
		const output = await run(
			defined([
				{
					description: 'Mya runs',
					durationSeconds: 8,
					camera: 'wide',
					characters: 'Mya Ortiz',
					props: 'water-bottle',
					lighting: '',
					continuousWithPrevious: false,
					dialogue: '',
					constraints: 'The bottle is blue',
				},
				{
					description: 'Mya drinks',
					durationSeconds: 4,
					camera: '',
					characters: 'mya-ortiz',
					props: 'Water Bottle',
					lighting: 'dusk',
					continuousWithPrevious: true,
					dialogue: 'Ahh',
					constraints: '',
				},
			]),
		);
		const items = output.map((entry) => entry.json as unknown as ShotItem);
		expect(items).toHaveLength(2);
		expect(items[0].shot.characters).toEqual(['mya-ortiz']);
		expect(items[1].shot.props).toEqual(['water-bottle']);
		expect(items[0].bible.props[0].constraints).toEqual(['logo faces the camera', 'always closed']);
		expect(items[0].bible.rules).toEqual(['No text on screen', 'No other brands']);
		expect(items[0].bible.style.aspectRatio).toBe('9:16');
		expect(items[1].shot.lighting).toBe('dusk');
		expect(items[0].shot.constraints).toEqual([
			{ id: 'c1', text: 'The bottle is blue', dimension: 'props' },
		]);
	});

	it('names a shot whose duration the model does not make', async () => {
		await expect(
			run(
				defined([
					{
						description: 'x',
						durationSeconds: 16,
						camera: '',
						characters: '',
						props: '',
						lighting: '',
						continuousWithPrevious: false,
						dialogue: '',
						constraints: '',
					},
				]),
			),
		).rejects.toThrow(/shots\[0\]\.durationSeconds: 16 s/);
	});
});

describe('Scene Spec: From Brief (input checks before any call)', () => {
	const brief = (extra: Record<string, unknown>) => ({ ...SCENE_SPEC_FROM_BRIEF, ...extra });
	const credentials = { veoPipelineGeminiApi: { apiKey: 'k', baseUrl: 'http://127.0.0.1:9' } };
	const runBrief = async (extra: Record<string, unknown>) => {
		const mock = mockNodeContext({
			parameters: { output: 'perShot', maxShots: 200, ...brief(extra) },
			items: [{ json: {} }],
			credentials,
		});
		return new SceneSpec().execute.call(mock.context);
	};

	it('refuses an empty brief', async () => {
		await expect(runBrief({ brief: '  ' })).rejects.toThrow(/Item 0: brief: is empty/);
	});

	it('refuses a target of 0 seconds', async () => {
		await expect(runBrief({ targetDurationSeconds: 0 })).rejects.toThrow(
			/targetDurationSeconds: must be more than 0 seconds/,
		);
	});

	it('refuses 3 hours of 4-second shots, naming the shot cap', async () => {
		await expect(runBrief({ targetDurationSeconds: 3 * 3600, shotCount: 2700 })).rejects.toThrow(
			/2700 shots is over the cap of 200 shots/,
		);
		await expect(runBrief({ targetDurationSeconds: 3 * 3600 })).rejects.toThrow(
			/over the cap of 200 shots/,
		);
	});

	it('names a missing reference-image property before calling Gemini', async () => {
		await expect(
			runBrief({
				characters: {
					character: [{ name: 'Mya', description: 'a barista', referenceImageProperty: 'photo' }],
				},
			}),
		).rejects.toThrow(
			/Item 0: characters\[0\]\.referenceImageProperty: names the binary property "photo"/,
		);
	});
});
