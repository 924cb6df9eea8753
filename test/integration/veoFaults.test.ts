import { promises as fs } from 'fs';
import path from 'path';

import { NonRetryableFailure, RetryableFailure } from '../../core/failures';
import { withRetries } from '../../core/retry';
import { verifyPlayableVideo } from '../../edges/ffmpeg/ffmpeg';
import { submitInteraction } from '../../edges/google/omni';
import { submitVideo as submitVeo } from '../../edges/google/veo';
import { googleVideoCalls } from '../../edges/google/videoCalls';
import { startStandIn, type GoogleApiStandIn } from '../../google-api-standin/server';
import {
	API_KEY,
	BACKENDS,
	generate,
	jobRecord,
	makeTempDir,
	recordingSleep,
	removeDir,
	submissionsTo,
	videosOf,
	waitForOperation,
} from './helpers';

/**
 * What goes wrong with Google's video models (Omni on both backends, Veo on Vertex AI), injected
 * into the stand-in and seen through the real SDK: quota and
 * passing faults are retried after the delay Google advertises, bad requests fail at once with a
 * hint, failed and filtered generations are reported as outcomes, and a short download is caught.
 */

// Clips are rendered by ffmpeg; on a busy machine a few of them take longer than jest's 5 s default.
jest.setTimeout(30_000);

let standIn: GoogleApiStandIn;
let dir: string;

beforeAll(async () => {
	standIn = await startStandIn({ latencyMs: 150, apiKey: API_KEY });
	dir = await makeTempDir('faults');
});

afterEach(() => standIn.configure({ faults: [] }));

afterAll(async () => {
	await standIn?.stop();
	await removeDir(dir);
});

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error('the call succeeded');
}

