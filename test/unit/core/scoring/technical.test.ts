import {
	AudioAnalyser,
	FrameAnalyser,
	MOTION_LAG_SECONDS,
	sampleTimes,
	type ClipMeasurements,
} from '../../../../core/scoring/measurements';
import type { Frame } from '../../../../core/scoring/similarity';
import {
	expectedFrameSize,
	technicalVerdict,
	type TechnicalExpectations,
} from '../../../../core/scoring/technical';
import { paintFrame, sceneFrame, solidFrame } from '../../../helpers/frames';

const FPS = 24;
const EXPECTED: TechnicalExpectations = {
	durationSeconds: 4,
	aspectRatio: '16:9',
	resolution: '720p',
	expectAudio: false,
};

/** Frames through the analyser, as the decoder would feed them, into measurements of a 1280x720 clip. */
function measure(frames: Frame[], overrides: Partial<ClipMeasurements> = {}): ClipMeasurements {
	const analyser = new FrameAnalyser(
		frames[0].width,
		frames[0].height,
		FPS,
		sampleTimes(frames.length / FPS, 4),
	);
	for (const frame of frames) analyser.push(frame.rgb);
	return {
		readable: true,
		durationSeconds: frames.length / FPS,
		width: 1280,
		height: 720,
		frameRate: FPS,
		hasAudio: false,
		frames: analyser.frames,
		samples: analyser.samples,
		first: analyser.first,
		last: analyser.last,
		sizeBytes: 1000,
		...overrides,
	};
}

/** Four seconds of a block moving across a gradient, frame `index` of which `replace` may swap. */
function clip(replace: (index: number, frame: Frame) => Frame = (_, frame) => frame): Frame[] {
	return Array.from({ length: 4 * FPS }, (_, index) =>
		replace(index, sceneFrame(4 + Math.floor(index / 3))),
	);
}

const verdict = (measured: ClipMeasurements, expected = EXPECTED) =>
	technicalVerdict(measured, expected, MOTION_LAG_SECONDS);
const kinds = (measured: ClipMeasurements, expected = EXPECTED) =>
	verdict(measured, expected).defects.map((defect) => defect.kind);

