import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_CLIP_PROPERTY } from '../../core/binaryNames';
import type { CorrectionMode } from '../../core/corrections';
import type { SchedulerMode, SchedulerOptions } from '../../core/generationScheduler';
import type { Resolution } from '../../core/types';
import { SettingsCheck } from '../shared/settings';
import { properties } from './description';

export type VeoOperation = 'generateAndWait' | 'submitOnly' | 'checkAndFetch';

const SCHEDULER_MODE: Record<VeoOperation, SchedulerMode> = {
	generateAndWait: 'wait',
	submitOnly: 'submitOnly',
	checkAndFetch: 'checkOnce',
};

/** Veo Generate's settings for the batch: one scheduler runs every shot, so they come from the first item. */
export interface VeoGenerateSettings {
	operation: VeoOperation;
	/** Where the newest clip goes; every take's clip also goes under `<clip property>_take<N>`. */
	clipProperty: string;
	maxAttempts: number;
	scheduler: Pick<
		SchedulerOptions,
		'mode' | 'concurrency' | 'clipTimeoutMs' | 'pollMinMs' | 'pollMaxMs' | 'budgetUsd'
	>;
	keepFileUri: boolean;
	safetyFilteredStatus: 'needs_review' | 'failed';
	/** How a shot sent back gets its next take: an edit of the rejected take, or a new generation. */
	correctionMode: CorrectionMode;
	/** A continuing shot starts from its predecessor's approved last frame (and waits for it). */
	continuityFrames: boolean;
	/** What one shot asks Google for: expressions may give each item its own, so it is read per item. */
	request(itemIndex: number): RequestSettings;
}

/** The request parameters of one item. Overrides left unset keep the shot's and the bible's. */
export interface RequestSettings {
	/** The model id typed or picked; empty for the model the shot list was planned for. */
	model: string;
	/** The user's own prompt, when the prompt source is Custom Prompt. */
	customPrompt?: string;
	extraNegativePrompt: string;
	durationSeconds?: number;
	aspectRatio?: string;
	resolution?: Resolution;
	numberOfVideos: number;
	seed?: number;
	generateAudio?: boolean;
	personGeneration?: string;
	enhancePrompt?: boolean;
	characterReferences: 'auto' | 'always' | 'never';
	referenceImageProperties: string[];
	firstFrameProperty?: string;
	lastFrameProperty?: string;
	extendVideoProperty?: string;
}

/** "on" / "off" / the model's default. */
const onOffOrDefault = (value: unknown) =>
	value === undefined || value === 'default' ? undefined : value === 'on';

/** A choice where "bible" (or nothing) keeps the scene bible's value. */
const overrideOfBible = (value: unknown) =>
	value === undefined || value === '' || value === 'bible' ? undefined : String(value);

const trimmedOrUndefined = (value: unknown) => String(value ?? '').trim() || undefined;

export function readVeoGenerateSettings(context: IExecuteFunctions): VeoGenerateSettings {
	const check = new SettingsCheck(context.getNode(), properties);
	const operation = context.getNodeParameter('operation', 0) as VeoOperation;
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const budgetUsd = check.number('options.budgetUsd', options.budgetUsd, 0, { min: 0 });
	const settings: VeoGenerateSettings = {
		operation,
		clipProperty:
			String(context.getNodeParameter('clipProperty', 0, '')).trim() || DEFAULT_CLIP_PROPERTY,
		maxAttempts: check.number('options.maxAttempts', options.maxAttempts, 3, {
			whole: true,
			min: 1,
		}),
		scheduler: {
			mode: SCHEDULER_MODE[operation],
			concurrency: check.number('options.concurrency', options.concurrency, 10, {
				whole: true,
				min: 1,
			}),
			clipTimeoutMs:
				check.number('options.clipTimeoutMinutes', options.clipTimeoutMinutes, 10, {
					min: 0,
					aboveMin: true,
				}) * 60_000,
			pollMinMs:
				check.number('options.pollMinSeconds', options.pollMinSeconds, 1, {
					min: 0,
					aboveMin: true,
				}) * 1000,
			pollMaxMs:
				check.number('options.pollMaxSeconds', options.pollMaxSeconds, 20, {
					min: 0,
					aboveMin: true,
				}) * 1000,
			// 0 is no limit.
			budgetUsd: budgetUsd > 0 ? budgetUsd : undefined,
		},
		keepFileUri: Boolean(options.keepFileUri),
		safetyFilteredStatus: options.safetyFiltered === 'failed' ? 'failed' : 'needs_review',
		correctionMode: options.correctionMode === 'regenerate' ? 'regenerate' : 'edit',
		continuityFrames: Boolean(options.continuityFrames),
		request: (itemIndex) => readRequestSettings(context, itemIndex),
	};
	check.done();
	return settings;
}

function readRequestSettings(context: IExecuteFunctions, itemIndex: number): RequestSettings {
	const check = new SettingsCheck(context.getNode(), properties);
	const parameter = <T>(name: string, fallback: T) =>
		context.getNodeParameter(name, itemIndex, fallback) as T;
	const options = parameter<IDataObject>('options', {});
	const images = parameter<IDataObject>('images', {});
	const durationSeconds = check.number('options.durationSeconds', options.durationSeconds, 0, {
		min: 0,
	});
	const seed = check.number('options.seed', options.seed, 0, { whole: true, min: 0 });
	const request: RequestSettings = {
		model: String(
			context.getNodeParameter('model', itemIndex, '', { extractValue: true }) ?? '',
		).trim(),
		customPrompt:
			parameter<string>('promptSource', 'compiled') === 'custom'
				? String(parameter('customPrompt', '')).trim()
				: undefined,
		extraNegativePrompt: String(parameter('extraNegativePrompt', '')),
		// 0 keeps the shot's own length; a seed of 0 lets Google pick one.
		durationSeconds: durationSeconds > 0 ? durationSeconds : undefined,
		aspectRatio: overrideOfBible(options.aspectRatio),
		resolution: overrideOfBible(options.resolution) as Resolution | undefined,
		numberOfVideos: check.number('options.numberOfVideos', options.numberOfVideos, 1, {
			whole: true,
			min: 1,
		}),
		seed: seed || undefined,
		generateAudio: onOffOrDefault(options.generateAudio),
		personGeneration:
			options.personGeneration && options.personGeneration !== 'default'
				? String(options.personGeneration)
				: undefined,
		enhancePrompt: onOffOrDefault(options.enhancePrompt),
		characterReferences:
			(images.characterReferences as RequestSettings['characterReferences'] | undefined) ?? 'auto',
		referenceImageProperties: String(images.referenceImageProperties ?? '')
			.split(',')
			.map((name) => name.trim())
			.filter(Boolean),
		firstFrameProperty: trimmedOrUndefined(images.firstFrameProperty),
		lastFrameProperty: trimmedOrUndefined(images.lastFrameProperty),
		extendVideoProperty: trimmedOrUndefined(images.extendVideoProperty),
	};
	check.done();
	return request;
}
