import { NodeOperationError, type IBinaryData, type INodeExecutionData } from 'n8n-workflow';

import { createShotItems } from '../../../core/shotItems';
import type { ShotItem, Take } from '../../../core/types';
import { VeoGenerate } from '../../../nodes/VeoGenerate/VeoGenerate.node';
import { FakeVeo, SAFETY_REASON, type FakeVeoOptions } from '../../helpers/fakeVeo';
import { locator, mockNodeContext } from '../../helpers/mockNodeContext';
import { VEO_GENERATE } from '../../helpers/nodeParameters';
import { cafeSpec } from '../../helpers/specs';

/**
 * Veo Generate with the mocked n8n context and an in-memory Veo in place of the Google edge:
 * what each item asks Google for, what is refused before any call, which items are touched, and
 * what comes out. The real SDK against the stand-in is in test/integration.
 */

let mockVeo: FakeVeo;
jest.mock('../../../nodes/VeoGenerate/service', () => ({ veoService: () => mockVeo }));

const REFERENCE_IMAGE: IBinaryData = {
	data: Buffer.from('mya reference').toString('base64'),
	mimeType: 'image/png',
	fileName: 'mya.png',
};

function shotItems(
	count: number,
	edit: (item: ShotItem, index: number) => void = () => {},
): INodeExecutionData[] {
	const spec = cafeSpec(count);
	spec.bible.characters[0].referenceImage = { binaryProperty: 'ref_mya', mimeType: 'image/png' };
	return createShotItems(spec, 'veo-3.1-fast-generate-preview').map((item, index) => {
		edit(item, index);
		return { json: item as never, binary: { ref_mya: REFERENCE_IMAGE } };
	});
}

function take(attempt: number, overrides: Partial<Take> = {}): Take {
	return {
		id: `take-${attempt}`,
		attempt,
		prompt: 'an earlier prompt',
		negativePrompt: '',
		model: 'veo-3.1-fast-generate-preview',
		requestedDurationSeconds: 8,
		outcome: 'generated',
		costUsd: 0.8,
		timings: { submittedAt: new Date(Date.now() - 60_000).toISOString() },
		...overrides,
	};
}

interface RunOptions {
	/** Values, or functions of the item index (as expressions are evaluated per item). */
	parameters?: Record<string, unknown>;
	continueOnFail?: boolean;
}

const onlyItem1 = (value: unknown) => (index: number) => (index === 1 ? value : undefined);

async function run(
	items: INodeExecutionData[],
	{ parameters = {}, continueOnFail = false }: RunOptions = {},
) {
	const options = parameters.options;
	const mock = mockNodeContext({
		items,
		continueOnFail,
		nodeType: 'n8n-nodes-veo-pipeline.veoGenerate',
		parameters: {
			...VEO_GENERATE,
			...parameters,
			options: (index: number) => ({
				...VEO_GENERATE.options,
				...((typeof options === 'function' ? options(index) : options) ?? {}),
			}),
		},
		credentials: {
			veoPipelineGeminiApi: { apiKey: 'test-key' },
			veoPipelineVertexAiApi: { authentication: 'expressApiKey', apiKey: 'test-key' },
		},
	});
	const [output] = await new VeoGenerate().execute.call(mock.context);
	return { output, mock, shots: output.map((entry) => entry.json as unknown as ShotItem) };
}

function useVeo(options: Partial<FakeVeoOptions> = {}): FakeVeo {
	mockVeo = new FakeVeo({ now: Date.now, fileBytes: 64, ...options });
	return mockVeo;
}

beforeEach(() => useVeo());

