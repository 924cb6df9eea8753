import { createHash, randomUUID } from 'crypto';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';

import { probeMedia } from '../../edges/ffmpeg/ffmpeg';
import { skimagePhotos } from '../../google-api-standin/samplePhotos';
import {
	ProductImages,
	decideBoard,
	importTemplate,
	nodeOutput,
	openBoard,
	runToEnd,
	sleep,
	startQueueCluster,
	startTemplate,
	TeamChat,
	type Execution,
	type QueueCluster,
	type ReviewBoard,
	type WorkflowJson,
} from '../../n8n-runtime';
import {
	chainWorkflow,
	kitchenSceneSpec,
	generationLoopNodes,
	loopBackToSubmit,
	sceneSpecFromBodyNode,
	setNode,
	webhookNode,
} from '../harness/workflows';

/**
 * The pipeline on n8n's queue mode, as a studio that outgrew one process runs it: Postgres and
 * Redis, a main process and two workers (n8n-runtime/queue.ts), clips in Postgres
 * (N8N_DEFAULT_BINARY_DATA_MODE=database). The templates are read from workflows/ at run time and
 * found by node type; what this file assumes of them is only what they declare. Then the faults of
 * a cluster: a worker killed mid-generation, the main process restarted while a review waits (in
 * the film run), Redis restarted and Redis gone for longer than n8n tolerates.
 *
 * n8n is told to notice a lost worker in seconds rather than minutes: Bull's job lock of 15 s
 * (60 s by default), stalled-job checks every 5 s (30 s) and the main process's queue recovery
 * every 15 s (180 minutes).
 */

jest.setTimeout(30 * 60_000);

const BRIEF =
	'At dusk, Mya pours coffee into the blue mug and hands it to an old regular. She smiles as the street lights come on.';
const ASSEMBLE = 'n8n-nodes-veo-pipeline.assemble';
const AGGREGATE = 'n8n-nodes-base.aggregate';
/** n8n 2.40 (scaling/job-processor) logs this when a worker takes an execution from the queue. */
const WORKER_STARTED = 'Worker started execution';
/** n8n's Wait node keeps shorter waits in the worker's memory, and saves longer ones to Postgres. */
const IN_MEMORY_WAIT_SECONDS = 2;
const PERSISTED_WAIT_SECONDS = 66;

let cluster: QueueCluster;
let chat: TeamChat;
let outputFolder: string;

beforeAll(async () => {
	outputFolder = await fs.mkdtemp(path.join(os.tmpdir(), 'veo-queue-'));
	chat = await TeamChat.start();
	const photo = await skimagePhotos();
	cluster = await startQueueCluster({
		standIn: { latencyMs: 400, photosDir: path.dirname(photo('coffee')) },
		env: {
			N8N_RESTRICT_FILE_ACCESS_TO: outputFolder,
			QUEUE_WORKER_LOCK_DURATION: '15000',
			QUEUE_WORKER_LOCK_RENEW_TIME: '5000',
			QUEUE_WORKER_STALLED_INTERVAL: '5000',
			N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '0.25',
		},
	});
	console.log(`Queue mode started: ${JSON.stringify(cluster.timings)}`);
});

afterAll(async () => {
	await cluster?.stop();
	await chat?.stop();
	if (outputFolder) await fs.rm(outputFolder, { recursive: true, force: true });
});

/** Every part of the cluster is up before each test, whatever the test before it did to it. */
beforeEach(async () => {
	await cluster.ensureRunning();
	cluster.standIn!.configure({ faults: [], latencyMs: 400, maxConcurrentOperations: 10 });
});

const settings = () => ({ chatWebhookUrl: chat.url, outputFolder, checkEverySeconds: 2 });
const geminiBaseUrl = () => cluster.standIn!.url;
/** How many times any worker took the execution from the queue (a resumed execution is taken again). */
const timesTaken = (executionId: string) =>
	cluster.workers.reduce(
		(sum, worker) =>
			sum + cluster.executionsRunBy(worker).filter((id) => id === executionId).length,
		0,
	);

async function readReport(pipelineId: string) {
	return JSON.parse(
		await fs.readFile(path.join(outputFolder, `${pipelineId}-production-report.json`), 'utf8'),
	) as {
		shots: Array<{
			shotId: string;
			status: string;
			takes: Array<{ prompt: string; review: { decision: string; note?: string } | null }>;
		}>;
	};
}

/**
 * A clip on the board comes from Postgres: the whole file is a row of n8n's binary_data table
 * stored for this execution, and ranges of it come back as 206 with exactly those bytes.
 */
