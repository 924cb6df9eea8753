import { promises as fs } from 'fs';
import { loadavg, tmpdir } from 'os';
import path from 'path';
import { parseArgs } from 'util';

import {
	importTemplate,
	PRODUCT_COLOURS,
	ProductImages,
	runToEnd,
	sleep,
	startQueueCluster,
	startTemplate,
	stopEverything,
	TeamChat,
	type Execution,
	type ImportedTemplate,
	type QueueCluster,
	type TreeUsage,
} from '../n8n-runtime';
import {
	chainWorkflow,
	sceneSpecFromBodyNode,
	veoGenerateNode,
	webhookNode,
} from '../test/harness/workflows';

/**
 * n8n's queue mode measured on this machine (n8n-runtime/queue.ts: Postgres, Redis, a main process
 * and workers, clips in Postgres), printing its figures:
 * 1. Throughput of the social-ads template, one product per execution, with one worker and then
 *    with two: executions and clips per minute, CPU seconds per product.
 * 2. Two executions on two workers against one project quota (the stand-in admits Q operations at
 *    once, each taking L): total time against ceil(N / Q) x L. Target: within 25%.
 * 3. Peak memory of each worker (Drift Score's vision models included), the main process, Postgres
 *    and Redis, sampled every second through all of the above.
 * 4. Binary data Postgres holds per 8 s clip, and what n8n's execution pruning frees.
 *
 *   npx tsx bench/queue-mode.ts [--products 8] [--latency 10] [--quota 2] [--quota-shots 8] [--quota-latency 15]
 */

const { values } = parseArgs({
	options: {
		products: { type: 'string', default: '8' },
		latency: { type: 'string', default: '10' },
		quota: { type: 'string', default: '2' },
		'quota-shots': { type: 'string', default: '8' },
		'quota-latency': { type: 'string', default: '15' },
	},
});
const PRODUCTS = Number(values.products);
const LATENCY_S = Number(values.latency);
const QUOTA = Number(values.quota);
const QUOTA_SHOTS = Number(values['quota-shots']);
const QUOTA_LATENCY_S = Number(values['quota-latency']);
const QUOTA_TARGET = 1.25;
const SAMPLE_MS = 1000;
/** Products of kinds Drift Score's object detector knows, so its vision models load and run. */
const PRODUCT_NAMES = [
	'Aqua Bottle',
	'Travel Mug',
	'Desk Chair',
	'Work Laptop',
	'Pocket Phone',
	'Wall Clock',
	'Flower Vase',
	'Kitchen Toaster',
	'Tennis Racket',
	'Reading Book',
];
const DRIFT_SCORE = 'n8n-nodes-veo-pipeline.driftScore';
const CREDENTIAL = 'Gemini API';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Samples every part of the cluster each second and keeps each part's peak. */
class UsageSampler {
	/** Peak of the whole tree: the program, its task runner and the ffmpeg runs of that moment. */
	readonly peakPss = new Map<string, number>();
	/** The program's own peak resident set (n8n, postgres, redis-server), last read. */
	readonly programPeakRss = new Map<string, number>();
	private readonly timer: NodeJS.Timeout;

	constructor(private readonly cluster: QueueCluster) {
		this.timer = setInterval(() => this.sample(), SAMPLE_MS);
	}

	sample(): Map<string, TreeUsage> {
		const usage = this.cluster.usage();
		const parts = new Map<string, TreeUsage>();
		if (usage.main) parts.set('main', usage.main);
		usage.workers.forEach((worker, index) => worker && parts.set(`worker ${index + 1}`, worker));
		if (usage.postgres) parts.set('postgres', usage.postgres);
		if (usage.redis) parts.set('redis', usage.redis);
		for (const [name, part] of parts) {
			this.peakPss.set(name, Math.max(this.peakPss.get(name) ?? 0, part.pssBytes));
			this.programPeakRss.set(name, part.programPeakRssBytes);
		}
		return parts;
	}

