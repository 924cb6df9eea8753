import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_VIDEO_MODEL, listVideoModels } from '../../core/models';
import { DEFAULT_MAX_SHOTS } from '../../core/shotPlan';

/** Parameters several modes share. */

export const veoModelProperty: INodeProperties = {
	displayName: 'Veo Model',
	name: 'model',
	type: 'options',
	options: listVideoModels().map((model) => ({
		name: `${model.displayName} (${model.id})`,
		value: model.id,
		description:
			`${model.durations.join(', ')} s shots at ${model.resolutions.join(', ')}; ` +
			`served on ${model.backends.map((backend) => (backend === 'vertex' ? 'Vertex AI' : 'the Gemini API')).join(' and ')}`,
	})),
	default: DEFAULT_VIDEO_MODEL,
	description:
		'The model the shots are meant for, so every duration is one it makes. ' +
		'Use an expression to give an ID not in the list (e.g. a new Veo release).',
};

export const aspectRatioProperty: INodeProperties = {
	displayName: 'Aspect Ratio',
	name: 'aspectRatio',
	type: 'options',
	options: [
		{ name: '16:9 (Landscape)', value: '16:9' },
		{ name: '9:16 (Portrait, Stories and Reels)', value: '9:16' },
	],
	default: '16:9',
};

export const resolutionProperty: INodeProperties = {
	displayName: 'Resolution',
	name: 'resolution',
	type: 'options',
	options: [
		{ name: '720p', value: '720p' },
		{ name: '1080p (8-Second Shots)', value: '1080p' },
		{ name: '4K (Veo 3.1, 8-Second Shots)', value: '4k' },
	],
	default: '720p',
};

export const maxShotsProperty: INodeProperties = {
	displayName: 'Maximum Shots',
	name: 'maxShots',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_MAX_SHOTS,
	description:
		'A guard against a unit mistake (3 hours instead of 3 minutes): specs with more shots are refused',
};
