import { promises as fs } from 'fs';
import type { INodeExecutionData } from 'n8n-workflow';
import path from 'path';

import {
	characterLikeness,
	FACE_MATCH,
	identityScore,
	referenceFace,
} from '../../core/scoring/identity';
import { propScore, sightProp } from '../../core/scoring/props';
import type { Frame } from '../../core/scoring/similarity';
import type { FoundFace, VisionModels } from '../../core/scoring/vision';
import type { DriftReport, ShotItem } from '../../core/types';
import { measureClip, readImage } from '../../edges/ffmpeg/frameSampling';
import { loadVisionModels, stopVisionModels } from '../../edges/vision/humanModels';
import { DriftScore } from '../../nodes/DriftScore/DriftScore.node';
import { locator, mockNodeContext } from '../helpers/mockNodeContext';
import {
	editPhoto,
	photoClip,
	photoShotItem,
	photoShotSpec,
	recolorRegion,
	skimagePhotos,
	type PhotoName,
} from '../helpers/photos';
import { makeTempDir, removeDir, veoPipelineCli } from './helpers';

/**
 * The offline character and prop checks on real photographs (scikit-image's samples, from Debian)
 * with the models the package ships: faces told apart, a cup found and its colour read, and clips
 * made of the photographs scored by the command-line scorer and the Drift Score node.
 */

jest.setTimeout(600_000);

let dir: string;
let photo: (name: PhotoName) => string;
let models: VisionModels;
let clip: string;

const DETAIL_SIDE = 960;
const image = (file: string): Promise<Frame> =>
	readImage({ path: file, name: path.basename(file) }, undefined, DETAIL_SIDE);
async function detect(file: string) {
	const frame = await image(file);
	return {
		atSeconds: 0,
		frame,
		detections: await models.detect(frame, { faces: true, objects: true }),
	};
}
let eileen: FoundFace;

beforeAll(async () => {
	dir = await makeTempDir('drift-vision');
	photo = await skimagePhotos();
	[models, clip] = await Promise.all([
		loadVisionModels(),
		photoClip([photo('astronaut'), photo('coffee')], path.join(dir, 'eileen-and-coffee.mp4')),
	]);
	eileen = referenceFace((await detect(photo('astronaut'))).detections.faces)!;
});
afterAll(async () => {
	await stopVisionModels();
	await removeDir(dir);
});

describe('faces', () => {
	it('the same face cropped, flipped and colour-graded matches its reference; another person does not', async () => {
		expect(eileen).toBeDefined();
		const graded = await editPhoto(
			photo('astronaut'),
			path.join(dir, 'graded.png'),
			'crop=300:300:80:0,hflip,eq=saturation=0.6:gamma=1.2,colorbalance=rs=0.2:bs=-0.2',
		);
		const same = characterLikeness('Eileen', eileen, [await detect(graded)], models.faceSimilarity);
		expect(same.found).toBe(true);
		expect(same.similarity).toBeGreaterThan(0.85);

		const other = characterLikeness(
			'Eileen',
			eileen,
			[await detect(photo('camera'))],
			models.faceSimilarity,
		);
		expect(other.facesSeen).toBe(1);
		expect(other.found).toBe(false);
		expect(other.similarity).toBeLessThan(0.45);
	});

	it('a frame without a face says the character is not found', async () => {
		const score = identityScore([
			characterLikeness('Eileen', eileen, [await detect(photo('coffee'))], models.faceSimilarity),
		]);
		expect(score.drift).toBe(1);
		expect(score.reasons[0]).toMatch(/^Eileen not found: no face in the 1 sampled frames/);
	});
});

describe('props', () => {
	const mug = photoShotSpec().bible.props[0];

	it('finds the cup and reads its colour; turning only the cup blue flips the colour verdict', async () => {
		const original = sightProp(mug, 'cup', [await detect(photo('coffee'))]);
		expect(original.found).toHaveLength(1);
		const before = propScore(original);
		expect(before.drift).toBe(1);
		expect(before.reasons[0]).toMatch(/^the mug reads (orange|red)\S*, the bible asks for blue/);

		const cup = original.found[0].object.box;
		const recolored = await recolorRegion(
			photo('coffee'),
			path.join(dir, 'blue-cup.png'),
			cup,
			190,
		);
		const after = propScore(sightProp(mug, 'cup', [await detect(recolored)]));
		expect(after.drift).toBe(0);
		expect(after.reasons[0]).toMatch(/^the mug reads blue, as the bible asks/);
	});
});

