import { promises as fs } from 'fs';
import path from 'path';

import { NonRetryableFailure, RetryableFailure } from '../../core/failures';
import type { OperationState, VideoRequest } from '../../core/videoJobs';
import { runFfmpeg } from '../../edges/ffmpeg/ffmpeg';
import { googleVideoCalls } from '../../edges/google/videoCalls';
import { startStandIn, type GoogleApiStandIn } from '../../google-api-standin/server';
import { API_KEY, connect, makeTempDir, realSleep, removeDir } from './helpers';

/**
 * The package's Gemini Omni edge (edges/google/omni.ts behind videoCalls.ts) through the real SDK
 * against the stand-in: what a take's request becomes on the wire, edits of a rejected take and
 * their fallback, and every way an interaction can end, typed for the scheduler.
 */

jest.setTimeout(60_000);

let standIn: GoogleApiStandIn;
let dir: string;
const MODEL = 'gemini-omni-1.2-flash';
const MUG = 'Shot 1 of 1: Mya lifts the mug.\nProps: mug (colour: blue).\nLighting: dusk.';

function request(overrides: Partial<VideoRequest> = {}): VideoRequest {
	return {
		model: MODEL,
		prompt: MUG,
		durationSeconds: 3,
		aspectRatio: '16:9',
		resolution: '360p',
		...overrides,
	};
}

const calls = () => googleVideoCalls(connect('gemini', standIn.url));

async function finished(operationName: string): Promise<Exclude<OperationState, { done: false }>> {
	for (let check = 0; check < 400; check++) {
		const state = await calls().check(operationName);
		if (state.done) return state;
		await realSleep(25);
	}
	throw new Error(`${operationName} did not finish`);
}

async function failureOf(work: Promise<unknown>): Promise<Error> {
	try {
		await work;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected a failure');
}

beforeAll(async () => {
	standIn = await startStandIn({ latencyMs: 100, apiKey: API_KEY });
	dir = await makeTempDir('omni-edge');
});
afterAll(async () => {
	await standIn?.stop();
	await removeDir(dir);
});
afterEach(() => standIn.configure({ faults: [], maxConcurrentOperations: 10 }));

describe('an edit of a rejected take', () => {
	it("asks the take's own interaction for the correction, and the mug comes back blue with the rest kept", async () => {
		standIn.configure({ faults: [{ on: 'predict', effect: 'drift_prop_color', times: 1 }] });
		const drifted = await calls().submit(request());
		await finished(drifted.operationName);
		expect(standIn.interactions.get(drifted.operationName)?.picture?.drift).toEqual(['prop_color']);

		const edit = await calls().submit(
			request({
				edit: {
					previousOperation: drifted.operationName,
					instruction: 'The mug must be blue. Keep everything else the same.',
				},
			}),
		);
		expect(edit).toEqual({ operationName: expect.any(String), mode: 'edit' });
		const state = await finished(edit.operationName);
		expect(state.kind).toBe('videos');
		const record = standIn.interactions.get(edit.operationName)!;
		// An edit turn names no task (an explicit one stops the chaining) and keeps the earlier picture.
		expect(record).toMatchObject({ editedInteractionId: drifted.operationName, task: undefined });
		expect(record.picture?.drift).toEqual([]);
		expect(record.picture?.props.find((prop) => prop.name === 'mug')?.color).toBe('blue');
	});

	it('generates anew, saying why, when the earlier interaction is gone at Google', async () => {
		const first = await calls().submit(request());
		await finished(first.operationName);
		await connect('gemini', standIn.url).interactionsSdk.interactions.delete(first.operationName);

		const submission = await calls().submit(
			request({
				edit: { previousOperation: first.operationName, instruction: 'Make the mug blue.' },
			}),
		);
		expect(submission.mode).toBe('generate');
		expect(submission.editFallback).toMatch(
			/^the earlier take could not be edited \(.*404.*\); generated anew/,
		);
		const record = standIn.interactions.get(submission.operationName)!;
		expect(record.previousInteractionId).toBeUndefined();
		expect(record.prompt).toContain(MUG);
	});
});

describe('images bound to their roles', () => {
	it('sends a first frame and named references as image parts the prompt binds by tag', async () => {
		const image = path.join(dir, 'ref.png');
		await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'color=c=orange:s=64x64', '-frames:v', '1', image]);
		const inline = { data: (await fs.readFile(image)).toString('base64'), mimeType: 'image/png' };
		const before = { ...standIn.stats };
		const submission = await calls().submit(
			request({
				firstFrame: inline,
				referenceImages: [
					{ ...inline, label: 'Mya' },
					{ ...inline, label: 'the product image' },
				],
			}),
		);
		const record = standIn.interactions.get(submission.operationName)!;
		expect(record.bindings.map((binding) => [binding.tag, binding.image])).toEqual([
			['FIRST_FRAME', 0],
			['IMAGE_REF_0', 1],
			['IMAGE_REF_1', 2],
		]);
		expect(record.performedTask).toBe('image_to_video');
		expect(record.prompt).toContain(
			'References: Mya is <IMAGE_REF_0>; the product image is <IMAGE_REF_1>.',
		);
		expect(standIn.stats.interactionsWithFirstFrame).toBe(before.interactionsWithFirstFrame + 1);
		expect(standIn.stats.interactionsWithReferenceImages).toBe(
			before.interactionsWithReferenceImages + 1,
		);
		await finished(submission.operationName);
	});
});

