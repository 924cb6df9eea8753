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
import { calibrateDecisions } from './calibrate';
import { scoreBatch } from './score';

/** Step 3: every new clip is measured against the scene bible and routed to pass, review or regeneration. */
export class DriftScore implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Drift Score',
		name: 'driftScore',
		icon: { light: 'file:driftScore.svg', dark: 'file:driftScore.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ $parameter["operation"] === "calibrate" ? "Calibrate thresholds" : $parameter["judge"] ? "Measured and judged" : "Measured" }}',
		description:
			"Measure each clip against the scene bible (lighting, palette, continuity, technical defects, characters' faces and props with local models, optionally a Gemini judge) and route it to pass, review or regeneration",
		defaults: { name: 'Drift Score' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{ $parameter["operation"] === "calibrate" || $parameter["routing"] === "oneOutput" ? [{ "type": "${NodeConnectionTypes.Main}", "displayName": "Scored" }] : ["Pass", "Review", "Regenerate"].map((name) => ({ "type": "${NodeConnectionTypes.Main}", "displayName": name })) }}`,
		credentials: googleCredentials({ judge: [true] }),
		properties,
	};

	methods = { listSearch: modelListSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return atNodeBoundary(this.getNode(), () =>
			this.getNodeParameter('operation', 0, 'score') === 'calibrate'
				? calibrateDecisions(this)
				: scoreBatch(this),
		);
	}
}
