import { spawn } from 'child_process';
import { promises as fs } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

import { runFfmpeg } from '../../edges/ffmpeg/ffmpeg';
import type { OperationState } from '../../core/videoJobs';
import { createGoogleClient, type GoogleClient } from '../../edges/google/client';
import { googleVideoCalls } from '../../edges/google/videoCalls';
import type { GoogleApiStandIn } from '../../google-api-standin/server';

/**
 * Shared pieces of the integration tests: the real @google/genai SDK, built by the package's own
 * client factory, pointed at the local stand-in for each backend.
 */

/** The stand-in is started with this key, so a request without it (or with another) is refused. */
export const API_KEY = 'standin-test-key';

export type BackendName = 'gemini' | 'vertex';

export interface BackendCase {
	/** How the case is named in test titles. */
	name: string;
	backend: BackendName;
	/** A video model served on this backend today. */
	model: string;
	connect: (baseUrl: string, apiKey?: string) => GoogleClient;
}

const gemini = (baseUrl: string, apiKey = API_KEY) =>
	createGoogleClient({ backend: 'gemini', apiKey, baseUrl });
const vertex = (baseUrl: string, apiKey = API_KEY) =>
	createGoogleClient({ backend: 'vertex', authentication: 'expressApiKey', apiKey, baseUrl });

/** What Google serves for video today: Omni on both backends (interactions), Veo on Vertex AI. */
export const BACKENDS: BackendCase[] = [
	{ name: 'Gemini API Omni', backend: 'gemini', model: 'gemini-omni-1.2-flash', connect: gemini },
	{ name: 'Vertex AI Omni', backend: 'vertex', model: 'gemini-omni-1.2-flash', connect: vertex },
	{ name: 'Vertex AI Veo', backend: 'vertex', model: 'veo-3.1-fast-generate-001', connect: vertex },
];

export function connect(backend: BackendName, baseUrl: string, apiKey?: string): GoogleClient {
	return (backend === 'gemini' ? gemini : vertex)(baseUrl, apiKey);
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A sleep that really waits, and records what it was asked to wait and when it was called. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
	const delays: number[] = [];
	return {
		delays,
		sleep: async (ms) => {
			delays.push(ms);
			await realSleep(ms);
		},
	};
}

type FinalState = Exclude<OperationState, { done: false }>;

/** Polls an operation until it is done; returns its final state and how many checks it took. */
export async function waitForOperation(
	client: GoogleClient,
	operationName: string,
	{ intervalMs = 40, timeoutMs = 30_000 } = {},
): Promise<{ state: FinalState; checks: number }> {
	const started = Date.now();
	for (let checks = 1; ; checks++) {
		const state = await googleVideoCalls(client).check(operationName);
		if (state.done) return { state, checks };
		if (Date.now() - started > timeoutMs)
			throw new Error(`${operationName} was not done after ${timeoutMs} ms`);
		await realSleep(intervalMs);
	}
}

/** The final state, asserting that it holds videos. */
export function videosOf(state: FinalState) {
	if (state.kind !== 'videos') throw new Error(`expected videos, got ${JSON.stringify(state)}`);
	return state.videos;
}

/** The stand-in's record of a Veo operation, from the name the SDK returned. */
export function operationRecord(standIn: GoogleApiStandIn, operationName: string) {
	const id = /operations\/([a-z0-9]+)$/.exec(operationName)?.[1];
	const record = id ? standIn.operations.get(id) : undefined;
	if (!record) throw new Error(`the stand-in has no operation ${operationName}`);
	return record;
}

/** The stand-in's record of a job of either family: Veo's operation or Omni's interaction. */
export function jobRecord(
	standIn: GoogleApiStandIn,
	operationName: string,
): { model: string; prompt: string; filePath?: string } {
	return operationName.includes('/operations/')
		? operationRecord(standIn, operationName)
		: interactionRecord(standIn, operationName);
}

/** Submissions the stand-in received, of either family. */
export function submissionsTo(standIn: GoogleApiStandIn): number {
	return standIn.stats.predictRequests + standIn.stats.interactionCreates;
}

/** The stand-in's record of an Omni interaction, from its id. */
export function interactionRecord(standIn: GoogleApiStandIn, interactionId: string) {
	const record = standIn.interactions.get(interactionId);
	if (!record) throw new Error(`the stand-in has no interaction ${interactionId}`);
	return record;
}

export interface SimpleVideoRequest {
	model: string;
	prompt: string;
	durationSeconds: number;
	aspectRatio: string;
	resolution: string;
}

/** Submits (through the model's own API) and waits; the operation name and final state. */
export async function generate(client: GoogleClient, request: SimpleVideoRequest) {
	const { operationName } = await googleVideoCalls(client).submit(request);
	const { state, checks } = await waitForOperation(client, operationName);
	return { operationName, state, checks };
}

export async function makeTempDir(prefix: string): Promise<string> {
	return fs.mkdtemp(path.join(tmpdir(), `veo-pipeline-${prefix}-`));
}

export async function removeDir(dir: string | undefined): Promise<void> {
	if (dir) await fs.rm(dir, { recursive: true, force: true });
}

/** One frame of a clip, scaled down, as RGB triples. */
export async function frameRgb(
	filePath: string,
	atSeconds: number,
	width: number,
	height: number,
): Promise<Array<[number, number, number]>> {
	const { stdout } = await runFfmpeg(
		[
			'-ss',
			String(atSeconds),
			'-i',
			filePath,
			'-frames:v',
			'1',
			'-vf',
			`scale=${width}:${height}:flags=area`,
			'-f',
			'rawvideo',
			'-pix_fmt',
			'rgb24',
			'-',
		],
		{ collectStdout: true },
	);
	expect(stdout.length).toBe(width * height * 3);
	const pixels: Array<[number, number, number]> = [];
	for (let offset = 0; offset < stdout.length; offset += 3)
		pixels.push([stdout[offset], stdout[offset + 1], stdout[offset + 2]]);
	return pixels;
}

export type Rgb = [number, number, number];

/** Red, green and blue means of the pixels at the given indexes. */
export function meanColor(pixels: Rgb[], indexes: number[]): Rgb {
	const sum = indexes.reduce<Rgb>(
		(total, index) => [
			total[0] + pixels[index][0],
			total[1] + pixels[index][1],
			total[2] + pixels[index][2],
		],
		[0, 0, 0],
	);
	return sum.map((value) => value / indexes.length) as Rgb;
}

/** The indexes of the pixels that differ by more than `threshold` (sum over the channels). */
export function differingPixels(a: Rgb[], b: Rgb[], threshold = 60): number[] {
	const indexes: number[] = [];
	a.forEach((pixel, index) => {
		const distance =
			Math.abs(pixel[0] - b[index][0]) +
			Math.abs(pixel[1] - b[index][1]) +
			Math.abs(pixel[2] - b[index][2]);
		if (distance > threshold) indexes.push(index);
	});
	return indexes;
}

/** The command-line scorer from its TypeScript source, as a separate process: its exit code and output. */
export function veoPipelineCli(
	args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [
			require.resolve('tsx/cli'),
			path.join(__dirname, '../../cli/veo-pipeline.ts'),
			...args,
		]);
		let [stdout, stderr] = ['', ''];
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}
