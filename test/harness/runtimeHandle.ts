import type { abandonStarts, n8nStartsSoFar, stopEverything } from '../../n8n-runtime';

/**
 * How n8nEnvironment.ts, which jest loads outside a test file's module registry, reaches the n8n
 * runtime that the test file loaded: e2eSetup.ts puts these functions on the file's global.
 */
export const RUNTIME_HANDLE = 'veoPipelineN8nRuntime';

export interface RuntimeHandle {
	abandonStarts: typeof abandonStarts;
	stopEverything: typeof stopEverything;
	n8nStartsSoFar: typeof n8nStartsSoFar;
}

/** Where timingReporter.js asks the environment to leave each test file's n8n start timings. */
export const STARTS_DIR_VARIABLE = 'VEO_PIPELINE_N8N_STARTS_DIR';
