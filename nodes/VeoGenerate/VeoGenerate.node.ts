import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { atNodeBoundary } from '../shared/errors';
import { googleCredentials, modelListSearch } from '../shared/google';
import { properties } from './description';
import { generateBatch } from './generate';

/**
 * Step 2: every shot becomes a clip, in parallel within quota, with the bible in every prompt. The
 * node keeps its name and type (`veoGenerate`) so saved workflows load; it generates with the
 * models Google serves today (Gemini Omni, and Veo 3.1 on Vertex AI).
 */
export class VeoGenerate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Veo Generate',
		name: 'veoGenerate',
		icon: { light: 'file:veoGenerate.svg', dark: 'file:veoGenerate.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {"generateAndWait": "Generate and wait", "submitOnly": "Submit only", "checkAndFetch": ' +
			'"Check and fetch"}[$parameter["operation"]] }}',
		description:
			'Generate a clip for every shot with Gemini Omni or Veo, within quota, with the scene bible compiled into every prompt',
		defaults: { name: 'Veo Generate' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: googleCredentials(),
		properties,
	};

	methods = { listSearch: modelListSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await atNodeBoundary(this.getNode(), () => generateBatch(this))];
	}
}
