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
	reviewRoundOf,
	type BoardEntry,
} from '../../core/review';
import { readBatch } from './batch';
import { routeToOutputs } from './routing';
import { readHumanApprovalWaitSettings, type HumanApprovalWaitSettings } from './settings';

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
	{ webhookUrl, workflowId }: HumanApprovalWaitSettings['notify'],
	link: string,
	entries: BoardEntry[],
): Promise<void> {
	const clipCount = entries.length;
	const titles = [...new Set(entries.map((entry) => entry.item.bible.title))].join(', ');
	const text = `${clipCount} clip${clipCount === 1 ? '' : 's'} of "${titles}" need${clipCount === 1 ? 's' : ''} review: ${link}`;
	if (webhookUrl) {
		await deliverOn(context, 'Chat Webhook URL (Slack or Teams)', () =>
			context.helpers.httpRequest({ method: 'POST', url: webhookUrl, body: { text }, json: true }),
		);
	}
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
	const settings = readHumanApprovalWaitSettings(context);
	const inputs = context.getInputData();
	const { items, errors } = readBatch(context.getNode(), inputs, context.continueOnFail());
	const binaryOf = (itemIndex: number) => inputs[itemIndex]?.binary;

	if (settings.operation === 'decideTimedOut') {
		const routed = decideTimedOut(items, settings.timeoutPolicy);
		return routeToOutputs(routed, settings, binaryOf, errors);
	}

	const entries = boardEntries(items, settings.reviewScope);
	if (!entries.length) {
		return routeToOutputs(
			applyReview(items, [], { decisions: new Map() }, { undecided: 'keep' }),
			settings,
			binaryOf,
			errors,
		);
	}
	// Told from the items' JSON, as every request on the link tells it (see reviewWebhook).
	const batchJson = inputs.map((input) => input.json);
	const link = context.getSignedResumeUrl({
		round: reviewRoundOf(batchJson, settings.reviewScope),
	});
	context.customData.set('reviewUrl', link);
	await deliverLink(context, settings.notify, link, entries);

	const waitTill =
		settings.waitLimitMs === undefined
			? WAIT_INDEFINITELY
			: new Date(Date.now() + settings.waitLimitMs);
	await context.putExecutionToWait(waitTill);
	return [inputs];
}
