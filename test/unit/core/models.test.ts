import { InvalidInputError } from '../../../core/failures';
import {
	assertVideoRequest,
	bareModelId,
	checkVideoRequest,
	costOfOutputTokens,
	DEFAULT_VERTEX_VEO_MODEL,
	DEFAULT_VIDEO_MODEL,
	describeDurations,
	estimateCostUsd,
	findVideoModel,
	getVideoModel,
	listVideoModels,
	planningDurations,
	retirementNotice,
	type VideoRequestCheck,
} from '../../../core/models';

function request(overrides: Partial<VideoRequestCheck> = {}): VideoRequestCheck {
	return {
		model: 'veo-3.1-generate-001',
		backend: 'vertex',
		prompt: 'Shot 1: Mya walks into the kitchen.',
		durationSeconds: 8,
		aspectRatio: '16:9',
		resolution: '720p',
		...overrides,
	};
}

const omni = (overrides: Partial<VideoRequestCheck> = {}) =>
	request({ model: 'gemini-omni-1.2-flash', backend: 'gemini', ...overrides });

/** Exactly one refusal, at `path`, with every word given. */
function expectOneRefusal(request: VideoRequestCheck, path: string, ...words: string[]): void {
	const problems = checkVideoRequest(request);
	expect(problems).toHaveLength(1);
	expect(problems[0].path).toBe(path);
	for (const word of words) expect(problems[0].message).toContain(word);
}

function thrownBy(call: () => unknown): InvalidInputError {
	try {
		call();
	} catch (error) {
		if (error instanceof InvalidInputError) return error;
		throw error;
	}
	throw new Error('expected an InvalidInputError');
}

describe('the video model table, December 2026', () => {
	it('serves Gemini Omni on the Gemini API and Omni 1.2 plus Veo 3.1 GA on Vertex AI', () => {
		expect(listVideoModels('gemini').map((model) => model.id)).toEqual([
			'gemini-omni-1.2-flash',
			'gemini-omni-1.1-flash',
		]);
		expect(listVideoModels('vertex').map((model) => model.id)).toEqual([
			'gemini-omni-1.2-flash',
			'gemini-omni-1.1-flash-preview',
			'gemini-omni-flash-preview',
			'veo-3.1-generate-001',
			'veo-3.1-fast-generate-001',
			'veo-3.1-lite-generate-001',
		]);
		for (const model of listVideoModels('vertex')) expect(model.retired.vertex).toBeUndefined();
		for (const model of listVideoModels('gemini')) expect(model.retired.gemini).toBeUndefined();
	});

	it('has defaults that exist today on the backends they are for', () => {
		expect(retirementNotice(getVideoModel(DEFAULT_VIDEO_MODEL), 'gemini')).toBeUndefined();
		expect(retirementNotice(getVideoModel(DEFAULT_VIDEO_MODEL), 'vertex')).toBeUndefined();
		expect(retirementNotice(getVideoModel(DEFAULT_VERTEX_VEO_MODEL), 'vertex')).toBeUndefined();
		expect(getVideoModel(DEFAULT_VIDEO_MODEL).api).toBe('interactions');
		expect(getVideoModel(DEFAULT_VERTEX_VEO_MODEL).api).toBe('predictLongRunning');
	});

	it.each([
		['veo-3.1-fast-generate-preview', '2026-10-22', 'gemini-omni-1.2-flash'],
		['veo-3.1-generate-preview', '2026-10-22', 'gemini-omni-1.2-flash'],
		['veo-3.1-lite-generate-preview', '2026-10-22', 'gemini-omni-1.2-flash'],
		['veo-3.0-generate-001', '2026-06-30', 'gemini-omni-1.2-flash'],
		['veo-2.0-generate-001', '2026-06-30', 'gemini-omni-1.2-flash'],
	])('knows %s as shut down on the Gemini API on %s, replaced by %s', (id, date, replacement) => {
		const error = thrownBy(() => getVideoModel(id, 'modelId'));
		expect(error.firstPath).toBe('modelId');
		expect(error.message).toContain(`${id} was shut down on the Gemini API on ${date}`);
		expect(error.message).toContain(`use ${replacement}`);
		expect(findVideoModel(id)).toMatchObject({ known: true, backends: [] });
	});

	it('knows the Omni preview as shut down on the Gemini API but still served, deprecated, on Vertex AI', () => {
		const preview = getVideoModel('gemini-omni-flash-preview');
		expect(retirementNotice(preview, 'gemini')).toBe(
			'gemini-omni-flash-preview was shut down on the Gemini API on 2026-09-30; use gemini-omni-1.2-flash',
		);
		expect(retirementNotice(preview, 'vertex')).toBeUndefined();
	});

	it('names the Vertex AI replacement of a Veo id retired there', () => {
		expect(retirementNotice(findVideoModel('veo-3.0-fast-generate-001')!, 'vertex')).toBe(
			'veo-3.0-fast-generate-001 was shut down on the Vertex AI on 2026-06-30; use veo-3.1-fast-generate-001',
		);
	});

	it('accepts resource names as well as bare ids', () => {
		expect(bareModelId('models/gemini-omni-1.1-flash')).toBe('gemini-omni-1.1-flash');
		expect(findVideoModel('publishers/google/models/veo-3.1-generate-001')).toMatchObject({
			id: 'veo-3.1-generate-001',
			family: 'veo-3.1',
			api: 'predictLongRunning',
		});
	});

	it.each([
		['gemini-omni-1.2-flash-002', 'gemini-omni-1.2-flash'],
		['gemini-omni-1.3-flash', 'gemini-omni-1.2-flash'],
		['veo-3.1-generate-002', 'veo-3.1'],
		['veo-3.1-fast-generate-002', 'veo-3.1-fast'],
	])('resolves the unpublished but well-formed id %s by its family (%s)', (id, family) => {
		expect(findVideoModel(id)).toMatchObject({ id, family, known: false });
	});

	it.each([
		'gemini-3.5-flash',
		'imagen-4.0-generate-001',
		'veo3-generate',
		'veo-9.0-generate-001',
		'',
	])('refuses %j as not a video model, naming the field and the models served today', (id) => {
		expect(findVideoModel(id)).toBeUndefined();
		const error = thrownBy(() => getVideoModel(id, 'modelId'));
		expect(error.firstPath).toBe('modelId');
		expect(error.message).toContain(`"${id}" is not a video model id`);
		expect(error.message).toContain('gemini-omni-1.2-flash');
	});

	it('plans shots in editorial lengths while Omni allows every second from 3 to 15', () => {
		const omni12 = getVideoModel('gemini-omni-1.2-flash');
		expect(describeDurations(omni12.durations)).toBe('3-15');
		expect(planningDurations(omni12)).toEqual([4, 6, 8]);
		expect(planningDurations(getVideoModel('veo-3.1-generate-001'), '1080p')).toEqual([8]);
		expect(describeDurations([4, 6, 8])).toBe('4, 6, 8');
	});
});

