import {
	cropFrame,
	defectMoment,
	gatherEvidence,
	type EvidenceMedia,
} from '../../../../core/scoring/evidence';
import { FACE_MATCH } from '../../../../core/scoring/identity';
import { sampleFrameIndices } from '../../../../core/scoring/measurements';
import { OFFLINE_DETAIL } from '../../../../core/scoring/offline';
import type { MediaFile, ScoringSubject } from '../../../../core/scoring/scorer';
import type { Frame } from '../../../../core/scoring/similarity';
import type { VisionModels } from '../../../../core/scoring/vision';
import type { DriftReport } from '../../../../core/types';
import { photoShotSpec } from '../../../helpers/photos';

/**
 * What Drift Score shows beside each finding, decided from the report: a fake decoder records
 * which frames were asked for, and hands back frames that say where they came from.
 */

const clip: MediaFile = { path: '/work/clip.mp4', name: 'the clip' };
const previous: MediaFile = { path: '/work/previous.mp4', name: 'the previous clip' };
const reference = {
	path: '/work/eileen.png',
	name: 'the reference',
	characterId: 'eileen',
	characterName: 'Eileen',
};

function subject(overrides: Partial<ScoringSubject> = {}): ScoringSubject {
	const spec = photoShotSpec();
	return {
		bible: { ...spec.bible, style: { ...spec.bible.style, palette: ['teal', 'amber'] } },
		shot: spec.shots[0],
		clip,
		expectAudio: false,
		references: [reference],
		...overrides,
	};
}

function report(overrides: Partial<DriftReport>): DriftReport {
	return {
		drift: 0,
		confidence: 0.9,
		dimensions: {
			technical: {
				drift: 0,
				confidence: 0.95,
				reasons: [],
				measures: { durationSeconds: 8, frameRate: 24 },
			},
		},
		reasons: [],
		route: 'review',
		technicalDefects: [],
		skipped: [],
		scoredAt: '2026-03-01T10:05:00.000Z',
		...overrides,
	};
}

/** A decoder that records what was asked; each frame's first byte says which file it is from. */
function fakeMedia() {
	const asked: string[] = [];
	const ids = new Map([
		[clip.path, 1],
		[previous.path, 2],
		[reference.path, 3],
	]);
	const frame = (file: MediaFile, atSeconds: number, maxSide: number): Frame => {
		const [width, height] = [maxSide, Math.round((maxSide * 9) / 16)];
		const rgb = new Uint8Array(width * height * 3).fill(ids.get(file.path)!);
		return { atSeconds, width, height, rgb };
	};
	const media: EvidenceMedia = {
		async clipFrame(file, at, maxSide) {
			asked.push(`${file.name} @ ${at} (${maxSide})`);
			return frame(file, at === 'last' ? 8 : at, maxSide);
		},
		async picture(file, maxSide) {
			asked.push(`${file.name} (${maxSide})`);
			return frame(file, 0, maxSide);
		},
		async jpeg(picture) {
			return Buffer.from(`jpeg ${picture.rgb[0]} ${picture.width}x${picture.height}`);
		},
	};
	return { media, asked };
}

const PASS = 0.15;

