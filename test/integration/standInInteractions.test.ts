import {
	GoogleGenAI,
	type GoogleGenAIRequestOptions,
	type HttpOptions,
	type Interactions,
} from '@google/genai';
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import { OAuth2Client } from 'google-auth-library';
import path from 'path';

import { rgbToHsv } from '../../core/scoring/hue';
import { probeClip } from '../../edges/ffmpeg/assembly';
import { runFfmpeg } from '../../edges/ffmpeg/ffmpeg';
import type { FaultRule } from '../../google-api-standin/faults';
import { startStandIn, type GoogleApiStandIn } from '../../google-api-standin/server';
import {
	API_KEY,
	differingPixels,
	frameRgb,
	makeTempDir,
	meanColor,
	realSleep,
	removeDir,
	type Rgb,
} from './helpers';

/**
 * Gemini Omni Flash on the stand-in, through the real @google/genai SDK (2.32.0) and nothing
 * hand-written where the SDK has the call: create and get on both Gemini API version paths and
 * both Vertex AI paths, background and blocking, inline and uri delivery, every status, edits
 * that change only what they are asked to, images bound by the prompt's tags, faults, quota, and
 * the models Google has retired.
 */

jest.setTimeout(60_000);

/** The scheduler owns retries: a 429 must reach the caller, not be retried by the SDK. */
const NO_RETRIES: GoogleGenAIRequestOptions = { retries: { strategy: 'none' } };

const MUG_PROMPT = 'Shot 1: Mya lifts a blue mug.\nProps: mug (colour: blue).\nLighting: dusk.';
/** Small clips: the stand-in encodes every one with ffmpeg. */
const SMALL = { type: 'video' as const, duration: '3s', resolution: '360p' };
/** Interactions that end failed render nothing, for tests about everything but the clip. */
const NO_RENDER: FaultRule[] = [{ on: 'predict', effect: 'operation_failed' }];

type Interaction = Interactions.Interaction;
type CreateParams = Parameters<GoogleGenAI['interactions']['create']>[0];

/** A fetch that notes the method and path of every request the SDK sends. */
function recordingFetch(): { fetch: typeof fetch; requests: string[] } {
	const requests: string[] = [];
	return {
		requests,
		fetch: async (input, init) => {
			const url = new URL(input instanceof Request ? input.url : String(input));
			const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
			requests.push(`${method} ${url.pathname}${url.search}`);
			return fetch(input, init);
		},
	};
}

/**
 * The SDK is always given a fetch, as the package's client factory does: without one it reaches
 * for undici's global dispatcher, which jest's sandbox does not have.
 */
const plainFetch: typeof fetch = (input, init) => fetch(input, init);

interface Connection {
	name: string;
	model: string;
	/** The path the SDK creates interactions at. */
	createPath: string;
	connect(baseUrl: string, fetch?: typeof plainFetch): GoogleGenAI;
}

function vertexWithProject(baseUrl: string, location: string, fetch = plainFetch) {
	// A token that is not due to expire, so google-auth-library asks no token server.
	const authClient = new OAuth2Client();
	authClient.setCredentials({ access_token: 'standin-token', expiry_date: Date.now() + 3_600_000 });
	return new GoogleGenAI({
		vertexai: true,
		project: 'standin-project',
		location,
		googleAuthOptions: { authClient },
		httpOptions: { baseUrl, fetch } as HttpOptions,
	});
}

const CONNECTIONS: Connection[] = [
	{
		name: 'the Gemini API (v1beta, SDK 2.x)',
		model: 'gemini-omni-1.1-flash',
		createPath: '/v1beta/interactions',
		connect: (baseUrl, fetch = plainFetch) =>
			new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl, fetch } as HttpOptions }),
	},
	{
		name: 'the Gemini API (v1, as SDK 3.x calls it)',
		model: 'gemini-omni-1.2-flash',
		createPath: '/v1/interactions',
		connect: (baseUrl, fetch = plainFetch) =>
			new GoogleGenAI({
				apiKey: API_KEY,
				httpOptions: { baseUrl, apiVersion: 'v1', fetch } as HttpOptions,
			}),
	},
	{
		name: 'Vertex AI in Express mode',
		model: 'gemini-omni-1.2-flash',
		createPath: '/v1beta1/interactions',
		connect: (baseUrl, fetch = plainFetch) =>
			new GoogleGenAI({
				vertexai: true,
				apiKey: API_KEY,
				httpOptions: { baseUrl, fetch } as HttpOptions,
			}),
	},
	{
		name: 'Vertex AI with a project',
		model: 'gemini-omni-1.1-flash-preview',
		createPath: '/v1beta1/projects/standin-project/locations/global/interactions',
		connect: (baseUrl, fetch) => vertexWithProject(baseUrl, 'global', fetch),
	},
];

const [GEMINI_API, , VERTEX_EXPRESS] = CONNECTIONS;

let dir: string;
let standIn: GoogleApiStandIn;
const extraStandIns: GoogleApiStandIn[] = [];

beforeAll(async () => {
	dir = await makeTempDir('interactions');
	standIn = await startStandIn({ apiKey: API_KEY, latencyMs: 200 });
});

