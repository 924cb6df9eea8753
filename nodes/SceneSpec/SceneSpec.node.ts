import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { atNodeBoundary } from '../shared/errors';
import { googleCredentials, modelListSearch } from '../shared/google';
import { runPerItem } from '../shared/items';
import * as defineInNode from './actions/defineInNode.operation';
import * as fromBrief from './actions/fromBrief.operation';
import * as fromJson from './actions/fromJson.operation';
import { outputProperty } from './output';
import { readSceneSpecSettings } from './settings';

/** One input item's shot list, made the way its settings say. */
async function specForItem(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const settings = readSceneSpecSettings(context, itemIndex);
	switch (settings.mode) {
		case 'fromBrief':
			return fromBrief.execute.call(context, itemIndex, settings);
		case 'fromJson':
			return fromJson.execute.call(context, itemIndex, settings);
		default:
			return defineInNode.execute.call(context, itemIndex, settings);
	}
}

/** Step 1: a creative brief becomes a scene bible and a machine-readable shot list. */
export class SceneSpec implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scene Spec',
		name: 'sceneSpec',
		icon: { light: 'file:sceneSpec.svg', dark: 'file:sceneSpec.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {"fromBrief": "From brief (Gemini)", "fromJson": "From JSON", "defineInNode": "Defined in node"}[$parameter["operation"]] }}',
		description:
			'Turn a creative brief into a scene bible and a shot list that every later step obeys',
		defaults: { name: 'Scene Spec' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: googleCredentials({ operation: ['fromBrief'] }),
		properties: [
			{
				displayName: 'Mode',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'From Brief (Gemini)',
						value: 'fromBrief',
						action: 'Write a scene spec from a brief',
						description: 'Gemini drafts the bible and shot list from your brief',
					},
					{
						name: 'From JSON',
						value: 'fromJson',
						action: 'Validate a scene spec from JSON',
						description: 'Check a spec written by hand, kept in a sheet, or edited from a draft',
					},
					{
						name: 'Define in Node',
						value: 'defineInNode',
						action: 'Define a scene spec in the node',
						description: 'Type characters, props and shots here, for small jobs',
					},
				],
				default: 'fromBrief',
			},
			...fromBrief.description,
			...fromJson.description,
			...defineInNode.description,
			outputProperty,
		],
	};

	methods = { listSearch: modelListSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			await atNodeBoundary(this.getNode(), () =>
				runPerItem(this, (itemIndex) => specForItem(this, itemIndex)),
			),
		];
	}
}