async function expectRangesFromDatabase(videoUrl: string, executionId: string): Promise<void> {
	const get = (headers: Record<string, string> = {}) =>
		cluster.api.http.get<ArrayBuffer>(videoUrl, {
			headers,
			responseType: 'arraybuffer',
			validateStatus: () => true,
		});
	const whole = await get();
	expect(whole.status).toBe(200);
	const bytes = Buffer.from(whole.data);
	expect(Number(whole.headers['content-length'])).toBe(bytes.length);
	const digest = createHash('sha256').update(bytes).digest('hex');
	const owners = await cluster.postgres.query(
		`SELECT DISTINCT "sourceId" FROM binary_data WHERE sha256(data) = '\\x${digest}'::bytea`,
	);
	expect(owners.split('\n')).toEqual([executionId]);

	const size = bytes.length;
	for (const [range, start, end] of [
		['bytes=0-1023', 0, 1023],
		[
			`bytes=${Math.floor(size / 2)}-${Math.floor(size / 2) + 4999}`,
			Math.floor(size / 2),
			Math.floor(size / 2) + 4999,
		],
		[`bytes=-2000`, size - 2000, size - 1],
	] as const) {
		const part = await get({ range });
		expect(part.status).toBe(206);
		expect(part.headers['content-range']).toBe(`bytes ${start}-${end}/${size}`);
		expect(Buffer.from(part.data).equals(bytes.subarray(start, end + 1))).toBe(true);
	}
	expect((await get({ range: `bytes=${size}-` })).status).toBe(416);
}

describe('the film template in queue mode', () => {
	it(
		'runs from the form to the cut: the board on the main process, clips from Postgres with ranges, ' +
			'a main restart while the review waits, the decision resumed on a worker, the rejected shot corrected, ' +
			'Assemble once',
		async () => {
			cluster.standIn!.configure({
				faults: [{ on: 'predict', effect: 'drift_lighting', match: 'Shot 1 of 3', times: 1 }],
			});
			const film = await importTemplate(cluster.api, 'coordinated-film-pipeline.json', {
				suffix: 'queue',
				settings: settings(),
				geminiBaseUrl: geminiBaseUrl(),
			});
			const [assemble] = film.nodesOfType(ASSEMBLE);
			const started = await startTemplate(cluster.api, film, {
				fields: ['Queue Ritual', BRIEF, '24', '16:9'],
			});
			expect(started.status).toBe(200);

			const note = 'Keep the warm dusk light of shot 1 (NOTE-4410)';
			let rejectedKey = '';
			let takenBeforeDecision = 0;
			let firstBoard: ReviewBoard | undefined;
			const { executions, boards } = await runToEnd(cluster.api, film.id, {
				expected: 1,
				context: () => cluster.logTails(),
				review: async (board: ReviewBoard, waiting: Execution) => {
					if (firstBoard) {
						await decideBoard(cluster.api, board, () => ({ decision: 'approve' }));
						return;
					}
					firstBoard = board;
					// The board is the main process's: workers serve no HTTP but their health checks.
					expect(board.link.startsWith(`${cluster.baseUrl}/webhook-waiting/${waiting.id}/`)).toBe(
						true,
					);
					console.log(`n8n's main process restarted in ${await cluster.restartMain()} ms`);
					// The signed link still works: the restarted main process serves the same board.
					const reopened = await openBoard(cluster.api, board.link);
					expect(reopened.clips).toEqual(board.clips);
					expect(reopened.videos.length).toBeGreaterThan(0);
					await expectRangesFromDatabase(reopened.videos[0], waiting.id);
					rejectedKey = reopened.clips[0].key;
					takenBeforeDecision = timesTaken(waiting.id);
					await decideBoard(cluster.api, reopened, (key) =>
						key === rejectedKey ? { decision: 'reject', note } : { decision: 'approve' },
					);
				},
			});
			const [execution] = executions;
			expect(boards.length).toBeGreaterThanOrEqual(1);
			// The decision resumed the execution: a worker took it from the queue again. The main
			// process ran none of it.
			expect(timesTaken(execution.id)).toBeGreaterThan(takenBeforeDecision);
			expect(takenBeforeDecision).toBeGreaterThanOrEqual(1);
			expect(cluster.main.log()).not.toContain(WORKER_STARTED);
			console.log(
				`Execution ${execution.id} ran on workers ${cluster.workersThatRan(execution.id).join(', ')} ` +
					`(${timesTaken(execution.id)} times taken from the queue)`,
			);

			// Assemble ran once, and made a 24 s cut.
			expect(execution.data!.resultData.runData[assemble]).toHaveLength(1);
			const { pipelineId } = nodeOutput(execution, assemble)[0] as { pipelineId: string };
			const cut = await probeMedia(path.join(outputFolder, `${pipelineId}-cut.mp4`));
			expect(cut.durationSeconds).toBeCloseTo(24, 0);

			// The rejected shot came back with the editor's note in its prompt, and was approved.
			const report = await readReport(pipelineId);
			expect(report.shots.map((shot) => shot.status)).toEqual(['approved', 'approved', 'approved']);
			const rejected = report.shots.find((shot) => rejectedKey.endsWith(`${shot.shotId}-take-1`))!;
			expect(rejected.takes[0].review).toMatchObject({ decision: 'rejected', note });
			expect(rejected.takes.length).toBeGreaterThanOrEqual(2);
			expect(rejected.takes.at(-1)!.prompt).toContain(note);
			// The clips live in Postgres, kept for this execution.
			expect(
				Number(
					await cluster.postgres.query(
						`SELECT count(*) FROM binary_data WHERE "sourceId" = '${execution.id}'`,
					),
				),
			).toBeGreaterThan(0);
		},
	);
});

