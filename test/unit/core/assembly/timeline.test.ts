import { InvalidInputError } from '../../../../core/failures';
import {
	buildTimeline,
	clearSpanSeconds,
	timecode,
	timelinePieces,
} from '../../../../core/assembly/timeline';

const labels = ['shot-01', 'shot-02', 'shot-03'];

describe('timeline maths', () => {
	it('lays cuts end to end', () => {
		const timeline = buildTimeline([8, 6, 4], labels, 24, { kind: 'cut', durationSeconds: 0.5 });
		expect(timeline.shots.map((shot) => [shot.startFrame, shot.endFrame])).toEqual([
			[0, 192],
			[192, 336],
			[336, 432],
		]);
		expect(timeline.totalFrames).toBe(432);
		expect(timeline.transitionFrames).toBe(0);
	});

	it('overlaps crossfades: the cut is shorter by one transition per join', () => {
		const timeline = buildTimeline([8, 6, 4], labels, 24, {
			kind: 'crossfade',
			durationSeconds: 0.5,
		});
		expect(timeline.transitionFrames).toBe(12);
		expect(timeline.totalFrames).toBe(432 - 2 * 12);
		expect(timeline.shots[1].startFrame).toBe(192 - 12);
		expect(timeline.shots[2].startFrame).toBe(192 + 144 - 24);
	});

	it('keeps the length with fades through black, half the transition on each side of the join', () => {
		const timeline = buildTimeline([8, 6, 4], labels, 24, {
			kind: 'fadeThroughBlack',
			durationSeconds: 1,
		});
		expect(timeline.totalFrames).toBe(432);
		expect(timeline.transitionFrames).toBe(12);
		expect(timeline.transition).toBe('fadeThroughBlack');
	});

	it('names the shot that is too short for its transitions', () => {
		let error: unknown;
		try {
			buildTimeline([8, 0.9, 8], labels, 24, { kind: 'crossfade', durationSeconds: 0.5 });
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(InvalidInputError);
		expect((error as InvalidInputError).problems[0]).toEqual({
			path: 'transitionDuration',
			message: 'shot-02 is 0.90 s long, too short for 0.5 s crossfades at both ends',
		});
		// The last shot has a join on one side only.
		expect(
			buildTimeline([8, 0.6], labels, 24, { kind: 'crossfade', durationSeconds: 0.5 }).totalFrames,
		).toBe(192 + 14 - 12);
	});

	it('treats a single shot as a cut whatever the transition', () => {
		const timeline = buildTimeline([8], labels, 24, { kind: 'crossfade', durationSeconds: 0.5 });
		expect(timeline).toMatchObject({ transition: 'cut', transitionFrames: 0, totalFrames: 192 });
	});

	it('writes non-drop-frame timecode, counting 29.97 fps in 30-frame seconds', () => {
		expect(timecode(0, 24)).toBe('00:00:00:00');
		expect(timecode(24 * 3725 + 5, 24)).toBe('01:02:05:05');
		expect(timecode(31, 29.97)).toBe('00:00:01:01');
	});

	it('gives captions the part of a shot no crossfade covers', () => {
		const timeline = buildTimeline([2, 2, 2], labels, 24, {
			kind: 'crossfade',
			durationSeconds: 0.5,
		});
		expect(clearSpanSeconds(timeline, 0)).toEqual({ start: 0, end: 1.5 });
		expect(clearSpanSeconds(timeline, 1)).toEqual({ start: 2, end: 3 });
		expect(clearSpanSeconds(timeline, 2)).toEqual({ start: 3.5, end: 5 });
	});
});

describe('pieces of a timeline', () => {
	it.each(['cut', 'crossfade', 'fadeThroughBlack'] as const)(
		'cover a %s cut end to end without gap or overlap',
		(kind) => {
			const timeline = buildTimeline([8, 6, 4], labels, 24, { kind, durationSeconds: 0.5 });
			const pieces = timelinePieces(timeline);
			let next = 0;
			for (const piece of pieces) {
				expect(piece.startFrame).toBe(next);
				for (const shot of piece.shots) expect(shot.toFrame - shot.fromFrame).toBe(piece.frames);
				next += piece.frames;
			}
			expect(next).toBe(timeline.totalFrames);
		},
	);

	it('cuts a crossfaded cut into bodies and dissolves of a tail with the next head', () => {
		const pieces = timelinePieces(
			buildTimeline([8, 6, 4], labels, 24, { kind: 'crossfade', durationSeconds: 0.5 }),
		);
		expect(
			pieces.map((piece) =>
				piece.shots.map((shot) => `${shot.index}:${shot.fromFrame}-${shot.toFrame}`).join('+'),
			),
		).toEqual(['0:0-180', '0:180-192+1:0-12', '1:12-132', '1:132-144+2:0-12', '2:12-96']);
	});

	it('fades every join through black, not the ends of the cut', () => {
		const pieces = timelinePieces(
			buildTimeline([8, 6, 4], labels, 24, { kind: 'fadeThroughBlack', durationSeconds: 1 }),
		);
		expect(pieces.map((piece) => [piece.fadeInFrames, piece.fadeOutFrames])).toEqual([
			[0, 12],
			[12, 12],
			[12, 0],
		]);
	});
});
