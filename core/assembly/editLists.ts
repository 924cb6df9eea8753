import { secondsOf, timecode, type Timeline } from './timeline';

/**
 * Edit lists an editor can open to rebuild or re-cut the film: CMX 3600 EDL (every NLE reads it)
 * and an OpenTimelineIO timeline (Resolve, Premiere via plug-in, Avid via AAF adapter). Both
 * reference each clip by shot and take, with the same frame counts as the rendered cut.
 */

export interface EditSource {
	shotId: string;
	/** Absent for a slate. */
	takeId?: string;
	/** The clip's file name, as the editor will receive it. */
	name: string;
	/** Why a slate stands in. */
	slateReason?: string;
}

const REEL = 'AX';

function eventLine(
	event: number,
	channels: string,
	transition: string,
	sourceIn: number,
	sourceOut: number,
	recordIn: number,
	recordOut: number,
	rate: number,
): string {
	const [kind, frames] = transition.split(' ');
	const duration = frames ? frames.padStart(3, '0') : '   ';
	return (
		`${String(event).padStart(3, '0')}  ${REEL.padEnd(8)} ${channels.padEnd(5)} ${kind.padEnd(4)} ${duration} ` +
		`${timecode(sourceIn, rate)} ${timecode(sourceOut, rate)} ${timecode(recordIn, rate)} ` +
		`${timecode(recordOut, rate)}`
	);
}

/** EDL comments are single lines: a line break in a name would start a bogus event. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

function comments(source: EditSource): string[] {
	const lines = [
		`* FROM CLIP NAME: ${oneLine(source.name)}`,
		`* SHOT: ${oneLine(source.shotId)}${source.takeId ? `  TAKE: ${oneLine(source.takeId)}` : '  SLATE'}`,
	];
	if (source.slateReason) lines.push(`* SLATE: ${oneLine(source.slateReason)}`);
	return lines;
}

/**
 * CMX 3600. Each shot is one event; a crossfade is written the CMX way: a zero-length cut on the
 * outgoing clip, then the incoming clip with `D <frames>`. Every event ends where the next begins.
 */
export function buildCmx3600(
	title: string,
	timeline: Timeline,
	sources: EditSource[],
	withSound: boolean,
): string {
	const rate = timeline.frameRate;
	const channels = withSound ? 'AA/V' : 'V';
	const dissolve = timeline.transition === 'crossfade' ? timeline.transitionFrames : 0;
	const lines = [`TITLE: ${oneLine(title).slice(0, 70)}`, `FCM: NON-DROP FRAME`, ''];
	timeline.shots.forEach((shot, index) => {
		const event = index + 1;
		const next = timeline.shots[index + 1];
		const recordOut = next ? next.startFrame : shot.endFrame;
		const sourceOut = recordOut - shot.startFrame;
		if (index > 0 && dissolve) {
			const previous = timeline.shots[index - 1];
			const previousOut = shot.startFrame - previous.startFrame;
			lines.push(
				eventLine(
					event,
					channels,
					'C',
					previousOut,
					previousOut,
					shot.startFrame,
					shot.startFrame,
					rate,
				),
			);
			lines.push(
				eventLine(event, channels, `D ${dissolve}`, 0, sourceOut, shot.startFrame, recordOut, rate),
			);
			lines.push(
				`* FROM CLIP NAME: ${oneLine(sources[index - 1].name)}`,
				`* TO CLIP NAME: ${oneLine(sources[index].name)}`,
				...comments(sources[index]).slice(1),
			);
		} else {
			lines.push(
				eventLine(event, channels, 'C', 0, sourceOut, shot.startFrame, recordOut, rate),
				...comments(sources[index]),
			);
			if (timeline.transition === 'fadeThroughBlack' && timeline.transitionFrames) {
				lines.push(
					`* EFFECT: FADE THROUGH BLACK, ${timeline.transitionFrames} FRAMES EACH SIDE OF THE CUT`,
				);
			}
		}
		lines.push('');
	});
	return `${lines.join('\n').trimEnd()}\n`;
}

const rational = (frames: number, rate: number) => ({
	OTIO_SCHEMA: 'RationalTime.1',
	rate,
	value: frames,
});
const range = (start: number, duration: number, rate: number) => ({
	OTIO_SCHEMA: 'TimeRange.1',
	start_time: rational(start, rate),
	duration: rational(duration, rate),
});

