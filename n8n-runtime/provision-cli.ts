import { Progress } from './progress';
import { cacheDir, provisionRuntime, verifyRuntime } from './provision';
import { provisionQueueTemplate } from './queueTemplate';
import { provisionTemplate } from './template';

/**
 * `node --import tsx n8n-runtime/provision-cli.ts`, run by scripts/setup: provisions what running
 * n8n needs into the cache, once per machine (about 5-10 minutes): Node 24, n8n 2.40.7 with
 * sqlite3 built for it, the migrated template user folder, and the migrated Postgres cluster that
 * queue mode starts from. Steps already done are skipped; an
 * interrupted run resumes at the step it was in. Every run ends by verifying the runtime. Ctrl-C
 * or SIGTERM ends the step under way (npm, n8n) before exiting, so nothing keeps writing.
 */

async function main(): Promise<void> {
	const progress = new Progress();
	const interrupted = new AbortController();
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			progress.note(`${signal}: ending the step under way; the next run resumes from it`);
			interrupted.abort(new Error(`setup was interrupted by ${signal}`));
		});
	}
	progress.note(`Provisioning the n8n runtime in ${cacheDir()}`);
	const runtime = await provisionRuntime(progress, interrupted.signal);
	await provisionTemplate(runtime, progress, interrupted.signal);
	await provisionQueueTemplate(runtime, progress, interrupted.signal);
	await progress.step(
		'verification',
		'node --version, sqlite3 under that Node, n8n --version',
		() => verifyRuntime(runtime),
		(verified) => verified,
	);
	progress.note('n8n runtime ready');
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