describe('the pictures beside the findings', () => {
	it('gives a clip that passed its poster only, at its middle', async () => {
		const { media, asked } = fakeMedia();
		const evidence = await gatherEvidence(subject(), report({ route: 'pass' }), {
			media,
			passThreshold: PASS,
		});
		expect(evidence.pictures).toEqual([]);
		expect(evidence.poster).toEqual({ atSeconds: 4, bytes: Buffer.from('jpeg 1 640x360') });
		expect(asked).toEqual(['the clip @ 4 (640)']);
	});

	it("shows the previous shot's last frame beside this clip's first for a broken continuity", async () => {
		const { media } = fakeMedia();
		const evidence = await gatherEvidence(
			subject({ previousClip: previous }),
			report({
				dimensions: {
					continuity: { drift: 0.8, confidence: 0.5, reasons: ['does not continue'] },
				},
			}),
			{ media, passThreshold: PASS },
		);
		expect(
			evidence.pictures.map(({ dimension, caption, bytes }) => [dimension, caption, String(bytes)]),
		).toEqual([
			['continuity', "The previous shot's last frame", 'jpeg 2 480x270'],
			['continuity', "This clip's first frame", 'jpeg 1 480x270'],
		]);
		// The poster is the frame the finding points at: the first.
		expect(evidence.poster.atSeconds).toBe(0);
	});

	it('shows the frame and time of each technical defect that has one', async () => {
		const { media, asked } = fakeMedia();
		const evidence = await gatherEvidence(
			subject(),
			report({
				route: 'regenerate',
				technicalDefects: [
					'the clip is 6.0 s long; the shot asks for 8 s',
					'the picture is black from 1.2 s to 2.0 s',
					'the clip cuts to another picture at 5.5 s',
				],
			}),
			{ media, passThreshold: PASS },
		);
		expect(evidence.pictures.map(({ caption, atSeconds }) => [caption, atSeconds])).toEqual([
			['The picture is black from 1.2 s to 2.0 s: the frame at 1.2 s', 1.2],
			['The clip cuts to another picture at 5.5 s: the frame at 5.5 s', 5.5],
		]);
		expect(asked.at(-1)).toBe('the clip @ 1.2 (640)');
		expect(defectMoment('the sound track is silent (level -80 dB)')).toBeUndefined();
	});

	it("puts the character's reference beside the closest face, cropped where the face model finds it", async () => {
		const { media } = fakeMedia();
		const character = {
			drift: 1,
			confidence: 0.85,
			reasons: ['Eileen not found'],
			measures: { faceFound_Eileen: false, faceSimilarity_Eileen: 0.31, faceAtSeconds_Eileen: 3 },
		};
		const face = (x: number, embedding: number[]) => ({
			score: 0.9,
			box: { x, y: 100, width: 120, height: 120 },
			embedding,
		});
		const vision: VisionModels = {
			async detect(frame) {
				// The reference (from file 3) has one face; the clip's frame two, the second closer.
				return {
					faces:
						frame.rgb[0] === 3 ? [face(400, [1, 0])] : [face(100, [0, 1]), face(600, [0.6, 0.8])],
					objects: [],
				};
			},
			faceSimilarity: (a, b) => a[0] * b[0] + a[1] * b[1],
		};
		const withModels = await gatherEvidence(subject(), report({ dimensions: { character } }), {
			media,
			passThreshold: PASS,
			vision: async () => vision,
		});
		expect(withModels.pictures.map(({ caption, bytes }) => [caption, String(bytes)])).toEqual([
			['Eileen in the reference picture', 'jpeg 3 480x270'],
			// The second face, with a third of its size around it on each side.
			[
				`The closest face in the clip, at 3.0 s: 31% alike (a match from ${Math.round(FACE_MATCH * 100)}%)`,
				'jpeg 1 204x204',
			],
		]);
		expect(withModels.poster.atSeconds).toBe(3);

		const withoutModels = await gatherEvidence(subject(), report({ dimensions: { character } }), {
			media,
			passThreshold: PASS,
		});
		expect(withoutModels.pictures[1].caption).toBe(
			`The clip at 3.0 s, where the closest face is: 31% alike (a match from ${Math.round(FACE_MATCH * 100)}%)`,
		);
	});

	it('puts the prop the detector found beside a swatch of the colour the bible asks for', async () => {
		const { media, asked } = fakeMedia();
		const vision: VisionModels = {
			async detect(frame) {
				return {
					faces: [],
					objects: [
						{
							label: 'cup',
							score: frame.atSeconds > 4 ? 0.6 : 0.4,
							box: { x: 10, y: 10, width: 50, height: 40 },
						},
						{ label: 'chair', score: 0.9, box: { x: 0, y: 0, width: 10, height: 10 } },
					],
				};
			},
			faceSimilarity: () => 0,
		};
		const props = {
			drift: 1,
			confidence: 0.75,
			reasons: ['the mug reads orange-brown'],
			measures: { propFrames_mug: 4, propColor_mug: 'orange-brown', propColorAsked_mug: 'blue' },
		};
		const evidence = await gatherEvidence(subject(), report({ dimensions: { props } }), {
			media,
			passThreshold: PASS,
			vision: async () => vision,
		});
		// The frames the props check looked at, at the detail size; the best sighting is after 4 s.
		const sampled = sampleFrameIndices(8, OFFLINE_DETAIL.count, 24).map((index) => index / 24);
		expect(asked.slice(0, sampled.length)).toEqual(
			sampled.map((at) => `the clip @ ${at} (${OFFLINE_DETAIL.maxSide})`),
		);
		const seen = sampled.find((at) => at > 4)!.toFixed(1);
		expect(evidence.pictures.map(({ caption, mimeType }) => [caption, mimeType])).toEqual([
			[`The mug at ${seen} s, reading orange-brown`, 'image/jpeg'],
			['Blue, as the bible asks', 'image/png'],
		]);
		const swatch = evidence.pictures[1].bytes;
		expect(swatch.subarray(1, 4).toString()).toBe('PNG');
	});

	it("shows the bible's palette beside the clip for lighting and colour, or the look reference when there is one", async () => {
		const { media } = fakeMedia();
		const lighting = { drift: 0.7, confidence: 0.7, reasons: ['too cool'] };
		const evidence = await gatherEvidence(subject(), report({ dimensions: { lighting } }), {
			media,
			passThreshold: PASS,
		});
		expect(evidence.pictures.map(({ caption, mimeType }) => [caption, mimeType])).toEqual([
			["The bible's palette: teal, amber", 'image/png'],
			['The clip at its middle; the bible asks for soft studio light', 'image/jpeg'],
		]);
		// The look it was measured against: a look reference image, or the scene's approved take.
		const withImage = await gatherEvidence(
			{
				...subject(),
				look: {
					file: reference,
					kind: 'image',
					description: 'the look reference image of the kitchen',
				},
			},
			report({ dimensions: { lighting } }),
			{ media, passThreshold: PASS },
		);
		expect(withImage.pictures[0].caption).toBe('The look reference image of the kitchen');
		const withTake = await gatherEvidence(
			{
				...subject(),
				look: {
					file: previous,
					kind: 'clip',
					description: "take shot-01-take-1 (the scene's first approved take)",
				},
			},
			report({ dimensions: { lighting } }),
			{ media, passThreshold: PASS },
		);
		expect(withTake.pictures[0].caption).toBe(
			"Take shot-01-take-1 (the scene's first approved take)",
		);
		// Its first frame, the one picture of that take: read from the take's file, not this clip's.
		expect(withTake.pictures[0].bytes.toString()).toMatch(/^jpeg 2 /);
	});

	it('crops inside the frame, whatever the margin asks', () => {
		const frame: Frame = {
			atSeconds: 0,
			width: 100,
			height: 50,
			rgb: new Uint8Array(100 * 50 * 3),
		};
		const crop = cropFrame(frame, { x: 90, y: 40, width: 20, height: 20 });
		expect([crop.width, crop.height]).toEqual([16, 16]);
		expect(crop.rgb).toHaveLength(16 * 16 * 3);
	});
});
