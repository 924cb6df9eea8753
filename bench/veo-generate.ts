import { spawn, type ChildProcess } from 'child_process';
import { promises as fs } from 'fs';
import type { INodeExecutionData } from 'n8n-workflow';
import { loadavg, tmpdir } from 'os';
import path from 'path';
import { parseArgs } from 'util';

import { DEFAULT_VIDEO_MODEL, getVideoModel } from '../core/models';
import { createShotItems } from '../core/shotItems';
import type { ShotItem } from '../core/types';
import type { OperationState } from '../core/videoJobs';
import { createGoogleClient } from '../edges/google/client';
import { googleVideoCalls } from '../edges/google/videoCalls';
import { fileToBinary } from '../nodes/shared/binary';
import { generateBatch } from '../nodes/VeoGenerate/generate';
import { planRequest } from '../nodes/VeoGenerate/request';
import { readVeoGenerateSettings } from '../nodes/VeoGenerate/settings';
import { locator, mockNodeContext } from '../test/helpers/mockNodeContext';
import { cafeSpec } from '../test/helpers/specs';

/**
 * Veo Generate against the Google API stand-in with a fixed latency L and a quota of Q generations
 * at once: the node (its `execute` body, `generateBatch`, with the mocked n8n context and the real
 * SDK; tsx would resolve `VeoGenerate.node` to the codex JSON beside it) versus the
 * pattern of n8n's built-in Gemini video operation (one item at a time: submit, sleep 5 s, poll
 * until done, download). The stand-in runs in its own process so the memory figures are the node's.
 *
 *   npx tsx bench/veo-generate.ts [--latency 20] [--quota 10] [--shots 40] [--no-baseline]
 *     [--model gemini-omni-1.2-flash | veo-3.1-fast-generate-001]
 *
 * Gemini Omni (the default) runs through the Gemini API's interactions; a Veo id through Vertex
 * AI's predictLongRunning, the only place Veo is served since 2026.
 *
 * Targets: within 15% of the ideal ceil(shots / Q) * L, and at least (Q - 1) times the baseline.
 */

const { values } = parseArgs({
	options: {
		latency: { type: 'string', default: '20' },
		quota: { type: 'string', default: '10' },
		shots: { type: 'string', default: '40' },
		model: { type: 'string', default: DEFAULT_VIDEO_MODEL },
		'no-baseline': { type: 'boolean', default: false },
	},
});
const LATENCY_S = Number(values.latency);
const QUOTA = Number(values.quota);
const SHOTS = Number(values.shots);
const BASELINE_POLL_MS = 5000;
const API_KEY = 'bench-key';
const MODEL = String(values.model);
const BACKEND = getVideoModel(MODEL).api === 'interactions' ? 'gemini' : 'vertex';

interface StandInProcess {
	url: string;
	child: ChildProcess;
}

async function startStandInProcess(): Promise<StandInProcess> {
	const tsx = path.join(__dirname, '..', 'node_modules', '.bin', 'tsx');
	const child = spawn(
		tsx,
		[
			'google-api-standin/cli.ts',
			'--port',
			'0',
			'--latency',
			String(LATENCY_S * 1000),
			'--quota',
			String(QUOTA),
		],
		{
			cwd: path.join(__dirname, '..'),
			stdio: ['ignore', 'pipe', 'inherit'],
		},
	);
	const url = await new Promise<string>((resolve, reject) => {
		let output = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening on (http:\/\/\S+)/.exec(output);
			if (match) resolve(match[1]);
		});
		child.once('exit', (code) =>
			reject(new Error(`the stand-in exited with code ${code}: ${output}`)),
		);
	});
	return { url, child };
}

async function standInStats(url: string): Promise<{
	operationChecks: number;
	interactionGets: number;
	quotaRejections: number;
	maxConcurrentOperations: number;
}> {
	return (await (await fetch(`${url}/__standin/stats`)).json()) as never;
}

/** Peak resident and heap memory while `run` runs, sampled every 50 ms. */
async function withPeakMemory<T>(
	run: () => Promise<T>,
): Promise<{ result: T; peakRssMb: number; peakHeapMb: number }> {
	let peakRss = 0;
	let peakHeap = 0;
	const sample = () => {
		const usage = process.memoryUsage();
		peakRss = Math.max(peakRss, usage.rss);
		peakHeap = Math.max(peakHeap, usage.heapUsed);
	};
	sample();
	const sampler = setInterval(sample, 50);
	try {
		const result = await run();
		sample();
		return { result, peakRssMb: peakRss / 2 ** 20, peakHeapMb: peakHeap / 2 ** 20 };
	} finally {
		clearInterval(sampler);
	}
}

function shotItems(): INodeExecutionData[] {
	return createShotItems(cafeSpec(SHOTS, 8), MODEL).map((json) => ({ json: json as never }));
}

function nodeContext(url: string, items: INodeExecutionData[]) {
	return mockNodeContext({
		items,
		parameters: {
			operation: 'generateAndWait',
			authentication: BACKEND === 'gemini' ? 'geminiApi' : 'vertexAiApi',
			model: locator(MODEL),
			promptSource: 'compiled',
			extraNegativePrompt: '',
			clipProperty: 'clip',
			images: {},
			options: { concurrency: QUOTA },
		},
		credentials: {
			veoPipelineGeminiApi: { apiKey: API_KEY, baseUrl: url },
			veoPipelineVertexAiApi: { authentication: 'expressApiKey', apiKey: API_KEY, baseUrl: url },
		},
	});
}

interface RunFigures {
	clips: number;
	pollCounts: number[];
	clipBytes: number;
}

