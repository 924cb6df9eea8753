import { InvalidInputError } from '../../../core/failures';
import {
	assertVideoRequest,
	bareModelId,
	checkVideoRequest,
	estimateCostUsd,
	findVeoModel,
	getVeoModel,
	listKnownVeoModels,
	type VideoRequestCheck,
} from '../../../core/models';

function request(overrides: Partial<VideoRequestCheck> = {}): VideoRequestCheck {
	return {
		model: 'veo-3.1-generate-preview',
		backend: 'gemini',
		prompt: 'Shot 1: Mya walks into the kitchen.',
		durationSeconds: 8,
		aspectRatio: '16:9',
		resolution: '720p',
		...overrides,
	};
}

/** Exactly one refusal, at `path`, naming the model when `modelName` is given. */
function expectOneRefusal(
	overrides: Partial<VideoRequestCheck>,
	path: string,
	...words: string[]
): void {
	const problems = checkVideoRequest(request(overrides));
	expect(problems).toHaveLength(1);
	expect(problems[0].path).toBe(path);
	for (const word of words) expect(problems[0].message).toContain(word);
}

describe('the Veo model table', () => {
	it('lists the published ids for each backend', () => {
		const gemini = listKnownVeoModels('gemini').map((model) => model.id);
		const vertex = listKnownVeoModels('vertex').map((model) => model.id);
		expect(gemini).toEqual(
			expect.arrayContaining([
				'veo-3.1-generate-preview',
				'veo-3.1-fast-generate-preview',
				'veo-3.0-generate-001',
				'veo-2.0-generate-001',
			]),
		);
		expect(vertex).toEqual(
			expect.arrayContaining([
				'veo-3.1-generate-001',
				'veo-3.1-fast-generate-001',
				'veo-3.0-generate-001',
				'veo-2.0-generate-001',
			]),
		);
		// Preview ids are Gemini API only, GA 3.1 ids Vertex only.
		expect(vertex).not.toContain('veo-3.1-generate-preview');
		expect(gemini).not.toContain('veo-3.1-generate-001');
		expect(listKnownVeoModels().length).toBeGreaterThanOrEqual(
			new Set([...gemini, ...vertex]).size,
		);
	});

	it.each([
		['veo-3.1-generate-preview', 'veo-3.1', ['gemini']],
		['veo-3.1-fast-generate-001', 'veo-3.1-fast', ['vertex']],
		['veo-3.0-fast-generate-001', 'veo-3-fast', ['gemini', 'vertex']],
		['veo-2.0-generate-001', 'veo-2', ['gemini', 'vertex']],
	])('knows %s as %s on %j', (id, family, backends) => {
		const model = findVeoModel(id)!;
		expect(model).toMatchObject({ id, family, backends, known: true });
	});

	it('accepts resource names as well as bare ids', () => {
		expect(bareModelId('models/veo-3.1-generate-preview')).toBe('veo-3.1-generate-preview');
		expect(findVeoModel('publishers/google/models/veo-3.0-generate-001')).toMatchObject({
			id: 'veo-3.0-generate-001',
			family: 'veo-3',
		});
		expect(findVeoModel('  models/veo-2.0-generate-001 ')?.family).toBe('veo-2');
	});

	it.each([
		['veo-3.1-generate-002', 'veo-3.1'],
		['veo-3.1-fast-generate-002', 'veo-3.1-fast'],
		['veo-3.1-lite-generate-001', 'veo-3.1-lite'],
		['veo-3.0-generate-preview', 'veo-3'],
		['veo-3.0-fast-generate-002', 'veo-3-fast'],
		['veo-2.0-generate-exp', 'veo-2'],
	])('resolves the unpublished but well-formed id %s by its family (%s)', (id, family) => {
		const model = findVeoModel(id)!;
		expect(model).toMatchObject({ id, family, known: false, backends: ['gemini', 'vertex'] });
	});

	it.each([
		'gemini-2.5-flash',
		'imagen-4.0-generate-001',
		'veo3-generate',
		'veo-9.0-generate-001',
		'',
	])('refuses %j as not a Veo model, naming the field and the known ids', (id) => {
		expect(findVeoModel(id)).toBeUndefined();
		let error: InvalidInputError | undefined;
		try {
			getVeoModel(id, 'modelId');
		} catch (thrown) {
			error = thrown as InvalidInputError;
		}
		expect(error).toBeInstanceOf(InvalidInputError);
		expect(error!.firstPath).toBe('modelId');
		expect(error!.message).toContain(`"${id}" is not a Veo model id`);
		expect(error!.message).toContain('veo-3.1-fast-generate-preview');
	});
});

