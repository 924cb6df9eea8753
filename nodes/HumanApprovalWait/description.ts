import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_CLIP_PROPERTY } from '../../core/binaryNames';

const waiting = { show: { operation: ['sendAndWait'] } };

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				// n8n accepts signed review links only for nodes whose operation is "sendAndWait".
				name: 'Wait for Approval',
				value: 'sendAndWait',
				action: 'Wait for an editor to approve clips',
				description:
					'Pause until an editor approves, rejects or annotates the clips on a review page',
			},
			{
				name: 'Decide Timed-Out Clips',
				value: 'decideTimedOut',
				action: 'Decide clips whose review timed out',
				description:
					'For the Timed Out output of a review with a wait limit: approve clips that passed QA, or reject all',
			},
		],
		default: 'sendAndWait',
	},
	{
		displayName: 'Clips to Review',
		name: 'reviewScope',
		type: 'options',
		options: [
			{
				name: 'Those That Need Review',
				value: 'needsReview',
				description: 'Clips Drift Score could not decide; the others pass straight through',
			},
			{
				name: 'Every Clip',
				value: 'all',
				description: 'Every clip of the batch goes on the board',
			},
		],
		default: 'needsReview',
		displayOptions: waiting,
	},
	{
		displayName: 'Outputs',
		name: 'routing',
		type: 'options',
		options: [
			{
				name: 'Approved and Rejected',
				value: 'split',
				description: 'Approved clips on one output, everything else on the other',
			},
			{
				name: 'One Output (Keep the Batch Together)',
				value: 'single',
				description:
					'All items on one output, each with its status: for pipelines that loop as one batch',
			},
		],
		default: 'split',
		displayOptions: waiting,
	},
	{
		displayName: 'Undecided Clips',
		name: 'undecided',
		type: 'options',
		options: [
			{
				name: 'Stay for the Next Round',
				value: 'keep',
				description: 'They keep status "needs review" and come back to the next board',
			},
			{ name: 'Count as Rejected', value: 'reject' },
		],
		default: 'keep',
		displayOptions: waiting,
	},
	{
		displayName: 'Limit Wait Time',
		name: 'limitWaitTime',
		type: 'boolean',
		default: false,
		description:
			'Whether to stop waiting after a while. ' +
			'At the limit n8n hands the waiting clips, unchanged, to the first output, which becomes "Timed Out"; ' +
			'add a second Human Approval Wait set to "Decide Timed-Out Clips" there to approve those that passed QA ' +
			'or reject all.',
		displayOptions: { show: { operation: ['sendAndWait'], routing: ['split'] } },
	},
	{
		displayName: 'Limit Wait Time',
		name: 'limitWaitTime',
		type: 'boolean',
		default: false,
		description:
			'Whether to stop waiting after a while. At the limit the clips come out unchanged (still "needs review"), ' +
			'so a looping batch brings them to the next board.',
		displayOptions: { show: { operation: ['sendAndWait'], routing: ['single'] } },
	},
	{
		displayName: 'Amount',
		name: 'limitAmount',
		type: 'number',
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		default: 24,
		displayOptions: { show: { operation: ['sendAndWait'], limitWaitTime: [true] } },
	},
	{
		displayName: 'Unit',
		name: 'limitUnit',
		type: 'options',
		options: [
			{ name: 'Minutes', value: 'minutes' },
			{ name: 'Hours', value: 'hours' },
			{ name: 'Days', value: 'days' },
		],
		default: 'hours',
		displayOptions: { show: { operation: ['sendAndWait'], limitWaitTime: [true] } },
	},
	{
		displayName: 'At the Limit',
		name: 'timeoutPolicy',
		type: 'options',
		options: [
			{
				name: 'Approve Clips That Passed QA',
				value: 'approvePassed',
				description: 'Others stay undecided',
			},
			{
				name: 'Reject All',
				value: 'rejectAll',
				description: 'Every clip under review goes back for another take',
			},
		],
		default: 'approvePassed',
		displayOptions: { show: { operation: ['decideTimedOut'] } },
	},
	{
		displayName: 'Clip Binary Property',
		name: 'clipProperty',
		type: 'string',
		default: DEFAULT_CLIP_PROPERTY,
		description:
			'Where the newest clip is when the item lacks the binary property its take recorded ' +
			'(Veo Generate puts the newest clip in "clip" too)',
		displayOptions: waiting,
	},
	{
		displayName: 'Send the Review Link',
		name: 'notify',
		type: 'collection',
		placeholder: 'Add Channel',
		default: {},
		description:
			'Nothing after this node runs while it waits, so the node itself delivers the link',
		displayOptions: waiting,
		options: [
			{
				displayName: 'Chat Webhook URL (Slack or Teams)',
				name: 'webhookUrl',
				type: 'string',
				default: '',
				placeholder: 'https://hooks.slack.com/services/...',
				description:
					'An incoming-webhook URL; the node posts the link and a summary as {"text": ...}',
			},
			{
				displayName: 'Workflow to Run',
				name: 'workflowId',
				type: 'string',
				default: '',
				description:
					'ID of a workflow (with an Execute Workflow Trigger) that gets the link as input, ' +
					'to deliver it with Gmail, Slack, Telegram or any other node',
			},
		],
	},
];
