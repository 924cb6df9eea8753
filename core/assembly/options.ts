import { InvalidInputError, type Problem } from '../failures';
import type { AssemblyOptions, LoudnessTarget, RenditionAspect, RenditionRequest } from './types';

/** Checks the user's assembly settings before any file is touched; every problem names its field. */

export const LOUDNESS_PRESETS: Record<'broadcast' | 'social', LoudnessTarget> = {
	/** EBU R128. */
	broadcast: { integratedLufs: -23, truePeakDb: -1, loudnessRange: 11 },
	/** What YouTube, Instagram and TikTok normalise to. */
	social: { integratedLufs: -14, truePeakDb: -1, loudnessRange: 11 },
};

const ASPECTS: Record<RenditionAspect, [number, number]> = {
	'16:9': [16, 9],
	'9:16': [9, 16],
	'1:1': [1, 1],
	'4:5': [4, 5],
};
const MAX_SIDE = 8192;

const even = (value: number) => 2 * Math.round(value / 2);

/** 1080 on the short side gives 1920x1080, 1080x1920, 1080x1080, 1080x1350. */
export function renditionSize(rendition: RenditionRequest): { width: number; height: number } {
	const [w, h] = ASPECTS[rendition.aspectRatio];
	return w >= h
		? { width: even((rendition.shortSide * w) / h), height: rendition.shortSide }
		: { width: rendition.shortSide, height: even((rendition.shortSide * h) / w) };
}

/** `9:16` -> `9x16`: a suffix that is safe in binary property and file names. */
export function aspectSuffix(aspect: RenditionAspect): string {
	return aspect.replace(':', 'x');
}

function checkPixels(value: number | undefined, path: string, problems: Problem[]): void {
	if (value === undefined) return;
	if (!Number.isInteger(value) || value <= 0 || value % 2 !== 0 || value > MAX_SIDE) {
		problems.push({
			path,
			message: `must be a positive even number of pixels up to ${MAX_SIDE} (found ${value})`,
		});
	}
}

export function validateAssemblyOptions(options: AssemblyOptions): void {
	const problems: Problem[] = [];
	const { transition, target } = options;
	if (
		transition.kind !== 'cut' &&
		!(transition.durationSeconds > 0 && transition.durationSeconds <= 5)
	) {
		problems.push({
			path: 'transitionDuration',
			message: `must be more than 0 and at most 5 seconds (found ${transition.durationSeconds})`,
		});
	}
	checkPixels(target.width, 'options.outputWidth', problems);
	checkPixels(target.height, 'options.outputHeight', problems);
	if ((target.width === undefined) !== (target.height === undefined)) {
		problems.push({
			path: target.width === undefined ? 'options.outputWidth' : 'options.outputHeight',
			message: 'is needed too: give both the width and the height, or neither',
		});
	}
	if (target.frameRate !== undefined && !(target.frameRate > 0 && target.frameRate <= 120)) {
		problems.push({
			path: 'options.frameRate',
			message: `must be more than 0 and at most 120 (found ${target.frameRate})`,
		});
	}
	options.renditions.forEach((rendition, index) => {
		if (!ASPECTS[rendition.aspectRatio])
			problems.push({
				path: `renditions[${index}].aspectRatio`,
				message: `must be one of ${Object.keys(ASPECTS).join(', ')}`,
			});
		checkPixels(rendition.shortSide, `renditions[${index}].shortSide`, problems);
	});
	const seen = new Set<string>();
	options.renditions.forEach((rendition, index) => {
		if (seen.has(rendition.aspectRatio))
			problems.push({
				path: `renditions[${index}].aspectRatio`,
				message: `${rendition.aspectRatio} is asked for twice`,
			});
		seen.add(rendition.aspectRatio);
	});
	if (options.loudness) {
		const { integratedLufs } = options.loudness;
		if (!(integratedLufs >= -70 && integratedLufs <= -5))
			problems.push({
				path: 'loudnessTarget',
				message: `must be between -70 and -5 LUFS (found ${integratedLufs})`,
			});
	}
	if (
		options.audioTrack &&
		!(options.audioTrack.levelDb >= -60 && options.audioTrack.levelDb <= 20)
	) {
		problems.push({
			path: 'audioTrack.levelDb',
			message: `must be between -60 and 20 dB (found ${options.audioTrack.levelDb})`,
		});
	}
	if (options.posterAtSeconds !== undefined && !(options.posterAtSeconds >= 0)) {
		problems.push({ path: 'options.posterAtSeconds', message: 'must be 0 or more seconds' });
	}
	if (problems.length) throw new InvalidInputError(problems);
}
