import { DEFAULT_TEXT_MODEL } from '../../core/models';
import type { ShotItem } from '../../core/types';
import { startStandIn, type GoogleApiStandIn } from '../../google-api-standin/server';
import { SceneSpec } from '../../nodes/SceneSpec/SceneSpec.node';
import { locator, mockNodeContext } from '../helpers/mockNodeContext';

/** Scene Spec From Brief through the real @google/genai SDK, against the Google API stand-in. */

let standIn: GoogleApiStandIn;
beforeAll(async () => {
	standIn = await startStandIn();
});
afterAll(() => standIn.stop());

async function draft(
	parameters: Record<string, unknown> = {},
	backend: 'gemini' | 'vertex' = 'gemini',
) {
	const mock = mockNodeContext({
		parameters: {
			operation: 'fromBrief',
			authentication: backend === 'gemini' ? 'geminiApi' : 'vertexAiApi',
			brief:
				'At dusk, Mya opens the café and pours coffee into the blue mug. She smiles at the first customer.',
			title: 'First Pour',
			targetDurationSeconds: 24,
			aspectRatio: '16:9',
			resolution: '720p',
			model: 'gemini-omni-1.2-flash',
			shotCount: 0,
			characters: {
				character: [
					{
						name: 'Mya',
						description: 'a barista with short black hair and a green apron',
						referenceImageProperty: '',
					},
				],
			},
			houseStyle: 'Warm, optimistic.',
			languageModel: locator(DEFAULT_TEXT_MODEL),
			output: 'perShot',
			maxShots: 200,
			...parameters,
		},
		items: [{ json: {} }],
		credentials: {
			veoPipelineGeminiApi: { apiKey: 'k', baseUrl: standIn.url },
			veoPipelineVertexAiApi: {
				authentication: 'expressApiKey',
				apiKey: 'k',
				baseUrl: standIn.url,
			},
		},
	});
	const [output] = await new SceneSpec().execute.call(mock.context);
	return output.map((entry) => entry.json as unknown as ShotItem);
}

beforeEach(() => standIn.configure({ faults: [] }));

it.each(['gemini', 'vertex'] as const)(
	'turns a brief into a valid spec that fits the model and the target (%s)',
	async (backend) => {
		const before = standIn.stats.generateContentRequests;
		const items = await draft({}, backend);
		expect(standIn.stats.generateContentRequests - before).toBe(1);
		expect(items).toHaveLength(3);
		const total = items.reduce((sum, item) => sum + item.shot.durationSeconds, 0);
		expect(Math.abs(total - 24)).toBeLessThanOrEqual(8);
		expect(items[0].bible.characters.map((c) => c.id)).toContain('mya');
		expect(items[0].bible.props.find((p) => p.id === 'mug')?.color).toBe('blue');
		expect(items[0].provenance).toEqual({
			mode: 'fromBrief',
			promptVersion: 'scene-spec-from-brief/v1',
			languageModel: DEFAULT_TEXT_MODEL,
		});
		expect(standIn.stats.keysInUrl).toBe(0);
	},
);

it.each(['schema_violation', 'invalid_json'] as const)(
	're-asks once when the answer is unusable (%s), quoting the problems',
	async (effect) => {
		standIn.configure({ faults: [{ on: 'generateContent', effect, times: 1 }] });
		const before = standIn.stats.generateContentRequests;
		const items = await draft();
		expect(standIn.stats.generateContentRequests - before).toBe(2);
		expect(items.length).toBeGreaterThan(0);
	},
);

it('fails clearly when the re-ask is unusable too', async () => {
	standIn.configure({ faults: [{ on: 'generateContent', effect: 'schema_violation', times: 2 }] });
	await expect(draft()).rejects.toThrow(
		/Item 0: The model's scene spec was invalid twice .*bible: is required/,
	);
});
