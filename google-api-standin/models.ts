/** The models the stand-in serves on each backend. */

export const GEMINI_MODELS = ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.5-flash-lite'];
export const VEO_MODELS_GEMINI = [
	'veo-3.1-generate-preview',
	'veo-3.1-fast-generate-preview',
	'veo-3.0-generate-001',
	'veo-3.0-fast-generate-001',
	'veo-2.0-generate-001',
];
export const VEO_MODELS_VERTEX = [
	'veo-3.1-generate-001',
	'veo-3.1-fast-generate-001',
	'veo-3.0-generate-001',
	'veo-3.0-fast-generate-001',
	'veo-2.0-generate-001',
];
