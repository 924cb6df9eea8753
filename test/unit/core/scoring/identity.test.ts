import {
	characterLikeness,
	FACE_MATCH,
	FACE_MIN_SIDE,
	FACE_STRANGER,
	identityScore,
	referenceFace,
	type SampledDetections,
} from '../../../../core/scoring/identity';
import type { FoundFace } from '../../../../core/scoring/vision';

/** Faces described by one number: two faces are as alike as their numbers are close. */
const face = (
	embedding: number,
	options: { score?: number; side?: number; x?: number } = {},
): FoundFace => ({
	score: options.score ?? 0.9,
	box: { x: options.x ?? 0, y: 0, width: options.side ?? 100, height: options.side ?? 100 },
	embedding: [embedding],
});
const similarity = (first: number[], second: number[]) => 1 - Math.abs(first[0] - second[0]);
const frames = (...faces: FoundFace[][]): SampledDetections[] =>
	faces.map((found, index) => ({
		atSeconds: index * 2 + 1,
		detections: { faces: found, objects: [] },
	}));

describe('a reference image', () => {
	it('is of its largest confident face', () => {
		const chosen = referenceFace([
			face(0.1, { side: 60 }),
			face(0.2, { side: 200, score: 0.3 }),
			face(0.3, { side: 120 }),
		]);
		expect(chosen?.embedding).toEqual([0.3]);
	});

	it('has no face when the detector is unsure or the face is tiny', () => {
		expect(
			referenceFace([face(0.1, { score: 0.4 }), face(0.2, { side: FACE_MIN_SIDE - 1 })]),
		).toBeUndefined();
	});
});

describe('character likeness', () => {
	const mya = face(0.5);

	it('matches the reference to its most similar face, in whichever frame and among several faces', () => {
		const likeness = characterLikeness(
			'Mya',
			mya,
			frames([face(0.1)], [face(0.05), face(0.48, { x: 300 })], []),
			similarity,
		);
		expect(likeness).toMatchObject({
			found: true,
			similarity: 0.98,
			atSeconds: 3,
			facesSeen: 3,
			framesSampled: 3,
		});
		const score = identityScore([likeness]);
		expect(score.drift).toBe(0);
		expect(score.confidence).toBeGreaterThanOrEqual(0.8);
		expect(score.reasons).toEqual([
			`Mya found at 3.0 s: face similarity 0.98 to the reference image (a match from ${FACE_MATCH})`,
		]);
		expect(score.measures).toEqual({
			faceMatchThreshold: FACE_MATCH,
			faceFound_Mya: true,
			faceSimilarity_Mya: 0.98,
			faceAtSeconds_Mya: 3,
		});
		expect(score.correction).toBeUndefined();
	});

	it('calls a clip of strangers a confident drift', () => {
		const score = identityScore([
			characterLikeness('Mya', mya, frames([face(-0.2)], [face(1.15)]), similarity),
		]);
		expect(score.drift).toBe(1);
		expect(score.confidence).toBeGreaterThanOrEqual(0.8);
		expect(score.reasons[0]).toBe(
			'Mya not found: the closest of 2 faces in the clip (at 3.0 s) has similarity 0.35 to the reference image, ' +
				`below the match threshold ${FACE_MATCH}`,
		);
		expect(score.correction).toBe('Mya must have the face in the reference image.');
	});

	it('is unsure half way between a match and a stranger', () => {
		const halfWay = (FACE_MATCH + FACE_STRANGER) / 2;
		const score = identityScore([
			characterLikeness('Mya', mya, frames([face(mya.embedding[0] + 1 - halfWay)]), similarity),
		]);
		expect(score.drift).toBe(0.5);
		expect(score.confidence).toBe(0.5);
	});

	it('says "not found" when no face counts, and leaves the verdict to a person', () => {
		const score = identityScore([
			characterLikeness(
				'Mya',
				mya,
				frames([], [face(0.5, { score: 0.3 })], [face(0.5, { side: 10 })]),
				similarity,
			),
		]);
		expect(score.drift).toBe(1);
		expect(score.confidence).toBeLessThan(0.6);
		expect(score.reasons[0]).toMatch(/^Mya not found: no face in the 3 sampled frames/);
		expect(score.measures).toEqual({ faceMatchThreshold: FACE_MATCH, faceFound_Mya: false });
		expect(score.correction).toBe("Show Mya's face clearly, as in the reference image.");
	});

	it('scores several characters as the one least like its reference, with every reason', () => {
		const clip = frames([face(0.5), face(0.9, { x: 300 })]);
		const score = identityScore([
			characterLikeness('Mya', mya, clip, similarity),
			characterLikeness('Tom', face(-0.4), clip, similarity),
		]);
		expect(score.drift).toBe(1);
		expect(score.reasons).toHaveLength(2);
		expect(score.reasons[0]).toMatch(/^Mya found/);
		expect(score.reasons[1]).toMatch(/^Tom not found/);
		expect(score.correction).toBe('Tom must have the face in the reference image.');
	});
});
