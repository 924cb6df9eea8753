import type { ILoadOptionsFunctions, INodeExecutionData } from 'n8n-workflow';

import { createShotItems } from '../../core/shotItems';
import type { ShotItem } from '../../core/types';
import { probeMedia } from '../../edges/ffmpeg/ffmpeg';
import type { FaultRule } from '../../google-api-standin/faults';
import { startStandIn, type GoogleApiStandIn } from '../../google-api-standin/server';
import { VeoGenerate } from '../../nodes/VeoGenerate/VeoGenerate.node';
import { locator, mockNodeContext } from '../helpers/mockNodeContext';
import { cafeSpec } from '../helpers/specs';
import { submissionsTo } from './helpers';

/**
 * Veo Generate through its execute(), with the real @google/genai SDK against the Google API
 * stand-in and real ffprobe, on both backends (Omni on the Gemini API, Veo 3.1 on Vertex AI):
 * parallel generation within quota, and what Google
 * gets wrong (429 storms, failed operations, safety filtering, short or cut downloads).
 */

jest.setTimeout(120_000);

type Backend = 'gemini' | 'vertex';
const BACKENDS: Backend[] = ['gemini', 'vertex'];
/** Omni reports an interaction's error with its code; Veo's operation error is the message alone. */
const ERROR_CODE: Record<Backend, string> = { gemini: '13: ', vertex: '' };

/** Gemini Omni on the Gemini API (interactions), Veo 3.1 on Vertex AI (predictLongRunning). */
const MODEL: Record<Backend, string> = {
	gemini: 'gemini-omni-1.2-flash',
	vertex: 'veo-3.1-fast-generate-001',
};

let standIn: GoogleApiStandIn;
beforeAll(async () => {
	standIn = await startStandIn({ latencyMs: 400 });
});
afterEach(() => standIn.configure({ faults: [], maxConcurrentOperations: 10 }));
afterAll(() => standIn.stop());

function shotItems(count: number, durationSeconds = 8): INodeExecutionData[] {
	return createShotItems(cafeSpec(count, durationSeconds), MODEL.gemini).map((json) => ({
		json: json as never,
	}));
}

async function runVeo(
	items: INodeExecutionData[],
	parameters: Record<string, unknown> = {},
	backend: Backend = 'gemini',
) {
	const mock = mockNodeContext({
		items,
		parameters: {
			operation: 'generateAndWait',
			authentication: backend === 'gemini' ? 'geminiApi' : 'vertexAiApi',
			model: locator(MODEL[backend]),
			promptSource: 'compiled',
			extraNegativePrompt: '',
			clipProperty: 'clip',
			images: {},
			...parameters,
			options: {
				pollMinSeconds: 0.1,
				pollMaxSeconds: 1,
				...((parameters.options as object) ?? {}),
			},
		},
		credentials: {
			veoPipelineGeminiApi: { apiKey: 'test-key', baseUrl: standIn.url },
			veoPipelineVertexAiApi: {
				authentication: 'expressApiKey',
				apiKey: 'test-key',
				baseUrl: standIn.url,
			},
		},
	});
	const [output] = await new VeoGenerate().execute.call(mock.context);
	const shots = output.map((entry) => entry.json as unknown as ShotItem);
	const clipFile = (index: number, property = 'clip') =>
		`${mock.binaryDir}/${output[index].binary![property].id!.replace('mock:', '')}`;
	return { output, shots, clipFile };
}

function withFaults(faults: FaultRule[]): void {
	standIn.configure({ faults });
}