beforeEach(() => standIn.configure({ latencyMs: 200, faults: [], interactionQueuedMs: 0 }));

afterAll(async () => {
	await Promise.all([standIn, ...extraStandIns].map((each) => each?.stop()));
	await removeDir(dir);
});

async function freshStandIn(settings: Parameters<typeof startStandIn>[0]) {
	const fresh = await startStandIn({ apiKey: API_KEY, ...settings });
	extraStandIns.push(fresh);
	return fresh;
}

function gemini(baseUrl = standIn.url): GoogleGenAI {
	return GEMINI_API.connect(baseUrl);
}

function createIn(ai: GoogleGenAI, params: Record<string, unknown>): Promise<Interaction> {
	return ai.interactions.create(params as CreateParams, NO_RETRIES) as Promise<Interaction>;
}

/** Polls a background interaction until it is no longer queued or running. */
async function waitFor(ai: GoogleGenAI, id: string): Promise<Interaction> {
	for (let polls = 0; polls < 600; polls++) {
		const interaction = await ai.interactions.get(id, {}, NO_RETRIES);
		if (!['queued', 'in_progress'].includes(interaction.status)) return interaction;
		await realSleep(50);
	}
	throw new Error(`interaction ${id} did not finish`);
}

/** The error a call fails with, for asserting on Google's answer. */
async function failureOf(call: Promise<unknown>): Promise<{ status: number; message: string }> {
	const error = (await call.then(
		() => undefined,
		(caught: unknown) => caught,
	)) as { status?: number; message?: string } | undefined;
	if (!error) throw new Error('expected the call to fail');
	return { status: error.status ?? 0, message: String(error.message) };
}

type Step = { type: string; content?: Array<Record<string, string>>; error?: { message: string } };

function stepsOf(interaction: Interaction): Step[] {
	return (interaction.steps ?? []) as unknown as Step[];
}

/** The video content of the model's output step. */
function videoOf(interaction: Interaction): Record<string, string> {
	const video = stepsOf(interaction)
		.filter((step) => step.type === 'model_output')
		.flatMap((step) => step.content ?? [])
		.find((content) => content.type === 'video');
	if (!video) throw new Error(`no video in ${JSON.stringify(interaction.steps)}`);
	return video;
}

async function saveInline(interaction: Interaction, name: string): Promise<string> {
	const file = path.join(dir, `${name}.mp4`);
	await fs.writeFile(file, Buffer.from(videoOf(interaction).data, 'base64'));
	return file;
}

/** Duration, size and sound of a clip, as the package's own prober reads them. */
async function factsOf(file: string) {
	const verdict = await probeClip(file);
	if (!verdict.ok) throw new Error(`${file} ${verdict.reason}`);
	return verdict.facts;
}

function sha256(bytes: Buffer): string {
	return createHash('sha256').update(bytes).digest('hex');
}

function hueOf([red, green, blue]: Rgb): number {
	return rgbToHsv(red, green, blue).hue;
}

describe.each(CONNECTIONS)('interactions on $name', (connection) => {
	it('creates in the background, answers in_progress at once, and completes when polled', async () => {
		const { fetch, requests } = recordingFetch();
		const ai = connection.connect(standIn.url, fetch);
		const created = await createIn(ai, {
			model: connection.model,
			input: MUG_PROMPT,
			background: true,
			response_format: SMALL,
		});
		expect(created).toMatchObject({ model: connection.model, status: 'in_progress', steps: [] });
		expect(created.id).toMatch(/^[a-z0-9]+$/);

		const done = await waitFor(ai, created.id);
		expect(done.status).toBe('completed');
		expect(stepsOf(done).map((step) => step.type)).toEqual(['user_input', 'model_output']);
		expect(stepsOf(done)[0].content).toEqual([{ type: 'text', text: MUG_PROMPT }]);
		expect(videoOf(done)).toMatchObject({ type: 'video', mime_type: 'video/mp4' });
		// About 5,800 video tokens per second of output.
		expect(done.usage?.output_tokens_by_modality).toEqual([
			{ modality: 'video', tokens: 3 * 5792 },
		]);
		const facts = await factsOf(await saveInline(done, `background-${connection.model}`));
		expect(facts.durationSeconds).toBeCloseTo(3, 1);
		expect(facts.video).toMatchObject({ width: 640, height: 360 });
		// Omni always makes sound.
		expect(facts.audio).toBeDefined();

		expect(requests[0]).toBe(`POST ${connection.createPath}`);
		expect(requests[1]).toBe(`GET ${connection.createPath}/${created.id}?stream=false`);
	});

	it('answers a blocking create only when the clip is done, with the model output alone', async () => {
		standIn.configure({ latencyMs: 800 });
		const ai = connection.connect(standIn.url);
		const started = Date.now();
		const done = await createIn(ai, {
			model: connection.model,
			input: MUG_PROMPT,
			response_format: SMALL,
		});
		expect(Date.now() - started).toBeGreaterThanOrEqual(800);
		expect(done.status).toBe('completed');
		expect(stepsOf(done).map((step) => step.type)).toEqual(['model_output']);
		expect(done.output_video?.data).toBe(videoOf(done).data);
	});

	it('cancels a background interaction, and deletes one so that it is gone', async () => {
		standIn.configure({ latencyMs: 60_000, faults: NO_RENDER });
		const ai = connection.connect(standIn.url);
		const created = await createIn(ai, {
			model: connection.model,
			input: 'Shot 9: cancelled.',
			background: true,
		});
		const cancelled = await ai.interactions.cancel(created.id, {}, NO_RETRIES);
		expect(cancelled.status).toBe('cancelled');
		expect((await ai.interactions.get(created.id, {}, NO_RETRIES)).status).toBe('cancelled');

		await ai.interactions.delete(created.id, {}, NO_RETRIES);
		expect(await failureOf(ai.interactions.get(created.id, {}, NO_RETRIES))).toMatchObject({
			status: 404,
		});
	});
});