	stop(): void {
		clearInterval(this.timer);
	}
}

const stoppedAt = (executions: Execution[]) =>
	Math.max(...executions.map((execution) => Date.parse(execution.stoppedAt ?? '')));

interface BatchFigures {
	workers: number;
	elapsedMs: number;
	executions: Execution[];
	clips: number;
	cpuSecondsPerProduct: number;
	mainCpuSecondsPerProduct: number;
	byWorker: number[];
	/** Clips whose drift report has the offline object check's verdict: the vision models ran. */
	objectChecked: number;
}

/** One product per execution, all triggered at once; the bench approves any clip sent to review. */
async function runBatch(
	cluster: QueueCluster,
	ads: ImportedTemplate,
	images: ProductImages,
	label: string,
): Promise<BatchFigures> {
	const standIn = cluster.standIn!;
	const known = new Set(
		(await cluster.api.listExecutions({ workflowId: ads.id })).map((e) => e.id),
	);
	const clipsBefore = standIn.acceptedGenerations().length;
	const cpu = () =>
		cluster.usage().workers.reduce((sum, worker) => sum + (worker?.cpuSeconds ?? 0), 0);
	const cpuBefore = cpu();
	const mainCpu = () => cluster.usage().main?.cpuSeconds ?? 0;
	const mainCpuBefore = mainCpu();
	const startedAt = Date.now();
	await Promise.all(
		Array.from({ length: PRODUCTS }, (_, index) =>
			startTemplate(cluster.api, ads, {
				body: {
					products: [
						{
							name: `${label} ${PRODUCT_NAMES[index % PRODUCT_NAMES.length]}`,
							message: 'Made to last',
							imageUrl: images.imageUrl(`product-${index}`),
						},
					],
				},
			}),
		),
	);
	const { executions } = await runToEnd(cluster.api, ads.id, {
		expected: known.size + PRODUCTS,
		context: () => cluster.logTails(),
		timeoutMs: 60 * 60_000,
	});
	const batch = executions.filter((execution) => !known.has(execution.id));
	const [driftScore] = ads.nodesOfType(DRIFT_SCORE);
	const objectChecked = batch.filter((execution) =>
		(execution.data?.resultData.runData[driftScore] ?? []).some((run) =>
			(run.data?.main?.[0] ?? []).some(
				(item) =>
					(
						item.json as { takes?: Array<{ drift?: { dimensions?: { props?: unknown } } }> }
					).takes?.at(-1)?.drift?.dimensions?.props !== undefined,
			),
		),
	).length;
	const cpuSeconds = cpu() - cpuBefore;
	return {
		workers: cluster.workers.length,
		elapsedMs: stoppedAt(batch) - startedAt,
		executions: batch,
		clips: standIn.acceptedGenerations().length - clipsBefore,
		objectChecked,
		cpuSecondsPerProduct: cpuSeconds / PRODUCTS,
		mainCpuSecondsPerProduct: (mainCpu() - mainCpuBefore) / PRODUCTS,
		byWorker: cluster.workers.map(
			(worker) =>
				new Set(cluster.executionsRunBy(worker).filter((id) => batch.some((e) => e.id === id)))
					.size,
		),
	};
}

function printBatch(figures: BatchFigures): void {
	const minutes = figures.elapsedMs / 60_000;
	console.log(
		`  ${figures.workers} worker${figures.workers > 1 ? 's' : ' '}  ${seconds(figures.elapsedMs).padStart(8)}  ` +
			`${(PRODUCTS / minutes).toFixed(2).padStart(6)} executions/min  ` +
			`${(figures.clips / minutes).toFixed(2).padStart(6)} clips/min ` +
			`(${figures.clips} clips)  CPU s per product: ${figures.cpuSecondsPerProduct.toFixed(1)} on workers, ` +
			`${figures.mainCpuSecondsPerProduct.toFixed(1)} on main;  executions each worker took part in: ` +
			`${figures.byWorker.join(' / ')}; the object detector ran on ${figures.objectChecked} of ${PRODUCTS}`,
	);
}

