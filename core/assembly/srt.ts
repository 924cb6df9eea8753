import { InvalidInputError, type Problem } from '../failures';

/**
 * SubRip captions: read and checked before they reach ffmpeg (whose subtitle reader skips what it
 * cannot parse without a word), written back normalised, and built from the shots' dialogue.
 */

export interface Cue {
	startMs: number;
	endMs: number;
	text: string;
}

const TIMING = /^(\S+)\s*-->\s*(\S+)(?:\s+.*)?$/;
const TIMECODE = /^(\d{1,2}):(\d{2}):(\d{2})[,.](\d{3})$/;

function parseTimecode(text: string): number | undefined {
	const match = TIMECODE.exec(text);
	if (!match) return undefined;
	const [hours, minutes, seconds, millis] = match.slice(1).map(Number);
	if (minutes > 59 || seconds > 59) return undefined;
	return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
}

/** Parses SRT text; throws naming the cue and line of every problem under `field`. */
export function parseSrt(text: string, field: string): Cue[] {
	const lines = text
		.replace(/^\uFEFF/, '')
		.replace(/\r\n?/g, '\n')
		.split('\n');
	const cues: Cue[] = [];
	const problems: Problem[] = [];
	let index = 0;
	while (index < lines.length) {
		while (index < lines.length && !lines[index].trim()) index++;
		if (index >= lines.length) break;
		const blockStart = index;
		const cueNumber = cues.length + problems.length + 1;
		if (/^\d+$/.test(lines[index].trim())) index++;
		const timingLine = (lines[index] ?? '').trim();
		const timing = TIMING.exec(timingLine);
		const start = timing ? parseTimecode(timing[1]) : undefined;
		const end = timing ? parseTimecode(timing[2]) : undefined;
		const where = `${field} (cue ${cueNumber}, line ${index + 1})`;
		if (!timing) {
			problems.push({
				path: where,
				message: `expected a timing line like "00:00:01,000 --> 00:00:03,500", found "${timingLine.slice(0, 80)}"`,
			});
		} else if (start === undefined || end === undefined) {
			const bad = start === undefined ? timing[1] : timing[2];
			problems.push({
				path: where,
				message: `"${bad}" is not a timecode (HH:MM:SS,mmm with minutes and seconds under 60)`,
			});
		} else if (end <= start) {
			problems.push({
				path: where,
				message: `ends (${timing[2]}) before or when it starts (${timing[1]})`,
			});
		}
		index++;
		const body: string[] = [];
		while (index < lines.length && lines[index].trim()) body.push(lines[index++].trimEnd());
		if (timing && start !== undefined && end !== undefined && end > start) {
			if (!body.length)
				problems.push({
					path: `${field} (cue ${cueNumber}, line ${blockStart + 1})`,
					message: 'has no text',
				});
			else cues.push({ startMs: start, endMs: end, text: body.join('\n') });
		}
	}
	if (problems.length)
		throw new InvalidInputError(
			problems,
			'Fix the captions: each cue is a number, a timing line "HH:MM:SS,mmm --> HH:MM:SS,mmm", then its text.',
		);
	if (!cues.length)
		throw new InvalidInputError(
			[{ path: field, message: 'holds no captions' }],
			'Give SubRip (.srt) text, or switch captions off.',
		);
	return cues;
}

function formatTimecode(ms: number): string {
	const pad = (value: number, width = 2) => String(value).padStart(width, '0');
	const whole = Math.max(0, Math.round(ms));
	return (
		`${pad(Math.floor(whole / 3_600_000))}:${pad(Math.floor(whole / 60_000) % 60)}:` +
		`${pad(Math.floor(whole / 1000) % 60)},${pad(whole % 1000, 3)}`
	);
}

export function formatSrt(cues: Cue[]): string {
	return cues
		.map(
			(cue, index) =>
				`${index + 1}\n${formatTimecode(cue.startMs)} --> ${formatTimecode(cue.endMs)}\n${cue.text}\n`,
		)
		.join('\n');
}

/** One cue per shot with dialogue, over the part of the shot no transition covers. */
export function dialogueCues(
	shots: Array<{ dialogue?: string; startSeconds: number; endSeconds: number }>,
): Cue[] {
	return shots
		.filter((shot) => shot.dialogue?.trim() && shot.endSeconds > shot.startSeconds)
		.map((shot) => ({
			startMs: Math.round(shot.startSeconds * 1000),
			endMs: Math.round(shot.endSeconds * 1000),
			text: shot.dialogue!.trim(),
		}));
}
