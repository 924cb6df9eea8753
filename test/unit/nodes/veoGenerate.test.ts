import { promises as fs } from 'fs';
import { NodeOperationError, type IBinaryData, type INodeExecutionData } from 'n8n-workflow';
import { tmpdir } from 'os';
import path from 'path';

import { createShotItems } from '../../../core/shotItems';
import type { ShotItem, Take } from '../../../core/types';
import { VeoGenerate } from '../../../nodes/VeoGenerate/VeoGenerate.node';
import { makeClip } from '../../helpers/assembly';
import { FakeVeo, SAFETY_REASON, type FakeVeoOptions } from '../../helpers/fakeVeo';
import { locator, mockNodeContext } from '../../helpers/mockNodeContext';
import { VEO_GENERATE } from '../../helpers/nodeParameters';
import { cafeSpec } from '../../helpers/specs';

/**
 * Veo Generate with the mocked n8n context and an in-memory Veo in place of the Google edge:
 * what each item asks Google for, what is refused before any call, which items are touched, and
 * what comes out. The real SDK against the stand-in is in test/integration.
 */

const OMNI = 'gemini-omni-1.2-flash';
const AT = '2026-11-25T10:00:00.000Z';
const CLIP_REFERENCE = { binaryProperty: 'clip_take1', mimeType: 'video/mp4' };

