/**
 * Independent readers of the edit lists, written from the formats' descriptions (CMX 3600 event
 * lines, OpenTimelineIO's JSON schema), so tests check what an editor's tool would read rather
 * than what our writer meant.
 */

export interface EdlLine {
	event: number;
	reel: string;
	channels: string;
	transition: 'C' | 'D';
	transitionFrames?: number;
	sourceIn: number;
	sourceOut: number;
	recordIn: number;
	recordOut: number;
}

export interface EdlEvent {
	event: number;
	lines: EdlLine[];
	comments: string[];
}

/** An event line: number, reel, channels, transition, its duration, then source and record in and out. */
const TIMECODE = String.raw`(\d{2}:\d{2}:\d{2}:\d{2})`;
const EVENT = new RegExp(
	String.raw`^(\d{3}) {2}(\S{1,8}) +(V|A|A2|AA|B|AA\/V) +(C|D) {3,4}(\d{3})? +` +
		`${TIMECODE} ${TIMECODE} ${TIMECODE} ${TIMECODE}$`,
);

function frames(timecode: string, base: number): number {
	const [hours, minutes, seconds, frame] = timecode.split(':').map(Number);
	if (frame >= base || minutes > 59 || seconds > 59)
		throw new Error(`bad timecode ${timecode} at ${base} fps`);
	return ((hours * 60 + minutes) * 60 + seconds) * base + frame;
}

/** Parses a CMX 3600 EDL strictly: every non-blank line is the title, FCM, an event or a comment. */
export function parseCmx3600(
	text: string,
	frameRate: number,
): { title: string; events: EdlEvent[] } {
	const lines = text.split('\n');
	if (!lines[0].startsWith('TITLE: ')) throw new Error(`first line is not a TITLE: ${lines[0]}`);
	if (lines[1] !== 'FCM: NON-DROP FRAME') throw new Error(`second line is not FCM: ${lines[1]}`);
	const events: EdlEvent[] = [];
	for (const line of lines.slice(2)) {
		if (!line.trim()) continue;
		if (line.startsWith('* ')) {
			events[events.length - 1].comments.push(line.slice(2));
			continue;
		}
		const match = EVENT.exec(line);
		if (!match) throw new Error(`not a CMX 3600 event line: "${line}"`);
		const parsed: EdlLine = {
			event: Number(match[1]),
			reel: match[2],
			channels: match[3],
			transition: match[4] as 'C' | 'D',
			transitionFrames: match[5] ? Number(match[5]) : undefined,
			sourceIn: frames(match[6], frameRate),
			sourceOut: frames(match[7], frameRate),
			recordIn: frames(match[8], frameRate),
			recordOut: frames(match[9], frameRate),
		};
		if (parsed.sourceOut - parsed.sourceIn !== parsed.recordOut - parsed.recordIn)
			throw new Error(`source and record lengths differ: "${line}"`);
		const last = events[events.length - 1];
		if (last?.event === parsed.event) last.lines.push(parsed);
		else events.push({ event: parsed.event, lines: [parsed], comments: [] });
	}
	return { title: lines[0].slice(7), events };
}

/** The shot id each EDL event places, from its `* SHOT:` comment. */
export function edlShots(events: EdlEvent[]): string[] {
	return events.map(
		(event) =>
			/^SHOT: (\S+)/.exec(
				event.comments.find((comment) => comment.startsWith('SHOT: ')) ?? '',
			)?.[1] ?? '?',
	);
}

interface RationalTime {
	OTIO_SCHEMA: 'RationalTime.1';
	rate: number;
	value: number;
}

function time(value: unknown, where: string): number {
	const rational = value as RationalTime;
	if (
		rational?.OTIO_SCHEMA !== 'RationalTime.1' ||
		typeof rational.value !== 'number' ||
		!(rational.rate > 0)
	)
		throw new Error(`${where} is not a RationalTime.1`);
	return rational.value;
}

export interface OtioItem {
	kind: 'clip' | 'transition';
	name: string;
	shotId?: string;
	takeId?: string | null;
	targetUrl?: string;
	start: number;
	duration: number;
	inOffset?: number;
	outOffset?: number;
}

/** Reads the video track of an OTIO timeline, checking the schema names and time ranges it uses. */
export function readOtioVideoTrack(json: string): {
	name: string;
	items: OtioItem[];
	durationFrames: number;
} {
	const timeline = JSON.parse(json) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
	if (timeline.OTIO_SCHEMA !== 'Timeline.1' || timeline.tracks?.OTIO_SCHEMA !== 'Stack.1')
		throw new Error('not an OTIO Timeline.1 with a Stack.1');
	const track = timeline.tracks.children.find(
		(child: Record<string, unknown>) => child.OTIO_SCHEMA === 'Track.1' && child.kind === 'Video',
	);
	if (!track) throw new Error('no video track');
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	const items: OtioItem[] = track.children.map((child: Record<string, any>, index: number) => {
		if (child.OTIO_SCHEMA === 'Transition.1') {
			return {
				kind: 'transition',
				name: child.name,
				start: 0,
				duration: 0,
				inOffset: time(child.in_offset, `children[${index}].in_offset`),
				outOffset: time(child.out_offset, `children[${index}].out_offset`),
			};
		}
		if (child.OTIO_SCHEMA !== 'Clip.2')
			throw new Error(`children[${index}] is ${child.OTIO_SCHEMA}`);
		const reference = child.media_references?.[child.active_media_reference_key];
		if (!reference || !/^(ExternalReference|MissingReference)\.1$/.test(reference.OTIO_SCHEMA))
			throw new Error(`children[${index}] has no active media reference`);
		if (child.source_range?.OTIO_SCHEMA !== 'TimeRange.1')
			throw new Error(`children[${index}].source_range is not a TimeRange.1`);
		return {
			kind: 'clip',
			name: child.name,
			shotId: child.metadata?.veo_pipeline?.shot_id,
			takeId: child.metadata?.veo_pipeline?.take_id,
			targetUrl: reference.target_url,
			start: time(child.source_range.start_time, `children[${index}].start_time`),
			duration: time(child.source_range.duration, `children[${index}].duration`),
		};
	});
	// Transitions take no time on a track: its length is the sum of its clips.
	const durationFrames = items
		.filter((item) => item.kind === 'clip')
		.reduce((sum, item) => sum + item.duration, 0);
	return { name: timeline.name, items, durationFrames };
}
