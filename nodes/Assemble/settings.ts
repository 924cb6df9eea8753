import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { LOUDNESS_PRESETS, validateAssemblyOptions } from '../../core/assembly/options';
import type { AssemblyOptions, CaptionRequest, RenditionRequest } from '../../core/assembly/types';
import { DEFAULT_CLIP_PROPERTY } from '../../core/binaryNames';
import { SettingsCheck } from '../shared/settings';
import { properties } from './description';

/**
 * The node's parameters as the core's assembly options. Read once per run (item 0): one cut per
 * pipeline. Numbers are checked for being numbers here; their ranges by the core.
 */

export interface AssembleSettings {
	assembly: AssemblyOptions;
	outputProperty: string;
}

export function readAssembleSettings(context: IExecuteFunctions): AssembleSettings {
	const check = new SettingsCheck(context.getNode(), properties);
	const parameter = <T>(name: string, fallback: T) =>
		context.getNodeParameter(name, 0, fallback) as T;
	const options = parameter<IDataObject>('options', {});
	const transition = parameter<AssemblyOptions['transition']['kind']>('transition', 'cut');

	const loudnessChoice = parameter<string>('loudness', 'none');
	const loudness =
		loudnessChoice === 'custom'
			? {
					...LOUDNESS_PRESETS.social,
					integratedLufs: check.number('loudnessTarget', parameter('loudnessTarget', -16), -16),
				}
			: LOUDNESS_PRESETS[loudnessChoice as keyof typeof LOUDNESS_PRESETS];

	const captionChoice = parameter<string>('captions', 'none');
	const captions: CaptionRequest | undefined =
		captionChoice === 'dialogue'
			? { source: 'dialogue' }
			: captionChoice === 'srtText'
				? { source: 'srtText', text: parameter('srtText', '') }
				: captionChoice === 'srtBinary'
					? { source: 'srtBinary', binaryProperty: parameter('srtProperty', 'captions').trim() }
					: undefined;

	const track = parameter<IDataObject>('audioTrack', {}).track as IDataObject | undefined;
	const renditions =
		(parameter<IDataObject>('renditions', {}).rendition as IDataObject[] | undefined) ?? [];

	const assembly: AssemblyOptions = {
		clipProperty: String(options.clipProperty ?? '').trim() || DEFAULT_CLIP_PROPERTY,
		missingShots: parameter<string>('missingShots', 'fail') === 'slate' ? 'slate' : 'fail',
		takeOverrides: String(options.takeOverrides ?? '')
			.split(/[\s,]+/)
			.filter(Boolean),
		transition: {
			kind: transition,
			durationSeconds: check.number(
				'transitionDuration',
				parameter('transitionDuration', 0.5),
				0.5,
			),
		},
		target: {
			width: check.optionalNumber('options.outputWidth', options.outputWidth),
			height: check.optionalNumber('options.outputHeight', options.outputHeight),
			frameRate: check.optionalNumber('options.frameRate', options.frameRate),
		},
		lutProperty: String(options.lutProperty ?? '').trim() || undefined,
		captions,
		audioTrack: track
			? {
					binaryProperty: String(track.binaryProperty ?? '').trim() || 'music',
					role: track.role === 'voiceOver' ? 'voiceOver' : 'music',
					levelDb: check.number('audioTrack.track.levelDb', track.levelDb, -12),
					loop: track.loop !== false,
				}
			: undefined,
		loudness,
		renditions: renditions.map((rendition, index) => ({
			aspectRatio: rendition.aspectRatio as RenditionRequest['aspectRatio'],
			fit: rendition.fit === 'pad' ? 'pad' : 'crop',
			shortSide: check.number(
				`renditions.rendition[${index}].shortSide`,
				rendition.shortSide,
				1080,
			),
		})),
		quality: (options.quality as AssemblyOptions['quality']) ?? 'standard',
		posterAtSeconds: check.optionalNumber('options.posterAtSeconds', options.posterAtSeconds),
	};
	check.done();
	validateAssemblyOptions(assembly);
	return { assembly, outputProperty: String(options.outputProperty ?? '').trim() || 'cut' };
}
