import { promises as fs } from 'fs';
import type { INodeExecutionData } from 'n8n-workflow';
import path from 'path';

import { gatherEvidence } from '../../core/scoring/evidence';
import { parseShotItem } from '../../core/shotItems';
import type { ShotItem } from '../../core/types';
import { ffmpegEvidenceMedia } from '../../edges/ffmpeg/stills';
import { stopVisionModels } from '../../edges/vision/humanModels';
import { DriftScore } from '../../nodes/DriftScore/DriftScore.node';
import { locator, mockNodeContext } from '../helpers/mockNodeContext';
import {
	photoClip,
	photoShotItem,
	photoShotSpec,
	skimagePhotos,
	type PhotoName,
} from '../helpers/photos';
import { makeTempDir, removeDir } from './helpers';

/**
 * The review board's pictures made by Drift Score from real clips with ffmpeg and the offline
 * models (issue 18, points 1 and 2): a poster frame per clip, and beside each finding the
 * pictures that show it, stored as small images on the item and named in the report.
 */

jest.setTimeout(600_000);

let dir: string;
let photo: (name: PhotoName) => string;

beforeAll(async () => {
	dir = await makeTempDir('drift-evidence');
	photo = await skimagePhotos();
});
afterAll(async () => {
	await stopVisionModels();
	await removeDir(dir);
});

const isJpeg = (bytes: Buffer) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
const isPng = (bytes: Buffer) => bytes.subarray(1, 4).toString('ascii') === 'PNG';

it("shows a stranger's face beside the character's reference, and the mug beside the blue the bible asks for", async () => {
	const clip = await photoClip(
		[photo('astronaut'), photo('coffee')],
		path.join(dir, 'eileen-and-coffee.mp4'),
	);
	const store = mockNodeContext({ items: [], parameters: {} });
	const binary = {
		clip: await store.context.helpers.prepareBinaryData(
			await fs.readFile(clip),
			'clip.mp4',
			'video/mp4',
		),
		// The cameraman's photograph as Eileen's reference: the face in the clip is not hers.
		ref_eileen: await store.context.helpers.prepareBinaryData(
			await fs.readFile(photo('camera')),
			'eileen.png',
			'image/png',
		),
	};
	const node = mockNodeContext({
		items: [{ json: photoShotItem() as never, binary }],
		binaryDir: store.binaryDir,
		parameters: {
			routing: 'oneOutput',
			clipProperty: 'clip',
			technical: true,
			look: true,
			offlineChecks: 'on',
			judge: false,
			judgeModel: locator('gemini-3.8-flash'),
			options: { contactSheet: false },
		},
	});
	const [[scored]] = (await new DriftScore().execute.call(node.context)) as INodeExecutionData[][];
	// The item, pictures and all, is a valid shot item.
	const item: ShotItem = parseShotItem(scored.json);
	const report = item.takes[0].drift!;
	expect(report.route).not.toBe('pass');

	const pictures = report.evidence!;
	expect(pictures.map(({ dimension, caption }) => [dimension, caption])).toEqual([
		['character', 'Eileen in the reference picture'],
		[
			'character',
			expect.stringMatching(
				/^The closest face in the clip, at \d\.\d s: \d+% alike \(a match from \d+%\)$/,
			),
		],
		['props', expect.stringMatching(/^The mug at \d\.\d s, reading (orange|red)\S*$/)],
		['props', 'Blue, as the bible asks'],
	]);
	for (const picture of pictures) {
		const stored = scored.binary![picture.binaryProperty];
		const bytes = await node.readBinary(stored);
		expect(stored.mimeType).toBe(isPng(bytes) ? 'image/png' : 'image/jpeg');
		expect(isPng(bytes) || isJpeg(bytes)).toBe(true);
		expect(bytes.length).toBeLessThan(80_000);
	}
	expect(pictures.map((picture) => picture.binaryProperty)).toEqual([
		'drift_take1_1',
		'drift_take1_2',
		'drift_take1_3',
		'drift_take1_4',
	]);
	// The face crop is a part of the 960-pixel frame the face model looked at, not all of it.
	const [faceCrop] = pictures.slice(1);
	expect(faceCrop.atSeconds).toBeGreaterThanOrEqual(0);

	// The poster is the frame the report points at: the closest face's moment.
	expect(report.poster).toEqual({
		binaryProperty: 'drift_take1_poster',
		atSeconds: faceCrop.atSeconds,
	});
	const poster = await node.readBinary(scored.binary!.drift_take1_poster);
	expect(isJpeg(poster)).toBe(true);
	expect(poster.length).toBeLessThan(120_000);
});

it("puts the previous shot's last frame beside this clip's first, from the two clips themselves", async () => {
	const [previous, current] = await Promise.all([
		photoClip([photo('coffee')], path.join(dir, 'coffee.mp4'), 3),
		photoClip([photo('astronaut')], path.join(dir, 'astronaut.mp4'), 3),
	]);
	const frames: Array<{ mean: number; width: number }> = [];
	const media = ffmpegEvidenceMedia();
	const recording = {
		...media,
		async jpeg(frame: Parameters<typeof media.jpeg>[0]) {
			frames.push({
				mean: frame.rgb.reduce((sum, value) => sum + value, 0) / frame.rgb.length,
				width: frame.width,
			});
			return media.jpeg(frame);
		},
	};
	const [shot] = photoShotSpec().shots;
	const evidence = await gatherEvidence(
		{
			bible: photoShotSpec().bible,
			shot: { ...shot, durationSeconds: 3, continuousWithPrevious: true },
			clip: { path: current, name: 'the clip' },
			previousClip: { path: previous, name: 'the previous clip' },
			expectAudio: false,
			references: [],
		},
		{
			drift: 0.8,
			confidence: 0.5,
			dimensions: {
				continuity: { drift: 0.8, confidence: 0.5, reasons: ['does not continue'] },
				technical: {
					drift: 1,
					confidence: 0.95,
					reasons: [],
					measures: { durationSeconds: 3, frameRate: 24 },
				},
			},
			reasons: [],
			route: 'regenerate',
			technicalDefects: ['the picture is black from 1.5 s to 2.0 s'],
			skipped: [],
			scoredAt: new Date().toISOString(),
		},
		{ media: recording, passThreshold: 0.15 },
	);
	expect(evidence.pictures.map(({ caption }) => caption)).toEqual([
		'The picture is black from 1.5 s to 2.0 s: the frame at 1.5 s',
		"The previous shot's last frame",
		"This clip's first frame",
	]);
	for (const picture of evidence.pictures) expect(isJpeg(picture.bytes)).toBe(true);
	// Each frame is from its own clip: the coffee cup's photograph and the astronaut's differ.
	const meanOf = async (file: string) => {
		const frame = await media.clipFrame({ path: file, name: file }, 1, 480);
		return frame.rgb.reduce((sum, value) => sum + value, 0) / frame.rgb.length;
	};
	const [coffee, astronaut] = [await meanOf(previous), await meanOf(current)];
	expect(Math.abs(coffee - astronaut)).toBeGreaterThan(10);
	const [defect, previousLast, first] = frames;
	expect(Math.abs(previousLast.mean - coffee)).toBeLessThan(5);
	expect(Math.abs(first.mean - astronaut)).toBeLessThan(5);
	expect(Math.abs(defect.mean - astronaut)).toBeLessThan(5);
	expect(frames.map((frame) => frame.width)).toEqual([480, 480, 480, 640]);
	expect(evidence.poster.atSeconds).toBe(1.5);
});
