import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_CLIP_PROPERTY } from '../../core/binaryNames';

const aspectOptions = [
	{ name: '16:9 (Landscape)', value: '16:9' },
	{ name: '9:16 (Stories, Reels, Shorts)', value: '9:16' },
	{ name: '1:1 (Square)', value: '1:1' },
	{ name: '4:5 (Feed Portrait)', value: '4:5' },
];

export const properties: INodeProperties[] = [
	{
		displayName:
			'Takes all items at once and makes one cut per pipeline, with the approved takes in shot order. ' +
			'Outputs the video, a poster frame, an EDL and an OpenTimelineIO timeline for editors, ' +
			'and the production report (JSON and HTML).',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Missing Shots',
		name: 'missingShots',
		type: 'options',
		options: [
			{
				name: 'Fail and List Them',
				value: 'fail',
				description: 'Stop with the list of shots without an approved take and why',
			},
			{
				name: 'Insert a Slate',
				value: 'slate',
				description: "A titled card of the shot's length stands in; the report says so",
			},
		],
		default: 'fail',
		description: 'What to do when a shot of the pipeline has no approved take',
	},
	{
		displayName: 'Transition',
		name: 'transition',
		type: 'options',
		options: [
			{
				name: 'Cut',
				value: 'cut',
				description: 'Straight cuts; with matching clips the video is joined without re-encoding',
			},
			{
				name: 'Crossfade',
				value: 'crossfade',
				description:
					'Each shot dissolves into the next; the cut gets shorter by the transition at every join',
			},
			{
				name: 'Fade Through Black',
				value: 'fadeThroughBlack',
				description: 'Each shot fades out and the next fades in; the cut keeps its length',
			},
		],
		default: 'cut',
	},
	{
		displayName: 'Transition Duration (Seconds)',
		name: 'transitionDuration',
		type: 'number',
		typeOptions: { minValue: 0.04, maxValue: 5, numberPrecision: 2 },
		default: 0.5,
		displayOptions: { hide: { transition: ['cut'] } },
	},
	{
		displayName: 'Loudness',
		name: 'loudness',
		type: 'options',
		options: [
			{ name: 'As Generated', value: 'none', description: "Keep the clips' own levels" },
			{
				name: 'Social (-14 LUFS)',
				value: 'social',
				description: 'What YouTube, Instagram and TikTok play at',
			},
			{ name: 'Broadcast (EBU R128, -23 LUFS)', value: 'broadcast' },
			{ name: 'Custom', value: 'custom' },
		],
		default: 'none',
		description: 'Normalise the finished sound (two-pass loudnorm, true peak at most -1 dBTP)',
	},
	{
		displayName: 'Loudness Target (LUFS)',
		name: 'loudnessTarget',
		type: 'number',
		typeOptions: { minValue: -70, maxValue: -5 },
		default: -16,
		displayOptions: { show: { loudness: ['custom'] } },
	},
	{
		displayName: 'Captions',
		name: 'captions',
		type: 'options',
		options: [
			{ name: 'None', value: 'none' },
			{
				name: "From the Shots' Dialogue",
				value: 'dialogue',
				description: 'Each line of dialogue under its shot',
			},
			{
				name: 'SRT Text',
				value: 'srtText',
				description: 'SubRip captions typed here or from an expression',
			},
			{
				name: 'SRT File',
				value: 'srtBinary',
				description: 'An .srt file in a binary property of the items',
			},
		],
		default: 'none',
		description: 'Captions burned into the picture (of every rendition)',
	},
	{
		displayName: 'SRT Text',
		name: 'srtText',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		required: true,
		placeholder: '1\n00:00:00,500 --> 00:00:03,000\nMorning, Mya.',
		displayOptions: { show: { captions: ['srtText'] } },
	},
	{
		displayName: 'SRT Binary Property',
		name: 'srtProperty',
		type: 'string',
		default: 'captions',
		required: true,
		description: 'Binary property holding the .srt file (on any item of the pipeline)',
		displayOptions: { show: { captions: ['srtBinary'] } },
	},
	{
		displayName: 'Audio Track',
		name: 'audioTrack',
		type: 'fixedCollection',
		placeholder: 'Add Music or Voice-Over',
		default: {},
		options: [
			{
				displayName: 'Track',
				name: 'track',
				values: [
					{
						displayName: 'Binary Property',
						name: 'binaryProperty',
						type: 'string',
						default: 'music',
						description: 'Binary property with the audio file (on any item of the pipeline)',
					},
					{
						displayName: 'Role',
						name: 'role',
						type: 'options',
						options: [
							{
								name: 'Music',
								value: 'music',
								description: "Plays under the clips' own sound and fades out at the end",
							},
							{
								name: 'Voice-Over',
								value: 'voiceOver',
								description: "The clips' sound ducks while the voice speaks",
							},
						],
						default: 'music',
					},
					{
						displayName: 'Level (dB)',
						name: 'levelDb',
						type: 'number',
						default: -12,
						description: 'Gain applied to the track before mixing (music usually -10 to -18)',
					},
					{
						displayName: 'Loop',
						name: 'loop',
						type: 'boolean',
						default: true,
						description: 'Whether to repeat the track when it is shorter than the cut',
					},
				],
			},
		],
	},
	{
		displayName: 'Renditions',
		name: 'renditions',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Rendition',
		default: {},
		description: 'Extra versions for other aspect ratios, rendered in the same run',
		options: [
			{
				displayName: 'Rendition',
				name: 'rendition',
				values: [
					{
						displayName: 'Aspect Ratio',
						name: 'aspectRatio',
						type: 'options',
						options: aspectOptions,
						default: '9:16',
					},
					{
						displayName: 'Fit',
						name: 'fit',
						type: 'options',
						options: [
							{ name: 'Crop (Fill the Frame)', value: 'crop' },
							{ name: 'Pad (Letterbox)', value: 'pad' },
						],
						default: 'crop',
					},
					{
						displayName: 'Short Side (Pixels)',
						name: 'shortSide',
						type: 'number',
						typeOptions: { minValue: 2 },
						default: 1080,
						description: 'An even number: 1080 gives 1080x1920 for 9:16 and 1080x1350 for 4:5',
					},
				],
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
				displayName: 'Clip Binary Property',
				name: 'clipProperty',
				type: 'string',
				default: DEFAULT_CLIP_PROPERTY,
				description:
					'Where a clip is when its take does not record a property of its own (Veo Generate keeps each take under "clip_take&lt;N&gt;")',
			},
			{
				displayName: 'Colour Grade LUT Property',
				name: 'lutProperty',
				type: 'string',
				default: '',
				placeholder: 'grade',
				description: 'Binary property with a 3D LUT (.cube) applied to the whole cut',
			},
			{
				displayName: 'Frame Rate',
				name: 'frameRate',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 120 },
				default: 24,
				description: "Frames per second of the cut (by default the clips' own)",
			},
			{
				displayName: 'Output Binary Property',
				name: 'outputProperty',
				type: 'string',
				default: 'cut',
				description: 'Where the video goes; renditions go under "&lt;property&gt;_9x16" and so on',
			},
			{
				displayName: 'Output Height',
				name: 'outputHeight',
				type: 'number',
				typeOptions: { minValue: 2 },
				default: 720,
				description:
					"Height of the cut in pixels, with Output Width (by default the clips' own size)",
			},
			{
				displayName: 'Output Width',
				name: 'outputWidth',
				type: 'number',
				typeOptions: { minValue: 2 },
				default: 1280,
				description:
					'Width of the cut in pixels, with Output Height. Clips of another shape are letterboxed.',
			},
			{
				displayName: 'Poster Frame At (Seconds)',
				name: 'posterAtSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'Where the poster frame is taken from (by default the middle of the first shot)',
			},
			{
				displayName: 'Quality',
				name: 'quality',
				type: 'options',
				options: [
					{ name: 'Draft (Fastest)', value: 'draft' },
					{ name: 'Standard', value: 'standard' },
					{ name: 'High (Slowest)', value: 'high' },
				],
				default: 'standard',
				description: 'Encoder effort when the picture is re-encoded (x264 preset and quality)',
			},
			{
				displayName: 'Takes to Use',
				name: 'takeOverrides',
				type: 'string',
				default: '',
				placeholder: 'shot-02-take-1, shot-05-take-3',
				description:
					'Approved take IDs that win over the newest approved take of their shot (when a shot was approved more than once)',
			},
		],
	},
];
