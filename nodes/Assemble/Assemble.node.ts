import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { atNodeBoundary } from '../shared/errors';
import { assembleBatch } from './assemble';
import { properties } from './description';

/** Step 5: the approved clips become the finished cut, the edit lists and the production report. */
export class Assemble implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Assemble',
		name: 'assemble',
		icon: { light: 'file:assemble.svg', dark: 'file:assemble.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {"cut": "Cuts", "crossfade": "Crossfades", "fadeThroughBlack": ' +
			'"Fades through black"}[$parameter["transition"]] + ($parameter["missingShots"] === "slate" ? ' +
			'", slates for missing shots" : "") }}',
		description:
			'Put the approved takes in shot order and deliver the finished video, an edit decision list and a production report',
		defaults: { name: 'Assemble' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await atNodeBoundary(this.getNode(), () => assembleBatch(this))];
	}
}
