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

/** Calibrate's one output, or Score's when routing is off; otherwise one output per route. */
const ONE_OUTPUT =
	'$parameter["operation"] === "calibrate" || $parameter["routing"] === "oneOutput"';
/** An output in the outputs expression, its name an expression in it. */
const output = (name: string) =>
	`{ "type": "${NodeConnectionTypes.Main}", "displayName": ${name} }`;

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
			'Measure each clip against the scene bible (lighting, palette, continuity, technical defects, ' +
			"characters' faces and props with local models, optionally a Gemini judge) and route it to pass, " +
			'review or regeneration',
		defaults: { name: 'Drift Score' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{ ${ONE_OUTPUT} ? [${output('"Scored"')}] : ["Pass", "Review", "Regenerate"].map((name) => (${output('name')})) }}`,
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
