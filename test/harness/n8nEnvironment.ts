import { createHash } from 'crypto';
import { writeFileSync } from 'fs';
import path from 'path';

import { TestEnvironment } from 'jest-environment-node';

import { RUNTIME_HANDLE, STARTS_DIR_VARIABLE, type RuntimeHandle } from './runtimeHandle';

type EnvironmentArguments = ConstructorParameters<typeof TestEnvironment>;

/**
 * The e2e project's test environment: Node's, plus an owner for what the n8n runtime starts.
 * - When a hook or a test fails or times out, jest moves on while the code it was running goes on
 *   in the background; a start of n8n under way then has no one waiting for it. It is abandoned
 *   at once: it stops what it had started and never leaves an n8n running.
 * - When the file is done (after its own afterAll hooks), whatever it left running or starting is
 *   stopped, so no n8n, stand-in or chat server outlives its file and jest can exit. The file's
 *   n8n start timings are then left for timingReporter.js.
 * The guardian (n8n-runtime/guardian.js) still ends n8n if the jest process itself dies.
 */
export default class N8nTestEnvironment extends TestEnvironment {
	private readonly testPath: string;

	constructor(config: EnvironmentArguments[0], context: EnvironmentArguments[1]) {
		super(config, context);
		this.testPath = context.testPath;
	}

	private runtime(): RuntimeHandle | undefined {
		return this.global[RUNTIME_HANDLE] as RuntimeHandle | undefined;
	}

	async handleTestEvent(event: { name: string }): Promise<void> {
		const runtime = this.runtime();
		if (!runtime) return;
		if (event.name === 'hook_failure' || event.name === 'test_fn_failure') {
			this.tell(
				'a hook or test failed while n8n was starting; stopped',
				await runtime.abandonStarts(),
			);
		} else if (event.name === 'run_finish') {
			this.tell('the test file left these running; stopped', await runtime.stopEverything());
			this.leaveStartTimings(runtime);
		}
	}

	private tell(what: string, stopped: string[]): void {
		if (stopped.length)
			console.warn(`n8n runtime: ${what}:\n${stopped.map((thing) => `  - ${thing}`).join('\n')}`);
	}

	private leaveStartTimings(runtime: RuntimeHandle): void {
		const folder = process.env[STARTS_DIR_VARIABLE];
		const starts = runtime.n8nStartsSoFar();
		if (!folder || !starts.length) return;
		const name = createHash('sha256').update(this.testPath).digest('hex').slice(0, 16);
		writeFileSync(
			path.join(folder, `${name}.json`),
			JSON.stringify({ testPath: this.testPath, starts }),
		);
	}
}
