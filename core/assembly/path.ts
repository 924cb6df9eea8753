import type { AssemblyOptions, ClipFacts, CutSlot } from './types';
import { slotShotId } from './types';

/**
 * Fast path or finishing path. Clips that share codec settings, size, frame rate and audio layout
 * can be joined without re-encoding (the concat demuxer copies packets: no loss, disk speed);
 * anything that changes pixels (transitions, grade, captions, slates, another size) re-encodes
 * the picture. Music and loudness change only the sound, so the picture can still be copied.
 */

export interface CutFormat {
	width: number;
	height: number;
	frameRate: number;
}

export interface PathDecision {
	video: 'copy' | 'encode';
	audio: 'copy' | 'encode';
	/** Why the picture or the sound is re-encoded, in words for the report. */
	reasons: string[];
	format: CutFormat;
}

function mostCommon<T>(values: T[], key: (value: T) => string): T | undefined {
	const counts = new Map<string, { value: T; count: number }>();
	for (const value of values) {
		const entry = counts.get(key(value)) ?? { value, count: 0 };
		entry.count++;
		counts.set(key(value), entry);
	}
	return [...counts.values()].sort((a, b) => b.count - a.count)[0]?.value;
}

const RESOLUTION_HEIGHTS: Record<string, number> = { '720p': 720, '1080p': 1080, '4k': 2160 };

/** The cut's size and frame rate: what the user asked for, else what most clips have, else the bible's. */
export function cutFormat(
	facts: ClipFacts[],
	options: AssemblyOptions,
	bibleStyle: { aspectRatio: string; resolution: string },
): CutFormat {
	const size = mostCommon(
		facts.map((fact) => fact.video),
		(video) => `${video.width}x${video.height}`,
	);
	const rate = mostCommon(
		facts.map((fact) => fact.video.frameRate),
		String,
	);
	const short = RESOLUTION_HEIGHTS[bibleStyle.resolution] ?? 720;
	const long = (short * 16) / 9;
	const fallback =
		bibleStyle.aspectRatio === '9:16'
			? { width: short, height: long }
			: { width: long, height: short };
	return {
		width: options.target.width ?? size?.width ?? fallback.width,
		height: options.target.height ?? size?.height ?? fallback.height,
		frameRate: options.target.frameRate ?? (rate ? Math.round(rate * 1000) / 1000 : 24),
	};
}

/** `facts[i]` belongs to `slots[i]` (undefined for slates). */
export function decidePath(
	slots: CutSlot[],
	facts: Array<ClipFacts | undefined>,
	options: AssemblyOptions,
	format: CutFormat,
): PathDecision {
	const reasons: string[] = [];
	if (options.transition.kind !== 'cut')
		reasons.push(
			`${options.transition.kind === 'crossfade' ? 'crossfades' : 'fades through black'} between shots`,
		);
	if (options.lutProperty) reasons.push('a colour grade (LUT)');
	if (options.captions) reasons.push('burned-in captions');
	const slates = slots.filter((slot) => slot.kind === 'slate').map(slotShotId);
	if (slates.length) reasons.push(`slates for ${slates.join(', ')}`);

	const clips = slots
		.map((slot, index) => ({ id: slotShotId(slot), facts: facts[index] }))
		.filter((clip) => clip.facts);
	const first = clips[0];
	for (const clip of clips) {
		const { video, audio } = clip.facts!;
		if (!video.configKey)
			reasons.push(`${clip.id} is not an MP4 whose packets can be copied (${video.codec})`);
		else if (video.width !== format.width || video.height !== format.height)
			reasons.push(
				`${clip.id} is ${video.width}x${video.height}, the cut ${format.width}x${format.height}`,
			);
		else if (Math.abs(video.frameRate - format.frameRate) > 0.01)
			reasons.push(`${clip.id} runs at ${video.frameRate} fps, the cut at ${format.frameRate}`);
		else if (video.configKey !== first.facts!.video.configKey)
			reasons.push(`${clip.id} was encoded with other settings than ${first.id} (${video.codec})`);
		else if (Boolean(audio) !== Boolean(first.facts!.audio))
			reasons.push(
				`${audio ? first.id : clip.id} has no sound and ${audio ? clip.id : first.id} has`,
			);
		else if (audio && audio.configKey !== first.facts!.audio!.configKey)
			reasons.push(
				`${clip.id}'s sound (${audio.codec}, ${audio.channels} ch, ${audio.sampleRate} Hz) differs from ${first.id}'s`,
			);
	}
	const video = reasons.length ? 'encode' : 'copy';
	const audioReasons: string[] = [];
	if (options.audioTrack)
		audioReasons.push(options.audioTrack.role === 'music' ? 'a music track' : 'a voice-over');
	if (options.loudness)
		audioReasons.push(`loudness normalised to ${options.loudness.integratedLufs} LUFS`);
	return {
		video,
		audio: video === 'encode' || audioReasons.length ? 'encode' : 'copy',
		reasons: [...reasons, ...audioReasons],
		format,
	};
}
