import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_CLIP_PROPERTY } from '../../core/binaryNames';
import { DEFAULT_VIDEO_MODEL } from '../../core/models';
import { authenticationProperty, modelLocator } from '../shared/google';

const submitting = { show: { operation: ['generateAndWait', 'submitOnly'] } };

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Generate and Wait',
				value: 'generateAndWait',
				action: 'Generate clips and wait for them',
				description: 'Submit every shot that needs a clip, wait for all of them, attach the clips',
			},
			{
				name: 'Submit Only',
				value: 'submitOnly',
				action: 'Submit clips without waiting',
				description:
					'Start generations and return at once with their operation names; pair with a Wait node and Check and Fetch for long batches',
			},
			{
				name: 'Check and Fetch',
				value: 'checkAndFetch',
				action: 'Check submitted clips and fetch finished ones',
				description: 'Check each submitted generation once; attach the clips that are ready',
			},
		],
		default: 'generateAndWait',
	},
	authenticationProperty,
	{
		...modelLocator({
			name: 'model',
			displayName: 'Model',
			searchListMethod: 'videoModels',
			defaultId: DEFAULT_VIDEO_MODEL,
			description:
				'Video model id. By default the model the shot list was planned for. ' +
				'The Gemini API serves Gemini Omni (gemini-omni-1.2-flash, gemini-omni-1.1-flash); ' +
				'Vertex AI serves Gemini Omni 1.2 and Veo 3.1 (veo-3.1-generate-001, veo-3.1-fast-generate-001). ' +
				'Google shut Veo down on the Gemini API in 2026.',
			displayOptions: submitting,
		}),
		default: { mode: 'id', value: '={{ $json.model }}' },
	},
	{
		displayName: 'Prompt Source',
		name: 'promptSource',
		type: 'options',
		options: [
			{
				name: 'Compiled From the Scene Bible',
				value: 'compiled',
				description:
					"The shot plus the bible's characters, props, look and rules, plus corrections from earlier takes",
			},
			{
				name: 'Custom Prompt',
				value: 'custom',
				description: 'Your own prompt (expressions allowed); corrections are still appended',
			},
		],
		default: 'compiled',
		displayOptions: submitting,
	},
	{
		displayName: 'Custom Prompt',
		name: 'customPrompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		displayOptions: {
			show: { operation: ['generateAndWait', 'submitOnly'], promptSource: ['custom'] },
		},
	},
	{
		displayName: 'Extra Negative Prompt',
		name: 'extraNegativePrompt',
		type: 'string',
		default: '',
		placeholder: 'blurry, extra fingers',
		description: "Added to the bible's negative prompt",
		displayOptions: submitting,
	},
	{
		displayName: 'Output Binary Property',
		name: 'clipProperty',
		type: 'string',
		default: DEFAULT_CLIP_PROPERTY,
		description:
			'Where the newest clip goes. Every take also keeps its clip under "&lt;property&gt;_take&lt;N&gt;".',
		displayOptions: { show: { operation: ['generateAndWait', 'checkAndFetch'] } },
	},
	{
		displayName: 'Images',
		name: 'images',
		type: 'collection',
		placeholder: 'Add Image',
		default: {},
		displayOptions: submitting,
		options: [
			{
				displayName: 'Character Reference Images',
				name: 'characterReferences',
				type: 'options',
				options: [
					{
						name: 'When the Model Takes Them',
						value: 'auto',
						description:
							"Use the shot's characters' reference images on models that accept them (Veo 3.1, 8-second shots)",
					},
					{
						name: 'Always',
						value: 'always',
						description: 'Use them, and fail clearly when the model cannot',
					},
					{ name: 'Never', value: 'never' },
				],
				default: 'auto',
			},
			{
				displayName: 'Extend Video Property',
				name: 'extendVideoProperty',
				type: 'string',
				default: '',
				description: 'Binary property with a clip to extend (Veo 3.1, 720p)',
			},
			{
				displayName: 'Extra Reference Image Properties',
				name: 'referenceImageProperties',
				type: 'string',
				default: '',
				placeholder: 'product, logo',
				description:
					'Binary properties with asset images (up to 3 references in all), separated by commas',
			},
			{
				displayName: 'First Frame Property',
				name: 'firstFrameProperty',
				type: 'string',
				default: '',
				description: 'Binary property with an image the clip starts from',
			},
			{
				displayName: 'Last Frame Property',
				name: 'lastFrameProperty',
				type: 'string',
				default: '',
				description: 'Binary property with an image the clip ends on (needs a first frame)',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Aspect Ratio',
				name: 'aspectRatio',
				type: 'options',
				options: [
					{ name: 'From the Scene Bible', value: 'bible' },
					{ name: '16:9', value: '16:9' },
					{ name: '9:16', value: '9:16' },
				],
				default: 'bible',
			},
			{
				displayName: 'Attempts per Shot',
				name: 'maxAttempts',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 3,
				description:
					'Takes a shot may use in all, including regenerations after review; then it is marked failed with the reason',
			},
			{
				displayName: 'Budget (USD)',
				name: 'budgetUsd',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: 0,
				description:
					'Stop submitting when the next clip would take this run over the budget (0 = no limit). Unstarted shots stay pending.',
			},
			{
				displayName: 'Clips at Once',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10,
				description:
					"Generations running at the same time. Google's video quota is about 10 per project; " +
					'a 429 slows the batch down, it never fails a shot.',
			},
			{
				displayName: 'Continuing Shots Start From the Previous Last Frame',
				name: 'continuityFrames',
				type: 'boolean',
				default: false,
				description:
					"Whether a shot marked as continuing the previous one starts from that shot's approved last frame. " +
					"Such a shot waits for its predecessor's approval (one more round of the loop per link in a chain); " +
					'independent shots still run at once.',
			},
			{
				displayName: 'Duration (Seconds)',
				name: 'durationSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: "0 uses each shot's own duration",
			},
			{
				displayName: 'Enhance Prompt (Veo)',
				name: 'enhancePrompt',
				type: 'options',
				options: [
					{ name: "Model's Default", value: 'default' },
					{ name: 'On', value: 'on' },
					{ name: 'Off', value: 'off' },
				],
				default: 'default',
			},
			{
				displayName: 'Fix Rejected Clips By',
				name: 'correctionMode',
				type: 'options',
				options: [
					{
						name: 'Editing the Rejected Clip (Gemini Omni)',
						value: 'edit',
						description:
							"Change only what the note asks on the rejected clip's own interaction, keeping the rest; " +
							'models that cannot edit generate anew',
					},
					{
						name: 'Generating a New Clip',
						value: 'regenerate',
						description: 'A fresh generation with the corrections added to the prompt',
					},
				],
				default: 'edit',
				description:
					'How a shot that a person rejected or QA sent back gets its next take. Each take records which.',
			},
			{
				displayName: 'Generate Audio (Veo on Vertex AI)',
				name: 'generateAudio',
				type: 'options',
				options: [
					{ name: "Model's Default", value: 'default' },
					{ name: 'On', value: 'on' },
					{ name: 'Off', value: 'off' },
				],
				default: 'default',
				description:
					'Veo on Vertex AI can switch audio off; Gemini Omni always makes audio (say "no dialogue" or "no music" in the prompt instead)',
			},
			{
				displayName: 'Keep Google File URI',
				name: 'keepFileUri',
				type: 'boolean',
				default: false,
				description:
					"Whether to record the clip's URI at Google on the take (Gemini API files are kept two days)",
			},
			{
				displayName: 'Maximum Wait per Clip (Minutes)',
				name: 'clipTimeoutMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10,
				description: 'A clip not ready by then counts as a failed attempt and is tried again',
			},
			{
				displayName: 'Number of Videos',
				name: 'numberOfVideos',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1,
				description:
					'Videos per request, where the model makes more than one (the models served today make one). Extra videos are kept on the take.',
			},
			{
				displayName: 'Person Generation (Veo)',
				name: 'personGeneration',
				type: 'options',
				options: [
					{ name: "Model's Default", value: 'default' },
					{ name: 'Allow All', value: 'allow_all' },
					{ name: 'Allow Adults', value: 'allow_adult' },
					{ name: "Don't Allow", value: 'dont_allow' },
				],
				default: 'default',
			},
			{
				displayName: 'Poll Interval Maximum (Seconds)',
				name: 'pollMaxSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 20,
				description:
					'The longest gap between two checks of one clip, so a clip that finishes early is not left waiting',
			},
			{
				displayName: 'Poll Interval Minimum (Seconds)',
				name: 'pollMinSeconds',
				type: 'number',
				typeOptions: { minValue: 0.1 },
				default: 1,
				description:
					"The shortest gap between two checks of one clip. Checks adapt to how long the batch's clips take, " +
					'so most clips are checked only a few times.',
			},
			{
				displayName: 'Resolution',
				name: 'resolution',
				type: 'options',
				options: [
					{ name: 'From the Scene Bible', value: 'bible' },
					{ name: '720p', value: '720p' },
					{ name: '1080p', value: '1080p' },
					{ name: '4K', value: '4k' },
				],
				default: 'bible',
			},
			{
				displayName: 'Safety-Filtered Clips',
				name: 'safetyFiltered',
				type: 'options',
				options: [
					{ name: 'Send to Review', value: 'needs_review' },
					{ name: 'Mark Failed', value: 'failed' },
				],
				default: 'needs_review',
				description:
					"Where a shot goes when Google's safety filter withholds its video (not charged)",
			},
			{
				displayName: 'Seed',
				name: 'seed',
				type: 'number',
				default: 0,
				description:
					'0 for a random seed; a fixed seed makes takes repeatable (Gemini Omni on both backends, Veo on Vertex AI)',
			},
		],
	},
];
