import {
	NodeOperationError,
	WAIT_INDEFINITELY,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { describeError } from '../../core/failures';
import {
	applyReview,
	boardEntries,
	decideTimedOut,
	reviewRoundId,
	type BoardEntry,
	type ReviewScope,
	type TimeoutPolicy,
} from '../../core/review';
import { readBatch } from './batch';
import { routeToOutputs, type OutputSettings } from './routing';

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

export function outputSettings(context: {
	getNodeParameter(name: string, index: number, fallback?: unknown): unknown;
}): OutputSettings {
	return {
		operation: context.getNodeParameter('operation', 0) as string,
		routing: context.getNodeParameter('routing', 0, 'split') as string,
		limitWaitTime: context.getNodeParameter('limitWaitTime', 0, false) as boolean,
	};
}

/** Runs one delivery; a failure names the parameter to check, since nobody would get the link. */
async function deliverOn(
	context: IExecuteFunctions,
	channel: string,
	send: () => Promise<unknown>,
): Promise<void> {
	try {
		await send();
	} catch (error) {
		throw new NodeOperationError(
			context.getNode(),
			`Could not send the review link (Send the Review Link > ${channel}): ${describeError(error)}`,
			{
				description: `Check "${channel}". The execution did not wait, so no editor can open the link.`,
			},
		);
	}
}

async function deliverLink(
	context: IExecuteFunctions,
	link: string,
	entries: BoardEntry[],
): Promise<void> {
	const notify = context.getNodeParameter('notify', 0, {}) as {
		webhookUrl?: string;
		workflowId?: string;
	};
	const clipCount = entries.length;
	const titles = [...new Set(entries.map((entry) => entry.item.bible.title))].join(', ');
	const text = `${clipCount} clip${clipCount === 1 ? '' : 's'} of "${titles}" need${clipCount === 1 ? 's' : ''} review: ${link}`;
	const webhookUrl = notify.webhookUrl?.trim();
	if (webhookUrl) {
		await deliverOn(context, 'Chat Webhook URL (Slack or Teams)', () =>
			context.helpers.httpRequest({ method: 'POST', url: webhookUrl, body: { text }, json: true }),
		);
	}
	const workflowId = notify.workflowId?.trim();
	if (workflowId) {
		await deliverOn(context, 'Workflow to Run', () =>
			context.executeWorkflow(
				{ id: workflowId },
				[{ json: { reviewUrl: link, text, clipsToReview: clipCount, titles } }],
				undefined,
				{ doNotWaitToFinish: true },
			),
		);
	}
}

/**
 * Puts the batch on one review board and waits, or, when no clip needs eyes, routes at once.
 * The items themselves wait in n8n (with their binaries); `webhook()` reads them back.
 */
export async function waitForReview(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const settings = outputSettings(context);
	const inputs = context.getInputData();
	const { items, errors } = readBatch(context.getNode(), inputs, context.continueOnFail());
	const binaryOf = (itemIndex: number) => inputs[itemIndex]?.binary;

	if (settings.operation === 'decideTimedOut') {
		const routed = decideTimedOut(
			items,
			context.getNodeParameter('timeoutPolicy', 0) as TimeoutPolicy,
		);
		return routeToOutputs(routed, settings, binaryOf, errors);
	}

	const scope = context.getNodeParameter('reviewScope', 0, 'needsReview') as ReviewScope;
	const entries = boardEntries(items, scope);
	if (!entries.length) {
		return routeToOutputs(
			applyReview(items, [], { decisions: new Map() }, { undecided: 'keep' }),
			settings,
			binaryOf,
			errors,
		);
	}
	const link = context.getSignedResumeUrl({ round: reviewRoundId(entries) });
	context.customData.set('reviewUrl', link);
	await deliverLink(context, link, entries);

	let waitTill = WAIT_INDEFINITELY;
	if (settings.limitWaitTime) {
		const amount = context.getNodeParameter('limitAmount', 0) as number;
		const unit = context.getNodeParameter('limitUnit', 0) as keyof typeof UNIT_MS;
		waitTill = new Date(Date.now() + amount * UNIT_MS[unit]);
	}
	await context.putExecutionToWait(waitTill);
	return [inputs];
}