describe('checkVideoRequest', () => {
	it.each([
		['Omni 1.2, 15 s at 4K', omni({ durationSeconds: 15, resolution: '4k' })],
		[
			'Omni 1.2, 3 s at 360p in 9:16',
			omni({ durationSeconds: 3, resolution: '360p', aspectRatio: '9:16' }),
		],
		[
			'Omni 1.1, 6 reference-free seconds',
			omni({ model: 'gemini-omni-1.1-flash', durationSeconds: 6 }),
		],
		['Omni 1.2 with 6 references and a seed', omni({ referenceImageCount: 6, seed: 7 })],
		['an Omni edit', omni({ isEdit: true })],
		['Omni 1.2 on Vertex', omni({ backend: 'vertex' })],
		['Veo 3.1 on Vertex', request({ resolution: '1080p', seed: 7, generateAudio: false })],
		[
			'Veo 3.1 Fast with frames',
			request({
				model: 'veo-3.1-fast-generate-001',
				referenceImageCount: 3,
				hasFirstFrame: true,
				hasLastFrame: true,
			}),
		],
	])('accepts a request that fits (%s)', (_name, fitting) => {
		expect(checkVideoRequest(fitting)).toEqual([]);
		expect(() => assertVideoRequest(fitting)).not.toThrow();
	});

	it('refuses a retired id before any call, naming the replacement', () => {
		expectOneRefusal(
			omni({ model: 'veo-3.1-fast-generate-preview' }),
			'model',
			'was shut down on the Gemini API on 2026-10-22',
			'use gemini-omni-1.2-flash',
		);
	});

	it('refuses Veo on the Gemini API and a Gemini-API-only Omni id on Vertex', () => {
		expectOneRefusal(
			request({ backend: 'gemini' }),
			'model',
			'not served on the Gemini API',
			'gemini-omni-1.2-flash',
		);
		expectOneRefusal(
			omni({ model: 'gemini-omni-1.1-flash', backend: 'vertex' }),
			'model',
			'not served on the Vertex AI',
			'veo-3.1-generate-001',
		);
	});

	it('refuses durations outside each model: 16 s on Omni 1.2, 11 s on Omni 1.1, 5 s on Veo 3.1', () => {
		expectOneRefusal(
			omni({ durationSeconds: 16 }),
			'durationSeconds',
			'Gemini Omni 1.2 Flash',
			'3-15',
		);
		expectOneRefusal(
			omni({ model: 'gemini-omni-1.1-flash', durationSeconds: 11 }),
			'durationSeconds',
			'3-10',
		);
		expectOneRefusal(
			request({ durationSeconds: 5 }),
			'durationSeconds',
			'Veo 3.1 (veo-3.1-generate-001)',
			'4, 6, 8',
		);
	});

	it('refuses frames or references beyond 10 s on Omni 1.2 and more references than each takes', () => {
		expectOneRefusal(
			omni({ durationSeconds: 12, hasFirstFrame: true, hasLastFrame: true }),
			'durationSeconds',
			'needs 3-10 seconds',
		);
		expectOneRefusal(omni({ referenceImageCount: 7 }), 'referenceImages', 'at most 6');
		expectOneRefusal(
			omni({ model: 'gemini-omni-1.1-flash', referenceImageCount: 6 }),
			'referenceImages',
			'at most 5',
		);
		expectOneRefusal(
			request({ referenceImageCount: 4 }),
			'referenceImages',
			'Veo 3.1',
			'at most 3',
		);
	});

	it('refuses 360p on Veo, which starts at 720p, and 1080p at 4 s on Veo 3.1', () => {
		expectOneRefusal(request({ resolution: '360p' }), 'resolution', 'does not offer 360p');
		expectOneRefusal(
			request({ resolution: '1080p', durationSeconds: 4 }),
			'durationSeconds',
			'needs 8 seconds at 1080p',
		);
	});

	it('refuses Veo-only options on Omni: audio switch, person setting, prompt enhancement, several videos', () => {
		expectOneRefusal(
			omni({ generateAudio: false }),
			'generateAudio',
			'always adds audio',
			'takes no audio switch',
		);
		expectOneRefusal(
			omni({ personGeneration: 'allow_adult' }),
			'personGeneration',
			'takes no person-generation',
		);
		expectOneRefusal(omni({ enhancePrompt: true }), 'enhancePrompt', 'no prompt enhancement');
		expectOneRefusal(omni({ numberOfVideos: 2 }), 'numberOfVideos', '1 to 1');
	});

	it('refuses an edit on Veo, which cannot edit a take', () => {
		expectOneRefusal(request({ isEdit: true }), 'correctionMode', 'cannot edit an earlier take');
	});

	it('refuses a last frame without a first frame', () => {
		expectOneRefusal(omni({ hasLastFrame: true }), 'lastFrame', 'needs a first frame');
	});

	it('refuses a prompt over the token limit, and an empty one', () => {
		expectOneRefusal(
			request({ prompt: 'word '.repeat(1000) }),
			'prompt',
			'about 1024 tokens',
			'about 1250',
		);
		expect(checkVideoRequest(omni({ prompt: 'word '.repeat(1000) }))).toEqual([]);
		expectOneRefusal(omni({ prompt: '   ' }), 'prompt', 'is empty');
	});

	it('lists every problem of a request that is wrong in several ways', () => {
		const problems = checkVideoRequest(
			omni({ durationSeconds: 20, generateAudio: true, referenceImageCount: 9 }),
		);
		expect(problems.map((problem) => problem.path).sort()).toEqual([
			'durationSeconds',
			'durationSeconds',
			'generateAudio',
			'referenceImages',
		]);
	});
});

