import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { RoutedReview } from '../../core/review';

export interface OutputSettings {
	operation?: string;
	routing?: string;
	limitWaitTime?: boolean;
}

/**
 * The node's outputs depend on its settings; `outputsFor` is evaluated by n8n (as an expression)
 * and by `routeToOutputs`, so the two always agree. With a wait limit, "Timed Out" comes first
 * because at the limit n8n hands the waiting items, unchanged, to a waiting node's first output.
 */
export function outputsFor(
	parameters: OutputSettings,
): Array<{ type: 'main'; displayName: string }> {
	if (parameters.operation !== 'decideTimedOut' && parameters.routing === 'single') {
		return [{ type: 'main', displayName: 'Reviewed' }];
	}
	const decided: Array<{ type: 'main'; displayName: string }> = [
		{ type: 'main', displayName: 'Approved' },
		{ type: 'main', displayName: 'Rejected' },
	];
	if (parameters.operation !== 'decideTimedOut' && parameters.limitWaitTime) {
		return [{ type: 'main', displayName: 'Timed Out' }, ...decided];
	}
	return decided;
}

/** Every item on its output, with its binaries and its pairing to the input item. */
export function routeToOutputs(
	routed: RoutedReview,
	settings: OutputSettings,
	binaryOf: (itemIndex: number) => INodeExecutionData['binary'],
	errorItems: INodeExecutionData[] = [],
): INodeExecutionData[][] {
	const toItem = ({ itemIndex, item }: RoutedReview['approved'][number]): INodeExecutionData => ({
		json: item as unknown as IDataObject,
		binary: binaryOf(itemIndex),
		pairedItem: { item: itemIndex },
	});
	const approved = routed.approved.map(toItem);
	const rejected = [...routed.rejected.map(toItem), ...errorItems];
	const outputs = outputsFor(settings);
	if (outputs.length === 1) {
		const inputOrder = (entry: INodeExecutionData) => (entry.pairedItem as { item: number }).item;
		return [[...approved, ...rejected].sort((a, b) => inputOrder(a) - inputOrder(b))];
	}
	return outputs.length === 3 ? [[], approved, rejected] : [approved, rejected];
}