let mockVeo: FakeVeo;
jest.mock('../../../nodes/VeoGenerate/service', () => ({ videoService: () => mockVeo }));

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
	return createShotItems(spec, OMNI).map((item, index) => {
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
		model: OMNI,
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
	it(
		'compiles the prompt from the production state, adds the extra negative prompt, ' +
			"and sends the bible's reference images bound by name",
		async () => {
			const { shots } = await run(shotItems(2), {
				parameters: { extraNegativePrompt: 'blurry, text' },
			});

			expect(mockVeo.accepted).toHaveLength(2);
			const [request] = mockVeo.accepted.map((submission) => submission.request);
			expect(request).toMatchObject({
				model: OMNI,
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
				{ data: REFERENCE_IMAGE.data, mimeType: 'image/png', label: 'Mya' },
			]);
			expect(request.edit).toBeUndefined();
			expect(request.generateAudio).toBeUndefined();
			expect(request.seed).toBeUndefined();
			expect(shots[0].takes[0]).toMatchObject({
				prompt: request.prompt,
				negativePrompt: 'text, watermark, blurry',
				model: OMNI,
				requestedDurationSeconds: 8,
				mode: 'generate',
			});
		},
	);

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

	it("leaves the bible's reference images out where the model cannot take them (Veo 3.1 below 8 s)", async () => {
		await run(
			shotItems(1, (item) => (item.shot.durationSeconds = 6)),
			{
				parameters: { authentication: 'vertexAiApi', model: locator('veo-3.1-fast-generate-001') },
			},
		);
		expect(mockVeo.accepted[0].request.model).toBe('veo-3.1-fast-generate-001');
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
			'a 16-second clip on Omni 1.2',
			{ options: onlyItem1({ durationSeconds: 16 }) },
			new RegExp(
				String.raw`^Item 1: options\.durationSeconds: Gemini Omni 1\.2 Flash \(gemini-omni-1\.2-flash\) ` +
					String.raw`does not make 16-second clips \(allowed: 3-15 seconds\)`,
			),
		],
		[
			'an audio switch on Omni',
			{ options: onlyItem1({ generateAudio: 'off' }) },
			/^Item 1: options\.generateAudio: Gemini Omni 1\.2 Flash .* takes no audio switch \(it always adds audio\)/,
		],
		[
			'a retired Veo id on the Gemini API',
			{ model: onlyItem1(locator('veo-3.1-fast-generate-preview')) },
			/^Item 1: model: veo-3\.1-fast-generate-preview was shut down on the Gemini API on 2026-10-22; use gemini-omni-1\.2-flash/,
		],
		[
			'a Gemini-API-only Omni id on Vertex AI',
			{
				authentication: 'vertexAiApi',
				model: (index: number) => locator(index === 1 ? 'gemini-omni-1.1-flash' : OMNI),
			},
			/^Item 1: model: gemini-omni-1\.1-flash is not served on the Vertex AI; use one of gemini-omni-1\.2-flash/,
		],
		[
			'reference images always, on Veo 3.1 at 6 s',
			{
				authentication: 'vertexAiApi',
				model: locator('veo-3.1-fast-generate-001'),
				options: onlyItem1({ durationSeconds: 6 }),
				images: onlyItem1({ characterReferences: 'always' }),
			},
			/^Item 1: options\.durationSeconds: Veo 3\.1 Fast \(veo-3\.1-fast-generate-001\) needs 8 seconds for reference images/,
		],
	])('%s', async (_name, parameters, message) => {
		const error = await run(shotItems(2), { parameters }).catch((caught: Error) => caught);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(message);
		// Refused before any call: the hint says nothing went out, or how to pick a model served today.
		expect((error as { description?: string }).description).toMatch(
			/^Nothing was sent to Google|^Google retires video models without notice/,
		);
		expect(mockVeo.submissions).toEqual([]);
	});

	it("names the shot list when the shot's own duration does not fit the model", async () => {
		const items = shotItems(1, (item) => (item.shot.durationSeconds = 20));
		await expect(run(items)).rejects.toThrow(
			/^Item 0: shot\.durationSeconds: Gemini Omni 1\.2 Flash .* does not make 20-second clips/,
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
			// 8 s of Omni 1.2 at 720p: 8 x 5,792 tokens at $17.50 per million, $0.81 a clip.
			'not started: the next clip ($0.81) would take the spend of $1.62 over the budget of $1.70',
		);
		expect(shots[2].takes).toEqual([]);
		expect(shots[0].takes[0].costUsd).toBeCloseTo(0.811, 3);
		expect(mock.hints.map((hint) => hint.message)).toEqual([
			'The budget stopped new submissions after $1.62; unstarted shots are still pending (see statusReason).',
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
		expect(fetched.shots[0].formatVersion).toBe(3);
		expect(fetched.shots[0].takes).toHaveLength(1);
		expect(fetched.shots[0].takes[0]).toMatchObject({
			outcome: 'generated',
			prompt: 'A blue mug',
			requestedDurationSeconds: 8,
			clip: { binaryProperty: 'clip_take1', durationSeconds: 8 },
		});
	});
});

describe('Veo Generate: a rejected take fixed by an edit', () => {
	/** Shot 1 rejected by a person with a note about its only take, an Omni interaction. */
	const rejected = () =>
		shotItems(1, (item) => {
			item.status = 'needs_regeneration';
			item.takes = [
				take(1, { id: 'shot-01-take-1', operationName: 'interaction-41', clip: CLIP_REFERENCE }),
			];
			item.correctiveNotes = [
				{ source: 'review', text: 'The mug must be blue', takeId: 'shot-01-take-1', at: AT },
			];
		});

	it('edits the rejected take on its own interaction and records the take as an edit of it', async () => {
		const { shots } = await run(rejected());
		const [request] = mockVeo.accepted.map((submission) => submission.request);
		expect(request.edit).toEqual({
			previousOperation: 'interaction-41',
			instruction: 'The mug must be blue. Keep everything else the same.',
		});
		expect(shots[0].takes[1]).toMatchObject({ attempt: 2, mode: 'edit', editOf: 'shot-01-take-1' });
		expect(shots[0].status).toBe('generated');
	});

	it('generates anew when told to, with the note in the prompt', async () => {
		const { shots } = await run(rejected(), {
			parameters: { options: { correctionMode: 'regenerate' } },
		});
		const [request] = mockVeo.accepted.map((submission) => submission.request);
		expect(request.edit).toBeUndefined();
		expect(request.prompt).toContain('Corrections from earlier takes: The mug must be blue.');
		expect(shots[0].takes[1]).toMatchObject({ mode: 'generate' });
		expect(shots[0].takes[1].editOf).toBeUndefined();
	});

	it('generates anew, and says why, when the rejected take was made by a model that cannot be edited', async () => {
		const items = rejected();
		(items[0].json as unknown as ShotItem).takes[0].model = 'veo-3.1-fast-generate-001';
		const { shots } = await run(items);
		expect(mockVeo.accepted[0].request.edit).toBeUndefined();
		expect(shots[0].takes[1].editFallback).toBe(
			'shot-01-take-1 was made by veo-3.1-fast-generate-001, which gemini-omni-1.2-flash cannot edit',
		);
	});
});

describe('Veo Generate: continuing shots start from the previous last frame', () => {
	let clipBase64: string;
	beforeAll(async () => {
		const dir = await fs.mkdtemp(path.join(tmpdir(), 'veo-continuity-'));
		try {
			await makeClip(path.join(dir, 'clip.mp4'), { color: 'orange', seconds: 1, tone: 0 });
			clipBase64 = (await fs.readFile(path.join(dir, 'clip.mp4'))).toString('base64');
		} finally {
			await fs.rm(dir, { recursive: true, force: true });
		}
	});

	/** Shot 2 continues shot 1; shot 1 in the given state. */
	function film(previous: 'pending' | 'approved') {
		const items = shotItems(2, (item, index) => {
			item.shot.continuousWithPrevious = index === 1;
			if (index === 0 && previous === 'approved') {
				item.status = 'approved';
				item.takes = [take(1, { id: 'shot-01-take-1', clip: CLIP_REFERENCE })];
			}
		});
		if (previous === 'approved') {
			items[0].binary = {
				...items[0].binary,
				clip_take1: { data: clipBase64, mimeType: 'video/mp4', fileName: 'take1.mp4' },
			};
		}
		return items;
	}

	it('holds a continuing shot, saying why, while the previous shot is not approved', async () => {
		const { shots } = await run(film('pending'), {
			parameters: { options: { continuityFrames: true } },
		});
		expect(mockVeo.accepted.map((submission) => submission.request.prompt.split('\n')[0])).toEqual([
			'Shot 1 of 2: Beat 1: Mya pours coffee into the mug.',
		]);
		expect(shots[1]).toMatchObject({
			status: 'pending',
			statusReason: 'waiting for shot-01 to be approved: this shot starts from its last frame',
			takes: [],
		});
	});

	it("starts the shot from the approved take's last frame, and the take says whose", async () => {
		const { shots } = await run(film('approved'), {
			parameters: { options: { continuityFrames: true } },
		});
		expect(mockVeo.accepted).toHaveLength(1);
		const { firstFrame } = mockVeo.accepted[0].request;
		expect(firstFrame?.mimeType).toBe('image/jpeg');
		// A real JPEG made by ffmpeg from the previous clip's end.
		expect(Buffer.from(firstFrame!.data, 'base64').subarray(0, 3)).toEqual(
			Buffer.from([0xff, 0xd8, 0xff]),
		);
		expect(shots[1].takes[0]).toMatchObject({ firstFrameFrom: 'shot-01-take-1' });
	});

	it('leaves continuing shots alone when the option is off', async () => {
		await run(film('pending'));
		expect(mockVeo.accepted).toHaveLength(2);
		expect(mockVeo.accepted.every((submission) => !submission.request.firstFrame)).toBe(true);
	});
});
