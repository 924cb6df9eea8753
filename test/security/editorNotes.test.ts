import type { INodeExecutionData } from 'n8n-workflow';

import { estimatePromptTokens, findVideoModel } from '../../core/models';
import { createShotItems } from '../../core/shotItems';
import type { ShotItem } from '../../core/types';
import { VeoGenerate } from '../../nodes/VeoGenerate/VeoGenerate.node';
import { FakeVeo } from '../helpers/fakeVeo';
import { locator, mockNodeContext } from '../helpers/mockNodeContext';
import { VEO_GENERATE } from '../helpers/nodeParameters';
import { cafeSpec } from '../helpers/specs';

/**
 * Editor notes never stop generation (issue 15, point 11). Two 2,000-character notes on a shot
 * made the next Veo Generate fail for the whole batch ("prompt: takes prompts of about 1024
 * tokens"): the corrections were appended whole. Now they are fitted into the model's limit, the
 * newest first, and the board takes only notes the prompt can hold (test/security/reviewLink.test.ts).
 */

const VEO = 'veo-3.1-fast-generate-001';
const AT = '2026-11-25T10:00:00.000Z';

let mockVeo: FakeVeo;
jest.mock('../../nodes/VeoGenerate/service', () => ({ videoService: () => mockVeo }));

const longNote = (opening: string) => `${opening} `.repeat(200).slice(0, 2000);

/** Shots rejected twice by an editor, each time with a 2,000-character note. */
function rejectedTwice(count: number): INodeExecutionData[] {
	return createShotItems(cafeSpec(count), VEO).map((item: ShotItem) => ({
		json: {
			...item,
			status: 'needs_regeneration',
			takes: [1, 2].map((attempt) => ({
				id: `${item.shot.id}-take-${attempt}`,
				attempt,
				prompt: 'an earlier prompt',
				negativePrompt: '',
				model: VEO,
				requestedDurationSeconds: item.shot.durationSeconds,
				outcome: 'generated',
				costUsd: 0.6,
				timings: { submittedAt: AT },
			})),
			correctiveNotes: [
				{ source: 'review', text: longNote('The mug must be blue.'), takeId: 'take-1', at: AT },
				{ source: 'review', text: longNote('Keep the camera still.'), takeId: 'take-2', at: AT },
			],
		} as never,
	}));
}

it('generates every shot whose notes hold 4,000 characters, each prompt within the model limit, the newest note first', async () => {
	mockVeo = new FakeVeo({ now: Date.now, fileBytes: 64 });
	const mock = mockNodeContext({
		items: rejectedTwice(3),
		nodeType: 'n8n-nodes-veo-pipeline.veoGenerate',
		parameters: { ...VEO_GENERATE, authentication: 'vertexAiApi', model: locator(VEO) },
		credentials: { veoPipelineVertexAiApi: { authentication: 'expressApiKey', apiKey: 'k' } },
	});
	const [output] = await new VeoGenerate().execute.call(mock.context);

	expect(output.map((entry) => (entry.json as unknown as ShotItem).status)).toEqual([
		'generated',
		'generated',
		'generated',
	]);
	const limit = findVideoModel(VEO)!.maxPromptTokens;
	expect(limit).toBe(1024);
	for (const { request } of mockVeo.accepted) {
		expect(estimatePromptTokens(request.prompt)).toBeLessThanOrEqual(limit);
		const corrections = request.prompt.split('\n').at(-1)!;
		expect(corrections).toMatch(/^Corrections from earlier takes: /);
		expect(corrections).toContain('Keep the camera still.');
	}
	expect(mockVeo.accepted).toHaveLength(3);
});
