import type { IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_MAX_SHOTS } from '../../core/shotPlan';
import type { Resolution, VeoAspectRatio } from '../../core/types';
import { SettingsCheck } from '../shared/settings';
import * as defineInNode from './actions/defineInNode.operation';
import * as fromBrief from './actions/fromBrief.operation';
import * as fromJson from './actions/fromJson.operation';
import { outputProperty } from './output';

/**
 * Scene Spec's settings, read per item: each input item (a brief, a spec) makes its own shot list,
 * and expressions may give each its own parameters. One type per mode.
 */

interface CommonSettings {
	/** The Veo model the shots are planned for. */
	model: string;
	maxShots: number;
	output: 'perShot' | 'wholeSpec';
}

export interface FromBriefSettings extends CommonSettings {
	mode: 'fromBrief';
	brief: string;
	title: string;
	targetDurationSeconds: number;
	aspectRatio: VeoAspectRatio;
	resolution: Resolution;
	/** Undefined: as many of the longest shots as fit the target. */
	shotCount?: number;
	characters: Array<{ name: string; description: string; referenceImageProperty?: string }>;
	houseStyle: string;
	languageModel: string;
}

export interface FromJsonSettings extends CommonSettings {
	mode: 'fromJson';
	/** The spec as given: an object, a JSON string of one, or this node's whole-spec item. */
	specJson: unknown;
	targetDurationSeconds?: number;
}

export interface DefineInNodeSettings extends CommonSettings {
	mode: 'defineInNode';
	title: string;
	logline: string;
	aspectRatio: VeoAspectRatio;
	resolution: Resolution;
	look: string;
	lighting: string;
	palette: string[];
	/** An empty id is made from the name. */
	characters: Array<{
		id: string;
		name: string;
		description: string;
		referenceImageProperty?: string;
	}>;
	props: Array<{
		id: string;
		name: string;
		description: string;
		color?: string;
		constraints: string[];
	}>;
	shots: Array<{
		description: string;
		durationSeconds: number;
		camera: string;
		/** Names or ids, as typed. */
		characters: string[];
		props: string[];
		lighting?: string;
		continuousWithPrevious: boolean;
		dialogue?: string;
		constraints: string[];
	}>;
	rules: string[];
	negativePrompt: string;
}

export type SceneSpecSettings = FromBriefSettings | FromJsonSettings | DefineInNodeSettings;

const properties = [
	...fromBrief.description,
	...fromJson.description,
	...defineInNode.description,
	outputProperty,
];

const splitList = (text: unknown, separator: RegExp) =>
	String(text ?? '')
		.split(separator)
		.map((part) => part.trim())
		.filter(Boolean);

const trimmedOrUndefined = (value: unknown) => String(value ?? '').trim() || undefined;

type Entries = Array<Record<string, unknown>>;

export function readSceneSpecSettings(
	context: IExecuteFunctions,
	itemIndex: number,
): SceneSpecSettings {
	const check = new SettingsCheck(context.getNode(), properties);
	const parameter = <T>(name: string, fallback?: T) =>
		context.getNodeParameter(name, itemIndex, fallback) as T;
	const mode = parameter<SceneSpecSettings['mode']>('operation');
	const common: CommonSettings = {
		model: parameter<string>('model'),
		maxShots: check.number(
			'maxShots',
			parameter('maxShots', DEFAULT_MAX_SHOTS),
			DEFAULT_MAX_SHOTS,
			{
				whole: true,
				min: 1,
			},
		),
		output: parameter<string>('output', 'perShot') === 'wholeSpec' ? 'wholeSpec' : 'perShot',
	};
	let settings: SceneSpecSettings;
	if (mode === 'fromBrief') {
		const shotCount = check.number('shotCount', parameter('shotCount', 0), 0, {
			whole: true,
			min: 0,
		});
		settings = {
			...common,
			mode,
			brief: parameter<string>('brief'),
			title: parameter('title', ''),
			// The core says when it is not more than 0.
			targetDurationSeconds: check.number(
				'targetDurationSeconds',
				parameter('targetDurationSeconds', 32),
				32,
			),
			aspectRatio: parameter<VeoAspectRatio>('aspectRatio'),
			resolution: parameter<Resolution>('resolution'),
			shotCount: shotCount > 0 ? shotCount : undefined,
			characters: (parameter<{ character?: Entries }>('characters', {}).character ?? []).map(
				(character) => ({
					name: String(character.name ?? ''),
					description: String(character.description ?? ''),
					referenceImageProperty: trimmedOrUndefined(character.referenceImageProperty),
				}),
			),
			houseStyle: parameter('houseStyle', ''),
			languageModel: context.getNodeParameter('languageModel', itemIndex, '', {
				extractValue: true,
			}) as string,
		};
	} else if (mode === 'fromJson') {
		const target = check.number('targetDurationSeconds', parameter('targetDurationSeconds', 0), 0, {
			min: 0,
		});
		settings = {
			...common,
			mode,
			specJson: parameter<unknown>('specJson'),
			targetDurationSeconds: target > 0 ? target : undefined,
		};
	} else {
		settings = {
			...common,
			mode,
			title: parameter<string>('title'),
			logline: parameter('logline', ''),
			aspectRatio: parameter<VeoAspectRatio>('aspectRatio'),
			resolution: parameter<Resolution>('resolution'),
			look: parameter('look', ''),
			lighting: parameter('lighting', ''),
			palette: splitList(parameter('palette', ''), /,/),
			characters: (parameter<{ character?: Entries }>('characters', {}).character ?? []).map(
				(character) => ({
					id: String(character.id ?? '').trim(),
					name: String(character.name ?? ''),
					description: String(character.description ?? ''),
					referenceImageProperty: trimmedOrUndefined(character.referenceImageProperty),
				}),
			),
			props: (parameter<{ prop?: Entries }>('props', {}).prop ?? []).map((prop) => ({
				id: String(prop.id ?? '').trim(),
				name: String(prop.name ?? ''),
				description: String(prop.description ?? ''),
				color: trimmedOrUndefined(prop.color),
				constraints: splitList(prop.constraints, /;/),
			})),
			shots: (parameter<{ shot?: Entries }>('shots', {}).shot ?? []).map((shot, index) => ({
				description: String(shot.description ?? ''),
				// The core says which lengths the model makes.
				durationSeconds: check.number(
					`shots.shot[${index}].durationSeconds`,
					shot.durationSeconds,
					8,
				),
				camera: String(shot.camera ?? ''),
				characters: splitList(shot.characters, /,/),
				props: splitList(shot.props, /,/),
				lighting: trimmedOrUndefined(shot.lighting),
				continuousWithPrevious: Boolean(shot.continuousWithPrevious),
				dialogue: trimmedOrUndefined(shot.dialogue),
				constraints: splitList(shot.constraints, /\n/),
			})),
			rules: splitList(parameter('rules', ''), /\n/),
			negativePrompt: parameter('negativePrompt', ''),
		};
	}
	check.done();
	return settings;
}