describe.each(BACKENDS)('$name', ({ backend, model, connect }) => {
	const veo = model.startsWith('veo-');
	const calls = (client: ReturnType<typeof connect>) => googleVideoCalls(client);
	const submitVideo = async (
		client: ReturnType<typeof connect>,
		video: ReturnType<typeof request>,
	) => (await calls(client).submit(video)).operationName;
	const checkVideoOperation = (client: ReturnType<typeof connect>, operationName: string) =>
		calls(client).check(operationName);
	const downloadVideo = (
		client: ReturnType<typeof connect>,
		...args: Parameters<ReturnType<typeof calls>['download']>
	) => calls(client).download(...args);
	const request = (prompt: string) => ({
		model,
		prompt,
		durationSeconds: 4,
		aspectRatio: '16:9',
		resolution: '720p',
	});
	/** Backoff from the policy would be 5 s: any shorter wait must have come from Google's answer. */
	const policy = (sleep: (ms: number) => Promise<void>) => ({
		maxAttempts: 3,
		initialDelayMs: 5000,
		maxDelayMs: 10_000,
		sleep,
	});

	it('retries an injected 429 after the delay in its RetryInfo, then succeeds', async () => {
		standIn.configure({
			faults: [{ on: 'predict', effect: 'http_429', times: 1, retryDelaySeconds: 0.4 }],
		});
		const client = connect(standIn.url);
		const { sleep, delays } = recordingSleep();
		const attempts: number[] = [];
		const failures: unknown[] = [];
		const before = submissionsTo(standIn);

		const operationName = await withRetries(
			async () => {
				attempts.push(Date.now());
				return submitVideo(client, request(`Shot 1: 429 then success on ${backend}.`));
			},
			{ ...policy(sleep), onRetry: (error) => failures.push(error) },
		);

		expect(delays).toEqual([400]);
		expect(attempts).toHaveLength(2);
		expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(390);
		expect(submissionsTo(standIn) - before).toBe(2);
		expect(failures[0]).toBeInstanceOf(RetryableFailure);
		expect(failures[0]).toMatchObject({ status: 429, retryAfterMs: 400 });
		// The retried submission is a real operation that finishes with a video.
		const { state } = await waitForOperation(client, operationName);
		expect(videosOf(state)).toHaveLength(1);
	});

	it('retries an injected 503 after its Retry-After header, then succeeds', async () => {
		standIn.configure({
			faults: [{ on: 'predict', effect: 'http_503', times: 1, retryDelaySeconds: 1 }],
		});
		const client = connect(standIn.url);
		const { sleep, delays } = recordingSleep();
		const attempts: number[] = [];
		const failures: unknown[] = [];

		const operationName = await withRetries(
			async () => {
				attempts.push(Date.now());
				return submitVideo(client, request(`Shot 1: 503 then success on ${backend}.`));
			},
			{ ...policy(sleep), onRetry: (error) => failures.push(error) },
		);

		expect(delays).toEqual([1000]);
		expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(990);
		expect(failures[0]).toMatchObject({ status: 503, retryAfterMs: 1000 });
		expect(jobRecord(standIn, operationName).model).toBe(model);
	});

	it('retries a 500 while polling with exponential backoff, and a connection reset too', async () => {
		const client = connect(standIn.url);
		const operationName = await submitVideo(
			client,
			request(`Shot 1: flaky polling on ${backend}.`),
		);
		standIn.configure({
			faults: [
				{ on: 'operation', effect: 'http_500', times: 1 },
				{ on: 'operation', effect: 'connection_reset', times: 1 },
			],
		});
		const { sleep, delays } = recordingSleep();
		const failures: unknown[] = [];
		const state = await withRetries(() => checkVideoOperation(client, operationName), {
			maxAttempts: 4,
			initialDelayMs: 30,
			maxDelayMs: 1000,
			sleep,
			onRetry: (error) => failures.push(error),
		});
		expect(state).toBeDefined();
		expect(delays).toEqual([30, 60]);
		expect(failures[0]).toMatchObject({ status: 500 });
		expect(failures[1]).toBeInstanceOf(RetryableFailure);
		expect((failures[1] as Error).message).toMatch(/connection to Google failed/);
	});

	it('gives a clear non-retryable error for an injected 400, without retrying', async () => {
		standIn.configure({ faults: [{ on: 'predict', effect: 'http_400', times: 1 }] });
		const client = connect(standIn.url);
		const { sleep, delays } = recordingSleep();
		const before = submissionsTo(standIn);

		const error = await rejectionOf(
			withRetries(() => submitVideo(client, request('Shot 1: a bad request.')), policy(sleep)),
		);

		expect(error).toBeInstanceOf(NonRetryableFailure);
		expect(error).toMatchObject({ status: 400, retryable: false });
		expect(error.message).toBe(
			`Submitting to ${model}: Google answered 400 INVALID_ARGUMENT: Request contains an invalid argument.`,
		);
		expect((error as NonRetryableFailure).hint).toMatch(/change the field/);
		expect(delays).toEqual([]);
		expect(submissionsTo(standIn) - before).toBe(1);
	});

	it("gives the billing / retired-model hint for the stand-in's 404 of an unknown model", async () => {
		const client = connect(standIn.url);
		// A typo'd id (a dash missing), as a person might type it into the model field. It goes
		// through the typed id's family's API, as the node would send it.
		const typo = veo ? 'veo-3.1-fastgenerate-001' : 'gemini-omni-1.2flash';
		// The family's own edge, as the model table would refuse the typo before any call.
		const typoRequest = { ...request('Shot 1: unknown model.'), model: typo };
		const unknown = await rejectionOf(
			veo ? submitVeo(client, typoRequest) : submitInteraction(client, typoRequest),
		);
		expect(unknown).toBeInstanceOf(NonRetryableFailure);
		expect(unknown).toMatchObject({ status: 404 });
		expect(unknown.message).toContain(typo);
		expect((unknown as NonRetryableFailure).hint).toMatch(/billing/i);
		expect((unknown as NonRetryableFailure).hint).toMatch(/retired/i);

		// Google's 404 for a video model on a project without billing, injected on a valid id.
		standIn.configure({ faults: [{ on: 'predict', effect: 'http_404', times: 1 }] });
		const unbilled = await rejectionOf(submitVideo(client, request('Shot 1: no billing.')));
		expect(unbilled).toMatchObject({ status: 404, retryable: false });
		expect((unbilled as NonRetryableFailure).hint).toMatch(/billing is not enabled/);
	});

	it("reports an injected failed operation as kind 'failed', not as a crash", async () => {
		standIn.configure({ faults: [{ on: 'predict', effect: 'operation_failed', times: 1 }] });
		const client = connect(standIn.url);
		const { state } = await generate(
			client,
			request(`Shot 1: this generation fails on ${backend}.`),
		);
		expect(state).toEqual({
			done: true,
			kind: 'failed',
			message: `${veo ? '' : '13: '}Video generation failed due to an internal error. Please try again.`,
			// Google's code 13 (INTERNAL) is transient: a new take may succeed.
			retryable: true,
		});
	});

	it("reports a safety-filtered result as kind 'safety_filtered' with Google's reasons", async () => {
		standIn.configure({ faults: [{ on: 'predict', effect: 'safety_filtered', times: 1 }] });
		const client = connect(standIn.url);
		const { state } = await generate(
			client,
			request(`Shot 1: this generation is filtered on ${backend}.`),
		);
		expect(state).toMatchObject({ done: true, kind: 'safety_filtered', filteredCount: 1 });
		if (state.kind !== 'safety_filtered') throw new Error('not filtered');
		expect(state.reasons).toHaveLength(1);
		if (veo) {
			expect(state.reasons[0]).toMatch(/Responsible AI practices/);
			expect(state.reasons[0]).toMatch(/Support codes: \d+/);
		} else {
			// Omni blocks by answering in words instead of with a video.
			expect(state.reasons[0]).toMatch(/Prohibited Use Policy/);
		}
	});

	it('only the faults that match the prompt strike', async () => {
		standIn.configure({ faults: [{ on: 'predict', effect: 'safety_filtered', match: 'shot 2' }] });
		const client = connect(standIn.url);
		const [first, second] = await Promise.all([
			generate(client, request(`Shot 1: unaffected on ${backend}.`)),
			generate(client, request(`Shot 2: filtered on ${backend}.`)),
		]);
		expect(first.state.kind).toBe('videos');
		expect(second.state.kind).toBe('safety_filtered');
	});

	describe('truncated downloads', () => {
		const truncationPoints =
			backend === 'gemini' ? (['operation', 'download'] as const) : (['operation'] as const);

		it('a clean clip of the same prompt passes verifyPlayableVideo (the control)', async () => {
			const client = connect(standIn.url);
			const { state } = await generate(
				client,
				request(`Shot 1: a clip to truncate on ${backend}.`),
			);
			const file = path.join(dir, `${backend}-${model}-clean.mp4`);
			await downloadVideo(client, videosOf(state)[0], file);
			const verdict = await verifyPlayableVideo(file, 4);
			expect(verdict).toMatchObject({ ok: true, info: { durationSeconds: 4 } });
		});

		it.each(truncationPoints)(
			'a clip truncated at the %s fault point is detected by verifyPlayableVideo',
			async (on) => {
				standIn.configure({ faults: [{ on, effect: 'truncated_download', times: 1 }] });
				const client = connect(standIn.url);
				const { operationName, state } = await generate(
					client,
					request(`Shot 1: a clip to truncate on ${backend}.`),
				);
				const file = path.join(dir, `${backend}-${model}-truncated-${on}.mp4`);
				await downloadVideo(client, videosOf(state)[0], file);

				// The stand-in rendered the whole clip; what arrived is about half of it.
				const rendered = (await fs.stat(jobRecord(standIn, operationName).filePath!)).size;
				expect((await fs.stat(file)).size).toBeLessThan(rendered * 0.6);
				const verdict = await verifyPlayableVideo(file, 4);
				expect(verdict.ok).toBe(false);
				if (verdict.ok) return;
				// The header is whole (faststart), so the fault shows while decoding, not while probing.
				expect(verdict.reason).toMatch(/^does not decode to the end \(.*partial file/);
			},
		);
	});
});
