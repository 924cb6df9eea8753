import type { INode, INodeExecutionData } from 'n8n-workflow';

import type { Batch } from '../../core/review';
import { parseShotItem } from '../../core/shotItems';
import { toNodeError } from '../shared/errors';
import { errorItemFor } from '../shared/items';

/**
 * Reads the batch. An unreadable item stops the node, or, with Continue On Fail, becomes an error
 * item (for the last output) while the other items are reviewed as usual.
 */
export function readBatch(
	node: INode,
	inputs: INodeExecutionData[],
	continueOnFail: boolean,
): { items: Batch; errors: INodeExecutionData[] } {
	const errors: INodeExecutionData[] = [];
	const items = inputs.map((input, itemIndex) => {
		try {
			return parseShotItem(input.json);
		} catch (error) {
			if (!continueOnFail) throw toNodeError(node, error, itemIndex);
			errors.push(errorItemFor(node, input, error, itemIndex));
			return undefined;
		}
	});
	return { items, errors };
}