describe('the Vertex AI project path', () => {
	it('serves Omni in location global only, as Google does', async () => {
		const ai = vertexWithProject(standIn.url, 'us-central1');
		const refused = await failureOf(
			createIn(ai, { model: 'gemini-omni-1.2-flash', input: 'Shot 1.', background: true }),
		);
		expect(refused.status).toBe(404);
		expect(refused.message).toContain(
			'Publisher Model `projects/standin-project/locations/us-central1/publishers/google/models/gemini-omni-1.2-flash` was not found',
		);
	});

	it('does not show an interaction created on the Gemini API', async () => {
		standIn.configure({ faults: NO_RENDER });
		const created = await createIn(gemini(), {
			model: 'gemini-omni-1.1-flash',
			input: 'Shot 1.',
			background: true,
		});
		const vertex = vertexWithProject(standIn.url, 'global');
		expect(await failureOf(vertex.interactions.get(created.id, {}, NO_RETRIES))).toMatchObject({
			status: 404,
		});
	});
});

describe('uri delivery', () => {
	it("names the stand-in's own host, and the clip downloads by the SDK and by a plain fetch of the uri", async () => {
		const ai = gemini();
		const done = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			input: MUG_PROMPT,
			response_format: { ...SMALL, delivery: 'uri' },
		});
		const { uri } = videoOf(done);
		expect(uri).toMatch(
			new RegExp(
				`^${standIn.url.replace(/\./g, '\\.')}/v1beta/files/[a-z0-9]+:download\\?alt=media$`,
			),
		);
		expect(videoOf(done).data).toBeUndefined();

		// The SDK downloads a file by its name; it recognises a download URI only on https, so a
		// client takes the name out of the uri (files/{id}), which works on Google and here alike.
		const name = `files/${/files\/([a-z0-9]+)/.exec(uri)![1]}`;
		const bySdk = path.join(dir, 'by-sdk.mp4');
		await ai.files.download({ file: name, downloadPath: bySdk });

		const byFetch = await fetch(uri, { headers: { 'x-goog-api-key': API_KEY } });
		expect(byFetch.status).toBe(200);
		const fetched = Buffer.from(await byFetch.arrayBuffer());

		const downloaded = await fs.readFile(bySdk);
		expect(sha256(fetched)).toBe(sha256(downloaded));
		// It is the clip the stand-in made for this interaction.
		expect(standIn.truthOf(sha256(fetched))?.operationId).toBe(done.id);
	});

	it('on Vertex AI needs a Cloud Storage prefix, and names the object under it', async () => {
		standIn.configure({ faults: [] });
		const ai = VERTEX_EXPRESS.connect(standIn.url);
		const refused = await failureOf(
			createIn(ai, {
				model: 'gemini-omni-1.2-flash',
				input: MUG_PROMPT,
				response_format: { ...SMALL, delivery: 'uri' },
			}),
		);
		expect(refused.status).toBe(400);
		expect(refused.message).toContain('gcs_uri');

		const done = await createIn(ai, {
			model: 'gemini-omni-1.2-flash',
			input: MUG_PROMPT,
			response_format: { ...SMALL, delivery: 'uri', gcs_uri: 'gs://standin-bucket/clips/' },
		});
		expect(videoOf(done).uri).toBe(`gs://standin-bucket/clips/${done.id}.mp4`);
	});
});

