import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import path from 'path';

import { RetryableFailure } from '../../core/failures';
import { compilePrompt } from '../../core/prompt';
import { withRetries } from '../../core/retry';
import { parseSceneSpec } from '../../core/schema';
import { checkVideoOperation, downloadVideo, submitVideo } from '../../edges/google/veo';
import { startStandIn, type GoogleApiStandIn } from '../../google-api-standin/server';
import { rawSpec } from '../fixtures/sceneSpec';
import {
	API_KEY,
	connect,
	differingPixels,
	frameRgb,
	generate,
	makeTempDir,
	meanColor,
	operationRecord,
	realSleep,
	recordingSleep,
	removeDir,
	videosOf,
} from './helpers';

/**
 * The stand-in itself, on Veo (Vertex AI, the one backend that still serves it): its quota, its
 * latency and its drift injection behave as configured. Omni's interactions are tested in
 * standInInteractions.test.ts.
 */

const VEO = 'veo-3.1-fast-generate-001';

// Clips are rendered by ffmpeg; on a busy machine a few of them take longer than jest's 5 s default.
jest.setTimeout(30_000);

let dir: string;
const standIns: GoogleApiStandIn[] = [];

async function standInWith(
	settings: Parameters<typeof startStandIn>[0],
): Promise<GoogleApiStandIn> {
	const standIn = await startStandIn({ apiKey: API_KEY, ...settings });
	standIns.push(standIn);
	return standIn;
}

beforeAll(async () => {
	dir = await makeTempDir('standin');
});

afterAll(async () => {
	await Promise.all(standIns.map((standIn) => standIn.stop()));
	await removeDir(dir);
});

const request = (model: string, prompt: string) => ({
	model,
	prompt,
	durationSeconds: 4,
	aspectRatio: '16:9',
	resolution: '720p',
});

/**
 * Operations that end failed render nothing, so these tests do not compete with ffmpeg for CPU;
 * the stand-in counts them against the quota like any other.
 */
const NO_RENDER = [{ on: 'predict' as const, effect: 'operation_failed' as const }];

describe('quota', () => {
	it('answers 429 with RetryInfo once maxConcurrentOperations are running, and admits again when one finishes', async () => {
		// A minute of latency: the first two are surely still running whatever the machine's load.
		const standIn = await standInWith({
			latencyMs: 60_000,
			maxConcurrentOperations: 2,
			quotaRetryDelaySeconds: 0.25,
			faults: NO_RENDER,
		});
		const client = connect('vertex', standIn.url);
		const firstOperation = await submitVideo(client, request(VEO, 'Shot 1: quota one.'));
		await submitVideo(client, request(VEO, 'Shot 2: quota two.'));

		const rejected = await submitVideo(client, request(VEO, 'Shot 3: quota three.')).catch(
			(error: unknown) => error,
		);
		expect(rejected).toBeInstanceOf(RetryableFailure);
		expect(rejected).toMatchObject({ status: 429, retryAfterMs: 250 });
		expect((rejected as Error).message).toMatch(
			/RESOURCE_EXHAUSTED: Quota exceeded for concurrent video generation requests \(limit 2\)/,
		);
		expect(standIn.stats.quotaRejections).toBe(1);

		// Through withRetries the third is refused again, waits the advertised 250 ms, during which
		// the first operation finishes (its due time is moved to now: time passing, without waiting
		// a minute), and is then admitted.
		const { sleep, delays } = recordingSleep();
		const operationName = await withRetries(
			() => submitVideo(client, request(VEO, 'Shot 3: quota three.')),
			{
				maxAttempts: 3,
				initialDelayMs: 5000,
				maxDelayMs: 5000,
				sleep: async (ms) => {
					await sleep(ms);
					operationRecord(standIn, firstOperation).dueAt = Date.now();
				},
			},
		);
		expect(operationName).toMatch(/operations\/[a-z0-9]+$/);
		expect(delays).toEqual([250]);
		expect(standIn.stats.quotaRejections).toBe(2);
		expect(standIn.stats.maxConcurrentOperations).toBe(2);
	});
});