describe('checkVideoRequest', () => {
	it.each([
		['gemini', 'veo-3.1-generate-preview', {}],
		['gemini', 'veo-3.1-fast-generate-preview', { durationSeconds: 4, aspectRatio: '9:16' }],
		['gemini', 'veo-2.0-generate-001', { durationSeconds: 5 }],
		['vertex', 'veo-3.1-generate-001', { resolution: '1080p', seed: 7, generateAudio: false }],
		[
			'vertex',
			'veo-3.1-fast-generate-001',
			{ referenceImageCount: 3, hasFirstFrame: true, hasLastFrame: true },
		],
		['vertex', 'veo-3.0-generate-001', { resolution: '1080p' }],
	] as const)('accepts a request that fits (%s, %s, %j)', (backend, model, overrides) => {
		expect(checkVideoRequest(request({ backend, model, ...overrides }))).toEqual([]);
		expect(() => assertVideoRequest(request({ backend, model, ...overrides }))).not.toThrow();
	});

	it('refuses a duration the model does not make (5 s on Veo 3.1)', () => {
		expectOneRefusal(
			{ durationSeconds: 5 },
			'durationSeconds',
			'Veo 3.1 (veo-3.1-generate-preview)',
			'5-second',
			'4, 6, 8',
		);
	});

	it('refuses 4 s on Veo 2, whose durations differ', () => {
		expectOneRefusal(
			{ model: 'veo-2.0-generate-001', durationSeconds: 4 },
			'durationSeconds',
			'Veo 2',
			'5, 6, 8',
		);
	});

	it('refuses 1080p at 4 s on Veo 3.1 (1080p needs 8 s)', () => {
		expectOneRefusal(
			{ resolution: '1080p', durationSeconds: 4 },
			'durationSeconds',
			'Veo 3.1',
			'needs 8 seconds at 1080p',
		);
	});

	it('refuses 1080p in 9:16 on Veo 3', () => {
		expectOneRefusal(
			{ model: 'veo-3.0-generate-001', resolution: '1080p', aspectRatio: '9:16' },
			'aspectRatio',
			'Veo 3 (veo-3.0-generate-001)',
			'16:9',
		);
	});

	it('refuses a resolution the model does not offer (4k on Veo 2)', () => {
		expectOneRefusal(
			{ model: 'veo-2.0-generate-001', resolution: '4k' },
			'resolution',
			'Veo 2',
			'720p',
		);
	});

	it('refuses reference images on Veo 3', () => {
		expectOneRefusal(
			{ model: 'veo-3.0-generate-001', referenceImageCount: 1 },
			'referenceImages',
			'Veo 3 (veo-3.0-generate-001)',
			'does not take reference images',
		);
	});

	it('refuses more than 3 reference images on Veo 3.1', () => {
		expectOneRefusal(
			{ referenceImageCount: 4 },
			'referenceImages',
			'Veo 3.1',
			'at most 3',
			'got 4',
		);
	});

	it('refuses reference images at a duration other than 8 s', () => {
		expectOneRefusal(
			{ referenceImageCount: 1, durationSeconds: 6 },
			'durationSeconds',
			'needs 8 seconds for reference images',
		);
	});

	it('refuses a last frame without a first frame', () => {
		expectOneRefusal({ hasLastFrame: true }, 'lastFrame', 'Veo 3.1', 'needs a first frame');
	});

	it('refuses generateAudio on the Gemini API, whatever its value', () => {
		expectOneRefusal(
			{ generateAudio: false },
			'generateAudio',
			'Gemini API does not take generateAudio',
			'Vertex AI',
		);
		expectOneRefusal({ generateAudio: true }, 'generateAudio', 'Gemini API');
	});

	it('refuses audio from Veo 2 on Vertex, which makes silent video', () => {
		expectOneRefusal(
			{ backend: 'vertex', model: 'veo-2.0-generate-001', generateAudio: true },
			'generateAudio',
			'Veo 2',
			'silent',
		);
	});

	it('refuses a seed on the Gemini API but not on Vertex AI', () => {
		expectOneRefusal({ seed: 42 }, 'seed', 'Gemini API does not take a seed');
		expect(
			checkVideoRequest(request({ backend: 'vertex', model: 'veo-3.1-generate-001', seed: 42 })),
		).toEqual([]);
	});

	it('refuses a Gemini-only id on Vertex AI, suggesting the Vertex ids', () => {
		expectOneRefusal(
			{ backend: 'vertex', model: 'veo-3.1-fast-generate-preview' },
			'model',
			'Veo 3.1 Fast (veo-3.1-fast-generate-preview)',
			'not served on the Vertex AI',
			'veo-3.1-fast-generate-001',
		);
	});

	it('refuses a Vertex-only id on the Gemini API', () => {
		expectOneRefusal(
			{ model: 'veo-3.1-generate-001' },
			'model',
			'not served on the Gemini API',
			'veo-3.1-generate-preview',
		);
	});

	it('refuses a prompt over the token limit, and an empty one', () => {
		expectOneRefusal(
			{ prompt: 'word '.repeat(1000) },
			'prompt',
			'Veo 3.1',
			'about 1024 tokens',
			'about 1250',
		);
		expect(checkVideoRequest(request({ prompt: 'x'.repeat(4 * 1024) }))).toEqual([]);
		expectOneRefusal({ prompt: '   ' }, 'prompt', 'is empty');
	});

	it('refuses more videos per request than the model makes', () => {
		expectOneRefusal({ numberOfVideos: 2 }, 'numberOfVideos', 'Veo 3.1', '1 to 1');
		expect(
			checkVideoRequest(request({ model: 'veo-2.0-generate-001', numberOfVideos: 2 })),
		).toEqual([]);
	});

	it('refuses a non-Veo id', () => {
		expectOneRefusal({ model: 'gemini-2.5-flash' }, 'model', 'not a Veo model id');
	});

	it('lists every problem of a request that is wrong in several ways', () => {
		const problems = checkVideoRequest(
			request({ durationSeconds: 5, seed: 1, referenceImageCount: 5 }),
		);
		expect(problems.map((problem) => problem.path).sort()).toEqual([
			'durationSeconds',
			'durationSeconds',
			'referenceImages',
			'seed',
		]);
		expect(() => assertVideoRequest(request({ durationSeconds: 5 }))).toThrow(InvalidInputError);
	});
});

