import { randomUUID } from 'crypto';

import type { WorkflowJson, WorkflowNode } from '../../n8n-runtime';

/**
 * Small builders for the workflows tests import: nodes are given as n8n exports them, minus the
 * bookkeeping (ids, positions, connections) that a chain of nodes implies.
 */

export type NodeSpec = Pick<WorkflowNode, 'name' | 'type' | 'typeVersion' | 'parameters'> &
	Partial<WorkflowNode>;

/** A workflow whose nodes run one after the other, in the order given. */
export function chainWorkflow(name: string, nodes: NodeSpec[]): WorkflowJson {
	const placed: WorkflowNode[] = nodes.map((node, index) => ({
		id: randomUUID(),
		position: [index * 220, 0],
		...node,
	}));
	const connections = Object.fromEntries(
		placed
			.slice(0, -1)
			.map((node, index) => [
				node.name,
				{ main: [[{ node: placed[index + 1].name, type: 'main', index: 0 }]] },
			]),
	);
	return { name, nodes: placed, connections, settings: { executionOrder: 'v1' } };
}

/** n8n's Webhook trigger; `responseMode: 'lastNode'` answers with the last node's first item. */
export function webhookNode(
	path: string,
	options: { method?: 'GET' | 'POST'; responseMode?: 'onReceived' | 'lastNode' } = {},
): NodeSpec {
	return {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		// A production webhook is registered under its node's webhookId.
		webhookId: randomUUID(),
		parameters: {
			path,
			httpMethod: options.method ?? 'POST',
			responseMode: options.responseMode ?? 'lastNode',
			options: {},
		},
	};
}

/** n8n's Set node (Edit Fields) assigning string values. */
export function setNode(name: string, values: Record<string, string>): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		parameters: {
			assignments: {
				assignments: Object.entries(values).map(([field, value]) => ({
					id: randomUUID(),
					name: field,
					value,
					type: 'string',
				})),
			},
			options: {},
		},
	};
}

/** Scene Spec reading the spec posted to the workflow's webhook (From JSON). */
export function sceneSpecFromBodyNode(): NodeSpec {
	return {
		name: 'Scene Spec',
		type: 'n8n-nodes-veo-pipeline.sceneSpec',
		typeVersion: 1,
		parameters: {
			operation: 'fromJson',
			specJson: '={{ $json.body }}',
			model: 'gemini-omni-1.2-flash',
		},
	};
}

/** Veo Generate on a Gemini API credential, polling the stand-in every 0.2 s at the least. */
export function veoGenerateNode(
	credentialName: string,
	options: { name?: string; operation?: string; options?: Record<string, unknown> } = {},
): NodeSpec {
	return {
		name: options.name ?? 'Veo Generate',
		type: 'n8n-nodes-veo-pipeline.veoGenerate',
		typeVersion: 1,
		parameters: {
			operation: options.operation ?? 'generateAndWait',
			options: { pollMinSeconds: 0.2, ...options.options },
		},
		credentials: { veoPipelineGeminiApi: { name: credentialName } },
	};
}

/** The If node that sends a batch with a shot still pending back to Submit. */
export const ANY_PENDING = 'Any Shot Pending?';

/**
 * The crash-safe generation the templates use: Submit (Submit Only) -> Wait (n8n saves waits of
 * 65 s or more) -> Check (Check and Fetch) -> "Any Shot Pending?". Place the nodes in a chain and
 * close the loop with `loopBackToSubmit`.
 */
export function generationLoopNodes(
	credentialName: string,
	{ waitSeconds, submitOptions }: { waitSeconds: number; submitOptions?: Record<string, unknown> },
): NodeSpec[] {
	return [
		veoGenerateNode(credentialName, {
			name: 'Submit',
			operation: 'submitOnly',
			options: submitOptions,
		}),
		{
			name: 'Wait',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			parameters: { resume: 'timeInterval', amount: waitSeconds, unit: 'seconds' },
		},
		veoGenerateNode(credentialName, { name: 'Check', operation: 'checkAndFetch' }),
		{
			name: ANY_PENDING,
			type: 'n8n-nodes-base.if',
			typeVersion: 2.2,
			parameters: {
				conditions: {
					options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
					combinator: 'and',
					conditions: [
						{
							id: randomUUID(),
							leftValue: "={{ $input.all().some((item) => item.json.status === 'pending') }}",
							rightValue: '',
							operator: { type: 'boolean', operation: 'true', singleValue: true },
						},
					],
				},
				options: {},
			},
		},
	];
}

/** "Any Shot Pending?" goes back to Submit when true, on to `next` when every shot is done. */
export function loopBackToSubmit(workflow: WorkflowJson, next: string): void {
	workflow.connections[ANY_PENDING] = {
		main: [[{ node: 'Submit', type: 'main', index: 0 }], [{ node: next, type: 'main', index: 0 }]],
	};
}

/** A scene spec of `shotCount` 4-second shots of one kitchen scene: small clips, quick to render. */
export function kitchenSceneSpec(title: string, shotCount: number) {
	return {
		bible: {
			title,
			style: { look: 'cinematic', lighting: 'warm dusk', aspectRatio: '16:9', resolution: '720p' },
			characters: [],
			props: [],
		},
		shots: Array.from({ length: shotCount }, (_, index) => ({
			id: `shot-0${index + 1}`,
			sequence: index + 1,
			description: `Mya pours coffee, beat ${index + 1}`,
			durationSeconds: 4,
		})),
	};
}