/** Two executions at once, one per worker, each asking for half the shots, against one quota. */
async function measureQuota(cluster: QueueCluster): Promise<void> {
	const standIn = cluster.standIn!;
	standIn.configure({ maxConcurrentOperations: QUOTA, latencyMs: QUOTA_LATENCY_S * 1000 });
	const webhookPath = 'bench-quota';
	const workflow = await cluster.api.importWorkflow(
		chainWorkflow('Quota across workers', [
			webhookNode(webhookPath, { responseMode: 'onReceived' }),
			sceneSpecFromBodyNode(),
			veoGenerateNode(CREDENTIAL),
		]),
		{ activate: true },
	);
	const spec = (half: number) => ({
		bible: {
			title: `Quota half ${half}`,
			style: { look: 'cinematic', lighting: 'warm dusk', aspectRatio: '16:9', resolution: '720p' },
			characters: [],
			props: [],
		},
		shots: Array.from({ length: QUOTA_SHOTS / 2 }, (_, index) => ({
			id: `shot-${half}-${index + 1}`,
			sequence: index + 1,
			description: `Half ${half}, beat ${index + 1}`,
			durationSeconds: 4,
		})),
	});
	const rejectionsBefore = standIn.stats.quotaRejections;
	const startedAt = Date.now();
	await Promise.all(
		[1, 2].map((half) => cluster.api.callWebhook(webhookPath, { body: spec(half) })),
	);
	const executions: Execution[] = [];
	for (let waited = 0; executions.length < 2 && waited < 30 * 60_000; waited += 1000) {
		await sleep(1000);
		const listed = await cluster.api.listExecutions({ workflowId: workflow.id });
		const failed = listed.find((execution) => ['error', 'crashed'].includes(execution.status));
		if (failed) throw new Error(`Quota run: execution ${failed.id} ended ${failed.status}`);
		executions.splice(0, executions.length, ...listed.filter((e) => e.status === 'success'));
	}
	const totalMs = stoppedAt(executions) - startedAt;
	const idealMs = Math.ceil(QUOTA_SHOTS / QUOTA) * QUOTA_LATENCY_S * 1000;
	const full = await Promise.all(
		executions.map((execution) => cluster.api.getExecution(execution.id)),
	);
	const statuses = full.flatMap((execution) =>
		(execution.data?.resultData.runData['Veo Generate']?.at(-1)?.data?.main?.[0] ?? []).map(
			(item) => item.json.status as string,
		),
	);
	const workers = executions.map((execution) =>
		cluster.workersThatRan(execution.id).map((i) => i + 1),
	);
	const within = totalMs <= idealMs * QUOTA_TARGET;
	// Where the time went, from the stand-in's own record of each operation it accepted.
	const operations = standIn.acceptedGenerations().filter((op) => op.createdAt >= startedAt);
	const firstAccepted = Math.min(...operations.map((op) => op.createdAt));
	const lastDue = Math.max(...operations.map((op) => op.dueAt));
	const events = operations
		.flatMap((op) => [
			{ at: op.createdAt, change: 1 },
			{ at: op.dueAt, change: -1 },
		])
		.sort((a, b) => a.at - b.at || a.change - b.change);
	let running = 0;
	let idleSlotMs = 0;
	for (let index = 0; index < events.length - 1; index++) {
		running += events[index].change;
		idleSlotMs += Math.max(0, QUOTA - running) * (events[index + 1].at - events[index].at);
	}
	console.log(
		`\nQuota across workers: ${QUOTA_SHOTS} shots in two executions, quota ${QUOTA} at once, ${QUOTA_LATENCY_S} s each`,
	);
	console.log(
		`  executions ran on workers: ${workers.map((list) => list.join('+')).join(' and ')}`,
	);
	console.log(
		`  429s: ${standIn.stats.quotaRejections - rejectionsBefore}; ` +
			`shots: ${statuses.length}, generated: ${statuses.filter((s) => s === 'generated').length}, ` +
			`failed: ${statuses.filter((s) => s === 'failed').length}`,
	);
	console.log(
		`  trigger -> first accepted submission ${seconds(firstAccepted - startedAt)}; ` +
			`generation ${seconds(lastDue - firstAccepted)} (a freed slot stayed empty ` +
			`${seconds(idleSlotMs / Math.max(1, operations.length - QUOTA))} on average); ` +
			`last clip due -> both executions done ${seconds(totalMs - (lastDue - startedAt))}`,
	);
	console.log(
		`  total ${seconds(totalMs)} vs ceil(N/Q) x L = ${seconds(idealMs)}: ${(totalMs / idealMs).toFixed(2)}x ` +
			`(target <= ${QUOTA_TARGET}x: ${within ? 'met' : 'MISSED'})`,
	);
	if (!within || statuses.some((status) => status !== 'generated')) process.exitCode = 1;
}

