import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { InvalidInputError } from '../../../core/failures';
import { parseSceneSpec } from '../../../core/schema';
import { assertSpecFitsModel } from '../../../core/shotPlan';
import { maxShotsProperty, veoModelProperty } from '../common';
import { specToItems } from '../output';
import type { FromJsonSettings } from '../settings';

const properties: INodeProperties[] = [
	{
		displayName: 'Scene Spec (JSON)',
		name: 'specJson',
		type: 'json',
		default: '={{ $json }}',
		required: true,
		description:
			'An object with "bible" and "shots" (or a JSON string of one): ' +
			'from a previous node, a Google Sheet cell, a file, or a Scene Spec draft you edited',
		hint: 'Ids may be left out: characters and props get a slug of their name, shots "shot-01", "shot-02"...',
	},
	veoModelProperty,
	{
		displayName: 'Target Total Duration (Seconds)',
		name: 'targetDurationSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description: 'When more than 0, the shots must add up to this within one shot length',
	},
	maxShotsProperty,
];

export const description = updateDisplayOptions({ show: { operation: ['fromJson'] } }, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	settings: FromJsonSettings,
): Promise<INodeExecutionData[]> {
	let raw = settings.specJson;
	if (raw && typeof raw === 'object' && !('bible' in raw) && 'spec' in raw) {
		// The "whole spec" output of this node, fed back in after an edit.
		raw = (raw as { spec: unknown }).spec;
	}
	if (raw === '' || raw === undefined || raw === null) {
		throw new InvalidInputError(
			[{ path: 'specJson', message: 'is empty' }],
			'Give an object with "bible" and "shots".',
		);
	}
	const spec = parseSceneSpec(raw);
	assertSpecFitsModel(spec, settings.model, {
		targetDurationSeconds: settings.targetDurationSeconds,
		maxShots: settings.maxShots,
	});
	return specToItems(this, itemIndex, spec, settings, { mode: 'fromJson' });
}