describe('the social ads batch across two workers', () => {
	let images: ProductImages;

	beforeAll(async () => {
		images = await ProductImages.start({
			bottle: 'blue',
			sneaker: 'red',
			watch: 'green',
			lamp: 'yellow',
		});
	});

	afterAll(() => images?.stop());

	it('runs two batches at once, one on each worker, sharing one Veo quota: 429s slow them, no shot fails', async () => {
		// One project's quota, below what the two batches ask for at once.
		cluster.standIn!.configure({ maxConcurrentOperations: 2, latencyMs: 4000 });
		const ads = await importTemplate(cluster.api, 'social-ads-batch.json', {
			suffix: 'queue',
			// The image server is on this machine: a template that checks image hosts must trust it.
			settings: { ...settings(), trustedImageHosts: images.host },
			geminiBaseUrl: geminiBaseUrl(),
		});
		const product = (name: string, file: string) => ({
			name,
			message: `${name}, made to last`,
			imageUrl: images.imageUrl(file),
		});
		const batches = [
			[product('Aqua Bottle', 'bottle'), product('Dash Sneaker', 'sneaker')],
			[product('Tide Watch', 'watch'), product('Glow Lamp', 'lamp')],
		];
		const rejectionsBefore = cluster.standIn!.stats.quotaRejections;
		const accepted = await Promise.all(
			batches.map((products) => startTemplate(cluster.api, ads, { body: { products } })),
		);
		expect(accepted.map((response) => response.status)).toEqual([200, 200]);

		const { executions } = await runToEnd(cluster.api, ads.id, {
			expected: 2,
			context: () => cluster.logTails(),
		});
		const ranOn = executions.map((execution) => cluster.workersThatRan(execution.id));
		const where = executions.map(
			(execution, index) => `execution ${execution.id} on worker(s) ${ranOn[index].join(', ')}`,
		);
		console.log(
			`Social ads: ${where.join('; ')}; ` +
				`${cluster.standIn!.stats.quotaRejections - rejectionsBefore} quota 429s`,
		);
		expect(new Set(ranOn.flat())).toEqual(new Set([0, 1]));
		expect(cluster.standIn!.stats.quotaRejections).toBeGreaterThan(rejectionsBefore);

		const [deliveryList] = ads.nodesOfType(AGGREGATE);
		const deliveries = executions.flatMap(
			(execution) =>
				(
					nodeOutput(execution, deliveryList)[0] as {
						deliveries: Array<{ product: string; vertical: string; square: string; error: string }>;
					}
				).deliveries,
		);
		expect(deliveries.map((delivery) => delivery.product).sort()).toEqual(
			batches
				.flat()
				.map((item) => item.name)
				.sort(),
		);
		for (const delivery of deliveries) {
			expect(delivery.error).toBe('');
			const vertical = await probeMedia(delivery.vertical);
			expect([vertical.video?.width, vertical.video?.height]).toEqual([720, 1280]);
		}
	});
});

/**
 * Webhook -> Scene Spec -> Submit Only -> Wait -> Check and Fetch, looping until every shot has
 * its clip; then Drift Score (passing every clip) and Assemble: the templates' crash-safe
 * generation. n8n keeps a wait shorter than 65 s in the worker's memory; a longer one is saved to
 * Postgres and the worker lets the execution go until it is due.
 */