describe('statuses', () => {
	it('reports queued, then in_progress, then completed', async () => {
		standIn.configure({ latencyMs: 1500, interactionQueuedMs: 700 });
		const ai = gemini();
		const created = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			input: 'Shot 2: queued first.',
			background: true,
			response_format: SMALL,
		});
		expect(created.status).toBe('queued');
		const seen = new Set<string>([created.status]);
		for (;;) {
			const { status } = await ai.interactions.get(created.id, {}, NO_RETRIES);
			seen.add(status);
			if (status === 'completed') break;
			await realSleep(50);
		}
		expect([...seen]).toEqual(['queued', 'in_progress', 'completed']);
	});

	it.each([
		['operation_failed', 'failed', 'Video generation failed'],
		['budget_exceeded', 'budget_exceeded', 'budget'],
	] as const)(
		'ends %s as %s, with the reason on the model output step',
		async (effect, status, reason) => {
			standIn.configure({ faults: [{ on: 'predict', effect, match: 'Shot 3' }] });
			const ai = gemini();
			const created = await createIn(ai, {
				model: 'gemini-omni-1.1-flash',
				input: 'Shot 3: goes wrong.',
				background: true,
			});
			const done = await waitFor(ai, created.id);
			expect(done.status).toBe(status);
			const output = stepsOf(done).find((step) => step.type === 'model_output');
			expect(output?.error?.message).toContain(reason);
			expect(done.output_video).toBeUndefined();
		},
	);

	it('ends a safety-blocked interaction completed, with text and no video', async () => {
		standIn.configure({ faults: [{ on: 'predict', effect: 'safety_filtered' }] });
		const done = await createIn(gemini(), { model: 'gemini-omni-1.1-flash', input: 'Shot 4.' });
		expect(done.status).toBe('completed');
		expect(done.output_video).toBeUndefined();
		expect(done.output_text).toMatch(/can't make this video/);
		expect(done.usage?.output_tokens_by_modality?.[0]?.modality).toBe('text');
	});

	it('ends incomplete when the clip is too big to deliver inline, and completes with uri delivery', async () => {
		const small = await freshStandIn({ latencyMs: 50, inlineVideoLimitBytes: 1000 });
		const ai = gemini(small.url);
		const inline = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			input: MUG_PROMPT,
			response_format: SMALL,
		});
		expect(inline.status).toBe('incomplete');
		const output = stepsOf(inline).find((step) => step.type === 'model_output');
		expect(output?.error?.message).toMatch(/larger than can be delivered inline .*"uri"/);

		const byUri = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			input: MUG_PROMPT,
			response_format: { ...SMALL, delivery: 'uri' },
		});
		expect(byUri.status).toBe('completed');
	});

	it('refuses to cancel an interaction that has finished', async () => {
		standIn.configure({ faults: NO_RENDER });
		const ai = gemini();
		const created = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			input: 'Shot 5.',
			background: true,
		});
		await waitFor(ai, created.id);
		const refused = await failureOf(ai.interactions.cancel(created.id, {}, NO_RETRIES));
		expect(refused.status).toBe(400);
		expect(refused.message).toContain('already failed');
	});
});

