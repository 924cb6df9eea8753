import path from 'path';

import { checkVideoRequest } from '../../core/models';
import { probeMedia, verifyPlayableVideo } from '../../edges/ffmpeg/ffmpeg';
import { downloadVideo, submitVideo } from '../../edges/google/veo';
import { startStandIn, type GoogleApiStandIn } from '../../google-api-standin/server';
import {
	API_KEY,
	connect,
	makeTempDir,
	operationRecord,
	removeDir,
	videosOf,
	waitForOperation,
	type BackendName,
} from './helpers';

/**
 * Generate -> poll -> download through the real SDK, on both backends: the file that arrives must
 * be a playable MP4 of the size and length that were asked for, with sound only from Veo 3.x.
 */

// Clips are rendered by ffmpeg (8 s at 1080p here); on a busy shared machine one took 10 s.
jest.setTimeout(60_000);

const FRAME_SIZES: Record<string, Record<string, [number, number]>> = {
	'16:9': { '720p': [1280, 720], '1080p': [1920, 1080] },
	'9:16': { '720p': [720, 1280], '1080p': [1080, 1920] },
};

interface Case {
	backend: BackendName;
	model: string;
	aspectRatio: '16:9' | '9:16';
	resolution: '720p' | '1080p';
	durationSeconds: number;
	audio: boolean;
}

const CASES: Case[] = [
	{
		backend: 'gemini',
		model: 'veo-3.1-fast-generate-preview',
		aspectRatio: '16:9',
		resolution: '720p',
		durationSeconds: 4,
		audio: true,
	},
	{
		backend: 'gemini',
		model: 'veo-3.1-fast-generate-preview',
		aspectRatio: '9:16',
		resolution: '1080p',
		durationSeconds: 8,
		audio: true,
	},
	{
		backend: 'gemini',
		model: 'veo-3.0-fast-generate-001',
		aspectRatio: '9:16',
		resolution: '720p',
		durationSeconds: 6,
		audio: true,
	},
	{
		backend: 'gemini',
		model: 'veo-2.0-generate-001',
		aspectRatio: '16:9',
		resolution: '720p',
		durationSeconds: 5,
		audio: false,
	},
	{
		backend: 'vertex',
		model: 'veo-3.1-fast-generate-001',
		aspectRatio: '9:16',
		resolution: '720p',
		durationSeconds: 4,
		audio: true,
	},
	{
		backend: 'vertex',
		model: 'veo-3.1-generate-001',
		aspectRatio: '16:9',
		resolution: '1080p',
		durationSeconds: 8,
		audio: true,
	},
	{
		backend: 'vertex',
		model: 'veo-3.0-generate-001',
		aspectRatio: '16:9',
		resolution: '720p',
		durationSeconds: 6,
		audio: true,
	},
	{
		backend: 'vertex',
		model: 'veo-2.0-generate-001',
		aspectRatio: '9:16',
		resolution: '720p',
		durationSeconds: 6,
		audio: false,
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
	({ backend, model, aspectRatio, resolution, durationSeconds, audio }) => {
		it('generates, polls and downloads a playable MP4 of the requested size and length', async () => {
			const request = {
				model,
				prompt: `Shot 1 of 1: A cyclist crosses a bridge (${backend} ${model} ${aspectRatio} ${resolution}).\nProps: bike (colour: red).\nLighting: golden hour.`,
				negativePrompt: 'text, watermark',
				durationSeconds,
				aspectRatio,
				resolution,
			};
			// The matrix only holds requests the model table allows, so what is tested here is what nodes send.
			expect(checkVideoRequest({ ...request, backend })).toEqual([]);
			const client = connect(backend, standIn.url);
			const downloadsBefore = standIn.stats.downloads;

			const operationName = await submitVideo(client, request);
			const { state } = await waitForOperation(client, operationName);
			const [video] = videosOf(state);

			// What the SDK put on the wire reached the stand-in intact.
			const record = operationRecord(standIn, operationName);
			expect(record).toMatchObject({ backend, model, prompt: request.prompt });
			expect(record.parameters).toMatchObject({
				durationSeconds,
				aspectRatio,
				resolution,
				negativePrompt: 'text, watermark',
			});

			const file = path.join(
				dir,
				`${backend}-${model}-${aspectRatio.replace(':', 'x')}-${resolution}-${durationSeconds}.mp4`,
			);
			await downloadVideo(client, video, file);
			// The Gemini API hands out a file URI to download; Vertex AI returns the bytes in the operation.
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
			const { audio: soundTrack } = await probeMedia(file);
			if (audio) {
				expect(soundTrack).toMatchObject({ codec: 'aac', channels: 2 });
			} else {
				expect(soundTrack).toBeUndefined();
			}
		});
	},
);