async function runNode(url: string): Promise<RunFigures> {
	const mock = nodeContext(url, shotItems());
	const output = await generateBatch(mock.context);
	const endedAt = Date.now();
	const items = output.map((entry) => entry.json as unknown as ShotItem);
	await fs.rm(mock.binaryDir, { recursive: true, force: true });
	const takes = items.flatMap((item) => item.takes);
	// Where the time beyond L went: clips seen late, and the work after the last one was seen.
	const lateSeconds = takes
		.map((take) => (take.timings.generationSeconds ?? 0) - LATENCY_S)
		.sort((a, b) => a - b);
	const lastSeenAt = Math.max(...takes.map((take) => Date.parse(take.timings.finishedAt ?? '')));
	console.log(
		`  clips seen after ready + ${lateSeconds[Math.floor(lateSeconds.length / 2)].toFixed(1)} s (median), ` +
			`${lateSeconds.at(-1)!.toFixed(1)} s (max); ` +
			`download, check and store after the last: ${seconds(endedAt - lastSeenAt)}`,
	);
	return {
		clips: output.filter(
			(entry, index) => entry.binary?.clip && items[index].status === 'generated',
		).length,
		pollCounts: takes.map((take) => take.timings.pollCount ?? 0),
		clipBytes: takes.reduce((sum, take) => sum + (take.clip?.bytes ?? 0), 0),
	};
}

/** n8n's built-in Gemini video operation, item by item: submit, sleep 5 s, poll until done, download. */
async function runBaseline(url: string): Promise<RunFigures> {
	const items = shotItems();
	const mock = nodeContext(url, items);
	const client =
		BACKEND === 'gemini'
			? createGoogleClient({ backend: 'gemini', apiKey: API_KEY, baseUrl: url })
			: createGoogleClient({
					backend: 'vertex',
					authentication: 'expressApiKey',
					apiKey: API_KEY,
					baseUrl: url,
				});
	const calls = googleVideoCalls(client);
	const workDir = await fs.mkdtemp(path.join(tmpdir(), 'veo-baseline-'));
	const pollCounts: number[] = [];
	let clips = 0;
	let clipBytes = 0;
	try {
		const settings = readVeoGenerateSettings(mock.context);
		for (let index = 0; index < items.length; index++) {
			const { request } = await planRequest(
				mock.context,
				index,
				items[index].json as unknown as ShotItem,
				settings.request(index),
				BACKEND,
			);
			const { operationName } = await calls.submit(request);
			let state: OperationState = { done: false };
			let polls = 0;
			while (!state.done) {
				await new Promise((resolve) => setTimeout(resolve, BASELINE_POLL_MS));
				state = await calls.check(operationName);
				polls += 1;
			}
			pollCounts.push(polls);
			if (state.kind !== 'videos') continue;
			const filePath = path.join(workDir, `${index}.mp4`);
			await calls.download(state.videos[0], filePath);
			clipBytes += (await fs.stat(filePath)).size;
			await fileToBinary(mock.context, filePath, `${index}.mp4`, 'video/mp4');
			clips += 1;
		}
	} finally {
		await fs.rm(workDir, { recursive: true, force: true });
		await fs.rm(mock.binaryDir, { recursive: true, force: true });
	}
	return { clips, pollCounts, clipBytes };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function measure(name: string, url: string, run: (url: string) => Promise<RunFigures>) {
	const before = await standInStats(url);
	const startedAt = Date.now();
	const { result, peakRssMb, peakHeapMb } = await withPeakMemory(() => run(url));
	const wallMs = Date.now() - startedAt;
	const after = await standInStats(url);
	const polls =
		after.operationChecks + after.interactionGets - before.operationChecks - before.interactionGets;
	console.log(
		`${name.padEnd(10)} ${seconds(wallMs).padStart(9)}  clips ${result.clips}/${SHOTS}  polls/clip ` +
			`${(polls / SHOTS).toFixed(2)} (max ${Math.max(...result.pollCounts)})  ` +
			`429s ${after.quotaRejections - before.quotaRejections}  peak RSS ${peakRssMb.toFixed(0)} MB, ` +
			`heap ${peakHeapMb.toFixed(0)} MB (clips ${(result.clipBytes / 2 ** 20).toFixed(1)} MB in all)`,
	);
	return wallMs;
}

async function main(): Promise<void> {
	const idealMs = Math.ceil(SHOTS / QUOTA) * LATENCY_S * 1000;
	console.log(
		`Veo Generate with ${MODEL}: ${SHOTS} shots, latency L = ${LATENCY_S} s, quota Q = ${QUOTA}; ` +
			`ideal ceil(${SHOTS}/${QUOTA}) * L = ${seconds(idealMs)}`,
	);
	console.log(
		`load average at start: ${loadavg()
			.map((value) => value.toFixed(2))
			.join(' ')} (${process.env.HOSTNAME ?? 'this machine'})`,
	);
	const standIn = await startStandInProcess();
	try {
		const nodeMs = await measure('node', standIn.url, runNode);
		console.log(
			`  vs ideal: ${(((nodeMs - idealMs) / idealMs) * 100).toFixed(1)}% over (target <= 15%)`,
		);
		if (!values['no-baseline']) {
			const baselineMs = await measure('baseline', standIn.url, runBaseline);
			console.log(
				`  node is ${(baselineMs / nodeMs).toFixed(2)}x faster than the baseline (target >= ${QUOTA - 1}x)`,
			);
		}
		console.log(
			`load average at end: ${loadavg()
				.map((value) => value.toFixed(2))
				.join(' ')}`,
		);
	} finally {
		standIn.child.kill('SIGTERM');
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
