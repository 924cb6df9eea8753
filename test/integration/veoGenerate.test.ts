import path from 'path';

import { checkVideoRequest } from '../../core/models';
import { probeMedia, verifyPlayableVideo } from '../../edges/ffmpeg/ffmpeg';
import { googleVideoCalls } from '../../edges/google/videoCalls';
import { startStandIn, type GoogleApiStandIn } from '../../google-api-standin/server';
import {
	API_KEY,
	connect,
	interactionRecord,
	makeTempDir,
	operationRecord,
	removeDir,
	videosOf,
	waitForOperation,
	type BackendName,
} from './helpers';

/**
 * Generate -> poll -> download through the real SDK, with every video model Google serves today:
 * Gemini Omni through interactions on both backends, Veo 3.1 through predictLongRunning on Vertex
 * AI. The file that arrives must be a playable MP4 of the size and length that were asked for,
 * with sound.
 */

// Clips are rendered by ffmpeg (up to 12 s at 1080p here); on a busy shared machine one took 10 s.
jest.setTimeout(90_000);

const FRAME_SIZES: Record<string, Record<string, [number, number]>> = {
	'16:9': { '360p': [640, 360], '720p': [1280, 720], '1080p': [1920, 1080] },
	'9:16': { '360p': [360, 640], '720p': [720, 1280], '1080p': [1080, 1920] },
};

interface Case {
	backend: BackendName;
	model: string;
	aspectRatio: '16:9' | '9:16';
	resolution: '360p' | '720p' | '1080p';
	durationSeconds: number;
}

const CASES: Case[] = [
	{
		backend: 'gemini',
		model: 'gemini-omni-1.2-flash',
		aspectRatio: '16:9',
		resolution: '720p',
		durationSeconds: 6,
	},
	{
		backend: 'gemini',
		model: 'gemini-omni-1.2-flash',
		aspectRatio: '9:16',
		resolution: '1080p',
		durationSeconds: 12,
	},
	{
		backend: 'gemini',
		model: 'gemini-omni-1.1-flash',
		aspectRatio: '16:9',
		resolution: '360p',
		durationSeconds: 3,
	},
	{
		backend: 'vertex',
		model: 'gemini-omni-1.2-flash',
		aspectRatio: '9:16',
		resolution: '720p',
		durationSeconds: 5,
	},
	{
		backend: 'vertex',
		model: 'veo-3.1-fast-generate-001',
		aspectRatio: '9:16',
		resolution: '720p',
		durationSeconds: 4,
	},
	{
		backend: 'vertex',
		model: 'veo-3.1-generate-001',
		aspectRatio: '16:9',
		resolution: '1080p',
		durationSeconds: 8,
	},
];

let standIn: GoogleApiStandIn;
let dir: string;

beforeAll(async () => {
	standIn = await startStandIn({ latencyMs: 200, apiKey: API_KEY });
	dir = await makeTempDir('generate');
});

afterAll(async () => {
	await standIn?.stop();
	await removeDir(dir);
});

describe.each(CASES)(
	'$backend $model $aspectRatio $resolution $durationSeconds s',
	({ backend, model, aspectRatio, resolution, durationSeconds }) => {
		it('generates, polls and downloads a playable MP4 of the requested size and length', async () => {
			const request = {
				model,
				prompt:
					`Shot 1 of 1: A cyclist crosses a bridge (${backend} ${model} ${aspectRatio} ${resolution}).\n` +
					'Props: bike (colour: red).\nLighting: golden hour.',
				negativePrompt: 'text, watermark',
				durationSeconds,
				aspectRatio,
				resolution,
			};
			// The matrix only holds requests the model table allows, so what is tested here is what nodes send.
			expect(checkVideoRequest({ ...request, backend })).toEqual([]);
			const client = connect(backend, standIn.url);
			const calls = googleVideoCalls(client);
			const downloadsBefore = standIn.stats.downloads;

			const submission = await calls.submit(request);
			expect(submission.mode).toBe('generate');
			const { state } = await waitForOperation(client, submission.operationName);
			const [video] = videosOf(state);

			// What the SDK put on the wire reached the stand-in intact.
			if (model.startsWith('veo-')) {
				const record = operationRecord(standIn, submission.operationName);
				expect(record).toMatchObject({ backend, model, prompt: request.prompt });
				expect(record.parameters).toMatchObject({
					durationSeconds,
					aspectRatio,
					resolution,
					negativePrompt: 'text, watermark',
				});
			} else {
				const record = interactionRecord(standIn, submission.operationName);
				expect(record).toMatchObject({ backend, model, background: true, store: true });
				expect(record.format).toMatchObject({
					durationSeconds,
					aspectRatio,
					resolution,
					delivery: backend === 'gemini' ? 'uri' : 'inline',
				});
				// Omni has no negative-prompt field: the words travel in the prompt, with one continuous shot asked for.
				expect(record.prompt).toContain(request.prompt);
				expect(record.prompt).toContain('Avoid: text, watermark.');
				expect(record.prompt).toContain('In a single continuous shot, no scene cuts.');
				// Omni bills output tokens, and the take's cost comes from them.
				expect(state.kind === 'videos' && state.usage?.outputTokens).toBeGreaterThan(0);
			}

			const file = path.join(
				dir,
				`${backend}-${model}-${aspectRatio.replace(':', 'x')}-${resolution}-${durationSeconds}.mp4`,
			);
			await calls.download(video, file);
			// The Gemini API hands out a file URI to download; Vertex AI sends the bytes with the answer.
			expect(standIn.stats.downloads - downloadsBefore).toBe(backend === 'gemini' ? 1 : 0);

			const verdict = await verifyPlayableVideo(file, durationSeconds);
			if (!verdict.ok) throw new Error(`${file} ${verdict.reason}`);
			const { info } = verdict;
			expect(info.formatName).toContain('mp4');
			expect(info.durationSeconds).toBeCloseTo(durationSeconds, 1);
			expect(info.video).toMatchObject({
				codec: 'h264',
				width: FRAME_SIZES[aspectRatio][resolution][0],
				height: FRAME_SIZES[aspectRatio][resolution][1],
			});
			// verifyPlayableVideo decodes the video stream only; the sound track is probed on its own.
			expect((await probeMedia(file)).audio).toMatchObject({ codec: 'aac', channels: 2 });
		});
	},
);
