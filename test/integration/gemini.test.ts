import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import path from 'path';

import { InvalidInputError, NonRetryableFailure } from '../../core/failures';
import { DEFAULT_TEXT_MODEL } from '../../core/models';
import { parseSceneSpec, sceneSpecResponseSchema } from '../../core/schema';
import { runFfmpeg } from '../../edges/ffmpeg/ffmpeg';
import { generateJson, listModels, uploadFileAndWait } from '../../edges/google/gemini';
import { downloadVideo } from '../../edges/google/veo';
import { startStandIn, type GoogleApiStandIn } from '../../google-api-standin/server';
import {
	API_KEY,
	BACKENDS,
	connect,
	generate,
	makeTempDir,
	recordingSleep,
	removeDir,
	videosOf,
} from './helpers';

/** Gemini through the real SDK against the stand-in: model lists, structured answers, uploads. */

// Clips are rendered by ffmpeg; on a busy machine a few of them take longer than jest's 5 s default.
jest.setTimeout(30_000);

const BRIEF = [
	'Title: Morning Ritual',
	'Brief: A woman drinks coffee from a blue mug at dawn. She smiles at the window.',
	'Shot durations (seconds, in order): 8, 6, 4',
	'Aspect ratio: 9:16',
	'Resolution: 720p',
	'Characters:',
	'- mya: Mya Ortiz - a woman in her thirties in a yellow cardigan',
].join('\n');

const TEXT_MODEL = DEFAULT_TEXT_MODEL;

/** Each backend once, for what is about the credential rather than the video model. */
const EACH_BACKEND = BACKENDS.filter(
	(entry, index) => BACKENDS.findIndex((other) => other.backend === entry.backend) === index,
);

let standIn: GoogleApiStandIn;
let dir: string;
let clip: string;

beforeAll(async () => {
	standIn = await startStandIn({ latencyMs: 150, apiKey: API_KEY, fileProcessingMs: 1500 });
	dir = await makeTempDir('gemini');
	clip = path.join(dir, 'clip.mp4');
	await runFfmpeg([
		'-f',
		'lavfi',
		'-i',
		'testsrc=size=320x180:rate=24:duration=1',
		'-pix_fmt',
		'yuv420p',
		'-c:v',
		'libx264',
		'-preset',
		'ultrafast',
		clip,
	]);
});

afterEach(() => standIn.configure({ faults: [] }));

afterAll(async () => {
	await standIn?.stop();
	await removeDir(dir);
});

describe.each(EACH_BACKEND)('$backend backend', ({ backend, connect: connectTo }) => {
	it('lists the models served today as bare ids: Omni and text everywhere, Veo only on Vertex AI', async () => {
		const models = await listModels(connectTo(standIn.url));
		const ids = models.map((model) => model.id);
		expect(ids).toEqual(expect.arrayContaining(['gemini-omni-1.2-flash', TEXT_MODEL]));
		expect(ids.every((id) => !id.includes('/'))).toBe(true);
		// Retired ids are no longer listed anywhere.
		for (const retired of [
			'veo-3.1-fast-generate-preview',
			'veo-2.0-generate-001',
			'gemini-2.5-flash',
		])
			expect(ids).not.toContain(retired);
		if (backend === 'gemini') {
			expect(models.find((model) => model.id === TEXT_MODEL)!.actions).toContain('generateContent');
			expect(ids.some((id) => id.startsWith('veo-'))).toBe(false);
		} else {
			expect(ids).toEqual(
				expect.arrayContaining(['veo-3.1-fast-generate-001', 'veo-3.1-generate-001']),
			);
		}
	});

	it('turns a refused model list into a non-retryable failure with a hint', async () => {
		standIn.configure({ faults: [{ on: 'list', effect: 'http_403', times: 1 }] });
		const error = await listModels(connectTo(standIn.url)).catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(NonRetryableFailure);
		expect(error).toMatchObject({ status: 403 });
		expect((error as NonRetryableFailure).hint).toMatch(/enable the Generative Language API/);
	});

	it('answers a SceneSpec schema with JSON that parseSceneSpec accepts and that follows the brief', async () => {
		const answer = await generateJson(connectTo(standIn.url), {
			model: TEXT_MODEL,
			systemInstruction: 'You plan shot lists for Veo.',
			parts: [{ text: BRIEF }],
			responseJsonSchema: sceneSpecResponseSchema(),
			temperature: 0.2,
		});
		expect(answer.finishReason).toBe('STOP');
		expect(JSON.parse(answer.text)).toEqual(answer.value);

		const spec = parseSceneSpec(answer.value);
		expect(spec.bible.title).toBe('Morning Ritual');
		expect(spec.shots.map((shot) => shot.durationSeconds)).toEqual([8, 6, 4]);
		expect(spec.bible.style).toMatchObject({ aspectRatio: '9:16', resolution: '720p' });
		expect(spec.bible.characters).toEqual([
			expect.objectContaining({ id: 'mya', name: 'Mya Ortiz' }),
		]);
		expect(spec.bible.props).toEqual([expect.objectContaining({ id: 'mug', color: 'blue' })]);
		expect(spec.shots.every((shot) => shot.characters.includes('mya'))).toBe(true);
	});

	it('reports JSON cut short by the token limit as unparsed, with the finish reason', async () => {
		standIn.configure({ faults: [{ on: 'generateContent', effect: 'invalid_json', times: 1 }] });
		const answer = await generateJson(connectTo(standIn.url), {
			model: TEXT_MODEL,
			parts: [{ text: BRIEF }],
			responseJsonSchema: sceneSpecResponseSchema(),
		});
		expect(answer.value).toBeUndefined();
		expect(answer.text.length).toBeGreaterThan(0);
		expect(answer.finishReason).toBe('MAX_TOKENS');
	});

	it('an answer that breaks the schema is refused by parseSceneSpec, naming the field', async () => {
		standIn.configure({
			faults: [{ on: 'generateContent', effect: 'schema_violation', times: 1 }],
		});
		const answer = await generateJson(connectTo(standIn.url), {
			model: TEXT_MODEL,
			parts: [{ text: BRIEF }],
			responseJsonSchema: sceneSpecResponseSchema(),
		});
		expect(answer.value).toBeDefined();
		expect(() => parseSceneSpec(answer.value)).toThrow(InvalidInputError);
		expect(() => parseSceneSpec(answer.value)).toThrow(/^bible: is required$/);
	});
});