describe('quota and faults together', () => {
	it('a request refused for quota does not use up a fault: the retried request still gets it', async () => {
		const standIn = await standInWith({
			latencyMs: 60_000,
			maxConcurrentOperations: 1,
			quotaRetryDelaySeconds: 0.1,
			faults: [
				{ on: 'predict', effect: 'operation_failed', match: 'Shot 1' },
				{ on: 'predict', effect: 'safety_filtered', match: 'Shot 2', times: 1 },
			],
		});
		const client = connect('vertex', standIn.url);
		const firstOperation = await submitVideo(client, request(VEO, 'Shot 1: fills the quota.'));

		const { sleep, delays } = recordingSleep();
		const operationName = await withRetries(
			() => submitVideo(client, request(VEO, 'Shot 2: should be filtered.')),
			{
				maxAttempts: 3,
				initialDelayMs: 5000,
				maxDelayMs: 5000,
				sleep: async (ms) => {
					await sleep(ms);
					operationRecord(standIn, firstOperation).dueAt = Date.now();
				},
			},
		);
		expect(delays).toEqual([100]);
		expect(standIn.stats.quotaRejections).toBe(1);

		operationRecord(standIn, operationName).dueAt = Date.now();
		const state = await checkVideoOperation(client, operationName);
		expect(state).toMatchObject({ done: true, kind: 'safety_filtered' });
	});
});

describe('quota on the wire', () => {
	it("is Google's RESOURCE_EXHAUSTED body with a google.rpc.RetryInfo detail", async () => {
		const standIn = await standInWith({
			latencyMs: 60_000,
			maxConcurrentOperations: 1,
			quotaRetryDelaySeconds: 3,
			faults: NO_RENDER,
		});
		const post = () =>
			fetch(`${standIn.url}/v1beta1/publishers/google/models/${VEO}:predictLongRunning`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-goog-api-key': API_KEY },
				body: JSON.stringify({
					instances: [{ prompt: 'Shot 1: raw.' }],
					parameters: { durationSeconds: 4 },
				}),
			});
		expect((await post()).status).toBe(200);
		const response = await post();
		expect(response.status).toBe(429);
		const body = (await response.json()) as {
			error: { code: number; status: string; details: Array<Record<string, string>> };
		};
		expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
		expect(body.error.details).toContainEqual({
			'@type': 'type.googleapis.com/google.rpc.RetryInfo',
			retryDelay: '3s',
		});
	});
});

describe('latency', () => {
	/** Submits, then checks every 20 ms, noting when each check was sent and whether it was done. */
	async function pollTimeline(latencyMs: number) {
		const standIn = await standInWith({ latencyMs, faults: NO_RENDER });
		const client = connect('vertex', standIn.url);
		const submitStarted = Date.now();
		const operationName = await submitVideo(client, request(VEO, `Shot 1: latency ${latencyMs}.`));
		const submitEnded = Date.now();
		const notDoneSentAt: number[] = [];
		for (;;) {
			const sentAt = Date.now();
			const state = await checkVideoOperation(client, operationName);
			if (state.done) {
				expect(state).toMatchObject({ kind: 'failed' });
				return { submitStarted, submitEnded, notDoneSentAt, doneAt: Date.now() };
			}
			notDoneSentAt.push(sentAt);
			await realSleep(20);
		}
	}

	// Bounds that hold however busy the machine is: a check sent after the latency has passed
	// cannot be answered "not done", and "done" cannot come before the latency has passed.
	it.each([500, 1500])(
		'keeps an operation running for latencyMs = %i, and not longer',
		async (latencyMs) => {
			const { submitStarted, submitEnded, notDoneSentAt, doneAt } = await pollTimeline(latencyMs);
			expect(doneAt - submitStarted).toBeGreaterThanOrEqual(latencyMs);
			expect(notDoneSentAt.length).toBeGreaterThanOrEqual(1);
			for (const sentAt of notDoneSentAt) expect(sentAt - submitEnded).toBeLessThan(latencyMs);
		},
	);

	it('is changed at run time by configure()', async () => {
		const standIn = await standInWith({ latencyMs: 60_000, faults: NO_RENDER });
		standIn.configure({ latencyMs: 100 });
		const client = connect('vertex', standIn.url);
		const started = Date.now();
		const { state } = await generate(client, request(VEO, 'Shot 1: reconfigured.'));
		expect(state.kind).toBe('failed');
		// Under the minute the stand-in started with (the test would time out long before it).
		expect(Date.now() - started).toBeLessThan(20_000);
	});
});