describe('what a take costs', () => {
	const fast = getVideoModel('veo-3.1-fast-generate-001');
	const standard = getVideoModel('veo-3.1-generate-001');
	const omni12 = getVideoModel('gemini-omni-1.2-flash');

	it('prices seconds of output at the per-second rate of the model and resolution', () => {
		expect(estimateCostUsd(fast, 8, '720p')).toBeCloseTo(0.8, 6);
		expect(estimateCostUsd(fast, 8, '1080p')).toBeCloseTo(0.96, 6);
		expect(estimateCostUsd(standard, 8, '4k')).toBeCloseTo(4.8, 6);
		expect(estimateCostUsd(omni12, 8, '720p')).toBeCloseTo(0.81, 2);
		expect(estimateCostUsd(omni12, 8, '360p')).toBeLessThan(estimateCostUsd(omni12, 8, '720p'));
		expect(estimateCostUsd(omni12, 8, '4k')).toBeGreaterThan(estimateCostUsd(omni12, 8, '1080p'));
	});

	it("prices Omni's reported output tokens so that a second of 720p costs about the estimate", () => {
		// 5,792 video tokens per second of 720p output.
		expect(costOfOutputTokens(5792 * 8)).toBeCloseTo(estimateCostUsd(omni12, 8, '720p'), 3);
	});

	it('says where every price comes from', () => {
		for (const model of listVideoModels()) expect(model.priceSource.length).toBeGreaterThan(20);
	});
});
