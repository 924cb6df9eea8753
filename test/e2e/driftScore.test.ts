import { spawn } from 'child_process';
import { promises as fs } from 'fs';
import type { IBinaryData } from 'n8n-workflow';
import path from 'path';

import type { DriftReport, ShotItem } from '../../core/types';
import { startN8n, type Execution, type RunningN8n, type WorkflowNode } from '../../n8n-runtime';
import {
	chainWorkflow,
	sceneSpecFromBodyNode,
	veoGenerateNode,
	webhookNode,
} from '../harness/workflows';
import { photoClip, photoShotItem, skimagePhotos } from '../helpers/photos';

/**
 * Drift Score inside real n8n (started by the harness, package installed as a community package)
 * against the Google API stand-in: Scene Spec -> Veo Generate -> Drift Score, whose three outputs
 * each lead to a node of their own. The stand-in drifts the lighting of shot 2: shot 1 passes,
 * shot 2 goes back to generation, and shot 3, which continues shot 2, goes to a person. Then the
 * offline character and prop checks, on a clip made of photographs and uploaded to a webhook.
 */

const CREDENTIAL = 'Stand-in Gemini';
const OUTPUTS = ['Pass', 'Review', 'Regenerate'];

// A character and a prop: the stand-in draws them as moving blocks (with neither, its clip is a
// still picture, which Drift Score rightly calls frozen).
const SPEC = {
	bible: {
		title: 'Morning Ritual',
		style: {
			look: 'cinematic',
			palette: ['amber', 'teal'],
			lighting: 'warm dusk',
			aspectRatio: '16:9',
			resolution: '720p',
		},
		characters: [{ id: 'mya', name: 'Mya', description: 'a barista in a green apron' }],
		props: [{ id: 'mug', name: 'mug', description: 'a ceramic mug', color: 'blue' }],
	},
	shots: [1, 2, 3].map((sequence) => ({
		id: `shot-0${sequence}`,
		sequence,
		description: `Mya pours coffee, beat ${sequence}`,
		durationSeconds: 4,
		characters: ['mya'],
		props: ['mug'],
		continuousWithPrevious: sequence > 1,
	})),
};

type OutputItem = { json: ShotItem; binary?: Record<string, IBinaryData> };

/** Items a node gave on each of its outputs in its last run. */
function outputsOf(execution: Execution, nodeName: string): OutputItem[][] {
	const runs = (execution.data?.resultData.runData[nodeName] ?? []) as Array<{
		data?: { main?: OutputItem[][] };
	}>;
	return runs[runs.length - 1]?.data?.main ?? [];
}

