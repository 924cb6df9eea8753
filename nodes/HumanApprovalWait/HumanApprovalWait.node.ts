import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { atNodeBoundary } from '../shared/errors';
import { properties } from './description';
import { reviewWebhook } from './reviewWebhook';
import { outputsFor } from './routing';
import { waitForReview } from './waitForReview';

/**
 * Step 4: the editor's review board, on n8n's own wait/resume machinery. The execution pauses;
 * an editor opens the signed link, watches each clip beside its shot and drift report, and
 * approves, rejects with a note, or annotates; the execution resumes and routes each clip.
 * Needs n8n 2.39 or newer (older versions route every resumed item to the first output).
 */
// The webhooks are n8n's waiting webhooks (restartWebhook): they exist only while an execution
// waits, so there is no remote webhook to create, check or delete.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete
export class HumanApprovalWait implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Human Approval Wait',
		name: 'humanApprovalWait',
		icon: { light: 'file:humanApprovalWait.svg', dark: 'file:humanApprovalWait.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ $parameter["operation"] === "decideTimedOut" ? "Decide timed-out clips" : "Wait for approval" }}',
		description:
			'Pause until an editor approves or rejects clips on a review page; rejections go back to generation with the note',
		defaults: { name: 'Human Approval Wait' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{ (${outputsFor})($parameter) }}`,
		webhooks: [
			{
				name: 'default',
				httpMethod: 'GET',
				responseMode: 'onReceived',
				responseData: '',
				path: '={{ $nodeId }}',
				restartWebhook: true,
				isFullPath: true,
			},
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: '',
				path: '={{ $nodeId }}',
				restartWebhook: true,
				isFullPath: true,
			},
		],
		waitingNodeTooltip:
			'={{ "Waiting for an editor. The review link is in this execution\'s custom data ' +
			'(reviewUrl) and was sent to the configured channels." }}',
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return atNodeBoundary(this.getNode(), () => waitForReview(this));
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return atNodeBoundary(this.getNode(), () => reviewWebhook(this));
	}
}
