import type { ShotItem } from '../../core/types';
import { probeMedia } from '../../edges/ffmpeg/ffmpeg';
import {
	nodeRuns,
	startN8n,
	type Execution,
	type ExecutionItem,
	type RunningN8n,
} from '../../n8n-runtime';
import {
	chainWorkflow,
	kitchenSceneSpec,
	generationLoopNodes,
	loopBackToSubmit,
	sceneSpecFromBodyNode,
	veoGenerateNode,
	webhookNode,
} from '../harness/workflows';
import { submissionsTo } from '../integration/helpers';

/**
 * Veo Generate inside real n8n (started by the harness, package installed as a community
 * package) against the Google API stand-in: Scene Spec -> Veo Generate leaves playable clips in
 * n8n's binary-data store, and a long job split into Submit Only -> Wait -> Check and Fetch,
 * looping until no shot is pending or in flight, survives a restart of n8n while it waits.
 */

const CREDENTIAL = 'Stand-in Gemini';
/** The Wait node keeps waits under 65 s in memory; longer ones are saved and survive a restart. */
const PERSISTED_WAIT_SECONDS = 66;

const sceneSpec = (shotCount: number) => kitchenSceneSpec('Morning Ritual', shotCount);

type ShotOutput = ExecutionItem & { json: ShotItem };

/** The shot items a node gave in each of its runs. */
function runsOf(execution: Execution, nodeName: string): ShotOutput[][] {
	return nodeRuns(execution, nodeName) as ShotOutput[][];
}

