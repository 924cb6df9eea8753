import { readFileSync } from 'fs';
import path from 'path';

import { linksIn, nodeOutput, REPOSITORY_ROOT, startN8n, type RunningN8n } from '../../n8n-runtime';
import { chainWorkflow, setNode, webhookNode } from '../harness/workflows';

/**
 * Real n8n, started by the harness with this package installed as a community package: the
 * package loads, and workflows run through n8n's own triggers. The first start on a machine
 * provisions Node 24, n8n and a migrated user folder (several minutes); later ones take seconds.
 */

const packageJson = JSON.parse(
	readFileSync(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8'),
) as {
	name: string;
	n8n: { nodes: string[]; credentials: string[] };
};

/** `dist/credentials/VeoPipelineGeminiApi.credentials.js` declares the type `veoPipelineGeminiApi`. */
function credentialTypeOf(file: string): string {
	const className = path.basename(file).replace(/\.credentials\.js$/, '');
	return className[0].toLowerCase() + className.slice(1);
}

const SCENE_SPEC = {
	bible: {
		title: 'T',
		style: { look: 'l', lighting: 'warm dusk', aspectRatio: '16:9', resolution: '720p' },
		characters: [],
		props: [],
	},
	shots: [
		{ id: 'shot-01', sequence: 1, description: 'd', durationSeconds: 8 },
		{ id: 'shot-02', sequence: 2, description: 'e', durationSeconds: 8 },
	],
};

describe('n8n with the package installed', () => {
	let n8n: RunningN8n;

	beforeAll(async () => {
		n8n = await startN8n({ standIn: true });
		console.log(`n8n ${n8n.baseUrl} started; timings (ms): ${JSON.stringify(n8n.timings)}`);
	});

	afterAll(async () => {
		await n8n?.stop();
	});

	it('loads every node and credential of the package, with no load errors in its log', async () => {
		const nodeTypes = (await n8n.api.nodeTypes()).map((type) => type.name);
		const ours = nodeTypes.filter((name) => name.startsWith(`${packageJson.name}.`));
		// Nodes marked usableAsTool also appear as a "<name>Tool" variant.
		expect(ours.filter((name) => !name.endsWith('Tool'))).toHaveLength(
			packageJson.n8n.nodes.length,
		);
		expect(nodeTypes).toContain('n8n-nodes-veo-pipeline.sceneSpec');

		const credentialTypes = (await n8n.api.credentialTypes()).map((type) => type.name);
		for (const file of packageJson.n8n.credentials)
			expect(credentialTypes).toContain(credentialTypeOf(file));

		expect(n8n.loadErrors()).toEqual([]);
	});

	it("runs a workflow of n8n's own nodes through its production webhook", async () => {
		const workflow = await n8n.api.importWorkflow(
			chainWorkflow('Webhook to Set', [
				webhookNode('harness-set'),
				setNode('Set', { greeting: '={{ "hello " + $json.body.name }}' }),
			]),
			{ activate: true },
		);
		expect(workflow.active).toBe(true);

		const response = await n8n.api.callWebhook('harness-set', { body: { name: 'harness' } });
		expect(response.status).toBe(200);
		expect(response.data).toEqual({ greeting: 'hello harness' });

		const execution = await n8n.api.waitForExecution({ workflowId: workflow.id }, 'success');
		expect(nodeOutput(execution, 'Set')).toEqual([{ greeting: 'hello harness' }]);
		const listed = await n8n.api.listExecutions({ workflowId: workflow.id, status: 'success' });
		expect(listed.map((listedExecution) => listedExecution.id)).toContain(execution.id);
	});

	it('runs the Scene Spec node (From JSON): one pending item per shot', async () => {
		const workflow = await n8n.api.importWorkflow(
			chainWorkflow('Scene Spec from JSON', [
				webhookNode('harness-scene-spec', { responseMode: 'onReceived' }),
				{
					name: 'Scene Spec',
					type: 'n8n-nodes-veo-pipeline.sceneSpec',
					typeVersion: 1,
					parameters: {
						operation: 'fromJson',
						specJson: '={{ $json.body.spec }}',
						model: 'gemini-omni-1.2-flash',
					},
				},
			]),
			{ activate: true },
		);

		const response = await n8n.api.callWebhook('harness-scene-spec', {
			body: { spec: SCENE_SPEC },
		});
		expect(response.status).toBe(200);

		const execution = await n8n.api.waitForExecution({ workflowId: workflow.id }, 'success');
		const shots = nodeOutput(execution, 'Scene Spec');
		expect(shots).toHaveLength(SCENE_SPEC.shots.length);
		for (const shot of shots) expect(shot.status).toBe('pending');
	});

	it('creates a credential and points an imported workflow at it by name', async () => {
		const credential = await n8n.api.createCredential({
			name: 'Stand-in Gemini',
			type: 'veoPipelineGeminiApi',
			data: { apiKey: 'test-key', baseUrl: n8n.standIn!.url },
		});
		const exported = chainWorkflow('Uses a credential', [
			webhookNode('harness-credential'),
			{
				name: 'Scene Spec',
				type: 'n8n-nodes-veo-pipeline.sceneSpec',
				typeVersion: 1,
				parameters: { operation: 'fromBrief' },
				// As exported from another n8n: the id is foreign, the name is what matches.
				credentials: {
					veoPipelineGeminiApi: { id: 'id-from-another-n8n', name: 'Stand-in Gemini' },
				},
			},
		]);
		const workflow = await n8n.api.importWorkflow(exported);
		const node = (await n8n.api.getWorkflow(workflow.id)).nodes.find(
			(candidate) => candidate.name === 'Scene Spec',
		);
		expect(node?.credentials).toEqual({
			veoPipelineGeminiApi: { id: credential.id, name: 'Stand-in Gemini' },
		});

		await expect(
			n8n.api.importWorkflow({
				...exported,
				nodes: exported.nodes.map((candidate) =>
					candidate.credentials
						? { ...candidate, credentials: { veoPipelineGeminiApi: { name: 'Missing' } } }
						: candidate,
				),
			}),
		).rejects.toThrow(/named "Missing"/);
	});

	it('waits in a Wait node and resumes through its resume URL', async () => {
		const workflow = await n8n.api.importWorkflow(
			chainWorkflow('Wait for a webhook call', [
				webhookNode('harness-wait', { responseMode: 'onReceived' }),
				{
					name: 'Wait',
					type: 'n8n-nodes-base.wait',
					typeVersion: 1.1,
					parameters: { resume: 'webhook', httpMethod: 'POST', options: {} },
				},
				setNode('After', { decision: '={{ $json.body.decision }}' }),
			]),
			{ activate: true },
		);
		await n8n.api.callWebhook('harness-wait', { body: {} });

		const waiting = await n8n.api.waitForExecution({ workflowId: workflow.id }, 'waiting');
		const listed = await n8n.api.listExecutions({ workflowId: workflow.id, status: 'waiting' });
		expect(listed.map((execution) => execution.id)).toEqual([waiting.id]);

		const resumeUrl = n8n.api.resumeUrlOf(waiting);
		expect(resumeUrl).toMatch(
			new RegExp(`^${n8n.baseUrl}/webhook-waiting/${waiting.id}\\?signature=`),
		);
		expect(linksIn({ html: `<a href="${resumeUrl.replace(/&/g, '&amp;')}">approve</a>` })).toEqual([
			resumeUrl,
		]);

		const resumed = await n8n.api.followUrl(resumeUrl, { body: { decision: 'approved' } });
		expect(resumed.status).toBe(200);
		const done = await n8n.api.waitForExecution({ executionId: waiting.id }, 'success');
		expect(nodeOutput(done, 'After')).toEqual([{ decision: 'approved' }]);
	});

	it('submits an n8n Form Trigger with fields named field-<index>', async () => {
		const workflow = await n8n.api.importWorkflow(
			chainWorkflow('Form', [
				{
					name: 'Form',
					type: 'n8n-nodes-base.formTrigger',
					typeVersion: 2.3,
					webhookId: 'a9f1c2d4-0000-4000-8000-000000000001',
					parameters: {
						formTitle: 'Brief',
						formFields: {
							values: [{ fieldLabel: 'Title' }, { fieldLabel: 'Shots', fieldType: 'number' }],
						},
						// From version 2.2 the form's path is an option; without it the form answers at /form/<webhookId>.
						options: { path: 'harness-form' },
					},
				},
				setNode('Echo', { summary: '={{ $json.Title }} x{{ $json.Shots }}' }),
			]),
			{ activate: true },
		);

		const response = await n8n.api.submitForm('harness-form', ['Lighthouse', '3']);
		expect(response.status).toBe(200);
		const execution = await n8n.api.waitForExecution({ workflowId: workflow.id }, 'success');
		expect(nodeOutput(execution, 'Echo')).toEqual([{ summary: 'Lighthouse x3' }]);
	});
});