describe('Drift Score in n8n', () => {
	let n8n: RunningN8n;

	beforeAll(async () => {
		n8n = await startN8n({
			standIn: {
				latencyMs: 500,
				faults: [{ on: 'predict', effect: 'drift_lighting', match: 'Shot 2 of' }],
			},
		});
		await n8n.api.createCredential({
			name: CREDENTIAL,
			type: 'veoPipelineGeminiApi',
			data: { apiKey: 'test-key', baseUrl: n8n.standIn!.url },
		});
	});

	afterAll(async () => {
		await n8n?.stop();
	});

	it('Scene Spec -> Veo Generate -> Drift Score routes each shot to its output', async () => {
		const chain = chainWorkflow('Drift Score routes', [
			webhookNode('drift-score', { responseMode: 'onReceived' }),
			sceneSpecFromBodyNode(),
			veoGenerateNode(CREDENTIAL),
			// The stand-in draws blocks, not mugs: the offline checks are tested with photographs below.
			{
				name: 'Drift Score',
				type: 'n8n-nodes-veo-pipeline.driftScore',
				typeVersion: 1,
				parameters: { offlineChecks: 'off' },
			},
		]);
		const ends: WorkflowNode[] = OUTPUTS.map((name, index) => ({
			id: `end-${index}`,
			name,
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [1100, index * 200],
			parameters: {},
		}));
		const workflow = await n8n.api.importWorkflow(
			{
				...chain,
				nodes: [...chain.nodes, ...ends],
				connections: {
					...chain.connections,
					'Drift Score': { main: OUTPUTS.map((name) => [{ node: name, type: 'main', index: 0 }]) },
				},
			},
			{ activate: true },
		);
		await n8n.api.callWebhook('drift-score', { body: SPEC });
		const execution = await n8n.api.waitForExecution(
			{ workflowId: workflow.id },
			'success',
			180_000,
		);

		// Issue 14: with no look established yet, shot 2's light is judged by the words alone, which
		// never send a clip back without a person; shot 3's break against it is a person's call too
		// (either shot may be the one that drifted). Shot 2's clip goes back once a person agrees.
		const routed = outputsOf(execution, 'Drift Score');
		expect(routed.map((items) => items.map((item) => item.json.shot.id))).toEqual([
			['shot-01'],
			['shot-02', 'shot-03'],
			[],
		]);
		for (const [index, name] of OUTPUTS.entries()) {
			expect((outputsOf(execution, name)[0] ?? []).map((item) => item.json.shot.id)).toEqual(
				routed[index].map((item) => item.json.shot.id),
			);
		}
		const [[passed], [sent, reviewed]] = routed;
		expect([passed.json.status, sent.json.status, reviewed.json.status]).toEqual([
			'approved',
			'needs_review',
			'needs_review',
		]);
		const report = sent.json.takes.at(-1)!.drift as DriftReport;
		expect(report.reasons[0]).toMatch(/^Review: lighting drift/);
		expect(report.measured).toContainEqual({
			dimension: 'lighting',
			against: expect.stringMatching(/^the words 'warm dusk' \(no look established yet/),
		});
		for (const item of [passed, reviewed, sent])
			expect(item.binary?.contactSheet?.mimeType).toBe('image/png');

		// The package's command-line scorer, as npm installed it, on the clip n8n stored for shot 2.
		const clip = n8n.binaryFile(sent.binary!.clip);
		const specFile = path.join(n8n.userFolder, 'shot-02.json');
		await fs.writeFile(specFile, JSON.stringify(sent.json));
		const bin = path.join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', '.bin', 'veo-pipeline');
		const cli = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
			const child = spawn(bin, ['drift', '--spec', specFile, clip, '--offline-checks', 'off']);
			let stdout = '';
			child.stdout.on('data', (chunk) => (stdout += chunk));
			child.on('close', (code) => resolve({ code, stdout }));
		});
		expect(cli.code).toBe(0);
		expect(JSON.parse(cli.stdout)).toMatchObject({
			route: 'review',
			dimensions: { lighting: { drift: report.dimensions.lighting!.drift } },
		});
	});

	it('checks characters and props offline: a clip made of photographs, uploaded with its reference image', async () => {
		const photo = await skimagePhotos();
		const clip = await photoClip(
			[photo('astronaut'), photo('coffee')],
			path.join(n8n.userFolder, 'eileen-and-coffee.mp4'),
		);
		const item = photoShotItem();

		// The webhook turns each uploaded file into a binary named after its field; Edit Fields makes the item the shot item.
		const workflow = await n8n.api.importWorkflow(
			chainWorkflow('Drift Score offline checks', [
				webhookNode('drift-photos', { responseMode: 'onReceived' }),
				{
					name: 'Shot Item',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.3,
					parameters: {
						mode: 'raw',
						jsonOutput: '={{ $json.body.item }}',
						options: { includeBinary: true },
					},
				},
				{
					name: 'Drift Score',
					type: 'n8n-nodes-veo-pipeline.driftScore',
					typeVersion: 1,
					parameters: { routing: 'oneOutput' },
				},
			]),
			{ activate: true },
		);
		const form = new FormData();
		form.append('item', JSON.stringify(item));
		form.append('clip', new Blob([await fs.readFile(clip)], { type: 'video/mp4' }), 'clip.mp4');
		form.append(
			'ref_eileen',
			new Blob([await fs.readFile(photo('astronaut'))], { type: 'image/png' }),
			'eileen.png',
		);
		const response = await n8n.api.callWebhook('drift-photos', { body: form });
		expect(response.status).toBe(200);
		const execution = await n8n.api.waitForExecution(
			{ workflowId: workflow.id },
			'success',
			300_000,
		);

		const [[scored]] = outputsOf(execution, 'Drift Score');
		const report = scored.json.takes.at(-1)!.drift as DriftReport;
		expect(report.dimensions.character!.measures).toMatchObject({ faceFound_Eileen: true });
		expect(report.dimensions.character!.reasons).toContainEqual(
			expect.stringMatching(
				/^Eileen found at \d+\.\d s: face similarity 0\.\d\d to the reference image/,
			),
		);
		expect(report.dimensions.props!.reasons[0]).toMatch(
			/^the mug reads (orange|red)\S*, the bible asks for blue/,
		);
		expect(report.skipped).toContainEqual({
			scorer: 'props (offline object model)',
			reason: expect.stringMatching(/^the neon sign is not checkable offline/),
		});
	});
});
