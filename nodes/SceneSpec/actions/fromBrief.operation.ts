import {
	sleep,
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import type { BriefCharacter } from '../../../core/briefPrompt';
import { slugify } from '../../../core/ids';
import { getVideoModel, DEFAULT_TEXT_MODEL } from '../../../core/models';
import { DEFAULT_RETRY_POLICY, withRetries } from '../../../core/retry';
import { draftSpecFromBrief } from '../../../core/specFromBrief';
import { generateJson } from '../../../edges/google/gemini';
import { requireBinary } from '../../shared/binary';
import { authenticationProperty, googleClientFor, modelLocator } from '../../shared/google';
import {
	aspectRatioProperty,
	maxShotsProperty,
	resolutionProperty,
	veoModelProperty,
} from '../common';
import { specToItems } from '../output';
import type { FromBriefSettings } from '../settings';

const properties: INodeProperties[] = [
	authenticationProperty,
	{
		displayName: 'Brief',
		name: 'brief',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		required: true,
		placeholder:
			'A 30-second spot: at dusk, a barista opens the café and pours the first coffee into the brand-blue mug...',
		description: 'Tone, characters, story beats and anything that must stay the same in every shot',
	},
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		description: 'Leave empty to let the model title it',
	},
	{
		displayName: 'Target Total Duration (Seconds)',
		name: 'targetDurationSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 32,
		description: 'The shots add up to this within one shot length',
	},
	aspectRatioProperty,
	resolutionProperty,
	veoModelProperty,
	{
		displayName: 'Number of Shots',
		name: 'shotCount',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			'Fix the number of shots, or 0 to use as many of the longest shots as fit the target',
	},
	{
		displayName: 'Characters',
		name: 'characters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Character',
		default: {},
		description: 'Characters the spec must use, with their looks fixed here rather than invented',
		options: [
			{
				displayName: 'Character',
				name: 'character',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true },
					{
						displayName: 'Description',
						name: 'description',
						type: 'string',
						typeOptions: { rows: 2 },
						default: '',
						required: true,
					},
					{
						displayName: 'Reference Image Property',
						name: 'referenceImageProperty',
						type: 'string',
						default: '',
						placeholder: 'data',
						description:
							'Binary property of the input item holding a photo of the character (optional)',
					},
				],
			},
		],
	},
	{
		displayName: 'House Style and Brand Rules',
		name: 'houseStyle',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'Brand blue is #1A4DFF. No competitor products. Warm, optimistic tone.',
	},
	modelLocator({
		name: 'languageModel',
		displayName: 'Gemini Model',
		searchListMethod: 'geminiModels',
		defaultId: DEFAULT_TEXT_MODEL,
		description: 'The Gemini model that writes the spec (structured output)',
	}),
	maxShotsProperty,
];

export const description = updateDisplayOptions({ show: { operation: ['fromBrief'] } }, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	settings: FromBriefSettings,
): Promise<INodeExecutionData[]> {
	const characters: BriefCharacter[] = settings.characters.map((character, index) => {
		// Fail before paying for a Gemini call when a reference image is missing.
		if (character.referenceImageProperty)
			requireBinary(
				this,
				itemIndex,
				character.referenceImageProperty,
				`characters[${index}].referenceImageProperty`,
			);
		return { ...character, id: slugify(character.name, 'character') };
	});
	const client = await googleClientFor(this, itemIndex);
	const drafted = await draftSpecFromBrief(
		{
			brief: settings.brief,
			title: settings.title,
			targetDurationSeconds: settings.targetDurationSeconds,
			aspectRatio: settings.aspectRatio,
			resolution: settings.resolution,
			model: getVideoModel(settings.model),
			shotCount: settings.shotCount,
			maxShots: settings.maxShots,
			characters,
			houseStyle: settings.houseStyle,
		},
		(request) =>
			withRetries(
				() =>
					generateJson(client, {
						model: settings.languageModel,
						systemInstruction: request.systemInstruction,
						parts: [{ text: request.userText }],
						responseJsonSchema: request.responseJsonSchema,
						temperature: 0.4,
					}),
				{ ...DEFAULT_RETRY_POLICY, sleep },
			),
	);
	return specToItems(this, itemIndex, drafted.spec, settings, {
		mode: 'fromBrief',
		promptVersion: drafted.promptVersion,
		languageModel: settings.languageModel,
	});
}
