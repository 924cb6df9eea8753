import type { Picture } from './picture';

/** What a clip really shows, so the stand-in's Gemini judge can answer truthfully about it. */
export interface ClipTruth {
	operationId: string;
	prompt: string;
	picture: Picture;
	sha256: string;
}