async function measureBinaryData(cluster: QueueCluster, batch: Execution[]): Promise<void> {
	const ids = batch.map((execution) => `'${execution.id}'`).join(',');
	const rows = (
		await cluster.postgres.query(
			`SELECT CASE WHEN "fileName" ~ 'take[0-9]+(-[0-9]+)?\\.mp4$' THEN 'Veo clip' WHEN "mimeType" LIKE 'video/%' ` +
				`THEN 'rendition' WHEN "mimeType" LIKE 'image/%' THEN 'image' ELSE 'other' END, count(*), ` +
				`sum("fileSize") FROM binary_data WHERE "sourceId" IN (${ids}) GROUP BY 1 ORDER BY 3 DESC`,
		)
	)
		.split('\n')
		.map((line) => line.split('|'));
	const [clips, clipBytes] = (rows.find(([kind]) => kind === 'Veo clip') ?? ['', '0', '0'])
		.slice(1)
		.map(Number);
	const total = rows.reduce((sum, [, , bytes]) => sum + Number(bytes), 0);
	console.log(
		`\nBinary data in Postgres for the ${batch.length} executions of the last batch (8 s 9:16 720p clips from the stand-in):`,
	);
	for (const [kind, count, bytes] of rows)
		console.log(
			`  ${kind.padEnd(10)} ${count.padStart(4)} files  ${kb(Number(bytes)).padStart(10)}  (${kb(Number(bytes) / Number(count))} each)`,
		);
	console.log(
		`  per 8 s clip: ${kb(total / clips)} held in all, ${(total / clipBytes).toFixed(1)}x the clip's own ${kb(clipBytes / clips)}`,
	);
}

async function measurePruning(cluster: QueueCluster): Promise<void> {
	const before = await cluster.binaryData();
	const executionsBefore = Number(
		await cluster.postgres.query('SELECT count(*) FROM execution_entity'),
	);
	// n8n's pruning, run on the main process: keep only the newest execution, hard-delete at once,
	// check every 6 s (defaults: 10,000 executions or 336 h, a 1 h buffer, every 60 and 15 min).
	const restartMs = await cluster.restartMain({
		env: {
			EXECUTIONS_DATA_PRUNE: 'true',
			EXECUTIONS_DATA_PRUNE_MAX_COUNT: '1',
			EXECUTIONS_DATA_HARD_DELETE_BUFFER: '0',
			EXECUTIONS_DATA_PRUNE_SOFT_DELETE_INTERVAL: '0.1',
			EXECUTIONS_DATA_PRUNE_HARD_DELETE_INTERVAL: '0.1',
		},
	});
	let after = before;
	for (let waited = 0; waited < 120_000; waited += 2000) {
		await sleep(2000);
		after = await cluster.binaryData();
		const left = Number(await cluster.postgres.query('SELECT count(*) FROM execution_entity'));
		if (left <= 1) break;
	}
	const executionsAfter = Number(
		await cluster.postgres.query('SELECT count(*) FROM execution_entity'),
	);
	await cluster.postgres.query('VACUUM FULL binary_data');
	const vacuumed = await cluster.binaryData();
	console.log(`\nPruning (main restarted with pruning settings in ${seconds(restartMs)}):`);
	console.log(
		`  executions ${executionsBefore} -> ${executionsAfter}; binary files ${before.files} -> ${after.files}; ` +
			`file bytes ${mb(before.bytes)} -> ${mb(after.bytes)}`,
	);
	console.log(
		`  binary_data table on disk: ${mb(before.tableBytes)} before, ${mb(after.tableBytes)} after pruning ` +
			`(freed rows are reused, not returned), ${mb(vacuumed.tableBytes)} after VACUUM FULL`,
	);
}

