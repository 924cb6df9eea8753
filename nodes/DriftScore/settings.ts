import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { availableParallelism } from 'os';

import { DEFAULT_CLIP_PROPERTY } from '../../core/binaryNames';
import {
	DEFAULT_THRESHOLDS,
	parseDimensionThresholds,
	type Thresholds,
} from '../../core/scoring/report';
import type { OfflineChecks } from '../../edges/vision/humanModels';
import { SettingsCheck } from '../shared/settings';
import { properties } from './description';

/** Drift Score's settings for the batch: the scorers and how many clips they decode at once. */
export interface DriftScoreSettings {
	/** Three outputs (pass, review, regenerate), or everything on one. */
	oneOutput: boolean;
	technical: boolean;
	look: boolean;
	offlineChecks: OfflineChecks;
	/** The Gemini model that judges the clips; undefined when the judge is off. */
	judgeModel?: string;
	/** Clips decoded at once. */
	concurrency: number;
	contactSheet: boolean;
	/** Whether a clip must have sound; undefined: when its model makes sound. */
	expectAudio?: boolean;
	/** Where an item's clip is and how it is routed: expressions may give each item its own. */
	item(itemIndex: number): DriftItemSettings;
}

export interface DriftItemSettings {
	clipProperty: string;
	thresholds: Thresholds;
}

export function readDriftScoreSettings(context: IExecuteFunctions): DriftScoreSettings {
	const check = new SettingsCheck(context.getNode(), properties);
	const parameter = <T>(name: string, fallback: T) =>
		context.getNodeParameter(name, 0, fallback) as T;
	const options = parameter<IDataObject>('options', {});
	const judge = parameter('judge', false);
	const concurrency = check.number('options.concurrency', options.concurrency, 0, {
		whole: true,
		min: 0,
	});
	const settings: DriftScoreSettings = {
		oneOutput: parameter<string>('routing', 'threeOutputs') === 'oneOutput',
		technical: parameter('technical', true),
		look: parameter('look', true),
		offlineChecks: parameter<OfflineChecks>('offlineChecks', 'on'),
		judgeModel: judge
			? (context.getNodeParameter('judgeModel', 0, '', { extractValue: true }) as string)
			: undefined,
		// 0: one per core.
		concurrency: concurrency || availableParallelism(),
		contactSheet: options.contactSheet !== false,
		expectAudio: { always: true, never: false }[options.expectAudio as string],
		item: (itemIndex) => readItemSettings(context, itemIndex),
	};
	check.done();
	return settings;
}

function readItemSettings(context: IExecuteFunctions, itemIndex: number): DriftItemSettings {
	const check = new SettingsCheck(context.getNode(), properties);
	const parameter = (name: string, fallback: unknown) =>
		context.getNodeParameter(name, itemIndex, fallback);
	const threshold = (name: 'pass' | 'fail' | 'minConfidence', parameterName: string) =>
		check.number(
			parameterName,
			parameter(parameterName, DEFAULT_THRESHOLDS[name]),
			DEFAULT_THRESHOLDS[name],
			{
				min: 0,
				max: 1,
			},
		);
	const options = parameter('options', {}) as IDataObject;
	const thresholds: Thresholds = {
		pass: threshold('pass', 'passThreshold'),
		fail: threshold('fail', 'failThreshold'),
		minConfidence: threshold('minConfidence', 'minConfidence'),
		dimensions: parseDimensionThresholds(
			options.dimensionThresholds ?? '{}',
			'options.dimensionThresholds',
		),
		reviewUnverified: options.reviewUnverified === true,
	};
	if (thresholds.pass > thresholds.fail) {
		check.refuse(
			'passThreshold',
			`(${thresholds.pass}) is above the fail threshold (${thresholds.fail})`,
		);
	}
	check.done();
	return {
		clipProperty: String(parameter('clipProperty', '')).trim() || DEFAULT_CLIP_PROPERTY,
		thresholds,
	};
}
