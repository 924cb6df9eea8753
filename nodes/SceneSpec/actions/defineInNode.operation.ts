import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { inferConstraintDimension } from '../../../core/constraints';
import { slugify } from '../../../core/ids';
import { parseSceneSpec } from '../../../core/schema';
import { assertSpecFitsModel } from '../../../core/shotPlan';
import {
	aspectRatioProperty,
	maxShotsProperty,
	resolutionProperty,
	veoModelProperty,
} from '../common';
import { specToItems } from '../output';
import type { DefineInNodeSettings } from '../settings';

const properties: INodeProperties[] = [
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Morning Ritual - 30 s spot',
	},
	{
		displayName: 'Logline',
		name: 'logline',
		type: 'string',
		default: '',
		placeholder: 'A barista starts the day with the brand-blue mug',
	},
	veoModelProperty,
	aspectRatioProperty,
	resolutionProperty,
	{
		displayName: 'Look',
		name: 'look',
		type: 'string',
		default: '',
		placeholder: 'cinematic, 35mm, shallow depth of field',
	},
	{
		displayName: 'Lighting',
		name: 'lighting',
		type: 'string',
		default: '',
		placeholder: 'warm dusk light through the window',
	},
	{
		displayName: 'Palette',
		name: 'palette',
		type: 'string',
		default: '',
		placeholder: 'amber, teal, cream',
		description: 'Colours separated by commas',
	},
	{
		displayName: 'Characters',
		name: 'characters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Character',
		default: {},
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
						description: 'Face, hair, age and wardrobe: what must stay the same in every shot',
					},
					{
						displayName: 'ID',
						name: 'id',
						type: 'string',
						default: '',
						description: 'Leave empty to use the name in lowercase with hyphens',
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
		displayName: 'Props',
		name: 'props',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Prop',
		default: {},
		options: [
			{
				displayName: 'Prop',
				name: 'prop',
				values: [
					{
						displayName: 'Colour',
						name: 'color',
						type: 'color',
						default: '',
						description:
							'Pick it, or type a colour word such as "blue" in the box beside the picker. ' +
							'The drift check matches a picked hex code exactly and a word more loosely; "brand blue #1A4DFF" gives both.',
					},
					{
						displayName: 'Constraints',
						name: 'constraints',
						type: 'string',
						default: '',
						description:
							'Further rules, separated by semicolons (e.g. "always full; logo faces the camera")',
					},
					{ displayName: 'Description', name: 'description', type: 'string', default: '' },
					{ displayName: 'ID', name: 'id', type: 'string', default: '' },
					{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true },
				],
			},
		],
	},
	{
		displayName: 'Shots',
		name: 'shots',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Shot',
		default: {},
		options: [
			{
				displayName: 'Shot',
				name: 'shot',
				values: [
					{
						displayName: 'Camera',
						name: 'camera',
						type: 'string',
						default: '',
						placeholder: 'medium shot, slow push in',
					},
					{
						displayName: 'Characters',
						name: 'characters',
						type: 'string',
						default: '',
						description: 'Names or IDs of the characters in the shot, separated by commas',
					},
					{
						displayName: 'Checkable Constraints',
						name: 'constraints',
						type: 'string',
						typeOptions: { rows: 2 },
						default: '',
						description:
							'Statements a reviewer can verify by looking, one per line (e.g. "The mug is blue")',
					},
					{
						displayName: 'Continues the Previous Shot',
						name: 'continuousWithPrevious',
						type: 'boolean',
						default: false,
					},
					{
						displayName: 'Description',
						name: 'description',
						type: 'string',
						typeOptions: { rows: 2 },
						default: '',
						required: true,
					},
					{ displayName: 'Dialogue', name: 'dialogue', type: 'string', default: '' },
					{
						displayName: 'Duration (Seconds)',
						name: 'durationSeconds',
						type: 'number',
						default: 8,
						description: 'One the Veo model makes (Veo 3.x: 4, 6 or 8)',
					},
					{
						displayName: 'Lighting',
						name: 'lighting',
						type: 'string',
						default: '',
						description: 'Overrides the bible lighting for this shot',
					},
					{
						displayName: 'Props',
						name: 'props',
						type: 'string',
						default: '',
						description: 'Names or IDs of the props in the shot, separated by commas',
					},
				],
			},
		],
	},
	{
		displayName: 'Rules',
		name: 'rules',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: 'Rules every shot obeys, one per line',
	},
	{
		displayName: 'Negative Prompt',
		name: 'negativePrompt',
		type: 'string',
		default: '',
		placeholder: 'text, watermark, distorted hands',
	},
	maxShotsProperty,
];

export const description = updateDisplayOptions(
	{ show: { operation: ['defineInNode'] } },
	properties,
);

interface Named {
	id?: string;
	name: string;
}

/** A shot may name a character or prop by id or by name; the bible knows both. */
function resolveIds(tokens: string[], entries: Array<Named & { id: string }>): string[] {
	return tokens.map((token) => {
		const byName = entries.find((entry) => entry.name.toLowerCase() === token.toLowerCase());
		return byName ? byName.id : token;
	});
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	settings: DefineInNodeSettings,
): Promise<INodeExecutionData[]> {
	const characters = settings.characters.map((c) => ({
		id: c.id || slugify(c.name, 'character'),
		name: c.name,
		description: c.description,
		...(c.referenceImageProperty
			? { referenceImage: { binaryProperty: c.referenceImageProperty } }
			: {}),
	}));
	const props = settings.props.map((p) => ({
		id: p.id || slugify(p.name, 'prop'),
		name: p.name,
		description: p.description,
		...(p.color ? { color: p.color } : {}),
		constraints: p.constraints,
	}));
	const { palette } = settings;
	const shots = settings.shots.map((s, index) => ({
		sequence: index + 1,
		description: s.description,
		durationSeconds: s.durationSeconds,
		camera: s.camera,
		characters: resolveIds(s.characters, characters),
		props: resolveIds(s.props, props),
		...(s.lighting ? { lighting: s.lighting } : {}),
		continuousWithPrevious: s.continuousWithPrevious,
		...(s.dialogue ? { dialogue: s.dialogue } : {}),
		constraints: s.constraints.map((text) => ({
			text,
			dimension: inferConstraintDimension(text, { props, characters, palette }),
		})),
	}));
	const spec = parseSceneSpec({
		bible: {
			title: settings.title,
			logline: settings.logline,
			style: {
				look: settings.look,
				palette,
				lighting: settings.lighting,
				aspectRatio: settings.aspectRatio,
				resolution: settings.resolution,
			},
			characters,
			locations: [],
			props,
			rules: settings.rules,
			negativePrompt: settings.negativePrompt,
		},
		shots,
	});
	assertSpecFitsModel(spec, settings.model, { maxShots: settings.maxShots });
	return specToItems(this, itemIndex, spec, settings, { mode: 'defineInNode' });
}
