import { promises as fs } from 'fs';

import type { ProductionReport } from '../../core/assembly/report';
import { probeMedia } from '../../edges/ffmpeg/ffmpeg';
import {
	startN8n,
	nodeRuns,
	type Execution,
	type ExecutionItem,
	type RunningN8n,
} from '../../n8n-runtime';
import {
	chainWorkflow,
	sceneSpecFromBodyNode,
	veoGenerateNode,
	webhookNode,
} from '../harness/workflows';
import { edlShots, parseCmx3600 } from '../helpers/editLists';
import { cafeSpec } from '../helpers/specs';

/**
 * Assemble inside real n8n (started by the harness, package installed as a community package) on
 * clips made by the pipeline: Scene Spec -> Veo Generate (Google API stand-in) -> approval (an Edit
 * Fields node stands in for Drift Score and Human Approval Wait, whose own tests cover them) ->
 * Assemble. The clips come out of n8n's binary-data store and the cut goes back into it.
 */

const CREDENTIAL = 'Stand-in Gemini';

const SPEC = cafeSpec(3, 4);
SPEC.shots[0].dialogue = 'Morning.';

/** What a node gave on its first output in its last run. */
function outputOf(execution: Execution, nodeName: string): ExecutionItem[] {
	return nodeRuns(execution, nodeName).at(-1) ?? [];
}

describe('Assemble in n8n', () => {
	let n8n: RunningN8n;

	beforeAll(async () => {
		n8n = await startN8n({ standIn: { latencyMs: 500 } });
		await n8n.api.createCredential({
			name: CREDENTIAL,
			type: 'veoPipelineGeminiApi',
			data: { apiKey: 'test-key', baseUrl: n8n.standIn!.url },
		});
	});

	afterAll(async () => {
		await n8n?.stop();
	});

	it('cuts the approved clips from the binary-data store into a finished video, renditions, edit lists and a report', async () => {
		const workflow = await n8n.api.importWorkflow(
			chainWorkflow('Pipeline to a cut', [
				webhookNode('assemble', { responseMode: 'onReceived' }),
				sceneSpecFromBodyNode(),
				veoGenerateNode(CREDENTIAL),
				{
					name: 'Approve',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					parameters: {
						assignments: {
							assignments: [{ id: 'status', name: 'status', value: 'approved', type: 'string' }],
						},
						includeOtherFields: true,
						options: {},
					},
				},
				{
					name: 'Assemble',
					type: 'n8n-nodes-veo-pipeline.assemble',
					typeVersion: 1,
					parameters: {
						transition: 'crossfade',
						transitionDuration: 0.5,
						loudness: 'social',
						captions: 'dialogue',
						renditions: { rendition: [{ aspectRatio: '9:16', fit: 'crop', shortSide: 360 }] },
						options: { quality: 'draft' },
					},
				},
			]),
			{ activate: true },
		);
		await n8n.api.callWebhook('assemble', { body: SPEC });
		const execution = await n8n.api.waitForExecution(
			{ workflowId: workflow.id },
			'success',
			240_000,
		);

		const approved = outputOf(execution, 'Approve');
		expect(
			approved.map((item) => [item.json.status, Object.keys(item.binary ?? {}).sort()]),
		).toEqual(Array(3).fill(['approved', ['clip', 'clip_take1']]));
		const [cut, ...others] = outputOf(execution, 'Assemble');
		expect(others).toEqual([]);
		expect(cut.json).toMatchObject({
			title: 'Morning Ritual',
			path: 'finishing',
			durationSeconds: 11,
			width: 1280,
			height: 720,
		});

		const master = await probeMedia(n8n.binaryFile(cut.binary!.cut));
		expect(master.durationSeconds).toBeCloseTo(11, 1);
		expect([master.video?.width, master.video?.height, master.audio?.codec]).toEqual([
			1280,
			720,
			'aac',
		]);
		const portrait = await probeMedia(n8n.binaryFile(cut.binary!.cut_9x16));
		expect([portrait.video?.width, portrait.video?.height]).toEqual([360, 640]);

		const report = JSON.parse(
			await fs.readFile(n8n.binaryFile(cut.binary!.report), 'utf8'),
		) as ProductionReport;
		expect(report.totals).toMatchObject({
			shots: 3,
			shotsWithApprovedTake: 3,
			takesTried: 3,
			clipsGenerated: 3,
			clipsApprovedOnFirstTry: 3,
		});
		expect(report.passRates.generation).toEqual({ passed: 3, of: 3, rate: 1 });
		expect(report.shots.map((shot) => shot.takes[0].prompt)).toEqual(
			approved.map((item) => (item.json.takes as Array<{ prompt: string }>)[0].prompt),
		);
		const edl = parseCmx3600(await fs.readFile(n8n.binaryFile(cut.binary!.edl), 'utf8'), 24);
		expect(edlShots(edl.events)).toEqual(['shot-01', 'shot-02', 'shot-03']);
		expect(cut.binary!.reportHtml.mimeType).toBe('text/html');
	});
});
