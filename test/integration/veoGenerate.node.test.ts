import type { INodeExecutionData } from 'n8n-workflow';

import { createShotItems } from '../../core/shotItems';
import type { ShotItem } from '../../core/types';
import { probeMedia } from '../../edges/ffmpeg/ffmpeg';
import { startStandIn, type GoogleApiStandIn } from '../../google-api-standin/server';
import { VeoGenerate } from '../../nodes/VeoGenerate/VeoGenerate.node';
import { locator, mockNodeContext } from '../helpers/mockNodeContext';
import { cafeSpec } from '../helpers/specs';

jest.setTimeout(120_000);

let standIn: GoogleApiStandIn;
beforeAll(async () => {
	standIn = await startStandIn({ latencyMs: 400 });
});
afterAll(() => standIn.stop());

function shotItems(count: number, durationSeconds = 8): INodeExecutionData[] {
	return createShotItems(cafeSpec(count, durationSeconds), 'veo-3.1-fast-generate-preview').map((json) => ({ json: json as never }));
}

async function runVeo(items: INodeExecutionData[], parameters: Record<string, unknown> = {}, backend: 'gemini' | 'vertex' = 'gemini') {
	const mock = mockNodeContext({
		items,
		parameters: {
			operation: 'generateAndWait',
			authentication: backend === 'gemini' ? 'geminiApi' : 'vertexAi',
			model: locator(backend === 'gemini' ? 'veo-3.1-fast-generate-preview' : 'veo-3.1-fast-generate-001'),
			promptSource: 'compiled',
			extraNegativePrompt: '',
			clipProperty: 'clip',
			images: {},
			...parameters,
			options: { pollMinSeconds: 0.1, pollMaxSeconds: 1, ...((parameters.options as object) ?? {}) },
		},
		credentials: {
			veoPipelineGeminiApi: { apiKey: 'test-key', baseUrl: standIn.url },
			veoPipelineVertexAi: { authentication: 'expressApiKey', apiKey: 'test-key', baseUrl: standIn.url },
		},
	});
	const [output] = await new VeoGenerate().execute.call(mock.context);
	return { output, mock };
}

describe('Veo Generate against the stand-in', () => {
	it.each(['gemini', 'vertex'] as const)('generates 10 shots with 3 at once and attaches playable clips (%s)', async (backend) => {
		standIn.configure({ maxConcurrentOperations: 3, faults: [] });
		const before = standIn.stats.maxConcurrentOperations;
		const { output, mock } = await runVeo(shotItems(10), { options: { concurrency: 3 } }, backend);
		expect(output).toHaveLength(10);
		for (const [index, entry] of output.entries()) {
			const item = entry.json as unknown as ShotItem;
			expect(entry.pairedItem).toEqual({ item: index });
			expect(item.status).toBe('generated');
			expect(item.takes).toHaveLength(1);
			expect(item.takes[0].prompt).toContain('mug (a ceramic mug, colour: blue');
			const clip = entry.binary!.clip;
			const file = `${mock.binaryDir}/${clip.id!.replace('mock:', '')}`;
			const info = await probeMedia(file);
			expect(info.durationSeconds).toBeCloseTo(8, 0);
			expect([info.video?.width, info.video?.height]).toEqual([1280, 720]);
		}
		expect(standIn.stats.maxConcurrentOperations).toBeLessThanOrEqual(Math.max(before, 3));
	});
});