function crashSafeWorkflow(
	webhookPath: string,
	credential: string,
	waitSeconds: number,
): WorkflowJson {
	const workflow = chainWorkflow(`Crash-safe generation (${waitSeconds} s wait)`, [
		webhookNode(webhookPath, { responseMode: 'onReceived' }),
		sceneSpecFromBodyNode(),
		...generationLoopNodes(credential, { waitSeconds }),
		{
			name: 'Drift Score',
			type: 'n8n-nodes-veo-pipeline.driftScore',
			typeVersion: 1,
			parameters: {
				routing: 'oneOutput',
				offlineChecks: 'off',
				passThreshold: 1,
				failThreshold: 1,
				minConfidence: 0,
			},
			credentials: { veoPipelineGeminiApi: { name: credential } },
		},
		{
			name: 'Assemble',
			type: 'n8n-nodes-veo-pipeline.assemble',
			typeVersion: 1,
			parameters: { missingShots: 'slate' },
		},
	]);
	loopBackToSubmit(workflow, 'Drift Score');
	return workflow;
}

/** The workflow's executions once there are `count` of them, running ones included. */
async function executionsOf(workflowId: string, count: number): Promise<Execution[]> {
	for (let attempt = 0; attempt < 120; attempt++) {
		const listed = [
			...(await cluster.api.listExecutions({ workflowId, status: 'running' })),
			...(await cluster.api.listExecutions({ workflowId })),
		];
		if (listed.length >= count) return listed;
		await sleep(500);
	}
	throw new Error(`Workflow ${workflowId} did not have ${count} executions within a minute`);
}

const sceneSpec = (shotCount: number) => kitchenSceneSpec('Across a Crash', shotCount);

