import axios from 'axios';
import { existsSync } from 'fs';

import { nodeOutput, startN8n, type RunningN8n } from '../../n8n-runtime';
import { chainWorkflow, setNode, webhookNode } from '../harness/workflows';

/** n8n restarted on the same user folder keeps what users rely on: active workflows and waiting executions. */

describe('restarting n8n', () => {
	let n8n: RunningN8n;

	beforeAll(async () => {
		n8n = await startN8n();
	});

	afterAll(async () => {
		await n8n?.stop();
	});

	it('keeps a workflow active and answering, and a waiting execution resumable', async () => {
		const answering = await n8n.api.importWorkflow(
			chainWorkflow('Answers', [
				webhookNode('restart-answer'),
				setNode('Answer', { answer: 'yes' }),
			]),
			{ activate: true },
		);
		expect((await n8n.api.callWebhook('restart-answer', { body: {} })).data).toEqual({
			answer: 'yes',
		});

		const waitingWorkflow = await n8n.api.importWorkflow(
			chainWorkflow('Waits', [
				webhookNode('restart-wait', { responseMode: 'onReceived' }),
				{
					name: 'Wait',
					type: 'n8n-nodes-base.wait',
					typeVersion: 1.1,
					parameters: { resume: 'webhook', httpMethod: 'POST', options: {} },
				},
				setNode('After', { resumedWith: '={{ $json.body.note }}' }),
			]),
			{ activate: true },
		);
		await n8n.api.callWebhook('restart-wait', { body: {} });
		const waiting = await n8n.api.waitForExecution({ workflowId: waitingWorkflow.id }, 'waiting');
		const baseUrl = n8n.baseUrl;

		const restartMs = await n8n.restart();
		console.log(`n8n restarted in ${restartMs} ms`);

		expect(n8n.baseUrl).toBe(baseUrl);
		expect((await n8n.api.getWorkflow(answering.id)).active).toBe(true);
		const answer = await n8n.api.callWebhook('restart-answer', { body: {} });
		expect(answer.status).toBe(200);
		expect(answer.data).toEqual({ answer: 'yes' });

		expect((await n8n.api.getExecution(waiting.id)).status).toBe('waiting');
		const resumed = await n8n.api.followUrl(n8n.api.resumeUrlOf(waiting), {
			body: { note: 'after restart' },
		});
		expect(resumed.status).toBe(200);
		const done = await n8n.api.waitForExecution({ executionId: waiting.id }, 'success');
		expect(nodeOutput(done, 'After')).toEqual([{ resumedWith: 'after restart' }]);

		// One log across both runs, with both starts and no load errors in either.
		expect(n8n.log().match(/Editor is now accessible via/g)).toHaveLength(2);
		expect(n8n.loadErrors()).toEqual([]);
	});

	it('stops n8n for good and removes its user folder', async () => {
		const { baseUrl, userFolder } = n8n;
		await n8n.stop();
		await expect(axios.get(`${baseUrl}/healthz`, { proxy: false, timeout: 2000 })).rejects.toThrow(
			/ECONNREFUSED/,
		);
		expect(existsSync(userFolder)).toBe(false);
	});
});
