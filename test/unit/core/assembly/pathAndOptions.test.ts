import { renditionSize, validateAssemblyOptions } from '../../../../core/assembly/options';
import { cutFormat, decidePath } from '../../../../core/assembly/path';
import { selectTakes } from '../../../../core/assembly/selection';
import type { AssemblyOptions, ClipFacts } from '../../../../core/assembly/types';
import { assemblyOptions, pipelineItems } from '../../../helpers/assembly';
import { inputErrorOf } from '../../../helpers/errors';

const OPTIONS = assemblyOptions({ missingShots: 'slate' });

const clip = (
	overrides: Partial<ClipFacts['video']> = {},
	audio: ClipFacts['audio'] | null = {
		codec: 'aac',
		channels: 2,
		sampleRate: 48000,
		configKey: 'aac-1',
	},
): ClipFacts => ({
	durationSeconds: 8,
	video: {
		codec: 'h264',
		width: 1280,
		height: 720,
		frameRate: 24,
		configKey: 'avc-1',
		...overrides,
	},
	audio: audio ?? undefined,
});

const slots = (count: number) =>
	selectTakes(
		pipelineItems(Array.from({ length: count }, () => [{}])).map((item, itemIndex) => ({
			itemIndex,
			item,
			binaryProperties: ['clip'],
		})),
		OPTIONS,
	).slots;
const STYLE = { aspectRatio: '16:9', resolution: '720p' };

function decide(facts: ClipFacts[], options: Partial<AssemblyOptions> = {}) {
	const merged = { ...OPTIONS, ...options };
	return decidePath(slots(facts.length), facts, merged, cutFormat(facts, merged, STYLE));
}

describe('fast path or finishing path', () => {
	it('copies when every clip matches and nothing changes the picture or the sound', () => {
		expect(decide([clip(), clip(), clip()])).toMatchObject({
			video: 'copy',
			audio: 'copy',
			reasons: [],
			format: { width: 1280, height: 720, frameRate: 24 },
		});
	});

	it('re-encodes the picture for transitions, grades, captions and slates, saying why', () => {
		expect(
			decide([clip(), clip()], { transition: { kind: 'crossfade', durationSeconds: 0.5 } }).reasons,
		).toEqual(['crossfades between shots']);
		expect(
			decide([clip(), clip()], { lutProperty: 'grade', captions: { source: 'dialogue' } }),
		).toMatchObject({
			video: 'encode',
			audio: 'encode',
			reasons: ['a colour grade (LUT)', 'burned-in captions'],
		});
		const withSlate = slots(2);
		withSlate[1] = { kind: 'slate', shotId: 'shot-02', durationSeconds: 8, reason: 'missing' };
		expect(
			decidePath(withSlate, [clip(), undefined], OPTIONS, cutFormat([clip()], OPTIONS, STYLE))
				.reasons,
		).toEqual(['slates for shot-02']);
	});

	it('re-encodes when one clip differs in size, rate, codec settings or sound, naming it', () => {
		expect(decide([clip(), clip(), clip({ width: 1920, height: 1080 })]).reasons).toEqual([
			'shot-03 is 1920x1080, the cut 1280x720',
		]);
		expect(decide([clip(), clip({ frameRate: 25 }), clip()]).reasons).toEqual([
			'shot-02 runs at 25 fps, the cut at 24',
		]);
		expect(decide([clip(), clip({ configKey: 'avc-2' })]).reasons).toEqual([
			'shot-02 was encoded with other settings than shot-01 (h264)',
		]);
		expect(decide([clip(), clip({}, null)]).reasons).toEqual([
			'shot-02 has no sound and shot-01 has',
		]);
		expect(
			decide([
				clip(),
				clip({}, { codec: 'aac', channels: 1, sampleRate: 48000, configKey: 'aac-mono' }),
			]).reasons,
		).toEqual(["shot-02's sound (aac, 1 ch, 48000 Hz) differs from shot-01's"]);
		expect(decide([clip(), clip({ configKey: undefined, codec: 'vp9' })]).reasons).toEqual([
			'shot-02 is not an MP4 whose packets can be copied (vp9)',
		]);
	});

	it('keeps copying the picture when only the sound changes', () => {
		expect(
			decide([clip(), clip()], {
				loudness: { integratedLufs: -14, truePeakDb: -1, loudnessRange: 11 },
			}),
		).toMatchObject({
			video: 'copy',
			audio: 'encode',
			reasons: ['loudness normalised to -14 LUFS'],
		});
		expect(
			decide([clip(), clip()], {
				audioTrack: { binaryProperty: 'music', role: 'voiceOver', levelDb: 0, loop: false },
			}),
		).toMatchObject({ video: 'copy', audio: 'encode', reasons: ['a voice-over'] });
	});

	it('sizes the cut as asked, else as most clips are, else from the bible', () => {
		const facts = [clip({ width: 1920, height: 1080, frameRate: 25 }), clip(), clip()];
		expect(cutFormat(facts, OPTIONS, STYLE)).toEqual({ width: 1280, height: 720, frameRate: 24 });
		expect(
			cutFormat(facts, { ...OPTIONS, target: { width: 640, height: 360, frameRate: 30 } }, STYLE),
		).toEqual({ width: 640, height: 360, frameRate: 30 });
		expect(cutFormat([], OPTIONS, { aspectRatio: '9:16', resolution: '1080p' })).toEqual({
			width: 1080,
			height: 1920,
			frameRate: 24,
		});
		// Asking for the size the clips already have still copies.
		expect(decide([clip(), clip()], { target: { width: 1280, height: 720 } }).video).toBe('copy');
	});
});