/**
 * OpenTimelineIO (schema Timeline.1). Transitions take no time on a track: each clip's range runs
 * between the midpoints of its joins, and a Transition.1 reaches into both neighbours.
 */
export function buildOtio(
	title: string,
	timeline: Timeline,
	sources: EditSource[],
	audioTrack?: { name: string },
): Record<string, unknown> {
	const rate = timeline.frameRate;
	const overlap = timeline.transition === 'crossfade' ? timeline.transitionFrames : 0;
	const inOffset = Math.floor(overlap / 2);
	const cutPoints = timeline.shots.map((shot, index) =>
		index === 0 ? 0 : shot.startFrame + inOffset,
	);
	const children: Array<Record<string, unknown>> = [];
	timeline.shots.forEach((shot, index) => {
		if (index > 0 && overlap) {
			children.push({
				OTIO_SCHEMA: 'Transition.1',
				name: `crossfade ${sources[index - 1].shotId} > ${sources[index].shotId}`,
				metadata: {},
				transition_type: 'SMPTE_Dissolve',
				in_offset: rational(inOffset, rate),
				out_offset: rational(overlap - inOffset, rate),
			});
		}
		const source = sources[index];
		const start = cutPoints[index];
		const end = index + 1 < cutPoints.length ? cutPoints[index + 1] : timeline.totalFrames;
		const fades =
			timeline.transition === 'fadeThroughBlack' && timeline.transitionFrames
				? [
						index > 0 ? 'FadeIn' : undefined,
						index < timeline.shots.length - 1 ? 'FadeOut' : undefined,
					]
						.filter(Boolean)
						.map((name) => ({
							OTIO_SCHEMA: 'Effect.1',
							name: `${name} through black`,
							effect_name: name,
							metadata: { frames: timeline.transitionFrames },
						}))
				: [];
		const reference = source.takeId
			? {
					OTIO_SCHEMA: 'ExternalReference.1',
					name: source.name,
					target_url: source.name,
					available_range: range(0, shot.frames, rate),
					metadata: {},
				}
			: {
					OTIO_SCHEMA: 'MissingReference.1',
					name: source.name,
					available_range: range(0, shot.frames, rate),
					metadata: {},
				};
		children.push({
			OTIO_SCHEMA: 'Clip.2',
			name: source.takeId ?? `slate ${source.shotId}`,
			source_range: range(start - shot.startFrame, end - start, rate),
			effects: fades,
			markers: [],
			enabled: true,
			media_references: { DEFAULT_MEDIA: reference },
			active_media_reference_key: 'DEFAULT_MEDIA',
			metadata: {
				veo_pipeline: {
					shot_id: source.shotId,
					take_id: source.takeId ?? null,
					slate_reason: source.slateReason ?? null,
				},
			},
		});
	});
	const tracks: Array<Record<string, unknown>> = [
		{
			OTIO_SCHEMA: 'Track.1',
			name: 'Video 1',
			kind: 'Video',
			source_range: null,
			effects: [],
			markers: [],
			enabled: true,
			metadata: {},
			children,
		},
	];
	if (audioTrack) {
		const length = timeline.totalFrames;
		tracks.push({
			OTIO_SCHEMA: 'Track.1',
			name: 'Audio 2',
			kind: 'Audio',
			source_range: null,
			effects: [],
			markers: [],
			enabled: true,
			metadata: {},
			children: [
				{
					OTIO_SCHEMA: 'Clip.2',
					name: audioTrack.name,
					source_range: range(0, length, rate),
					effects: [],
					markers: [],
					enabled: true,
					media_references: {
						DEFAULT_MEDIA: {
							OTIO_SCHEMA: 'ExternalReference.1',
							name: audioTrack.name,
							target_url: audioTrack.name,
							available_range: null,
							metadata: {},
						},
					},
					active_media_reference_key: 'DEFAULT_MEDIA',
					metadata: {},
				},
			],
		});
	}
	return {
		OTIO_SCHEMA: 'Timeline.1',
		name: title,
		global_start_time: rational(0, rate),
		metadata: {
			veo_pipeline: { duration_seconds: secondsOf(timeline.totalFrames, timeline.frameRate) },
		},
		tracks: {
			OTIO_SCHEMA: 'Stack.1',
			name: 'tracks',
			source_range: null,
			effects: [],
			markers: [],
			enabled: true,
			metadata: {},
			children: tracks,
		},
	};
}