describe('edits', () => {
	/** The mug's pixels: where a drifted clip differs from a clean one. */
	async function frames(interaction: Interaction, name: string) {
		return frameRgb(await saveInline(interaction, name), 1, 64, 36);
	}

	it('fixes a drifted prop colour and leaves the rest of the frame as it was', async () => {
		const ai = gemini();
		const clean = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			input: MUG_PROMPT,
			response_format: SMALL,
		});
		standIn.configure({ faults: [{ on: 'predict', effect: 'drift_prop_color', times: 1 }] });
		const drifted = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			input: MUG_PROMPT,
			response_format: SMALL,
		});
		expect(standIn.interactions.get(drifted.id)?.picture?.drift).toEqual(['prop_color']);

		const edited = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			previous_interaction_id: drifted.id,
			input: 'The mug must be blue, not green. Keep everything else the same.',
		});
		const record = standIn.interactions.get(edited.id)!;
		expect(record).toMatchObject({ performedTask: 'edit', editedInteractionId: drifted.id });
		expect(record.picture?.drift).toEqual([]);
		// The format is the earlier clip's: nothing else was asked.
		expect(record.format).toMatchObject({ durationSeconds: 3, resolution: '360p' });
		expect(standIn.stats.interactionEdits).toBeGreaterThanOrEqual(1);

		const [cleanPixels, driftedPixels, editedPixels] = await Promise.all([
			frames(clean, 'edit-clean'),
			frames(drifted, 'edit-drifted'),
			frames(edited, 'edit-edited'),
		]);
		const mug = differingPixels(cleanPixels, driftedPixels);
		expect(mug.length).toBeGreaterThanOrEqual(4);
		expect(mug.length).toBeLessThan(cleanPixels.length / 10);
		// Drifted green; edited blue again (hues from the core's own colour reading).
		expect(hueOf(meanColor(driftedPixels, mug))).toBeGreaterThan(90);
		expect(hueOf(meanColor(driftedPixels, mug))).toBeLessThan(150);
		expect(hueOf(meanColor(editedPixels, mug))).toBeGreaterThan(200);
		expect(hueOf(meanColor(editedPixels, mug))).toBeLessThan(250);
		// Only the mug changed: the edited frame is the clean one.
		expect(differingPixels(cleanPixels, editedPixels)).toEqual([]);
		expect(differingPixels(driftedPixels, editedPixels)).toEqual(mug);
	});

	it('changes only what the instruction names on a clean clip', async () => {
		const ai = gemini();
		const original = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			input: MUG_PROMPT,
			response_format: SMALL,
			store: true,
		});
		const edited = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			previous_interaction_id: original.id,
			input: 'Make the mug red.',
		});
		const picture = standIn.interactions.get(edited.id)!.picture!;
		expect(picture.props).toEqual([{ name: 'mug', color: 'red', askedColor: 'blue' }]);
		expect(picture.lighting.name).toBe('dusk');
		const [before, after] = await Promise.all([
			frames(original, 'recolour-before'),
			frames(edited, 'recolour-after'),
		]);
		const changed = differingPixels(before, after);
		expect(changed.length).toBeGreaterThanOrEqual(4);
		expect(changed.length).toBeLessThan(before.length / 10);
		const hue = hueOf(meanColor(after, changed));
		expect(hue < 20 || hue > 340).toBe(true);
	});

	it('answers 404 for an earlier interaction that was deleted, never stored, or never existed', async () => {
		standIn.configure({ faults: NO_RENDER });
		const ai = gemini();
		const deleted = await createIn(ai, { model: 'gemini-omni-1.1-flash', input: 'Shot 6.' });
		await ai.interactions.delete(deleted.id, {}, NO_RETRIES);
		const unstored = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			input: 'Shot 6.',
			store: false,
		});

		for (const id of [deleted.id, unstored.id, 'never0existed']) {
			const refused = await failureOf(
				createIn(ai, {
					model: 'gemini-omni-1.1-flash',
					previous_interaction_id: id,
					input: 'Make the mug blue.',
				}),
			);
			expect(refused).toMatchObject({ status: 404 });
			expect(refused.message).toContain(`Interaction ${id} not found.`);
		}
	});

	it('refuses to continue from an interaction still running', async () => {
		standIn.configure({ latencyMs: 60_000, faults: NO_RENDER });
		const ai = gemini();
		const running = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			input: 'Shot 7.',
			background: true,
		});
		const refused = await failureOf(
			createIn(ai, {
				model: 'gemini-omni-1.1-flash',
				previous_interaction_id: running.id,
				input: 'Brighter.',
			}),
		);
		expect(refused.status).toBe(400);
		expect(refused.message).toContain('in_progress');
	});

	it('stops chaining when a task is named, as Google is reported to do', async () => {
		const ai = gemini();
		const original = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			input: MUG_PROMPT,
			response_format: SMALL,
		});

		const fresh = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			previous_interaction_id: original.id,
			input: 'Make the mug red.',
			generation_config: { video_config: { task: 'text_to_video' } },
			response_format: SMALL,
		});
		const record = standIn.interactions.get(fresh.id)!;
		expect(record.performedTask).toBe('text_to_video');
		expect(record.editedInteractionId).toBeUndefined();
		// Drawn from the instruction alone: the earlier scene's dusk light is lost.
		expect(record.picture?.lighting.name).not.toBe('dusk');

		const refused = await failureOf(
			createIn(ai, {
				model: 'gemini-omni-1.1-flash',
				previous_interaction_id: original.id,
				input: 'Make the mug red.',
				generation_config: { video_config: { task: 'edit' } },
			}),
		);
		expect(refused.status).toBe(400);
		expect(refused.message).toContain('needs the video to work on in the input');
	});

	it("edits a clip resent as earlier steps, as Google's Vertex AI notebook does", async () => {
		const ai = VERTEX_EXPRESS.connect(standIn.url);
		const original = await createIn(ai, {
			model: 'gemini-omni-1.2-flash',
			input: MUG_PROMPT,
			response_format: SMALL,
		});
		const edited = await createIn(ai, {
			model: 'gemini-omni-1.2-flash',
			store: false,
			input: [
				{ type: 'user_input', content: [{ type: 'text', text: MUG_PROMPT }] },
				{ type: 'model_output', content: [videoOf(original)] },
				{ type: 'user_input', content: [{ type: 'text', text: 'Make the mug red.' }] },
			],
			response_format: SMALL,
		});
		expect(edited.status).toBe('completed');
		const record = standIn.interactions.get(edited.id)!;
		expect(record.performedTask).toBe('edit');
		expect(record.picture?.props).toEqual([{ name: 'mug', color: 'red', askedColor: 'blue' }]);
	});
});

