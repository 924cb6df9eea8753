import { WAIT_INDEFINITELY, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { applyReview, boardEntries, decideTimedOut, reviewRoundId, type ReviewScope, type TimeoutPolicy } from '../../core/review';
import { parseShotItem } from '../../core/shotItems';
import type { ShotItem } from '../../core/types';
import { toNodeError } from '../shared/errors';
import { errorItem } from '../shared/items';
import { routeToOutputs, type OutputSettings } from './routing';

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

export function outputSettings(context: { getNodeParameter(name: string, index: number, fallback?: unknown): unknown }): OutputSettings {
	return {
		operation: context.getNodeParameter('operation', 0) as string,
		routing: context.getNodeParameter('routing', 0, 'split') as string,
		limitWaitTime: context.getNodeParameter('limitWaitTime', 0, false) as boolean,
	};
}

/** Parses every item; with Continue On Fail, unreadable items become error items on the last output. */
function readBatch(context: IExecuteFunctions): { items: Array<ShotItem | undefined>; errors: INodeExecutionData[] } {
	const errors: INodeExecutionData[] = [];
	const items = context.getInputData().map((input, itemIndex) => {
		try {
			return parseShotItem(input.json);
		} catch (error) {
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, itemIndex);
			errors.push(errorItem(context, error, itemIndex));
			return undefined;
		}
	});
	return { items, errors };
}

async function deliverLink(context: IExecuteFunctions, link: string, items: ShotItem[], clipCount: number): Promise<void> {
	const notify = context.getNodeParameter('notify', 0, {}) as { webhookUrl?: string; workflowId?: string };
	const titles = [...new Set(items.map((item) => item.bible.title))].join(', ');
	const text = `${clipCount} clip${clipCount === 1 ? '' : 's'} of "${titles}" need${clipCount === 1 ? 's' : ''} review: ${link}`;
	if (notify.webhookUrl?.trim()) {
		await context.helpers.httpRequest({ method: 'POST', url: notify.webhookUrl.trim(), body: { text }, json: true });
	}
	if (notify.workflowId?.trim()) {
		await context.executeWorkflow({ id: notify.workflowId.trim() }, [{ json: { reviewUrl: link, text, clipsToReview: clipCount, titles } }], undefined, {
			doNotWaitToFinish: true,
		});
	}
}

/**
 * Puts the batch on one review board and waits, or, when no clip needs eyes, routes at once.
 * The items themselves wait in n8n (with their binaries); `webhook()` reads them back.
 */
export async function waitForReview(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const settings = outputSettings(context);
	const { items, errors } = readBatch(context);
	const inputs = context.getInputData();
	const binaryOf = (itemIndex: number) => inputs[itemIndex]?.binary;

	if (settings.operation === 'decideTimedOut') {
		const valid = items.filter((item): item is ShotItem => Boolean(item));
		const routed = decideTimedOut(valid, context.getNodeParameter('timeoutPolicy', 0) as TimeoutPolicy);
		const indexOf = items.flatMap((item, itemIndex) => (item ? [itemIndex] : []));
		const remap = (entries: typeof routed.approved) => entries.map((entry) => ({ ...entry, itemIndex: indexOf[entry.itemIndex] }));
		return routeToOutputs({ approved: remap(routed.approved), rejected: remap(routed.rejected) }, settings, binaryOf, errors);
	}

	const scope = context.getNodeParameter('reviewScope', 0, 'needsReview') as ReviewScope;
	const valid = items.map((item, itemIndex) => ({ item, itemIndex })).filter((entry): entry is { item: ShotItem; itemIndex: number } => Boolean(entry.item));
	const entries = boardEntries(valid.map((entry) => entry.item), scope);
	if (!entries.length) {
		const routed = applyReview(valid.map((entry) => entry.item), [], { decisions: new Map() }, { undecided: 'keep' });
		const remap = (list: typeof routed.approved) => list.map((entry) => ({ ...entry, itemIndex: valid[entry.itemIndex].itemIndex }));
		return routeToOutputs({ approved: remap(routed.approved), rejected: remap(routed.rejected) }, settings, binaryOf, errors);
	}
	if (errors.length) {
		// A board is built from the waiting items again when the page loads; every item must be readable.
		throw toNodeError(context.getNode(), new Error(errors.map((error) => String(error.json.error)).join('; ')));
	}
	const link = context.getSignedResumeUrl({ round: reviewRoundId(entries) });
	context.customData.set('reviewUrl', link);
	await deliverLink(context, link, valid.map((entry) => entry.item), entries.length);

	let waitTill = WAIT_INDEFINITELY;
	if (settings.limitWaitTime) {
		const amount = context.getNodeParameter('limitAmount', 0) as number;
		const unit = context.getNodeParameter('limitUnit', 0) as keyof typeof UNIT_MS;
		waitTill = new Date(Date.now() + amount * UNIT_MS[unit]);
	}
	await context.putExecutionToWait(waitTill);
	return [context.getInputData()];
}
