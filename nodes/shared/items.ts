import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { parseShotItem } from '../../core/shotItems';
import type { ShotItem } from '../../core/types';
import { toNodeError } from './errors';

/** Reading and writing the shot items that travel between the pipeline's nodes. */

export function readShotItem(context: IExecuteFunctions, itemIndex: number): ShotItem {
	try {
		return parseShotItem(context.getInputData()[itemIndex]?.json);
	} catch (error) {
		throw toNodeError(context.getNode(), error, itemIndex);
	}
}

export function shotItemOutput(
	item: ShotItem,
	itemIndex: number,
	binary?: INodeExecutionData['binary'],
): INodeExecutionData {
	return { json: item as unknown as IDataObject, binary, pairedItem: { item: itemIndex } };
}

/** The item n8n shows when the user chose to continue on failure: the input plus the error. */
export function errorItem(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): INodeExecutionData {
	return errorItemFor(context.getNode(), context.getInputData()[itemIndex], error, itemIndex);
}

/** `errorItem` for contexts without input data of their own (a waiting node's webhook). */
export function errorItemFor(
	node: INode,
	input: INodeExecutionData | undefined,
	error: unknown,
	itemIndex: number,
): INodeExecutionData {
	const nodeError = toNodeError(node, error, itemIndex);
	return {
		json: {
			...(input?.json ?? {}),
			error: nodeError.message,
			errorDescription: nodeError.description ?? undefined,
		},
		binary: input?.binary,
		pairedItem: { item: itemIndex },
	};
}

/**
 * Runs `handle` for every input item. A failing item stops the node with an error naming it, or,
 * when "Continue On Fail" is set, becomes an error item and the others go on.
 */
export async function runPerItem(
	context: IExecuteFunctions,
	handle: (itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	const count = context.getInputData().length;
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			output.push(...(await handle(itemIndex)));
		} catch (error) {
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, itemIndex);
			output.push(errorItem(context, error, itemIndex));
		}
	}
	return output;
}
