import type { Detections, FoundFace } from './vision';
import { worstScore, type ScoreWithCorrection } from './look';
import { clamp01, round } from './numbers';

/**
 * Is this the same character? Faces found in the sampled frames are compared with the face in
 * each character's reference image; a frame with several faces counts its face most like the
 * reference. The detector also finds faces where there are none (a cat, a pattern) and describes
 * tiny faces badly, so only confident detections of a useful size count.
 */

/** Detector confidence a face needs to count. */
export const FACE_MIN_SCORE = 0.5;
/** Shorter side a face needs, in pixels of the decoded frame: smaller faces are described too coarsely to compare. */
export const FACE_MIN_SIDE = 32;
/**
 * Similarity at or above which a face is the character's, and at or below which it is a stranger's.
 * Measured with the face model the package ships on the 24 real people of the development set's
 * photographs (bench/drift-dev-set/faces.ts): the same person cropped, mirrored, regraded or
 * darkened 0.70-1.00 (2nd percentile 0.80, median 0.96, 240 pairs); two different people
 * 0.02-0.50 (98th percentile 0.48, median 0.25, 276 pairs). A clip's best face over its sampled
 * frames (and over the people beside the character) lifts a stranger's best: in the development
 * set's clips, strangers' best faces measured 0.17-0.60 and the character's own 0.56-1.00 (one in
 * twelve under 0.64). So a match needs 0.64; from the stranger line down a stranger is clear enough
 * to regenerate (drift 1 at 85%); between the lines a person looks.
 */
export const FACE_MATCH = 0.64;
export const FACE_STRANGER = 0.49;
/**
 * No face in the sampled frames may mean the character is missing, or turned away at those moments:
 * too unsure to send a clip back without a person.
 */
const NOT_SEEN_CONFIDENCE = 0.5;
/** Confidence of a clear match or a clear stranger; it falls towards half way between the two. */
const CLEAR_CONFIDENCE = 0.85;

export interface SampledDetections {
	atSeconds: number;
	detections: Detections;
}

export interface CharacterLikeness {
	name: string;
	found: boolean;
	/** The best similarity of a face in the clip to the reference; absent when no face counted. */
	similarity?: number;
	/** Where that face is. */
	atSeconds?: number;
	/** Faces that counted, over all sampled frames. */
	facesSeen: number;
	framesSampled: number;
}

export function usableFaces(faces: FoundFace[]): FoundFace[] {
	return faces.filter(
		(face) =>
			face.score >= FACE_MIN_SCORE && Math.min(face.box.width, face.box.height) >= FACE_MIN_SIDE,
	);
}

/** The face a reference image is of: its largest usable face. */
export function referenceFace(faces: FoundFace[]): FoundFace | undefined {
	return usableFaces(faces).sort(
		(a, b) => b.box.width * b.box.height - a.box.width * a.box.height,
	)[0];
}

export function characterLikeness(
	name: string,
	reference: FoundFace,
	frames: SampledDetections[],
	similarity: (first: number[], second: number[]) => number,
): CharacterLikeness {
	const likeness: CharacterLikeness = {
		name,
		found: false,
		facesSeen: 0,
		framesSampled: frames.length,
	};
	for (const { atSeconds, detections } of frames) {
		for (const face of usableFaces(detections.faces)) {
			likeness.facesSeen += 1;
			const value = similarity(reference.embedding, face.embedding);
			if (likeness.similarity === undefined || value > likeness.similarity)
				Object.assign(likeness, { similarity: value, atSeconds });
		}
	}
	likeness.found = likeness.similarity !== undefined && likeness.similarity >= FACE_MATCH;
	return likeness;
}

const seconds = (value: number) => `${value.toFixed(1)} s`;

function describe(likeness: CharacterLikeness): string {
	const { name, similarity, atSeconds, facesSeen, framesSampled } = likeness;
	if (similarity === undefined) {
		return (
			`${name} not found: no face in the ${framesSampled} sampled frames ` +
			`(a face counts from detector score ${FACE_MIN_SCORE} and ${FACE_MIN_SIDE} pixels)`
		);
	}
	if (likeness.found)
		return (
			`${name} found at ${seconds(atSeconds!)}: face similarity ${similarity.toFixed(2)} to the reference image ` +
			`(a match from ${FACE_MATCH})`
		);
	return (
		`${name} not found: the closest of ${facesSeen} face${facesSeen > 1 ? 's' : ''} in the clip ` +
		`(at ${seconds(atSeconds!)}) has similarity ${similarity.toFixed(2)} to the reference image, ` +
		`below the match threshold ${FACE_MATCH}`
	);
}

function scoreOf(likeness: CharacterLikeness): ScoreWithCorrection {
	const { name, similarity } = likeness;
	const drift =
		similarity === undefined
			? 1
			: clamp01((FACE_MATCH - similarity) / (FACE_MATCH - FACE_STRANGER));
	const confidence =
		similarity === undefined
			? NOT_SEEN_CONFIDENCE
			: 0.5 + (CLEAR_CONFIDENCE - 0.5) * Math.abs(2 * drift - 1);
	return {
		drift: round(drift, 3),
		confidence: round(confidence, 3),
		reasons: [describe(likeness)],
		measures: {
			[`faceFound_${name}`]: likeness.found,
			...(similarity === undefined
				? {}
				: {
						[`faceSimilarity_${name}`]: round(similarity, 3),
						[`faceAtSeconds_${name}`]: round(likeness.atSeconds!, 2),
					}),
		},
		correction: likeness.found
			? undefined
			: similarity === undefined
				? `Show ${name}'s face clearly, as in the reference image.`
				: `${name} must have the face in the reference image.`,
	};
}

/** The character dimension from every character's likeness: as drifted as the least like its reference. */
export function identityScore(likenesses: CharacterLikeness[]): ScoreWithCorrection {
	const score = worstScore(likenesses.map(scoreOf));
	return { ...score, measures: { faceMatchThreshold: FACE_MATCH, ...score.measures } };
}
