/**
 * Every start and restart of n8n in this process (in jest: one test file), with where its time
 * went, for the timing reporter (test/harness/timingReporter.js) and the demo.
 */

export interface StartupTimings {
	/** Finding the provisioned runtime and copying the template (user folder, or Postgres cluster and its servers). */
	userFolderMs: number;
	/** Build, pack and install of this package (0 when not installed). */
	packageMs: number;
	/** From starting n8n until it (in queue mode: the main process and every worker) reported ready. */
	n8nStartMs: number;
}

export interface StartRecord extends StartupTimings {
	kind: 'start' | 'restart';
}

const startsSoFar: StartRecord[] = [];

export function recordStart(record: StartRecord): void {
	startsSoFar.push(record);
}

/** Every start and restart of n8n in this process (in jest: this test file), with its timings. */
export function n8nStartsSoFar(): readonly StartRecord[] {
	return startsSoFar;
}
