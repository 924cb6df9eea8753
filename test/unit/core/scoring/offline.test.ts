import type { ClipMeasurements, DetailRequest } from '../../../../core/scoring/measurements';
import { DEFAULT_THRESHOLDS } from '../../../../core/scoring/report';
import { OFFLINE_DETAIL } from '../../../../core/scoring/offline';
import { driftScorers, scoreDrift } from '../../../../core/scoring/scoreDrift';
import type { MediaReader, ScoringSubject } from '../../../../core/scoring/scorer';
import type { Frame } from '../../../../core/scoring/similarity';
import type {
	DetectionWanted,
	Detections,
	OfflineVision,
	VisionModels,
} from '../../../../core/scoring/vision';
import type { SceneBible, Shot } from '../../../../core/types';
import { solidFrame } from '../../../helpers/frames';

/**
 * The offline character and prop scorers behind the scoring interface, with a stand-in for the
 * models: what is decoded, what goes through the models, and what the report says.
 */

const bible: SceneBible = {
	title: 'Morning Ritual',
	logline: '',
	style: { look: '', palette: [], lighting: 'soft', aspectRatio: '16:9', resolution: '720p' },
	characters: [
		{
			id: 'mya',
			name: 'Mya',
			description: 'a barista',
			referenceImage: { binaryProperty: 'ref_mya' },
		},
		{ id: 'tom', name: 'Tom', description: 'a neighbour' },
	],
	locations: [],
	props: [
		{ id: 'mug', name: 'mug', description: 'a ceramic mug', color: 'blue', constraints: [] },
		{ id: 'sign', name: 'neon sign', description: 'glowing above the counter', constraints: [] },
	],
	rules: [],
	negativePrompt: '',
};
const shot: Shot = {
	id: 'pour',
	sequence: 1,
	description: 'Mya pours',
	camera: '',
	durationSeconds: 8,
	characters: ['mya', 'tom'],
	props: ['mug', 'sign'],
	continuousWithPrevious: false,
	constraints: [],
};

const REFERENCE = solidFrame(64, 64, [200, 150, 120]);
/** Four detail frames: a blue middle where the mug is. */
const DETAIL = [1, 3, 5, 7].map((seconds) => solidFrame(64, 36, [30, 70, 200], seconds));

function media(): MediaReader & { detailAsked: Array<DetailRequest | undefined> } {
	const detailAsked: Array<DetailRequest | undefined> = [];
	return {
		detailAsked,
		async measureClip(_file, detail) {
			detailAsked.push(detail);
			const measured: ClipMeasurements = {
				readable: true,
				durationSeconds: 8,
				width: 1280,
				height: 720,
				frameRate: 24,
				hasAudio: false,
				frames: [],
				samples: [],
				sizeBytes: 1,
			};
			return detail ? { ...measured, detail: DETAIL.slice(0, detail.count) } : measured;
		},
		lastFrame: async () => REFERENCE,
		readImage: async () => REFERENCE,
	};
}

/** Mya's face (embedding [1]) in the reference and in frame 2, a stranger's ([0]) in frame 1, the mug in frames 1-3. */
function models(
	options: { referenceFace?: boolean } = {},
): VisionModels & { calls: Array<{ frame: Frame; wanted: DetectionWanted }> } {
	const calls: Array<{ frame: Frame; wanted: DetectionWanted }> = [];
	const face = (embedding: number) => ({
		score: 0.9,
		box: { x: 10, y: 5, width: 40, height: 40 },
		embedding: [embedding],
	});
	return {
		calls,
		async detect(frame, wanted): Promise<Detections> {
			calls.push({ frame, wanted });
			if (frame === REFERENCE)
				return { faces: options.referenceFace === false ? [] : [face(1)], objects: [] };
			const index = DETAIL.indexOf(frame);
			return {
				faces: index === 0 ? [face(0)] : index === 1 ? [face(1)] : [],
				objects:
					index < 3
						? [{ label: 'cup', score: 0.5, box: { x: 0, y: 0, width: 64, height: 36 } }]
						: [],
			};
		},
		faceSimilarity: (first, second) => (first[0] === second[0] ? 0.97 : 0.3),
	};
}

const subject = (overrides: Partial<ScoringSubject> = {}): ScoringSubject => ({
	bible,
	shot,
	clip: { path: '/clips/pour.mp4', name: 'clip' },
	expectAudio: false,
	references: [
		{ path: '/refs/mya.png', name: 'ref_mya', characterId: 'mya', characterName: 'Mya' },
	],
	...overrides,
});

/** The checks on, with models that load (counting the loads) or fail to. */
function on(
	vision: VisionModels | Error,
	skipUnavailable = false,
): OfflineVision & { loads: number } {
	const offline = {
		loads: 0,
		skipUnavailable,
		models: async () => {
			offline.loads += 1;
			if (vision instanceof Error) throw vision;
			return vision;
		},
	};
	return offline;
}

