import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { LOUDNESS_PRESETS, validateAssemblyOptions } from '../../core/assembly/options';
import type { AssemblyOptions, CaptionRequest, RenditionRequest } from '../../core/assembly/types';
import { DEFAULT_CLIP_PROPERTY } from '../../core/binaryNames';

/** The node's parameters as the core's assembly options. Read once per run (item 0): one cut per pipeline. */

const numberOrUndefined = (value: unknown) =>
	value === undefined || value === '' || value === null ? undefined : Number(value);

export interface NodeSettings {
	assembly: AssemblyOptions;
	outputProperty: string;
}

export function readSettings(context: IExecuteFunctions): NodeSettings {
	const parameter = <T>(name: string, fallback: T) =>
		context.getNodeParameter(name, 0, fallback) as T;
	const options = parameter<IDataObject>('options', {});
	const transition = parameter<AssemblyOptions['transition']['kind']>('transition', 'cut');

	const loudnessChoice = parameter<string>('loudness', 'none');
	const loudness =
		loudnessChoice === 'custom'
			? { ...LOUDNESS_PRESETS.social, integratedLufs: Number(parameter('loudnessTarget', -16)) }
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
		transition: { kind: transition, durationSeconds: Number(parameter('transitionDuration', 0.5)) },
		target: {
			width: numberOrUndefined(options.outputWidth),
			height: numberOrUndefined(options.outputHeight),
			frameRate: numberOrUndefined(options.frameRate),
		},
		lutProperty: String(options.lutProperty ?? '').trim() || undefined,
		captions,
		audioTrack: track
			? {
					binaryProperty: String(track.binaryProperty ?? '').trim() || 'music',
					role: track.role === 'voiceOver' ? 'voiceOver' : 'music',
					levelDb: Number(track.levelDb ?? -12),
					loop: track.loop !== false,
				}
			: undefined,
		loudness,
		renditions: renditions.map((rendition) => ({
			aspectRatio: rendition.aspectRatio as RenditionRequest['aspectRatio'],
			fit: rendition.fit === 'pad' ? 'pad' : 'crop',
			shortSide: Number(rendition.shortSide),
		})),
		quality: (options.quality as AssemblyOptions['quality']) ?? 'standard',
		posterAtSeconds: numberOrUndefined(options.posterAtSeconds),
	};
	validateAssemblyOptions(assembly);
	return { assembly, outputProperty: String(options.outputProperty ?? '').trim() || 'cut' };
}