describe('Veo Generate against the stand-in', () => {
	it.each([
		['gemini', ['gemini-omni-1.2-flash', 'gemini-omni-1.1-flash'], 'omni'],
		['vertex', ['gemini-omni-1.2-flash', 'veo-3.1-fast-generate-001'], 'fast'],
	] as const)(
		'lists the video models served on each backend, filtered as the user types (%s)',
		async (backend, served, typed) => {
			const { context } = mockNodeContext({
				items: [],
				parameters: { authentication: backend === 'gemini' ? 'geminiApi' : 'vertexAiApi' },
				credentials: {
					veoPipelineGeminiApi: { apiKey: 'test-key', baseUrl: standIn.url },
					veoPipelineVertexAiApi: {
						authentication: 'expressApiKey',
						apiKey: 'test-key',
						baseUrl: standIn.url,
					},
				},
			});
			const search = new VeoGenerate().methods.listSearch.videoModels.bind(
				context as unknown as ILoadOptionsFunctions,
			);
			const all = (await search()).results.map((result) => String(result.value));
			expect(all).toEqual(expect.arrayContaining([...served]));
			// Text models and retired ids are not offered for video.
			expect(all.some((id) => /^gemini-\d/.test(id))).toBe(false);
			expect(all).not.toContain('veo-3.1-fast-generate-preview');
			if (backend === 'gemini') expect(all.some((id) => id.startsWith('veo-'))).toBe(false);
			const filtered = (await search(typed.toUpperCase())).results.map((result) =>
				String(result.value),
			);
			expect(filtered.length).toBeGreaterThan(0);
			expect(filtered.every((id) => id.includes(typed))).toBe(true);
		},
	);

	it.each(BACKENDS)(
		'generates 10 shots with 3 at once and attaches playable clips (%s)',
		async (backend) => {
			standIn.configure({ maxConcurrentOperations: 3 });
			const before = standIn.stats.maxConcurrentOperations;
			const { output, shots, clipFile } = await runVeo(
				shotItems(10),
				{ options: { concurrency: 3 } },
				backend,
			);
			expect(output).toHaveLength(10);
			for (const [index, entry] of output.entries()) {
				const item = shots[index];
				expect(entry.pairedItem).toEqual({ item: index });
				expect(item.status).toBe('generated');
				expect(item.takes).toHaveLength(1);
				expect(item.takes[0].prompt).toContain('mug (a ceramic mug, colour: blue');
				const info = await probeMedia(clipFile(index));
				expect(info.durationSeconds).toBeCloseTo(8, 0);
				expect([info.video?.width, info.video?.height]).toEqual([1280, 720]);
			}
			expect(standIn.stats.maxConcurrentOperations).toBeLessThanOrEqual(Math.max(before, 3));
		},
	);

	it.each(BACKENDS)(
		'rides out a 429 storm and a quota smaller than its own limit: every shot gets its clip (%s)',
		async (backend) => {
			standIn.configure({ maxConcurrentOperations: 2, quotaRetryDelaySeconds: 0.3, seed: 11 });
			withFaults([{ on: 'predict', effect: 'http_429', rate: 0.5, retryDelaySeconds: 0.2 }]);
			const predictsBefore = submissionsTo(standIn);
			const { shots, clipFile } = await runVeo(
				shotItems(5, 4),
				{ options: { concurrency: 4 } },
				backend,
			);

			expect(shots.map((shot) => [shot.status, shot.takes.length])).toEqual(
				Array(5).fill(['generated', 1]),
			);
			// Refused submissions were tried again rather than failing shots.
			expect(submissionsTo(standIn) - predictsBefore).toBeGreaterThan(5);
			for (const index of shots.keys())
				expect((await probeMedia(clipFile(index))).durationSeconds).toBeCloseTo(4, 0);
		},
	);

	it.each(BACKENDS)(
		'retries a failed generation, and fails the shot with the reason once its attempts are used (%s)',
		async (backend) => {
			withFaults([
				{ on: 'predict', effect: 'operation_failed', match: 'Beat 1:', times: 1 },
				{ on: 'predict', effect: 'operation_failed', match: 'Beat 2:' },
			]);
			const { shots, output } = await runVeo(
				shotItems(2, 4),
				{ options: { maxAttempts: 2 } },
				backend,
			);

			expect(shots[0].status).toBe('generated');
			expect(shots[0].takes.map((take) => take.outcome)).toEqual(['failed', 'generated']);
			expect(shots[0].takes[0].reason).toBe(
				`Google reported a failed generation: ${ERROR_CODE[backend]}Video generation failed due to an internal error. Please try again.`,
			);
			expect(output[0].binary!.clip).toBe(output[0].binary!.clip_take2);

			expect(shots[1].status).toBe('failed');
			expect(shots[1].takes.map((take) => take.outcome)).toEqual(['failed', 'failed']);
			expect(shots[1].statusReason).toBe(
				`Google reported a failed generation: ${ERROR_CODE[backend]}Video generation failed due to an internal error. ` +
					'Please try again. (attempt 2 of 2; no attempts left)',
			);
			expect(output[1].binary).toBeUndefined();
		},
	);

	it.each(BACKENDS)(
		"reports a safety-filtered take with Google's reasons and sends the shot to review (%s)",
		async (backend) => {
			withFaults([{ on: 'predict', effect: 'safety_filtered', match: 'Beat 1:' }]);
			const { shots, output } = await runVeo(shotItems(2, 4), {}, backend);

			expect(shots[0].status).toBe('needs_review');
			expect(shots[0].takes).toHaveLength(1);
			expect(shots[0].takes[0]).toMatchObject({ outcome: 'safety_filtered', costUsd: 0 });
			expect(shots[0].takes[0].safetyReasons).toEqual([
				expect.stringMatching(
					/may violate Google's (Responsible AI practices|Generative AI Prohibited Use Policy)/,
				),
			]);
			expect(output[0].binary).toBeUndefined();
			expect(shots[1].status).toBe('generated');
		},
	);

	it.each(BACKENDS)(
		'catches a short clip with ffprobe and makes a new attempt (%s)',
		async (backend) => {
			withFaults([{ on: 'operation', effect: 'truncated_download', match: 'Beat 1:', times: 1 }]);
			const { shots, clipFile } = await runVeo(shotItems(1, 4), {}, backend);

			expect(shots[0].status).toBe('generated');
			expect(shots[0].takes.map((take) => take.outcome)).toEqual(['failed', 'generated']);
			expect(shots[0].takes[0].reason).toMatch(
				/^the downloaded clip does not decode to the end .* \(after 3 downloads\)$/,
			);
			const info = await probeMedia(clipFile(0));
			expect(info.durationSeconds).toBeCloseTo(4, 0);
		},
	);

	it('downloads again after a short download or a connection cut mid-file, within the same take (gemini)', async () => {
		withFaults([
			{ on: 'download', effect: 'truncated_download', match: 'Beat 1:', times: 1 },
			{ on: 'download', effect: 'cut_download', match: 'Beat 2:', times: 1 },
		]);
		const downloadsBefore = standIn.stats.downloads;
		const { shots, clipFile } = await runVeo(shotItems(2, 4));

		expect(shots.map((shot) => [shot.status, shot.takes.length])).toEqual([
			['generated', 1],
			['generated', 1],
		]);
		expect(standIn.stats.downloads - downloadsBefore).toBe(4);
		for (const index of [0, 1])
			expect((await probeMedia(clipFile(index))).durationSeconds).toBeCloseTo(4, 0);
	});

	it('refuses to start, with the install hint, when ffprobe is missing: nothing is paid for', async () => {
		const predictsBefore = submissionsTo(standIn);
		const saved = process.env.FFPROBE_PATH;
		process.env.FFPROBE_PATH = '/nonexistent/ffprobe';
		try {
			await expect(runVeo(shotItems(2, 4))).rejects.toThrow(/ffprobe was not found/);
		} finally {
			if (saved === undefined) delete process.env.FFPROBE_PATH;
			else process.env.FFPROBE_PATH = saved;
		}
		expect(submissionsTo(standIn)).toBe(predictsBefore);
	});
});
