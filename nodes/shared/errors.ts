import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import {
	describeError,
	InvalidInputError,
	NonRetryableFailure,
	RetryableFailure,
	withoutServerPaths,
} from '../../core/failures';

/**
 * The boundary where the pipeline's typed failures become n8n errors, once for every node: input
 * problems become NodeOperationError with the field and what to do; Google's refusals become
 * NodeApiError with the HTTP status; both carry the item's index so n8n points at the item. No
 * message names a path on the server (a temporary folder, n8n's user folder): an error that
 * slipped past its edge's summary is cleaned here.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeOperationError | NodeApiError {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	const where = itemIndex === undefined ? '' : `Item ${itemIndex}: `;
	const message = describeError(error);
	const hint =
		error instanceof InvalidInputError ||
		error instanceof RetryableFailure ||
		error instanceof NonRetryableFailure
			? error.hint && withoutServerPaths(error.hint)
			: undefined;
	if ((error instanceof RetryableFailure || error instanceof NonRetryableFailure) && error.status) {
		return new NodeApiError(node, { message } as JsonObject, {
			itemIndex,
			message: `${where}${message}`,
			description: hint,
			httpCode: String(error.status),
		});
	}
	return new NodeOperationError(node, `${where}${message}`, { itemIndex, description: hint });
}

/**
 * The one boundary of every node's `execute()` and `webhook()`: whatever escapes, for one item or
 * for the whole batch, leaves as n8n's error with its hint. Errors already wrapped where their item
 * was known pass through unchanged.
 */
export async function atNodeBoundary<T>(node: INode, run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (error) {
		throw toNodeError(node, error);
	}
}