describe('Veo Generate: the request for each shot', () => {
	it("compiles the prompt from the production state, adds the extra negative prompt, and sends the bible's reference images on Veo 3.1", async () => {
		const { shots } = await run(shotItems(2), {
			parameters: { extraNegativePrompt: 'blurry, text' },
		});

		expect(mockVeo.accepted).toHaveLength(2);
		const [request] = mockVeo.accepted.map((submission) => submission.request);
		expect(request).toMatchObject({
			model: 'veo-3.1-fast-generate-preview',
			durationSeconds: 8,
			aspectRatio: '16:9',
			resolution: '720p',
			negativePrompt: 'text, watermark, blurry',
		});
		expect(request.prompt.split('\n')[0]).toBe(
			'Shot 1 of 2: Beat 1: Mya pours coffee into the mug.',
		);
		expect(request.prompt).toContain('mug (a ceramic mug, colour: blue, always full)');
		expect(request.referenceImages).toEqual([
			{ data: REFERENCE_IMAGE.data, mimeType: 'image/png' },
		]);
		expect(request.generateAudio).toBeUndefined();
		expect(request.seed).toBeUndefined();
		expect(shots[0].takes[0]).toMatchObject({
			prompt: request.prompt,
			negativePrompt: 'text, watermark, blurry',
			model: 'veo-3.1-fast-generate-preview',
			requestedDurationSeconds: 8,
		});
	});

	it('takes Vertex AI GA ids and the options only Vertex AI has', async () => {
		await run(shotItems(1), {
			parameters: {
				authentication: 'vertexAiApi',
				model: locator('veo-3.1-generate-001'),
				options: { seed: 42, generateAudio: 'off', resolution: '1080p' },
			},
		});
		expect(mockVeo.accepted[0].request).toMatchObject({
			model: 'veo-3.1-generate-001',
			seed: 42,
			generateAudio: false,
			resolution: '1080p',
		});
	});

	it("leaves the bible's reference images out on a model that does not take them", async () => {
		await run(shotItems(1), { parameters: { model: locator('veo-3.0-fast-generate-001') } });
		expect(mockVeo.accepted[0].request.model).toBe('veo-3.0-fast-generate-001');
		expect(mockVeo.accepted[0].request.referenceImages).toBeUndefined();
	});

	it('keeps the corrections from earlier takes under a custom prompt', async () => {
		const items = shotItems(2, (item) => {
			item.status = 'needs_regeneration';
			item.takes = [take(1)];
			item.correctiveNotes = [
				{ source: 'review', text: 'The mug must stay blue', at: new Date().toISOString() },
			];
		});
		await run(items, {
			parameters: {
				promptSource: 'custom',
				customPrompt: (index: number) => `A close-up of mug number ${index}`,
			},
		});
		expect(mockVeo.accepted.map((submission) => submission.request.prompt)).toEqual([
			'A close-up of mug number 0\nCorrections from earlier takes: The mug must stay blue.',
			'A close-up of mug number 1\nCorrections from earlier takes: The mug must stay blue.',
		]);
	});
});