describe('clips of the photographs', () => {
	it('give the larger frames from the same decoding pass as the small ones', async () => {
		const measured = await measureClip(
			{ path: clip, name: 'clip' },
			{},
			{ count: 4, maxSide: DETAIL_SIDE },
		);
		expect(measured.samples).toHaveLength(8);
		expect(measured.samples[0].width).toBe(160);
		expect(measured.detail!.map((frame) => [frame.width, frame.height, frame.atSeconds])).toEqual(
			[1, 3, 5, 7].map((seconds) => [960, 540, seconds]),
		);
	});

	it('through the command-line scorer: the character found, the mug the wrong colour, the sign left to the judge', async () => {
		const specFile = path.join(dir, 'spec.json');
		await fs.writeFile(specFile, JSON.stringify(photoShotSpec()));
		const { code, stdout, stderr } = await veoPipelineCli([
			'drift',
			'--spec',
			specFile,
			clip,
			'--reference',
			`eileen=${photo('astronaut')}`,
		]);
		expect(stderr).toBe('');
		expect(code).toBe(0);
		const report = JSON.parse(stdout) as DriftReport;
		expect(report.dimensions.character!.measures).toMatchObject({
			faceFound_Eileen: true,
			faceMatchThreshold: FACE_MATCH,
		});
		expect(report.dimensions.character!.reasons).toContainEqual(
			expect.stringMatching(/^Eileen found at \d\.\d s: face similarity 0\.\d+/),
		);
		expect(report.dimensions.props!.drift).toBe(1);
		expect(report.dimensions.props!.reasons[0]).toMatch(
			/^the mug reads (orange|red)\S*, the bible asks for blue/,
		);
		expect(report.skipped).toContainEqual({
			scorer: 'props (offline object model)',
			reason: expect.stringMatching(/^the neon sign is not checkable offline/),
		});
	});

	it('through the Drift Score node, and said plainly when switched off', async () => {
		const mock = mockNodeContext({ items: [], parameters: {} });
		const binary = {
			clip: await mock.context.helpers.prepareBinaryData(
				await fs.readFile(clip),
				'clip.mp4',
				'video/mp4',
			),
			ref_eileen: await mock.context.helpers.prepareBinaryData(
				await fs.readFile(photo('astronaut')),
				'eileen.png',
				'image/png',
			),
		};
		const item = photoShotItem();
		const run = async (offlineChecks: string) => {
			const node = mockNodeContext({
				items: [{ json: item as never, binary }],
				binaryDir: mock.binaryDir,
				parameters: {
					routing: 'oneOutput',
					clipProperty: 'clip',
					technical: true,
					look: true,
					offlineChecks,
					judge: false,
					judgeModel: locator('gemini-3.8-flash'),
					options: { contactSheet: false },
				},
			});
			const [[scored]] = (await new DriftScore().execute.call(
				node.context,
			)) as INodeExecutionData[][];
			expect(scored.pairedItem).toEqual({ item: 0 });
			return (scored.json as unknown as ShotItem).takes[0].drift!;
		};

		const report = await run('on');
		expect(report.dimensions.character!.measures).toMatchObject({ faceFound_Eileen: true });
		expect(report.dimensions.props!.measures).toMatchObject({
			propFrames_mug: 6,
			propColorAsked_mug: 'blue',
		});

		const off = await run('off');
		expect(off.dimensions.props).toBeUndefined();
		expect(off.skipped).toContainEqual({
			scorer: 'offline checks',
			reason:
				'character identity and props not checked offline: switched off (Offline Character and Prop Checks: Off)',
		});
	});
});

describe('the models in worker threads', () => {
	it('frames are looked at in parallel, and give the same answers as one at a time', async () => {
		const frame = await image(photo('coffee'));
		const wanted = { faces: true, objects: true };
		const alone = await models.detect(frame, wanted);
		const together = await Promise.all([
			models.detect(frame, wanted),
			models.detect(frame, wanted),
		]);
		expect(alone.objects.map((object) => object.label)).toContain('cup');
		expect(together).toEqual([alone, alone]);
	});

	it('a frame whose workers are stopped fails with the reason, and the next load starts them afresh', async () => {
		const frame = await image(photo('astronaut'));
		const pending = models.detect(frame, { faces: true, objects: false });
		await stopVisionModels();
		await expect(pending).rejects.toThrow(
			/^The offline vision models stopped: their worker thread exited/,
		);
		const restarted = await loadVisionModels();
		expect((await restarted.detect(frame, { faces: true, objects: false })).faces).toHaveLength(1);
	});
});