describe('estimateCostUsd', () => {
	const fast = getVeoModel('veo-3.1-fast-generate-preview');
	const standard = getVeoModel('veo-3.1-generate-preview');
	const veo2 = getVeoModel('veo-2.0-generate-001');

	it('prices seconds of output at the published per-second rate of the model and resolution', () => {
		expect(estimateCostUsd(fast, 8, '720p')).toBeCloseTo(0.8, 6);
		expect(estimateCostUsd(fast, 8, '1080p')).toBeCloseTo(0.96, 6);
		expect(estimateCostUsd(standard, 8, '720p')).toBeCloseTo(3.2, 6);
		expect(estimateCostUsd(standard, 8, '4k')).toBeCloseTo(4.8, 6);
		expect(estimateCostUsd(veo2, 5, '720p')).toBeCloseTo(1.75, 6);
	});

	it('grows with duration and number of videos, and Fast is cheaper than standard', () => {
		expect(estimateCostUsd(fast, 4, '720p') * 2).toBeCloseTo(estimateCostUsd(fast, 8, '720p'), 6);
		expect(estimateCostUsd(veo2, 8, '720p', 2)).toBeCloseTo(
			2 * estimateCostUsd(veo2, 8, '720p'),
			6,
		);
		for (const resolution of ['720p', '1080p', '4k'] as const) {
			expect(estimateCostUsd(fast, 8, resolution)).toBeLessThan(
				estimateCostUsd(standard, 8, resolution),
			);
		}
	});

	it('applies the same price to an unpublished id of the family', () => {
		expect(estimateCostUsd(getVeoModel('veo-3.1-fast-generate-002'), 6, '1080p')).toBe(
			estimateCostUsd(fast, 6, '1080p'),
		);
	});
});