describe('drift injection', () => {
	it("drift_prop_color turns the blue mug of the bible green in the clip's picture", async () => {
		const standIn = await standInWith({
			latencyMs: 100,
			faults: [{ on: 'predict', effect: 'drift_prop_color', times: 1 }],
		});
		const client = connect('vertex', standIn.url);
		// The real prompt of the fixture's "pour" shot, with "Props: mug (..., colour: blue, ...)".
		const spec = parseSceneSpec(rawSpec());
		const { prompt } = compilePrompt(spec.shots.find((shot) => shot.id === 'pour')!, spec.bible);
		expect(prompt).toContain('colour: blue');

		const files: Record<string, string> = {};
		// The fault strikes once: the first take drifts, the two after it are clean.
		for (const take of ['drifted', 'clean', 'clean-again']) {
			const { state } = await generate(client, request(VEO, prompt));
			files[take] = path.join(dir, `drift-${take}.mp4`);
			await downloadVideo(client, videosOf(state)[0], files[take]);
		}

		const [drifted, clean, cleanAgain] = await Promise.all(
			[files.drifted, files.clean, files['clean-again']].map((file) => frameRgb(file, 0, 64, 36)),
		);
		// Control: the same prompt without drift draws the same picture.
		expect(differingPixels(clean, cleanAgain)).toEqual([]);

		// With drift, part of the picture changes colour: the mug, from blue to green.
		const changed = differingPixels(clean, drifted);
		expect(changed.length).toBeGreaterThanOrEqual(4);
		expect(changed.length).toBeLessThan(clean.length / 10);
		const [cleanRed, cleanGreen, cleanBlue] = meanColor(clean, changed);
		const [driftRed, driftGreen, driftBlue] = meanColor(drifted, changed);
		expect(cleanBlue).toBeGreaterThan(cleanRed + 40);
		expect(cleanBlue).toBeGreaterThan(cleanGreen + 40);
		expect(driftGreen).toBeGreaterThan(driftRed + 40);
		expect(driftGreen).toBeGreaterThan(driftBlue + 40);

		// The stand-in remembers what each clip really shows, for its Gemini judge.
		const sha = async (file: string) =>
			createHash('sha256')
				.update(await fs.readFile(file))
				.digest('hex');
		const truth = standIn.truthOf(await sha(files.drifted));
		expect(truth?.picture.drift).toEqual(['prop_color']);
		expect(truth?.picture.props[0]).toMatchObject({
			name: 'mug',
			color: 'green',
			askedColor: 'blue',
		});
		expect(standIn.truthOf(await sha(files.clean))?.picture.drift).toEqual([]);
	});

	it('driftRate 1 drifts every clip with a kind from driftKinds', async () => {
		const standIn = await standInWith({ latencyMs: 50, driftRate: 1, driftKinds: ['lighting'] });
		const client = connect('vertex', standIn.url);
		for (const shot of [1, 2]) {
			const { operationName, state } = await generate(
				client,
				request(
					VEO,
					`Shot ${shot}: Mya lifts a blue mug.\nProps: mug (colour: blue).\nLighting: night.`,
				),
			);
			expect(state.kind).toBe('videos');
			const rendered = await fs.readFile(operationRecord(standIn, operationName).filePath!);
			const truth = standIn.truthOf(createHash('sha256').update(rendered).digest('hex'));
			expect(truth?.picture.drift).toEqual(['lighting']);
			// Night was asked for; the drifted clip is lit otherwise.
			expect(truth?.picture.askedLighting.name).toBe('night');
			expect(truth?.picture.lighting.name).not.toBe('night');
		}
	});
});