describe('images bound by tags', () => {
	async function solidPng(color: string, name: string): Promise<string> {
		const file = path.join(dir, `${name}.png`);
		await runFfmpeg([
			'-y',
			'-f',
			'lavfi',
			'-i',
			`color=c=${color}:s=640x360`,
			'-frames:v',
			'1',
			file,
		]);
		return (await fs.readFile(file)).toString('base64');
	}

	it('opens the clip on the <FIRST_FRAME> image, and an edit keeps it', async () => {
		const red = await solidPng('red', 'first-frame');
		const ai = gemini();
		const before = standIn.stats.interactionsWithFirstFrame;
		const done = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			input: [
				{ type: 'image', data: red, mime_type: 'image/png' },
				{ type: 'text', text: `<FIRST_FRAME> ${MUG_PROMPT}` },
			],
			response_format: SMALL,
		});
		expect(standIn.stats.interactionsWithFirstFrame).toBe(before + 1);
		expect(standIn.interactions.get(done.id)).toMatchObject({
			performedTask: 'image_to_video',
			bindings: [{ tag: 'FIRST_FRAME', image: 0, mimeType: 'image/png' }],
		});
		const file = await saveInline(done, 'first-frame');
		const [opening] = meanOf(await frameRgb(file, 0, 16, 9));
		expect(opening[0]).toBeGreaterThan(230);
		expect(opening[1] + opening[2]).toBeLessThan(30);
		// Within a second the scene takes over.
		const [later] = meanOf(await frameRgb(file, 1.5, 16, 9));
		expect(later[0]).toBeLessThan(150);

		const edited = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			previous_interaction_id: done.id,
			input: 'Make the mug red.',
		});
		const [editedOpening] = meanOf(
			await frameRgb(await saveInline(edited, 'first-frame-edit'), 0, 16, 9),
		);
		expect(editedOpening[0]).toBeGreaterThan(230);
	});

	function meanOf(pixels: Rgb[]): [Rgb] {
		return [
			meanColor(
				pixels,
				pixels.map((_, index) => index),
			),
		];
	}

	it('records <IMAGE_REF_N> bindings in input order, declared ones by their number', async () => {
		standIn.configure({ faults: NO_RENDER });
		const [a, b] = [await solidPng('blue', 'ref-a'), await solidPng('green', 'ref-b')];
		const images = [
			{ type: 'image', data: a, mime_type: 'image/png' },
			{ type: 'image', data: b, mime_type: 'image/png' },
		];
		const ai = gemini();
		const before = standIn.stats.interactionsWithReferenceImages;
		const positional = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			input: [...images, { type: 'text', text: 'Mya <IMAGE_REF_0> holds the mug <IMAGE_REF_1>.' }],
		});
		const hashes = [a, b].map((data) => sha256(Buffer.from(data, 'base64')));
		expect(standIn.interactions.get(positional.id)?.bindings).toEqual([
			{ tag: 'IMAGE_REF_0', image: 0, mimeType: 'image/png', sha256: hashes[0] },
			{ tag: 'IMAGE_REF_1', image: 1, mimeType: 'image/png', sha256: hashes[1] },
		]);
		expect(standIn.interactions.get(positional.id)?.performedTask).toBe('reference_to_video');

		const declared = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			input: [
				...images,
				{
					type: 'text',
					text: '[# Media roles <FIRST_FRAME>@Image2 <IMAGE_REF_0>@Image1]\nShot 8.',
				},
			],
		});
		expect(
			standIn.interactions.get(declared.id)?.bindings.map(({ tag, image }) => ({ tag, image })),
		).toEqual([
			{ tag: 'FIRST_FRAME', image: 1 },
			{ tag: 'IMAGE_REF_0', image: 0 },
		]);
		expect(standIn.stats.interactionsWithReferenceImages).toBe(before + 2);
	});

	it('refuses a tag naming a missing image, and more reference images than the model takes', async () => {
		standIn.configure({ faults: NO_RENDER });
		const image = { type: 'image', data: await solidPng('white', 'many'), mime_type: 'image/png' };
		const ai = gemini();
		const missing = await failureOf(
			createIn(ai, {
				model: 'gemini-omni-1.1-flash',
				input: [image, { type: 'text', text: '<IMAGE_REF_1> walks.' }],
			}),
		);
		expect(missing).toMatchObject({ status: 400 });
		expect(missing.message).toContain('<IMAGE_REF_1> names an image the input does not have');

		const six = Array.from({ length: 6 }, () => image);
		const tooMany = await failureOf(
			createIn(ai, {
				model: 'gemini-omni-1.1-flash',
				input: [...six, { type: 'text', text: 'Shot 9.' }],
			}),
		);
		expect(tooMany.status).toBe(400);
		expect(tooMany.message).toContain('gemini-omni-1.1-flash takes at most 5 reference images');
		// Omni 1.2 takes six.
		const accepted = await createIn(ai, {
			model: 'gemini-omni-1.2-flash',
			input: [...six, { type: 'text', text: 'Shot 9.' }],
		});
		expect(accepted.status).toBe('failed');
	});
});

describe('request validation', () => {
	beforeEach(() => standIn.configure({ faults: NO_RENDER }));

	it('refuses a duration given as a number: it is a string such as "6s"', async () => {
		const refused = await failureOf(
			createIn(gemini(), {
				model: 'gemini-omni-1.1-flash',
				input: 'Shot 1.',
				response_format: { type: 'video', duration: 6 },
			}),
		);
		expect(refused).toMatchObject({ status: 400 });
		expect(refused.message).toContain(
			"Invalid value at 'response_format.duration' (TYPE_STRING), 6",
		);
	});

	it("refuses a duration outside the model's range: 1.1 makes 3-10 s, 1.2 makes 3-15 s", async () => {
		const ask = (model: string, duration: string) =>
			createIn(gemini(), { model, input: 'Shot 1.', response_format: { type: 'video', duration } });
		for (const [model, duration] of [
			['gemini-omni-1.1-flash', '11s'],
			['gemini-omni-1.1-flash', '2s'],
			['gemini-omni-1.2-flash', '16s'],
		]) {
			const refused = await failureOf(ask(model, duration));
			expect(refused).toMatchObject({ status: 400 });
			expect(refused.message).toContain(`out of range for ${model}`);
		}
		expect((await ask('gemini-omni-1.2-flash', '15s')).status).toBe('failed');
		expect((await ask('gemini-omni-1.1-flash', '10s')).status).toBe('failed');
	});

	it('answers 404 for a model it does not know, and for Omni Flash Preview, shut down', async () => {
		const unknown = await failureOf(
			createIn(gemini(), { model: 'gemini-omni-9-flash', input: 'x' }),
		);
		expect(unknown.status).toBe(404);
		const retired = await failureOf(
			createIn(gemini(), { model: 'gemini-omni-flash-preview', input: 'x' }),
		);
		expect(retired.status).toBe(404);
		expect(retired.message).toContain(
			'This model models/gemini-omni-flash-preview is no longer available.',
		);
	});
});

