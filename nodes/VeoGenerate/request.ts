import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { referenceImageProperty } from '../../core/binaryNames';
import { InvalidInputError } from '../../core/failures';
import { checkVideoRequest, estimateCostUsd, getVeoModel, type Backend } from '../../core/models';
import { compilePrompt } from '../../core/prompt';
import type { Resolution, ShotItem } from '../../core/types';
import type { InlineMedia, VideoRequest } from '../../core/videoJobs';
import { binaryToBase64, requireBinary } from '../shared/binary';

/** Builds the Veo request for one shot item from the node's parameters, checked against the model table. */

export interface PlannedRequest {
	request: VideoRequest;
	costUsd: number;
}

async function inlineFrom(
	context: IExecuteFunctions,
	itemIndex: number,
	property: string,
	field: string,
): Promise<InlineMedia> {
	const binary = requireBinary(context, itemIndex, property, field);
	return { data: await binaryToBase64(context, binary), mimeType: binary.mimeType };
}

const optionalChoice = (value: unknown) =>
	value === undefined || value === 'default' ? undefined : value === 'on';

const REQUEST_HINT =
	"Nothing was sent to Google. Change the named field (this node's Options or Images, or the shot list in Scene Spec), or pick a model that offers it.";

/** Where the user sets each field the model table checks: the node's parameters, or the shot list. */
function fieldOf(path: string, options: IDataObject, customPrompt: boolean): string {
	const fromOptions = (name: string, fallback: string) =>
		options[name] && options[name] !== 'bible' && Number(options[name]) !== 0
			? `options.${name}`
			: fallback;
	switch (path) {
		case 'durationSeconds':
			return fromOptions('durationSeconds', 'shot.durationSeconds');
		case 'resolution':
			return fromOptions('resolution', 'bible.style.resolution');
		case 'aspectRatio':
			return fromOptions('aspectRatio', 'bible.style.aspectRatio');
		case 'referenceImages':
			return 'images.characterReferences';
		case 'lastFrame':
			return 'images.lastFrameProperty';
		case 'video':
			return 'images.extendVideoProperty';
		case 'prompt':
			return customPrompt ? 'customPrompt' : 'prompt';
		case 'model':
			return 'model';
		default:
			return `options.${path}`;
	}
}

export async function planRequest(
	context: IExecuteFunctions,
	itemIndex: number,
	item: ShotItem,
	backend: Backend,
): Promise<PlannedRequest> {
	const modelId =
		(context.getNodeParameter('model', itemIndex, '', { extractValue: true }) as string).trim() ||
		item.model;
	const model = getVeoModel(modelId, 'model');
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const images = context.getNodeParameter('images', itemIndex, {}) as IDataObject;

	const durationSeconds =
		Number(options.durationSeconds) > 0
			? Number(options.durationSeconds)
			: item.shot.durationSeconds;
	const aspectRatio =
		!options.aspectRatio || options.aspectRatio === 'bible'
			? item.bible.style.aspectRatio
			: String(options.aspectRatio);
	const resolution = (
		!options.resolution || options.resolution === 'bible'
			? item.bible.style.resolution
			: options.resolution
	) as Resolution;

	const extraNegativePrompt = context.getNodeParameter(
		'extraNegativePrompt',
		itemIndex,
		'',
	) as string;
	const compiled = compilePrompt(item.shot, item.bible, item.correctiveNotes, {
		shotCount: item.shotCount,
		extraNegativePrompt,
	});
	let prompt = compiled.prompt;
	const customPrompt = context.getNodeParameter('promptSource', itemIndex, 'compiled') === 'custom';
	if (customPrompt) {
		const custom = (context.getNodeParameter('customPrompt', itemIndex, '') as string).trim();
		if (!custom) throw new InvalidInputError([{ path: 'customPrompt', message: 'is empty' }]);
		const corrections = compiled.prompt
			.split('\n')
			.find((line) => line.startsWith('Corrections from earlier takes:'));
		prompt = corrections ? `${custom}\n${corrections}` : custom;
	}

	const referenceImages: InlineMedia[] = [];
	const characterReferences = (images.characterReferences as string | undefined) ?? 'auto';
	const takesReferences =
		model.maxReferenceImages > 0 && model.imageFeatureDurations.includes(durationSeconds);
	if (characterReferences === 'always' || (characterReferences === 'auto' && takesReferences)) {
		for (const characterId of item.shot.characters) {
			const character = item.bible.characters.find((c) => c.id === characterId);
			if (!character?.referenceImage) continue;
			const property =
				character.referenceImage.binaryProperty || referenceImageProperty(character.id);
			referenceImages.push(
				await inlineFrom(
					context,
					itemIndex,
					property,
					`bible.characters[${character.id}].referenceImage`,
				),
			);
		}
	}
	const extraReferences = String(images.referenceImageProperties ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	for (const property of extraReferences) {
		referenceImages.push(
			await inlineFrom(context, itemIndex, property, 'images.referenceImageProperties'),
		);
	}
	const firstFrameProperty = String(images.firstFrameProperty ?? '').trim();
	const lastFrameProperty = String(images.lastFrameProperty ?? '').trim();
	const extendVideoProperty = String(images.extendVideoProperty ?? '').trim();

	const seed = Number(options.seed) || undefined;
	const request: VideoRequest = {
		model: model.id,
		prompt,
		negativePrompt: compiled.negativePrompt || undefined,
		durationSeconds,
		aspectRatio,
		resolution,
		numberOfVideos: Number(options.numberOfVideos ?? 1),
		seed,
		generateAudio: optionalChoice(options.generateAudio),
		personGeneration:
			options.personGeneration && options.personGeneration !== 'default'
				? String(options.personGeneration)
				: undefined,
		enhancePrompt: optionalChoice(options.enhancePrompt),
		referenceImages: referenceImages.length ? referenceImages : undefined,
		firstFrame: firstFrameProperty
			? await inlineFrom(context, itemIndex, firstFrameProperty, 'images.firstFrameProperty')
			: undefined,
		lastFrame: lastFrameProperty
			? await inlineFrom(context, itemIndex, lastFrameProperty, 'images.lastFrameProperty')
			: undefined,
		extendVideo: extendVideoProperty
			? await inlineFrom(context, itemIndex, extendVideoProperty, 'images.extendVideoProperty')
			: undefined,
	};
	const problems = checkVideoRequest({
		...request,
		backend,
		hasFirstFrame: Boolean(request.firstFrame),
		hasLastFrame: Boolean(request.lastFrame),
		referenceImageCount: referenceImages.length,
		isExtension: Boolean(request.extendVideo),
	});
	if (problems.length) {
		throw new InvalidInputError(
			problems.map((problem) => ({
				...problem,
				path: fieldOf(problem.path, options, customPrompt),
			})),
			REQUEST_HINT,
		);
	}
	return {
		request,
		costUsd: estimateCostUsd(model, durationSeconds, resolution, request.numberOfVideos),
	};
}