describe('technical QA', () => {
	it('finds nothing wrong with a clean moving clip of the asked length and size', () => {
		const result = verdict(measure(clip()));
		expect(result.defects).toEqual([]);
		expect(result.score.drift).toBe(0);
	});

	it('finds a black stretch and says when it is', () => {
		const measured = measure(
			clip((index, frame) => (index >= 24 && index < 48 ? solidFrame(64, 36, [0, 0, 0]) : frame)),
		);
		const [black] = verdict(measured).defects;
		expect(black.kind).toBe('black');
		expect(black.fromSeconds).toBeCloseTo(1, 1);
		expect(black.toSeconds).toBeCloseTo(2, 1);
		expect(black.text).toBe('the picture is black from 1.0 s to 2.0 s');
	});

	it('tells a dark night shot with structure from black: dark but lit edges are not black', () => {
		// A night street: nearly all of it under the black level, with a lit window and a moving lamp.
		const night = (index: number) =>
			paintFrame(64, 36, (x, y) => {
				if (x === 10 + (index % 40) && y > 28) return [200, 190, 150];
				if (x > 40 && x < 44 && y > 8 && y < 12) return [120, 110, 80];
				return (x + y) % 4 === 0 ? [24, 24, 30] : [6, 6, 9];
			});
		const measured = measure(Array.from({ length: 4 * FPS }, (_, index) => night(index)));
		expect(measured.frames[0].meanLuma).toBeLessThan(20);
		expect(measured.frames[0].darkShare).toBeGreaterThan(0.97);
		expect(measured.frames[0].structure).toBeGreaterThan(1);
		expect(kinds(measured)).toEqual([]);
	});

	it('lets a short fade from black pass', () => {
		expect(
			kinds(measure(clip((index, frame) => (index < 6 ? solidFrame(64, 36, [0, 0, 0]) : frame)))),
		).toEqual([]);
	});

	it('finds a frozen stretch of more than a second, but not the slow drift of a moving block', () => {
		const frozen = measure(
			clip((index) =>
				sceneFrame(
					4 + Math.floor(Math.min(index, 30) / 3) + Math.max(0, Math.floor((index - 66) / 3)),
				),
			),
		);
		expect(kinds(frozen)).toEqual(['frozen']);
		const slow = measure(clip((index) => sceneFrame(4 + Math.floor(index / 12))));
		expect(kinds(slow)).toEqual([]);
	});

	it('finds flicker: brightness jumping up and back, frame after frame', () => {
		const flickering = measure(
			clip((index, frame) =>
				index >= 40 && index < 60 && index % 2
					? sceneFrame(4 + Math.floor(index / 3), [120, 120, 120])
					: frame,
			),
		);
		expect(kinds(flickering)).toEqual(['flicker']);
	});

	it('finds a cut to another picture inside the clip, but not a single flash', () => {
		const cut = measure(
			clip((index, frame) =>
				index >= 50 ? sceneFrame(4 + Math.floor(index / 3), [30, 60, 200], [250, 200, 0]) : frame,
			),
		);
		const defects = verdict(cut).defects;
		expect(defects.map((defect) => defect.kind)).toEqual(['cut']);
		expect(defects[0].fromSeconds).toBeCloseTo(50 / FPS, 2);
		const flash = measure(
			clip((index, frame) => (index === 50 ? solidFrame(64, 36, [255, 255, 255]) : frame)),
		);
		expect(kinds(flash)).toEqual([]);
	});

	it('checks length and size against the shot and the bible', () => {
		const measured = measure(clip(), { durationSeconds: 6, width: 720, height: 1280 });
		const texts = verdict(measured).defects.map((defect) => defect.text);
		expect(texts).toEqual([
			'the clip is 6.0 s long; the shot asks for 4 s',
			'the clip is 720x1280; the bible asks for 720p 16:9 (1280x720)',
		]);
		expect(kinds(measure(clip(), { width: 1920, height: 1080 }))).toEqual([]);
		expect(expectedFrameSize('9:16', '1080p')).toEqual({ width: 1080, height: 1920 });
	});

	it('reports an unreadable or damaged file as a defect', () => {
		expect(kinds({ ...measure(clip()), readable: false, problem: 'moov atom not found' })).toEqual([
			'unreadable',
		]);
		expect(verdict({ ...measure(clip()), problem: 'partial file' }).defects[0].text).toBe(
			'the file is damaged: partial file',
		);
	});
});

describe('sound checks', () => {
	function levels(samples: (index: number) => number, seconds = 1) {
		const analyser = new AudioAnalyser(8000, 2);
		analyser.push(Float32Array.from({ length: 16000 * seconds }, (_, index) => samples(index)));
		return analyser.finish();
	}
	const withAudio = (audio: ReturnType<typeof levels>) =>
		measure(clip(), { hasAudio: true, audio });
	const expectSound = { ...EXPECTED, expectAudio: true };

	it('hears a clean tone as clean', () => {
		const tone = levels((index) => 0.3 * Math.sin(index / 5));
		expect(tone.rmsDb).toBeCloseTo(20 * Math.log10(0.3 / Math.SQRT2), 0);
		expect(kinds(withAudio(tone), expectSound)).toEqual([]);
	});

	it('finds a silent track when sound is expected, and a missing one', () => {
		expect(kinds(withAudio(levels(() => 0)), expectSound)).toEqual(['silent_audio']);
		expect(kinds(measure(clip()), expectSound)).toEqual(['no_audio']);
		expect(kinds(measure(clip()), EXPECTED)).toEqual([]);
	});

	it('finds sound cut off at full volume', () => {
		const clipped = levels((index) => Math.max(-1, Math.min(1, 3 * Math.sin(index / 5))));
		expect(clipped.clippedShare).toBeGreaterThan(0.3);
		expect(kinds(withAudio(clipped), expectSound)).toEqual(['clipping_audio']);
	});
});