describe('faults and quota', () => {
	it('lets a 429 with RetryInfo reach the caller when the SDK is told not to retry', async () => {
		const quota = await freshStandIn({
			latencyMs: 60_000,
			maxConcurrentOperations: 1,
			quotaRetryDelaySeconds: 7,
			faults: NO_RENDER,
		});
		const ai = gemini(quota.url);
		await createIn(ai, { model: 'gemini-omni-1.1-flash', input: 'Shot 1.', background: true });
		const started = Date.now();
		const refused = await ai.interactions
			.create(
				{ model: 'gemini-omni-1.1-flash', input: 'Shot 2.', background: true } as CreateParams,
				NO_RETRIES,
			)
			.then(
				() => undefined,
				(error: { status: number; body: string }) => error,
			);
		expect(refused?.status).toBe(429);
		// Google's error envelope, as the SDK hands it over.
		expect(JSON.parse(refused!.body).error).toEqual({
			code: 429,
			message:
				'Quota exceeded for concurrent video generation requests (limit 1). Please try again later.',
			status: 'RESOURCE_EXHAUSTED',
			details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }],
		});
		// Answered at once, asked once: the SDK did not wait and retry.
		expect(Date.now() - started).toBeLessThan(5000);
		expect(quota.stats).toMatchObject({
			interactionCreates: 2,
			quotaRejections: 1,
			interactionQuotaRejections: 1,
		});
	});

	it('shares the quota with Veo operations on Vertex AI', async () => {
		const quota = await freshStandIn({
			latencyMs: 60_000,
			maxConcurrentOperations: 1,
			faults: NO_RENDER,
		});
		const vertex = VERTEX_EXPRESS.connect(quota.url);
		await vertex.models.generateVideos({
			model: 'veo-3.1-fast-generate-001',
			source: { prompt: 'Shot 1: Veo holds the quota.' },
			config: { durationSeconds: 4 },
		});
		const refused = await failureOf(
			createIn(vertex, { model: 'gemini-omni-1.2-flash', input: 'Shot 2.', background: true }),
		);
		expect(refused.status).toBe(429);
		expect(quota.stats).toMatchObject({ quotaRejections: 1, interactionQuotaRejections: 1 });
	});

	it.each([
		['http_500', 500, undefined],
		['http_503', 503, '2'],
	] as const)('answers an injected %s to the create', async (effect, status, retryAfter) => {
		standIn.configure({ faults: [{ on: 'predict', effect, times: 1, retryDelaySeconds: 2 }] });
		const refused = await gemini()
			.interactions.create(
				{ model: 'gemini-omni-1.1-flash', input: 'Shot 1.' } as CreateParams,
				NO_RETRIES,
			)
			.then(
				() => undefined,
				(error: { status: number; headers: Headers }) => error,
			);
		expect(refused?.status).toBe(status);
		expect(refused?.headers?.get('retry-after') ?? undefined).toBe(retryAfter);
	});

	it('answers injected faults on the get and on the download of a uri-delivered clip', async () => {
		const ai = gemini();
		const created = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			input: `Shot 6: faults later.\n${MUG_PROMPT}`,
			background: true,
			response_format: { ...SMALL, delivery: 'uri' },
		});
		standIn.configure({
			faults: [
				{ on: 'operation', effect: 'http_503', match: 'Shot 6', times: 1, retryDelaySeconds: 1 },
				{ on: 'download', effect: 'truncated_download', match: 'Shot 6', times: 1 },
			],
		});
		expect(await failureOf(ai.interactions.get(created.id, {}, NO_RETRIES))).toMatchObject({
			status: 503,
		});
		const done = await waitFor(ai, created.id);
		const download = () =>
			fetch(videoOf(done).uri, { headers: { 'x-goog-api-key': API_KEY } }).then(async (response) =>
				Buffer.from(await response.arrayBuffer()),
			);
		const [truncated, whole] = [await download(), await download()];
		expect(truncated.length).toBe(Math.floor(whole.length / 2));
		expect(standIn.truthOf(sha256(whole))?.operationId).toBe(created.id);
	});

	it('keeps a background interaction in_progress for latencyMs, and not longer', async () => {
		standIn.configure({ latencyMs: 700, faults: NO_RENDER });
		const ai = gemini();
		const sent = Date.now();
		const created = await createIn(ai, {
			model: 'gemini-omni-1.1-flash',
			input: 'Shot 1.',
			background: true,
		});
		const answered = Date.now();
		const notDoneSentAt: number[] = [];
		for (;;) {
			const askedAt = Date.now();
			const { status } = await ai.interactions.get(created.id, {}, NO_RETRIES);
			if (status !== 'in_progress') break;
			notDoneSentAt.push(askedAt);
			await realSleep(20);
		}
		// Bounds that hold however busy the machine is: done cannot come before the latency has
		// passed since the create was sent, and a get sent after the latency has passed since the
		// create was answered cannot be answered in_progress.
		expect(Date.now() - sent).toBeGreaterThanOrEqual(700);
		expect(notDoneSentAt.length).toBeGreaterThanOrEqual(1);
		for (const askedAt of notDoneSentAt) expect(askedAt - answered).toBeLessThan(700);
	});
});