const score = (scored: ScoringSubject, offline: OfflineVision, reader = media()) =>
	scoreDrift(scored, {
		scorers: driftScorers({ technical: false, look: false, offline }),
		media: reader,
		thresholds: DEFAULT_THRESHOLDS,
		contactSheet: false,
	});

describe('the offline character and prop scorers', () => {
	it('add the character and props dimensions from one pass of four larger frames through the models', async () => {
		const [reader, vision] = [media(), models()];
		const { report } = await score(subject(), on(vision), reader);

		expect(reader.detailAsked).toEqual([OFFLINE_DETAIL]);
		expect(OFFLINE_DETAIL).toEqual({ count: 6, maxSide: 960 });
		const clipFrames = vision.calls.filter((call) => call.frame !== REFERENCE);
		expect(clipFrames.map((call) => call.frame)).toEqual(DETAIL);
		expect(clipFrames.every((call) => call.wanted.faces && call.wanted.objects)).toBe(true);
		expect(
			vision.calls.filter((call) => call.frame === REFERENCE).map((call) => call.wanted),
		).toEqual([{ faces: true, objects: false }]);

		expect(report.dimensions.character).toMatchObject({
			drift: 0,
			measures: { faceFound_Mya: true, faceSimilarity_Mya: 0.97, faceAtSeconds_Mya: 3 },
		});
		expect(report.dimensions.props).toMatchObject({
			drift: 0,
			reasons: ['the mug reads blue, as the bible asks (blue); in 3 of 4 sampled frames'],
		});
		expect(report.skipped).toEqual([
			{
				scorer: 'character identity (offline face model)',
				reason: 'Tom has no reference image to compare faces with',
			},
			{
				scorer: 'props (offline object model)',
				reason:
					"the neon sign is not checkable offline (it is none of the object detector's classes): left to the Gemini judge, which is off",
			},
		]);
		expect(report.route).toBe('pass');
	});

	it('route a clip whose character has another face back to generation, with a correction', async () => {
		const vision = models();
		vision.faceSimilarity = () => 0.3;
		const { report } = await score(subject(), on(vision));
		expect(report.route).toBe('regenerate');
		expect(report.reasons[0]).toMatch(/^Regenerate: character drift 1\.00/);
		expect(report.correctivePrompt).toBe('Mya must have the face in the reference image.');
	});

	it('say so when the reference image has no face to compare with, and score no character', async () => {
		const { report } = await score(subject(), on(models({ referenceFace: false })));
		expect(report.dimensions.character).toBeUndefined();
		expect(report.skipped.map((entry) => entry.reason)).toContain(
			'Mya: the face model finds no face in the reference image (ref_mya) to compare with',
		);
	});

	it('look at a reference image once for a batch of shots that share it', async () => {
		const vision = models();
		const scorers = driftScorers({ technical: false, look: false, offline: on(vision) });
		for (const path of ['/clips/one.mp4', '/clips/two.mp4']) {
			await scoreDrift(subject({ clip: { path, name: path } }), {
				scorers,
				media: media(),
				thresholds: DEFAULT_THRESHOLDS,
				contactSheet: false,
			});
		}
		expect(vision.calls.filter((call) => call.frame === REFERENCE)).toHaveLength(1);
		expect(vision.calls.filter((call) => call.frame !== REFERENCE)).toHaveLength(2 * DETAIL.length);
	});

	it('neither load the models nor decode larger frames for a shot with nothing they can check', async () => {
		const [reader, offline] = [media(), on(models())];
		const { report } = await score(
			subject({ shot: { ...shot, characters: ['tom'], props: ['sign'] }, references: [] }),
			offline,
			reader,
		);
		expect(reader.detailAsked).toEqual([undefined]);
		expect(offline.loads).toBe(0);
		expect(report.dimensions).toEqual({});
		expect(report.skipped).toHaveLength(2);
	});

	// Issue 14: the checks that did not run are listed; their absence alone no longer sends the clip to a person.
	it('report why they did not run when they are off, and leave the route to what was measured', async () => {
		const reader = media();
		const { report } = await score(
			subject(),
			{ skipped: 'switched off (--offline-checks off)' },
			reader,
		);
		expect(reader.detailAsked).toEqual([undefined]);
		expect(report.dimensions).toEqual({});
		expect(report.skipped).toEqual([
			{
				scorer: 'offline checks',
				reason:
					'character identity and props not checked offline: switched off (--offline-checks off)',
			},
		]);
		expect(report.route).toBe('pass');
	});

	it('fail the clip when the models cannot load, or skip with the reason when told to', async () => {
		const failure = new Error('blazeface.json is missing');
		await expect(score(subject(), on(failure))).rejects.toThrow('blazeface.json is missing');
		const { report } = await score(subject(), on(failure, true));
		expect(report.dimensions).toEqual({});
		expect(report.skipped.map((entry) => entry.reason)).toEqual([
			'Tom has no reference image to compare faces with',
			'character identity not checked offline: the models could not load: blazeface.json is missing',
			"the neon sign is not checkable offline (it is none of the object detector's classes): left to the Gemini judge, which is off",
			'props not checked offline: the models could not load: blazeface.json is missing',
		]);
	});
});