describe('Veo Generate: refused before any call', () => {
	// Item 0 is fine; item 1 gets the parameters under test.
	it.each([
		[
			'a 5-second clip on Veo 3.1',
			{ options: onlyItem1({ durationSeconds: 5 }) },
			/^Item 1: options\.durationSeconds: Veo 3\.1 Fast \(veo-3\.1-fast-generate-preview\) does not make 5-second clips \(allowed: 4, 6, 8 seconds\)/,
		],
		[
			'generateAudio on the Gemini API',
			{ options: onlyItem1({ generateAudio: 'on' }) },
			/^Item 1: options\.generateAudio: the Gemini API does not take generateAudio/,
		],
		[
			'a seed on the Gemini API',
			{ options: onlyItem1({ seed: 7 }) },
			/^Item 1: options\.seed: the Gemini API does not take a seed/,
		],
		[
			'a Gemini API id on Vertex AI',
			{
				authentication: 'vertexAiApi',
				model: (index: number) =>
					locator(index === 1 ? 'veo-3.1-fast-generate-preview' : 'veo-3.1-fast-generate-001'),
			},
			/^Item 1: model: Veo 3\.1 Fast \(veo-3\.1-fast-generate-preview\) is not served on the Vertex AI; use one of veo-3\.1-generate-001/,
		],
		[
			'reference images always, on Veo 3',
			{
				model: onlyItem1(locator('veo-3.0-generate-001')),
				images: onlyItem1({ characterReferences: 'always' }),
			},
			/^Item 1: images\.characterReferences: Veo 3 \(veo-3\.0-generate-001\) does not take reference images/,
		],
	])('%s', async (_name, parameters, message) => {
		const error = await run(shotItems(2), { parameters }).catch((caught: Error) => caught);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(message);
		expect((error as { description?: string }).description).toMatch(/^Nothing was sent to Google/);
		expect(mockVeo.submissions).toEqual([]);
	});

	it("names the shot list when the shot's own duration does not fit the model", async () => {
		const items = shotItems(1, (item) => (item.shot.durationSeconds = 5));
		await expect(run(items)).rejects.toThrow(
			/^Item 0: shot\.durationSeconds: Veo 3\.1 Fast .* does not make 5-second clips/,
		);
		expect(mockVeo.submissions).toEqual([]);
	});

	it.each([
		[
			'a null corrective note',
			{ correctiveNotes: [null] },
			/^Item 1: correctiveNotes\[0\]: must be object/,
		],
		['a null take', { takes: [null] }, /^Item 1: takes\[0\]: must be object/],
	])('names the item and the field of %s', async (_name, spoiled, message) => {
		const items = shotItems(2, (item, index) => {
			if (index === 1) Object.assign(item, { status: 'needs_regeneration', ...spoiled });
		});
		const error = await run(items).catch((caught: Error) => caught);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toMatch(message);
		expect(mockVeo.submissions).toEqual([]);
	});

	it('with Continue On Fail, gives an error item for the shot at fault and generates the others', async () => {
		const images = (index: number) => (index === 1 ? { firstFrameProperty: 'still' } : {});
		const { output, shots } = await run(shotItems(3), {
			parameters: { images },
			continueOnFail: true,
		});

		expect(output.map((entry) => entry.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(output[1].json.error).toMatch(
			/^Item 1: images\.firstFrameProperty: names the binary property "still", which item 1 does not have \(it has "ref_mya"\)/,
		);
		expect(output[1].binary).toEqual({ ref_mya: REFERENCE_IMAGE });
		expect([shots[0].status, shots[2].status]).toEqual(['generated', 'generated']);
		expect(mockVeo.accepted).toHaveLength(2);
	});
});

describe('Veo Generate: which items it touches', () => {
	it('passes items whose status asks for no clip through untouched, with their binaries', async () => {
		const clip: IBinaryData = {
			data: 'filesystem-v2',
			id: 'mock:approved-clip',
			mimeType: 'video/mp4',
		};
		const items = shotItems(4, (item, index) => {
			item.status = (['approved', 'failed', 'generated', 'pending'] as const)[index];
			if (index < 3) item.takes = [take(1)];
		});
		items[0].binary = { ...items[0].binary, clip, clip_take1: clip };
		const inputs = structuredClone(items);
		const { output, shots } = await run(items);

		expect(mockVeo.accepted.map((submission) => submission.request.prompt.split('\n')[0])).toEqual([
			'Shot 4 of 4: Beat 4: Mya pours coffee into the mug.',
		]);
		for (const index of [0, 1, 2]) {
			expect(output[index].json).toEqual(inputs[index].json);
			expect(output[index].binary).toEqual(inputs[index].binary);
			expect(output[index].pairedItem).toEqual({ item: index });
		}
		expect(shots[3].status).toBe('generated');
	});

	it('fails a shot that has used its attempts, with the reason, without calling Google', async () => {
		const items = shotItems(1, (item) => {
			item.status = 'needs_regeneration';
			item.takes = [
				take(1),
				take(2),
				take(3, { outcome: 'failed', reason: 'the downloaded clip has no video stream' }),
			];
		});
		const { output, shots } = await run(items, { parameters: { options: { maxAttempts: 3 } } });

		expect(mockVeo.submissions).toEqual([]);
		expect(shots[0].status).toBe('failed');
		expect(shots[0].statusReason).toBe(
			'reached the cap of 3 attempts; last: the downloaded clip has no video stream',
		);
		expect(shots[0].statusHistory.at(-1)).toMatchObject({
			from: 'needs_regeneration',
			to: 'failed',
		});
		expect(output[0].binary).toEqual({ ref_mya: REFERENCE_IMAGE });
	});
});

describe('Veo Generate: what comes out', () => {
	it("attaches every take's clip under its own property and the newest under the clip property", async () => {
		useVeo({ script: { 'Beat 1:': ['truncated'] } });
		const { output, shots } = await run(shotItems(1));

		expect(shots[0].takes.map((t) => [t.attempt, t.outcome, t.clip?.binaryProperty])).toEqual([
			[1, 'failed', undefined],
			[2, 'generated', 'clip_take2'],
		]);
		expect(shots[0].takes[0].reason).toMatch(
			/^the downloaded clip is 4 s long, 8 s were asked for/,
		);
		expect(Object.keys(output[0].binary!).sort()).toEqual(['clip', 'clip_take2', 'ref_mya']);
		expect(output[0].binary!.clip).toBe(output[0].binary!.clip_take2);
		expect(output[0].binary!.clip.id).toMatch(/^mock:/);
	});

	it.each([
		['needs_review', undefined],
		['failed', 'failed'],
	])(
		'records a safety-filtered take with its reasons and routes the shot to %s',
		async (status, option) => {
			useVeo({ script: { 'Beat 1:': ['filtered'] } });
			const { output, shots } = await run(shotItems(1), {
				parameters: { options: { safetyFiltered: option } },
			});

			expect(shots[0].status).toBe(status);
			expect(shots[0].takes[0]).toMatchObject({
				outcome: 'safety_filtered',
				safetyReasons: [SAFETY_REASON],
				costUsd: 0,
			});
			expect(shots[0].takes[0].clip).toBeUndefined();
			expect(output[0].binary?.clip).toBeUndefined();
		},
	);

	it('stops at the budget: unstarted shots stay pending with the reason, and the node says so', async () => {
		const { shots, mock } = await run(shotItems(3), {
			parameters: { options: { budgetUsd: 1.7, concurrency: 1 } },
		});

		expect(shots.map((shot) => shot.status)).toEqual(['generated', 'generated', 'pending']);
		expect(shots[2].statusReason).toBe(
			'not started: the next clip ($0.80) would take the spend of $1.60 over the budget of $1.70',
		);
		expect(shots[2].takes).toEqual([]);
		expect(shots[0].takes[0].costUsd).toBe(0.8);
		expect(mock.hints.map((hint) => hint.message)).toEqual([
			'The budget stopped new submissions after $1.60; unstarted shots are still pending (see statusReason).',
		]);
	});

	it('fails as Google did when it refuses the credential, or gives error items with Continue On Fail', async () => {
		useVeo({ refuseWith: 403 });
		await expect(
			run(shotItems(3), { parameters: { options: { concurrency: 2 } } }),
		).rejects.toThrow(/Google answered 403/);
		// The two sent together were refused; the third was never sent.
		expect(mockVeo.submissions.map((submission) => submission.answer)).toEqual([403, 403]);

		useVeo({ refuseWith: 403 });
		const { output } = await run(shotItems(2), { continueOnFail: true });
		expect(output.map((entry) => [entry.pairedItem, entry.json.error])).toEqual([
			[{ item: 0 }, expect.stringMatching(/Google answered 403/)],
			[{ item: 1 }, expect.stringMatching(/Google answered 403/)],
		]);
	});
});

describe('Veo Generate: Submit Only, then Check and Fetch', () => {
	it('records submitted operations on the takes, and a later Check and Fetch attaches their clips', async () => {
		const submitted = await run(shotItems(3), {
			parameters: { operation: 'submitOnly', options: { concurrency: 2 } },
		});

		expect(mockVeo.accepted).toHaveLength(2);
		expect(mockVeo.checks).toEqual([]);
		expect(submitted.shots.map((shot) => [shot.status, shot.takes[0]?.outcome])).toEqual([
			['pending', 'submitted'],
			['pending', 'submitted'],
			['pending', undefined],
		]);
		expect(submitted.shots[0].takes[0]).toMatchObject({
			operationName: 'operations/1',
			requestedDurationSeconds: 8,
		});
		expect(submitted.shots[2].statusReason).toBe(
			'waiting for a free slot (2 at once); run Submit Only again after Check and Fetch',
		);

		// Both slots are taken until those two are fetched: another Submit Only submits nothing.
		const again = await run(submitted.output, {
			parameters: { operation: 'submitOnly', options: { concurrency: 2 } },
		});
		expect(mockVeo.accepted).toHaveLength(2);
		expect(again.shots.map((shot) => shot.takes.length)).toEqual([1, 1, 0]);

		const fetched = await run(again.output, { parameters: { operation: 'checkAndFetch' } });
		expect(mockVeo.accepted).toHaveLength(2);
		expect(fetched.shots.map((shot) => shot.status)).toEqual(['generated', 'generated', 'pending']);
		expect(fetched.shots[0].takes).toHaveLength(1);
		expect(fetched.shots[0].takes[0]).toMatchObject({
			outcome: 'generated',
			operationName: 'operations/1',
			clip: { binaryProperty: 'clip_take1', durationSeconds: 8 },
		});
		expect(fetched.output[0].binary!.clip).toBe(fetched.output[0].binary!.clip_take1);
		expect(fetched.output[2].binary).toEqual({ ref_mya: REFERENCE_IMAGE });
	});

	it('follows a submitted take from what it recorded alone, also one written before format versions', async () => {
		const submitted = await run(shotItems(1), {
			parameters: { operation: 'submitOnly', promptSource: 'custom', customPrompt: 'A blue mug' },
		});
		// The stored item as version 1 wrote it: no format version, no requested length on the take.
		const stored = structuredClone(submitted.shots[0]) as unknown as Record<string, unknown>;
		delete stored.formatVersion;
		delete (stored.takes as Array<Record<string, unknown>>)[0].requestedDurationSeconds;

		const fetched = await run([{ json: stored as never, binary: submitted.output[0].binary }], {
			// Parameters changed since: neither is asked for, the take says what was submitted.
			parameters: { operation: 'checkAndFetch', customPrompt: 'A green mug' },
		});
		expect(mockVeo.accepted).toHaveLength(1);
		expect(fetched.shots[0].formatVersion).toBe(2);
		expect(fetched.shots[0].takes).toHaveLength(1);
		expect(fetched.shots[0].takes[0]).toMatchObject({
			outcome: 'generated',
			prompt: 'A blue mug',
			requestedDurationSeconds: 8,
			clip: { binaryProperty: 'clip_take1', durationSeconds: 8 },
		});
	});
});