describe('faults of the cluster', () => {
	const credential = 'Gemini API';

	beforeAll(async () => {
		// The templates' credential, created by importTemplate if the film test did not run first.
		const existing = await cluster.api.listCredentials();
		if (!existing.some((item) => item.name === credential && item.type === 'veoPipelineGeminiApi'))
			await cluster.api.createCredential({
				name: credential,
				type: 'veoPipelineGeminiApi',
				data: { apiKey: 'stand-in', baseUrl: geminiBaseUrl() },
			});
	});

	/** Starts the crash-safe workflow on two shots; resolves once Google (the stand-in) accepted both. */
	async function startGenerating(waitSeconds: number) {
		const standIn = cluster.standIn!;
		standIn.configure({ latencyMs: 25_000 });
		const webhookPath = `crash-safe-${randomUUID().slice(0, 8)}`;
		const workflow = await cluster.api.importWorkflow(
			crashSafeWorkflow(webhookPath, credential, waitSeconds),
			{ activate: true },
		);
		const acceptedBefore = standIn.acceptedGenerations().length;
		const accepted = () => standIn.acceptedGenerations().length - acceptedBefore;
		await cluster.api.callWebhook(webhookPath, { body: sceneSpec(2) });
		const [execution] = await executionsOf(workflow.id, 1);
		const deadline = Date.now() + 60_000;
		while (accepted() < 2 && Date.now() < deadline) await sleep(250);
		return { execution, accepted };
	}

	it(
		'a worker killed while the execution waits on Veo (a wait n8n saves): ' +
			'the other worker picks it up when due, nothing Google accepted is submitted again, ' +
			'and the report counts each take once',
		async () => {
			const { execution, accepted } = await startGenerating(PERSISTED_WAIT_SECONDS);
			const waiting = await cluster.api.waitForExecution(
				{ executionId: execution.id },
				'waiting',
				60_000,
			);
			expect(accepted()).toBe(2);
			const [worker] = cluster.workersThatRan(waiting.id);
			const killedAt = Date.now();
			await cluster.killWorker(worker);

			const finished = await cluster.api.waitForExecution(
				{ executionId: waiting.id },
				'success',
				5 * 60_000,
			);
			// The survivor took it from the queue when the wait was over; nothing was submitted again.
			expect(cluster.workersThatRan(finished.id)).toEqual([0, 1]);
			expect(accepted()).toBe(2);

			// The production report: each shot has the one take submitted before the kill and fetched
			// after it (its generation time spans it), paid for once.
			const { report } = nodeOutput(finished, 'Assemble')[0] as {
				report: {
					shots: Array<{
						status: string;
						takes: Array<{
							outcome: string;
							submittedAt: string;
							generationSeconds: number;
							costUsd: number;
						}>;
					}>;
					totals: { takesTried: number; costUsd: number };
				};
			};
			expect(report.shots.map((shot) => shot.status)).toEqual(['approved', 'approved']);
			for (const shot of report.shots) {
				expect(shot.takes).toHaveLength(1);
				const [take] = shot.takes;
				expect(take.outcome).toBe('generated');
				const submittedAt = Date.parse(take.submittedAt);
				expect(submittedAt).toBeLessThan(killedAt);
				expect(submittedAt + take.generationSeconds * 1000).toBeGreaterThan(killedAt);
			}
			expect(report.totals.takesTried).toBe(2);
			expect(report.totals.costUsd).toBeCloseTo(
				report.shots.reduce((sum, shot) => sum + shot.takes[0].costUsd, 0),
				6,
			);
		},
	);

	it(
		'a worker killed while the execution runs on it: n8n 2.40 ends it as an error, not handed on, ' +
			'its saved progress replaced; retrying has nothing to resume',
		async () => {
			const { execution, accepted } = await startGenerating(IN_MEMORY_WAIT_SECONDS);
			// Submit Only has finished and its output (the operations Google accepted) is saved.
			let saved: Execution | undefined;
			for (let waited = 0; !saved && waited < 60_000; waited += 500) {
				const full = await cluster.api.getExecution(execution.id);
				if (full.data?.resultData.runData.Submit) saved = full;
				else await sleep(500);
			}
			expect(saved?.status).toBe('running');
			expect(accepted()).toBe(2);
			const [worker] = cluster.workersThatRan(execution.id);
			const killedAt = Date.now();
			await cluster.killWorker(worker);

			// Bull gives up on the job when its lock runs out (maxStalledCount 0); the main process then
			// records the execution as failed, with an empty run in place of what had been saved.
			const ended = await cluster.api.waitForExecution(
				{ executionId: execution.id },
				'error',
				3 * 60_000,
			);
			console.log(
				`Execution ${ended.id} ended ${ended.status} ${Date.now() - killedAt} ms after its worker was killed`,
			);
			expect(ended.data?.resultData.error?.message).toMatch(
				/failed to be processed too many times/,
			);
			expect(ended.data?.resultData.runData).toEqual({});
			expect(cluster.workersThatRan(ended.id)).toEqual([worker]);

			const retried = await cluster.api.retryExecution(ended.id);
			expect(retried.status).toBe('error');
			expect(accepted()).toBe(2);
		},
	);

	it('Redis restarted while an execution runs: n8n reconnects, that execution and the next finish', async () => {
		const webhookPath = `redis-restart-${randomUUID().slice(0, 8)}`;
		const workflow = await cluster.api.importWorkflow(
			chainWorkflow('Across a Redis restart', [
				webhookNode(webhookPath, { responseMode: 'onReceived' }),
				{
					name: 'Wait',
					type: 'n8n-nodes-base.wait',
					typeVersion: 1.1,
					parameters: { resume: 'timeInterval', amount: 8, unit: 'seconds' },
				},
				setNode('Done', { done: 'yes' }),
			]),
			{ activate: true },
		);
		await cluster.api.callWebhook(webhookPath, { body: {} });
		const [running] = await executionsOf(workflow.id, 1);
		await cluster.restartRedis(2000);
		await cluster.api.waitForExecution({ executionId: running.id }, 'success', 120_000);
		// The queue works again: a new execution goes through a worker and finishes.
		expect((await cluster.api.callWebhook(webhookPath, { body: {} })).status).toBe(200);
		const next = (await executionsOf(workflow.id, 2)).find(
			(execution) => execution.id !== running.id,
		)!;
		await cluster.api.waitForExecution({ executionId: next.id }, 'success', 120_000);
		expect([cluster.main, ...cluster.workers].every((n8n) => n8n.isRunning)).toBe(true);
	});

	it('Redis gone for longer than n8n waits (QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD, 10 s): every n8n process exits, saying why', async () => {
		await cluster.redis.stop();
		const processes = [cluster.main, ...cluster.workers];
		for (let waited = 0; waited < 90_000 && processes.some((n8n) => n8n.isRunning); waited += 500)
			await sleep(500);
		expect(processes.map((n8n) => n8n.isRunning)).toEqual(processes.map(() => false));
		for (const n8n of processes) {
			expect(n8n.log()).toMatch(/Unable to connect to Redis after trying to connect for 10s/);
			expect(n8n.log()).toMatch(/Exiting process due to Redis connection error/);
		}
	});
});