describe('uploadFileAndWait', () => {
	it('uploads a clip to the Gemini API and waits through PROCESSING until it is ACTIVE', async () => {
		const client = connect('gemini', standIn.url);
		const { sleep, delays } = recordingSleep();
		const uploadsBefore = standIn.stats.uploads;
		const started = Date.now();

		const file = await uploadFileAndWait(client, clip, 'video/mp4', sleep);

		// It had to wait: the stand-in keeps new files PROCESSING for 1.5 s (long enough that the upload
		// itself cannot outlast it, however busy the machine).
		expect(delays.length).toBeGreaterThanOrEqual(1);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
		expect(standIn.stats.uploads - uploadsBefore).toBe(1);
		expect(file.name).toMatch(/^files\/[a-z0-9]+$/);
		expect(file.mimeType).toBe('video/mp4');
		expect(file.uri).toMatch(new RegExp(`/${file.name}$`));

		const stored = await client.sdk.files.get({ name: file.name });
		expect(stored.state).toBe('ACTIVE');
		// The bytes arrived whole.
		const local = createHash('sha256')
			.update(await fs.readFile(clip))
			.digest('base64');
		expect(stored.sha256Hash).toBe(local);
		expect(Number(stored.sizeBytes)).toBe((await fs.stat(clip)).size);
	});

	it('gives up with a retryable failure when processing takes longer than allowed', async () => {
		standIn.configure({ fileProcessingMs: 5_000 });
		try {
			const client = connect('gemini', standIn.url);
			const { sleep } = recordingSleep();
			const error = await uploadFileAndWait(client, clip, 'video/mp4', sleep, 600).catch(
				(thrown: unknown) => thrown,
			);
			expect(error).toMatchObject({ retryable: true });
			expect((error as Error).message).toMatch(/still processing files\/[a-z0-9]+ after 1 s/);
		} finally {
			standIn.configure({ fileProcessingMs: 1500 });
		}
	});

	it('is refused on Vertex AI, which takes clips inline', async () => {
		const { sleep } = recordingSleep();
		await expect(
			uploadFileAndWait(connect('vertex', standIn.url), clip, 'video/mp4', sleep),
		).rejects.toThrow(NonRetryableFailure);
	});
});

describe('API keys travel in headers', () => {
	it('no request of any backend and model family carries the key in its URL', async () => {
		const fresh = await startStandIn({ latencyMs: 100, apiKey: API_KEY, fileProcessingMs: 100 });
		try {
			for (const { backend, model, connect: connectTo } of BACKENDS) {
				const client = connectTo(fresh.url);
				await listModels(client);
				await generateJson(client, {
					model: TEXT_MODEL,
					parts: [{ text: BRIEF }],
					responseJsonSchema: sceneSpecResponseSchema(),
				});
				const { state } = await generate(client, {
					model,
					prompt: `Shot 1: keys stay in headers (${backend} ${model}).`,
					durationSeconds: 4,
					aspectRatio: '16:9',
					resolution: '720p',
				});
				await downloadVideo(
					client,
					videosOf(state)[0],
					path.join(dir, `keys-${backend}-${model}.mp4`),
				);
				if (backend === 'gemini')
					await uploadFileAndWait(client, clip, 'video/mp4', recordingSleep().sleep);
			}
			// Every kind of request was made, with the right key (the stand-in refuses others)...
			expect(fresh.stats).toMatchObject({
				predictRequests: 1,
				interactionCreates: 2,
				downloads: 1,
				generateContentRequests: 3,
				uploads: 1,
			});
			expect(fresh.stats.operationChecks).toBeGreaterThanOrEqual(1);
			expect(fresh.stats.interactionGets).toBeGreaterThanOrEqual(2);
			// ...and none had the key in the URL.
			expect(fresh.stats.keysInUrl).toBe(0);

			// The counter does count a key in a URL, so the zero above means something.
			const response = await fetch(`${fresh.url}/v1beta/models?key=${API_KEY}`);
			expect(response.status).toBe(200);
			expect(fresh.stats.keysInUrl).toBe(1);
		} finally {
			await fresh.stop();
		}
	});

	it('a wrong key is refused with a clear non-retryable error on both backends', async () => {
		for (const { backend } of EACH_BACKEND) {
			const error = await listModels(connect(backend, standIn.url, 'not-the-key')).catch(
				(thrown: unknown) => thrown,
			);
			expect(error).toBeInstanceOf(NonRetryableFailure);
			expect((error as Error).message).toContain('API key not valid');
		}
	});
});
