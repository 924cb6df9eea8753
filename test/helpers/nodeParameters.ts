import { locator } from './mockNodeContext';

/**
 * Parameters of the pipeline's nodes as the editor fills them in, for tests that run a node on a
 * mocked context: spread one and override what the test is about.
 */

export const SCENE_SPEC_FROM_BRIEF = {
	operation: 'fromBrief',
	authentication: 'geminiApi',
	brief: 'A barista pours coffee into a blue mug at dusk.',
	title: '',
	targetDurationSeconds: 24,
	aspectRatio: '16:9',
	resolution: '720p',
	model: 'gemini-omni-1.2-flash',
	shotCount: 0,
	characters: {},
	houseStyle: '',
	languageModel: locator('gemini-3.8-flash'),
};

export const VEO_GENERATE = {
	operation: 'generateAndWait',
	authentication: 'geminiApi',
	model: locator('gemini-omni-1.2-flash'),
	promptSource: 'compiled',
	customPrompt: '',
	extraNegativePrompt: '',
	clipProperty: 'clip',
	images: {},
	// Checks as often as allowed: the fake Veo answers at once.
	options: { pollMinSeconds: 0.05 },
};

/** Drift Score measuring only (the offline models and the judge off). */
export const DRIFT_SCORE = {
	routing: 'threeOutputs',
	clipProperty: 'clip',
	technical: true,
	look: true,
	offlineChecks: 'off',
	judge: false,
	authentication: 'geminiApi',
	judgeModel: locator('gemini-3.8-flash'),
	passThreshold: 0.15,
	failThreshold: 0.5,
	minConfidence: 0.6,
	options: {},
};