const problemsOf = (options: Partial<AssemblyOptions>) =>
	inputErrorOf(() => validateAssemblyOptions({ ...OPTIONS, ...options })).problems;

describe('assembly settings', () => {
	it('sizes renditions from their short side', () => {
		expect(renditionSize({ aspectRatio: '16:9', fit: 'crop', shortSide: 1080 })).toEqual({
			width: 1920,
			height: 1080,
		});
		expect(renditionSize({ aspectRatio: '9:16', fit: 'crop', shortSide: 1080 })).toEqual({
			width: 1080,
			height: 1920,
		});
		expect(renditionSize({ aspectRatio: '1:1', fit: 'pad', shortSide: 720 })).toEqual({
			width: 720,
			height: 720,
		});
		expect(renditionSize({ aspectRatio: '4:5', fit: 'pad', shortSide: 1080 })).toEqual({
			width: 1080,
			height: 1350,
		});
	});

	it('names each field that cannot work', () => {
		expect(() => validateAssemblyOptions(OPTIONS)).not.toThrow();
		expect(
			problemsOf({ renditions: [{ aspectRatio: '9:16', fit: 'crop', shortSide: 0 }] }),
		).toEqual([
			{
				path: 'renditions[0].shortSide',
				message: 'must be a positive even number of pixels up to 8192 (found 0)',
			},
		]);
		expect(problemsOf({ target: { width: 1281, height: 720 } })).toEqual([
			{
				path: 'options.outputWidth',
				message: 'must be a positive even number of pixels up to 8192 (found 1281)',
			},
		]);
		expect(problemsOf({ target: { width: 1280 } })).toEqual([
			{
				path: 'options.outputHeight',
				message: 'is needed too: give both the width and the height, or neither',
			},
		]);
		expect(problemsOf({ target: { frameRate: 0 } })[0].path).toBe('options.frameRate');
		expect(problemsOf({ transition: { kind: 'crossfade', durationSeconds: 0 } })[0].path).toBe(
			'transitionDuration',
		);
		expect(
			problemsOf({
				renditions: [
					{ aspectRatio: '1:1', fit: 'pad', shortSide: 720 },
					{ aspectRatio: '1:1', fit: 'crop', shortSide: 1080 },
				],
			}),
		).toEqual([{ path: 'renditions[1].aspectRatio', message: '1:1 is asked for twice' }]);
		expect(
			problemsOf({ loudness: { integratedLufs: 3, truePeakDb: -1, loudnessRange: 11 } })[0].path,
		).toBe('loudnessTarget');
	});
});
