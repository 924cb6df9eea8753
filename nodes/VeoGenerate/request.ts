import type { IExecuteFunctions } from 'n8n-workflow';

import { referenceImageProperty } from '../../core/binaryNames';
import { InvalidInputError } from '../../core/failures';
import { planCorrection, type CorrectionMode } from '../../core/corrections';
import type { NewAttempt, TakeOrigin } from '../../core/generationScheduler';
import { checkVideoRequest, estimateCostUsd, getVideoModel, type Backend } from '../../core/models';
import { compilePrompt } from '../../core/prompt';
import type { ShotItem } from '../../core/types';
import type { InlineMedia, ReferenceImage, VideoRequest } from '../../core/videoJobs';
import { binaryToBase64, requireBinary } from '../shared/binary';
import type { RequestSettings } from './settings';

/** What the batch decided for this shot before its request is built. */
export interface ShotContext {
	correctionMode: CorrectionMode;
	/** The previous shot's last frame, for a shot that continues it (unless the node sets one). */
	continuityFrame?: { image: InlineMedia; takeId: string };
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

const REQUEST_HINT =
	"Nothing was sent to Google. Change the named field (this node's Options or Images, " +
	'or the shot list in Scene Spec), or pick a model that offers it.';

/** Where the user sets each field the model table checks: the node's parameters, or the shot list. */
function fieldOf(path: string, settings: RequestSettings): string {
	const fromOptions = (set: unknown, fallback: string) =>
		set === undefined ? fallback : `options.${path}`;
	switch (path) {
		case 'durationSeconds':
			return fromOptions(settings.durationSeconds, 'shot.durationSeconds');
		case 'resolution':
			return fromOptions(settings.resolution, 'bible.style.resolution');
		case 'aspectRatio':
			return fromOptions(settings.aspectRatio, 'bible.style.aspectRatio');
		case 'referenceImages':
			return 'images.characterReferences';
		case 'lastFrame':
			return 'images.lastFrameProperty';
		case 'video':
			return 'images.extendVideoProperty';
		case 'prompt':
			return settings.customPrompt === undefined ? 'prompt' : 'customPrompt';
		case 'model':
			return 'model';
		case 'correctionMode':
			return 'options.correctionMode';
		default:
			return `options.${path}`;
	}
}

/**
 * The request for one shot item, from its settings, checked against the model table: a fresh
 * generation, or an edit of the shot's rejected take; the origin says which, for its take.
 */
export async function planRequest(
	context: IExecuteFunctions,
	itemIndex: number,
	item: ShotItem,
	settings: RequestSettings,
	backend: Backend,
	shotContext: ShotContext = { correctionMode: 'edit' },
): Promise<NewAttempt> {
	const model = getVideoModel(settings.model || item.model, 'model');
	const durationSeconds = settings.durationSeconds ?? item.shot.durationSeconds;
	const resolution = settings.resolution ?? item.bible.style.resolution;

	if (settings.customPrompt === '')
		throw new InvalidInputError([{ path: 'customPrompt', message: 'is empty' }]);
	// Corrections are fitted into the model's limit: editors' notes never stop a generation.
	const compiled = compilePrompt(item.shot, item.bible, item.correctiveNotes, {
		maxPromptTokens: model.maxPromptTokens,
		shotCount: item.shotCount,
		extraNegativePrompt: settings.extraNegativePrompt,
		customPrompt: settings.customPrompt,
	});
	const { prompt } = compiled;

	const correction = planCorrection(item, model.id, shotContext.correctionMode);
	const referenceImages: ReferenceImage[] = [];
	const takesReferences =
		model.maxReferenceImages > 0 && model.imageFeatureDurations.includes(durationSeconds);
	if (
		settings.characterReferences === 'always' ||
		(settings.characterReferences === 'auto' && takesReferences)
	) {
		for (const characterId of item.shot.characters) {
			const character = item.bible.characters.find((c) => c.id === characterId);
			if (!character?.referenceImage) continue;
			const property =
				character.referenceImage.binaryProperty || referenceImageProperty(character.id);
			referenceImages.push({
				...(await inlineFrom(
					context,
					itemIndex,
					property,
					`bible.characters[${character.id}].referenceImage`,
				)),
				label: character.name,
			});
		}
	}
	for (const property of settings.referenceImageProperties) {
		referenceImages.push({
			...(await inlineFrom(context, itemIndex, property, 'images.referenceImageProperties')),
			label: `the ${property} image`,
		});
	}
	const { firstFrameProperty, lastFrameProperty, extendVideoProperty } = settings;

	const request: VideoRequest = {
		model: model.id,
		prompt,
		negativePrompt: compiled.negativePrompt || undefined,
		durationSeconds,
		aspectRatio: settings.aspectRatio ?? item.bible.style.aspectRatio,
		resolution,
		numberOfVideos: settings.numberOfVideos,
		seed: settings.seed,
		generateAudio: settings.generateAudio,
		personGeneration: settings.personGeneration,
		enhancePrompt: settings.enhancePrompt,
		referenceImages: referenceImages.length ? referenceImages : undefined,
		firstFrame: firstFrameProperty
			? await inlineFrom(context, itemIndex, firstFrameProperty, 'images.firstFrameProperty')
			: shotContext.continuityFrame?.image,
		lastFrame: lastFrameProperty
			? await inlineFrom(context, itemIndex, lastFrameProperty, 'images.lastFrameProperty')
			: undefined,
		extendVideo: extendVideoProperty
			? await inlineFrom(context, itemIndex, extendVideoProperty, 'images.extendVideoProperty')
			: undefined,
		...(correction.kind === 'edit' ? { edit: correction.edit } : {}),
	};
	const problems = checkVideoRequest({
		...request,
		backend,
		hasFirstFrame: Boolean(request.firstFrame),
		hasLastFrame: Boolean(request.lastFrame),
		referenceImageCount: referenceImages.length,
		isExtension: Boolean(request.extendVideo),
		isEdit: Boolean(request.edit),
	});
	if (problems.length) {
		throw new InvalidInputError(
			problems.map((problem) => ({ ...problem, path: fieldOf(problem.path, settings) })),
			REQUEST_HINT,
		);
	}
	const origin: TakeOrigin = {
		...(correction.kind === 'edit' ? { editOf: correction.takeId } : {}),
		...(correction.kind === 'freshInstead' ? { editFallback: correction.reason } : {}),
		...(shotContext.continuityFrame && !firstFrameProperty
			? { firstFrameFrom: shotContext.continuityFrame.takeId }
			: {}),
	};
	return {
		request,
		costUsd: estimateCostUsd(model, durationSeconds, resolution, request.numberOfVideos),
		origin,
	};
}