function printMemory(sampler: UsageSampler): void {
	sampler.sample();
	console.log(
		'\nMemory: peak of each part with everything it runs (proportional set size, sampled every second:',
	);
	console.log(
		"  a worker's n8n with Drift Score's model threads, its task runner and its ffmpeg runs of that moment),",
	);
	console.log("  and the program's own peak resident set (VmHWM of n8n, postgres, redis-server):");
	for (const [name, pss] of sampler.peakPss)
		console.log(
			`  ${name.padEnd(9)} ${mb(pss).padStart(10)} with everything  ` +
				`${mb(sampler.programPeakRss.get(name) ?? 0).padStart(10)} the program alone`,
		);
}

async function main(): Promise<void> {
	console.log(
		`Queue mode on ${loadavg()
			.map((load) => load.toFixed(1))
			.join(' ')} load (1/5/15 min); ${PRODUCTS} products per batch, Veo latency ${LATENCY_S} s`,
	);
	const outputFolder = await fs.mkdtemp(path.join(tmpdir(), 'bench-queue-'));
	const images = await ProductImages.start(
		Object.fromEntries(
			Array.from({ length: PRODUCTS }, (_, index) => [
				`product-${index}`,
				PRODUCT_COLOURS[index % PRODUCT_COLOURS.length],
			]),
		),
	);
	const chat = await TeamChat.start();
	const cluster = await startQueueCluster({
		workers: 1,
		standIn: { latencyMs: LATENCY_S * 1000 },
		env: { N8N_RESTRICT_FILE_ACCESS_TO: outputFolder },
	});
	const sampler = new UsageSampler(cluster);
	try {
		console.log(`Started (1 worker): ${JSON.stringify(cluster.timings)}`);
		const ads = await importTemplate(cluster.api, 'social-ads-batch.json', {
			suffix: 'bench',
			settings: {
				chatWebhookUrl: chat.url,
				outputFolder,
				checkEverySeconds: 2,
				trustedImageHosts: images.host,
			},
			geminiBaseUrl: cluster.standIn!.url,
		});
		console.log('\nSocial ads, one product per execution, all at once:');
		const one = await runBatch(cluster, ads, images, 'A');
		printBatch(one);
		const addMs = Date.now();
		await cluster.addWorker();
		console.log(`  (second worker started in ${seconds(Date.now() - addMs)})`);
		const two = await runBatch(cluster, ads, images, 'B');
		printBatch(two);
		console.log(
			`  two workers vs one: ${(one.elapsedMs / two.elapsedMs).toFixed(2)}x the executions per minute`,
		);

		await measureBinaryData(cluster, two.executions);
		await measureQuota(cluster);

		printMemory(sampler);

		sampler.stop();
		await measurePruning(cluster);
	} finally {
		sampler.stop();
		await cluster.stop();
		await chat.stop();
		await images.stop();
		await fs.rm(outputFolder, { recursive: true, force: true });
	}
}

main().catch(async (error) => {
	console.error(error);
	console.error(await stopEverything());
	process.exit(1);
});