describe('models Google has retired, and the ones it serves', () => {
	it.each([
		'veo-2.0-generate-001',
		'veo-3.0-generate-001',
		'veo-3.0-fast-generate-001',
		'veo-3.1-generate-preview',
		'veo-3.1-fast-generate-preview',
		'veo-3.1-lite-generate-preview',
	])('answers 404 "no longer available" for %s on the Gemini API', async (model) => {
		const refused = await failureOf(
			gemini().models.generateVideos({ model, source: { prompt: 'Shot 1.' } }),
		);
		expect(refused.message).toContain('"code":404');
		expect(refused.message).toContain(`This model models/${model} is no longer available.`);
	});

	it.each(['veo-3.1-generate-001', 'veo-3.1-fast-generate-001'])(
		'still makes Veo clips on Vertex AI with %s',
		async (model) => {
			standIn.configure({ latencyMs: 50 });
			const ai = VERTEX_EXPRESS.connect(standIn.url);
			let operation = await ai.models.generateVideos({
				model,
				source: { prompt: MUG_PROMPT },
				config: { durationSeconds: 4, resolution: '720p' },
			});
			while (!operation.done) {
				await realSleep(50);
				operation = await ai.operations.getVideosOperation({ operation });
			}
			expect(operation.response?.generatedVideos?.[0]?.video?.videoBytes).toBeTruthy();
		},
	);

	it('refuses Veo ids Vertex AI no longer serves with its own 404', async () => {
		const refused = await failureOf(
			VERTEX_EXPRESS.connect(standIn.url).models.generateVideos({
				model: 'veo-3.0-generate-001',
				source: { prompt: 'Shot 1.' },
			}),
		);
		expect(refused.message).toContain('"code":404');
		expect(refused.message).toContain(
			'Publisher Model `publishers/google/models/veo-3.0-generate-001` was not found',
		);
	});

	it('answers current text models, routes deprecated ones to their successor, and refuses retired ones', async () => {
		const ai = gemini();
		const current = await ai.models.generateContent({
			model: 'gemini-3.6-flash',
			contents: 'Hello',
		});
		expect(current.modelVersion).toBe('gemini-3.6-flash');
		const routed = await ai.models.generateContent({
			model: 'gemini-3.5-flash',
			contents: 'Hello',
		});
		expect(routed.modelVersion).toBe('gemini-3.6-flash');
		const retired = await failureOf(
			ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hello' }),
		);
		expect(retired.message).toContain('This model models/gemini-2.5-flash is no longer available.');
		const onVertex = await failureOf(
			vertexWithProject(standIn.url, 'us-central1').models.generateContent({
				model: 'gemini-2.5-flash',
				contents: 'Hello',
			}),
		);
		expect(onVertex.message).toContain(
			'Publisher Model `projects/standin-project/locations/us-central1/publishers/google/models/gemini-2.5-flash` was not found',
		);
	});

	it('lists Omni on both backends, Veo only on Vertex AI, and no retired id', async () => {
		const listed = async (ai: GoogleGenAI) => {
			const models: Array<{ id: string; actions: string[] }> = [];
			for await (const model of await ai.models.list({ config: { queryBase: true } }))
				models.push({
					id: (model.name ?? '').replace(/^.*models\//, ''),
					actions: model.supportedActions ?? [],
				});
			return models;
		};
		const geminiApi = await listed(gemini());
		expect(geminiApi).toEqual(
			expect.arrayContaining([
				{ id: 'gemini-omni-1.1-flash', actions: ['createInteraction'] },
				{ id: 'gemini-omni-1.2-flash', actions: ['createInteraction'] },
				{ id: 'gemini-3.6-flash', actions: ['generateContent', 'countTokens'] },
			]),
		);
		const vertex = (await listed(VERTEX_EXPRESS.connect(standIn.url))).map(({ id }) => id);
		expect(vertex).toEqual(
			expect.arrayContaining([
				'gemini-omni-1.2-flash',
				'gemini-omni-1.1-flash-preview',
				'veo-3.1-generate-001',
				'veo-3.1-fast-generate-001',
			]),
		);
		// Gone from both: Veo 2.0/3.0, the Veo 3.1 previews, Gemini 2.x. Gone from the Gemini API
		// only: every Veo, and Omni Flash Preview (deprecated on Vertex AI, still served there).
		const retired = /^veo-(2|3\.0)|^veo-3\.1-.*-preview$|^gemini-2\./;
		expect(
			geminiApi
				.map(({ id }) => id)
				.filter((id) => retired.test(id) || /^veo-|^gemini-omni-flash-preview$/.test(id)),
		).toEqual([]);
		expect(vertex.filter((id) => retired.test(id))).toEqual([]);
		expect(vertex).toContain('gemini-omni-flash-preview');
	});
});
