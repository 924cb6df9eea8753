import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type IWebhookFunctions,
} from 'n8n-workflow';

import { createShotItems } from '../../../core/shotItems';
import { Assemble } from '../../../nodes/Assemble/Assemble.node';
import { DriftScore } from '../../../nodes/DriftScore/DriftScore.node';
import { HumanApprovalWait } from '../../../nodes/HumanApprovalWait/HumanApprovalWait.node';
import { SceneSpec } from '../../../nodes/SceneSpec/SceneSpec.node';
import { VeoGenerate } from '../../../nodes/VeoGenerate/VeoGenerate.node';
import { pipelineItems } from '../../helpers/assembly';
import { mockNodeContext } from '../../helpers/mockNodeContext';
import { DRIFT_SCORE } from '../../helpers/nodeParameters';
import { reviewBatch } from '../../helpers/reviewItems';
import { cafeSpec } from '../../helpers/specs';

/**
 * One boundary for every node: whatever goes wrong, for one item or for the whole batch, in
 * `execute()` or in the review link's `webhook()`, leaves the node as n8n's error with its hint,
 * never as a raw error n8n shows without the node's context.
 */

const asItems = (items: unknown[]): INodeExecutionData[] =>
	items.map((json) => ({ json: json as never }));

const NODES: Array<[string, () => INodeType, () => INodeExecutionData[]]> = [
	['Scene Spec', () => new SceneSpec(), () => [{ json: {} }]],
	[
		'Veo Generate',
		() => new VeoGenerate(),
		() => asItems(createShotItems(cafeSpec(1), 'gemini-omni-1.2-flash')),
	],
	['Drift Score', () => new DriftScore(), () => asItems(reviewBatch([{ status: 'generated' }]))],
	[
		'Human Approval Wait',
		() => new HumanApprovalWait(),
		() => asItems(reviewBatch([{ status: 'needs_review' }])),
	],
	['Assemble', () => new Assemble(), () => asItems(pipelineItems([[{}]]))],
];

describe('every node leaves through one error boundary', () => {
	it.each(NODES)(
		'%s: a failure outside any item becomes a NodeOperationError',
		async (_name, node, items) => {
			const mock = mockNodeContext({ items: items(), parameters: {} });
			const context = {
				...mock.context,
				getNodeParameter: () => {
					throw new Error('the parameters could not be loaded');
				},
			} as unknown as IExecuteFunctions;
			const error = await node()
				.execute!.call(context)
				.catch((thrown: unknown) => thrown);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as Error).message).toMatch(/the parameters could not be loaded$/);
		},
	);

	it('Drift Score: a judge without its credential fails as an n8n error', async () => {
		const mock = mockNodeContext({
			items: reviewBatch([{ status: 'generated' }]).map((json) => ({
				json: json as never,
				binary: { clip_take1: { data: 'AAAA', mimeType: 'video/mp4' } },
			})),
			parameters: { ...DRIFT_SCORE, judge: true },
		});
		const error = await new DriftScore().execute
			.call(mock.context)
			.catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toMatch(/credentials/);
	});

	it("Human Approval Wait: the review link's webhook never throws; a failure is a 500 page and the review stays open", async () => {
		// n8n resumes an execution whose waiting webhook threw: the review would be over, undecided.
		const sent: { status?: number; body?: string } = {};
		const logged: string[] = [];
		const response = {
			status: (code: number) => ((sent.status = code), response),
			setHeader: () => undefined,
			end: (body?: string) => (sent.body = body),
		};
		const context = {
			getRequestObject: () => ({ method: 'GET', query: {}, headers: {} }),
			getResponseObject: () => response,
			getNodeParameter: (_name: string, fallback: unknown) => fallback,
			evaluateExpression: () => {
				throw new Error('the waiting items could not be loaded');
			},
			getNode: () => ({ name: 'Human Approval Wait' }),
			logger: { error: (message: string) => logged.push(message) },
		} as unknown as IWebhookFunctions;
		const answer = await new HumanApprovalWait().webhook.call(context);
		expect(answer).toEqual({ noWebhookResponse: true });
		expect(sent.status).toBe(500);
		expect(sent.body).toContain('the review is still open');
		expect(logged).toEqual([expect.stringContaining('the waiting items could not be loaded')]);
	});
});