describe('Veo Generate in n8n', () => {
	let n8n: RunningN8n;

	beforeAll(async () => {
		n8n = await startN8n({ standIn: { latencyMs: 3000 } });
		await n8n.api.createCredential({
			name: CREDENTIAL,
			type: 'veoPipelineGeminiApi',
			data: { apiKey: 'test-key', baseUrl: n8n.standIn!.url },
		});
	});

	afterAll(async () => {
		await n8n?.stop();
	});

	async function expectPlayableClip(item: ShotOutput): Promise<void> {
		const take = item.json.takes.at(-1)!;
		expect(take.outcome).toBe('generated');
		const clip = item.binary![take.clip!.binaryProperty];
		expect(item.binary!.clip).toEqual(clip);
		expect(clip.mimeType).toBe('video/mp4');
		const info = await probeMedia(n8n.binaryFile(clip));
		expect(info.durationSeconds).toBeCloseTo(4, 0);
		expect([info.video?.width, info.video?.height]).toEqual([1280, 720]);
	}

	it('Scene Spec -> Veo Generate leaves playable clips in the binary-data store', async () => {
		const workflow = await n8n.api.importWorkflow(
			chainWorkflow('Generate and wait', [
				webhookNode('veo-generate', { responseMode: 'onReceived' }),
				sceneSpecFromBodyNode(),
				veoGenerateNode(CREDENTIAL),
			]),
			{ activate: true },
		);
		await n8n.api.callWebhook('veo-generate', { body: sceneSpec(2) });
		const execution = await n8n.api.waitForExecution(
			{ workflowId: workflow.id },
			'success',
			120_000,
		);

		const [items] = runsOf(execution, 'Veo Generate');
		expect(items.map((item) => item.json.status)).toEqual(['generated', 'generated']);
		// On a Gemini API credential the clips come from Gemini Omni, through interactions.
		for (const item of items) {
			expect(item.json.takes[0]).toMatchObject({
				model: 'gemini-omni-1.2-flash',
				mode: 'generate',
			});
			expect(item.json.takes[0].operationName).not.toContain('/operations/');
			expect(item.json.takes[0].outputTokens).toBeGreaterThan(0);
			await expectPlayableClip(item);
		}
	});

	it("a workflow saved by 0.1.x on its Vertex AI credential type runs as before, beside one on the type's new name", async () => {
		const types = (await n8n.api.credentialTypes()) as Array<{ name: string; hidden?: boolean }>;
		const typeNamed = (name: string) => types.find((type) => type.name === name);
		expect(typeNamed('veoPipelineVertexAi')).toMatchObject({ hidden: true });
		expect(typeNamed('veoPipelineVertexAiApi')).toBeDefined();
		expect(typeNamed('veoPipelineVertexAiApi')!.hidden).toBeFalsy();

		// Authentication 'vertexAi' with a veoPipelineVertexAi credential is what 0.1.x saved.
		for (const [type, authentication] of [
			['veoPipelineVertexAi', 'vertexAi'],
			['veoPipelineVertexAiApi', 'vertexAiApi'],
		] as const) {
			const credential = `Stand-in Vertex AI (${type})`;
			await n8n.api.createCredential({
				name: credential,
				type,
				data: { authentication: 'expressApiKey', apiKey: 'test-key', baseUrl: n8n.standIn!.url },
			});
			const generate = veoGenerateNode(credential);
			const workflow = await n8n.api.importWorkflow(
				chainWorkflow(`Vertex AI on ${type}`, [
					webhookNode(`veo-${type}`, { responseMode: 'onReceived' }),
					sceneSpecFromBodyNode(),
					{
						...generate,
						parameters: {
							...generate.parameters,
							authentication,
							model: { __rl: true, mode: 'id', value: 'veo-3.1-fast-generate-001' },
						},
						credentials: { [type]: { name: credential } },
					},
				]),
				{ activate: true },
			);
			await n8n.api.callWebhook(`veo-${type}`, { body: sceneSpec(1) });
			const execution = await n8n.api.waitForExecution(
				{ workflowId: workflow.id },
				'success',
				120_000,
			);

			const [[item]] = runsOf(execution, 'Veo Generate');
			// An operation of Vertex AI's publisher path, where the Gemini API's would start "models/".
			expect(item.json.takes.at(-1)!.operationName).toMatch(
				/^publishers\/google\/models\/veo-3\.1-fast-generate-001\/operations\//,
			);
			await expectPlayableClip(item);
		}
	});

	it('Submit Only -> Wait -> Check and Fetch, looping until every shot is done, loses nothing across a restart', async () => {
		const standIn = n8n.standIn!;
		const predictsBefore = submissionsTo(standIn);
		const workflow = chainWorkflow('Long job', [
			webhookNode('veo-long-job', { responseMode: 'onReceived' }),
			sceneSpecFromBodyNode(),
			// Two at once, so the third shot waits for the second round of the loop.
			...generationLoopNodes(CREDENTIAL, {
				waitSeconds: PERSISTED_WAIT_SECONDS,
				submitOptions: { concurrency: 2 },
			}),
			{ name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
		]);
		loopBackToSubmit(workflow, 'Done');
		const imported = await n8n.api.importWorkflow(workflow, { activate: true });

		await n8n.api.callWebhook('veo-long-job', { body: sceneSpec(3) });
		const waiting = await n8n.api.waitForExecution({ workflowId: imported.id }, 'waiting', 60_000);
		const [submitted] = runsOf(waiting, 'Submit');
		expect(submitted.map((item) => item.json.takes.at(-1)?.outcome)).toEqual([
			'submitted',
			'submitted',
			undefined,
		]);
		const operationNames = submitted.slice(0, 2).map((item) => item.json.takes[0].operationName);

		const restartMs = await n8n.restart();
		console.log(`n8n restarted in ${restartMs} ms while the long job waited`);
		expect((await n8n.api.getExecution(waiting.id)).status).toBe('waiting');

		const done = await n8n.api.waitForExecution({ executionId: waiting.id }, 'success', 6 * 60_000);
		const [finished] = runsOf(done, 'Done');
		expect(finished.map((item) => item.json.status)).toEqual([
			'generated',
			'generated',
			'generated',
		]);
		for (const item of finished) await expectPlayableClip(item);
		// One take per shot: the operations submitted before the restart were fetched, not made again.
		expect(finished.map((item) => item.json.takes.length)).toEqual([1, 1, 1]);
		expect(finished.slice(0, 2).map((item) => item.json.takes[0].operationName)).toEqual(
			operationNames,
		);
		expect(submissionsTo(standIn) - predictsBefore).toBe(3);
		// The loop ran twice: the third shot was submitted in the second round.
		expect(runsOf(done, 'Submit')).toHaveLength(2);
		expect(n8n.loadErrors()).toEqual([]);
	});
});
