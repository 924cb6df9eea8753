import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_CLIP_PROPERTY } from '../../core/binaryNames';
import { DEFAULT_THRESHOLDS } from '../../core/scoring/report';
import { authenticationProperty, modelLocator } from '../shared/google';
import { DEFAULT_TEXT_MODEL } from '../../core/models';

const judgeOn = { show: { judge: [true] } };

const threshold = (
	displayName: string,
	name: string,
	fallback: number,
	description: string,
): INodeProperties => ({
	displayName,
	name,
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
	default: fallback,
	description,
});

const scoringProperties: INodeProperties[] = [
	{
		displayName: 'Outputs',
		name: 'routing',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Pass, Review and Regenerate',
				value: 'threeOutputs',
				description:
					'Each clip goes to the output its drift calls for; items that are not freshly generated pass through on Pass',
			},
			{
				name: 'One Output',
				value: 'oneOutput',
				description:
					'Keep the batch together: every item leaves on one output, its status saying approved, needs_review or needs_regeneration',
			},
		],
		default: 'threeOutputs',
	},
	{
		displayName: 'Clip Property',
		name: 'clipProperty',
		type: 'string',
		default: DEFAULT_CLIP_PROPERTY,
		description:
			'Where the newest clip is when the item lacks the binary property its take recorded ' +
			'(Veo Generate puts the newest clip in "clip" too)',
	},
	{
		displayName: 'Technical QA',
		name: 'technical',
		type: 'boolean',
		default: true,
		description:
			'Whether to check length, size, black, frozen or flickering frames, cuts inside the clip and the sound, with ffmpeg',
	},
	{
		displayName: 'Look and Continuity',
		name: 'look',
		type: 'boolean',
		default: true,
		description:
			"Whether to measure lighting and palette against the bible, the first frame against the previous shot's last, " +
			'and characters against their reference images (ffmpeg, no model)',
	},
	{
		displayName: 'Offline Character and Prop Checks',
		name: 'offlineChecks',
		type: 'options',
		options: [
			{
				name: 'On',
				value: 'on',
				description:
					'Compare faces with the reference images and find COCO-class props and their colour, ' +
					'with vision models that ship in the package; the node fails if they cannot load',
			},
			{
				name: 'On When the Models Load',
				value: 'whenAvailable',
				description:
					'As On, but if the models cannot load the clips are scored without these checks and each report says why',
			},
			{ name: 'Off', value: 'off', description: 'Each report says these checks were switched off' },
		],
		default: 'on',
		description:
			'Free, local checks of "is this the same character?" and "is the mug blue?". ' +
			'Props the object model does not know are left to the Semantic Judge.',
	},
	{
		displayName: 'Semantic Judge (Gemini)',
		name: 'judge',
		type: 'boolean',
		default: false,
		description:
			"Whether a Gemini model watches each clip and checks the shot's constraints, props and characters (a paid call per clip)",
	},
	{ ...authenticationProperty, displayOptions: judgeOn },
	modelLocator({
		name: 'judgeModel',
		displayName: 'Judge Model',
		searchListMethod: 'geminiModels',
		defaultId: DEFAULT_TEXT_MODEL,
		description: 'The Gemini model that watches the clips (it must understand video)',
		displayOptions: judgeOn,
	}),
	threshold(
		'Pass Threshold',
		'passThreshold',
		DEFAULT_THRESHOLDS.pass,
		'Clips drifting less than this (0 = exactly the bible, 1 = nothing like it) pass without a person',
	),
	threshold(
		'Fail Threshold',
		'failThreshold',
		DEFAULT_THRESHOLDS.fail,
		'Clips drifting this much or more go back to generation with a corrective prompt',
	),
	threshold(
		'Minimum Confidence',
		'minConfidence',
		DEFAULT_THRESHOLDS.minConfidence,
		'How sure a verdict must be to pass or send back a clip without a person; less sure verdicts go to Review',
	),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Clips Scored at Once',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: "How many clips to decode at once; 0 for the machine's number of cores",
			},
			{
				displayName: 'Contact Sheet',
				name: 'contactSheet',
				type: 'boolean',
				default: true,
				description:
					'Whether to attach a PNG strip of frames with the failing measures marked, as binary "contactSheet"',
			},
			{
				displayName: 'Expect Sound',
				name: 'expectAudio',
				type: 'options',
				options: [
					{
						name: 'When the Model Makes Sound',
						value: 'fromModel',
						description: 'Gemini Omni and Veo 3.1 clips must have sound',
					},
					{ name: 'Always', value: 'always' },
					{
						name: 'Never',
						value: 'never',
						description: 'For clips made with sound switched off (Vertex AI)',
					},
				],
				default: 'fromModel',
			},
			{
				displayName: 'Review Clips No Check Could Verify',
				name: 'reviewUnverified',
				type: 'boolean',
				default: false,
				description:
					'Whether a clip on which no check of look, characters or props could run goes to a person ' +
					'although nothing drifted. ' +
					'Off: such a clip passes when its technical checks do, and its report lists what was not measured and why.',
			},
			{
				displayName: 'Thresholds per Dimension',
				name: 'dimensionThresholds',
				type: 'json',
				default: '{}',
				description:
					'Pass and fail thresholds for single dimensions ' +
					'(technical, lighting, palette, continuity, character, props, semantic) ' +
					'where they should differ from the ones above, e.g. {"lighting": {"pass": 0.25, "fail": 0.7}}. ' +
					"The Calibrate operation recommends them from your editors' decisions.",
			},
		],
	},
];

const calibrateOn = { show: { operation: ['calibrate'] } };

const calibrationProperties: INodeProperties[] = [
	{
		displayName:
			"Reads people's decisions on earlier clips " +
			'(production reports from Assemble, or decision records exported by the review board) ' +
			'and recommends the thresholds per dimension that would have let at most 2% of the rejected clips pass ' +
			'with the least review',
		name: 'calibrateNotice',
		type: 'notice',
		default: '',
		displayOptions: calibrateOn,
	},
	{
		displayName: 'Decisions From',
		name: 'decisionsFrom',
		type: 'options',
		options: [
			{
				name: 'Item JSON',
				value: 'json',
				description:
					'Each item is a production report or one decision record (clip ID, drift report, decision, tags, note)',
			},
			{
				name: 'Binary File',
				value: 'binary',
				description:
					'Each item holds a production report (a JSON file) or a decisions export (a JSON Lines file)',
			},
		],
		default: 'json',
		displayOptions: calibrateOn,
	},
	{
		displayName: 'Input Binary Field',
		name: 'decisionsProperty',
		type: 'string',
		default: 'data',
		description: 'The binary property holding the report or the export',
		displayOptions: { show: { operation: ['calibrate'], decisionsFrom: ['binary'] } },
	},
];

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Score',
				value: 'score',
				action: 'Score clips for drift',
				description: 'Measure each new clip against the scene bible and route it',
			},
			{
				name: 'Calibrate',
				value: 'calibrate',
				action: 'Calibrate thresholds from decisions',
				description: "Recommend thresholds per dimension from people's decisions on earlier clips",
			},
		],
		default: 'score',
	},
	// Score's properties show for Score alone; their own conditions (the judge's) still apply.
	...scoringProperties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, operation: ['score'] },
		},
	})),
	...calibrationProperties,
];
