import type { SceneBible, Shot } from '../types';
import type { JudgeAnswer, JudgeRequest } from './judge';
import type { ClipMeasurements, DetailRequest } from './measurements';
import type { Findings } from './report';
import type { ColorSpread, Frame } from './similarity';

/**
 * What a drift scorer is and what it is given: the clip and its shot (the subject), each measurement
 * of the clip taken once however many scorers use it (the context), and the ports to the outside
 * world the scorers read through (decoding, the Gemini judge). The scorers (scoreDrift.ts, offline.ts)
 * and the edges that implement the ports depend on this module; it depends on none of them.
 */

export interface MediaFile {
	path: string;
	/** How the caller names it in errors: a binary property, a file name. */
	name: string;
	mimeType?: string;
}

export interface ScoringSubject {
	bible: SceneBible;
	shot: Shot;
	clip: MediaFile;
	/** Whether the clip should have sound (its model makes sound). */
	expectAudio: boolean;
	/** The newest clip of the previous shot, when this shot continues it. */
	previousClip?: MediaFile;
	/**
	 * Whether the previous shot's clip is settled (approved, or given by a person as the reference):
	 * then a break is this clip's fault. Otherwise either shot may have drifted, and a person decides.
	 */
	previousSettled?: boolean;
	/** Reference images of the shot's characters that have one. */
	references: Array<MediaFile & { characterId: string; characterName: string }>;
	/** The look the scene has established, when there is one: light, colour and exposure are judged against it. */
	look?: LookReference;
}

/** A look reference image from the bible, or the first approved take of the same location and lighting. */
export interface LookReference {
	file: MediaFile;
	kind: 'image' | 'clip';
	/** How the report names it: "the look reference image of the café", "take shot-01-t1 (the scene's first approved take)". */
	description: string;
}

/** Decoding, implemented by the ffmpeg edge. */
export interface MediaReader {
	/** Everything the scorers measure of a clip, in one decoding pass; larger frames too when asked. */
	measureClip(file: MediaFile, detail?: DetailRequest): Promise<ClipMeasurements>;
	/** The last frame of a clip, decoded at the given size. */
	lastFrame(file: MediaFile, width: number, height: number): Promise<Frame>;
	/** A still image, decoded small unless a longest side is given. */
	readImage(file: MediaFile, maxSide?: number): Promise<Frame>;
}

/** Asks a Gemini model about a clip, implemented by the Google edge. */
export interface DriftJudge {
	model: string;
	ask(clip: MediaFile, request: JudgeRequest): Promise<JudgeAnswer>;
}

/** What scorers share: the subject, and each measurement taken once however many scorers use it. */
export interface ScoringContext {
	subject: ScoringSubject;
	measurements(): Promise<ClipMeasurements>;
	/** The colours of the sampled frames. */
	sampledColors(): Promise<ColorSpread[]>;
	previousLast(): Promise<Frame | undefined>;
	/** The frames of the subject's look reference, when it has one. */
	lookFrames(): Promise<Frame[] | undefined>;
	reference(file: MediaFile, maxSide?: number): Promise<Frame>;
}

export interface Scorer {
	name: string;
	/** Larger frames the scorer needs of this subject's clip, decoded in the same pass as the rest. */
	detail?(subject: ScoringSubject): DetailRequest | undefined;
	score(context: ScoringContext): Promise<Findings>;
}