describe('how an interaction ends, typed for the scheduler', () => {
	it.each([
		[
			'safety',
			'safety_filtered',
			{ kind: 'safety_filtered', reasons: [expect.stringMatching(/Prohibited Use Policy/)] },
		],
		[
			'a failed generation',
			'operation_failed',
			{ kind: 'failed', retryable: true, message: expect.stringContaining('internal error') },
		],
		[
			'a spent budget',
			'budget_exceeded',
			{ kind: 'failed', retryable: false, message: expect.stringContaining('budget exceeded') },
		],
	] as const)('reports %s', async (_name, effect, expected) => {
		standIn.configure({ faults: [{ on: 'predict', effect, times: 1 }] });
		const { operationName } = await calls().submit(request());
		expect(await finished(operationName)).toMatchObject({ done: true, ...expected });
	});

	it("bills the tokens Google reports: about 5,800 a second, priced from the model table's rate", async () => {
		const { operationName } = await calls().submit(request({ durationSeconds: 4 }));
		const state = await finished(operationName);
		expect(state.kind === 'videos' && state.usage).toMatchObject({ outputTokens: 4 * 5792 });
		expect(state.kind === 'videos' && state.usage?.costUsd).toBeCloseTo(4 * 0.1014, 3);
	});

	it('gives a 429 to the scheduler with the delay Google advertised, the SDK retrying nothing', async () => {
		standIn.configure({
			faults: [{ on: 'predict', effect: 'http_429', times: 1, retryDelaySeconds: 7 }],
		});
		const creates = standIn.stats.interactionCreates;
		const failure = await failureOf(calls().submit(request()));
		expect(failure).toBeInstanceOf(RetryableFailure);
		expect(failure).toMatchObject({ status: 429, retryAfterMs: 7000 });
		expect(standIn.stats.interactionCreates - creates).toBeLessThanOrEqual(1);
	});

	it('says a retired id is retired, naming what to use, and stops the batch', async () => {
		const failure = (await failureOf(
			calls().submit(request({ model: 'gemini-omni-flash-preview' })),
		)) as NonRetryableFailure;
		expect(failure).toBeInstanceOf(NonRetryableFailure);
		expect(failure).toMatchObject({ status: 404, aboutSetup: true });
		expect(failure.hint).toContain('use gemini-omni-1.2-flash');
	});

	it('says a wrong API key is about the credential, for the whole batch', async () => {
		const wrongKey = googleVideoCalls(connect('gemini', standIn.url, 'not-the-key'));
		const failure = (await failureOf(wrongKey.submit(request()))) as NonRetryableFailure;
		expect(failure).toMatchObject({ status: 400, aboutSetup: true });
		expect(failure.hint).toMatch(/refused the API key/);
	});
});
