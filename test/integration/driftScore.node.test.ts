import { promises as fs } from 'fs';
import type { INodeExecutionData } from 'n8n-workflow';
import { tmpdir } from 'os';
import path from 'path';

import { compilePrompt } from '../../core/prompt';
import { parseSceneSpec } from '../../core/schema';
import { encodePng } from '../../core/scoring/png';
import { judgeConstraints, judgeRequest, parseJudgement } from '../../core/scoring/judge';
import { createShotItems } from '../../core/shotItems';
import type { SceneSpec, ShotItem } from '../../core/types';
import { runFfmpeg } from '../../edges/ffmpeg/ffmpeg';
import { geminiDriftJudge } from '../../edges/google/driftJudge';
import type { FaultRule } from '../../google-api-standin/faults';
import { pictureFor } from '../../google-api-standin/picture';
import { startStandIn, type GoogleApiStandIn } from '../../google-api-standin/server';
import { DriftScore } from '../../nodes/DriftScore/DriftScore.node';
import { VeoGenerate } from '../../nodes/VeoGenerate/VeoGenerate.node';
import { locator, mockNodeContext } from '../helpers/mockNodeContext';
import { DRIFT_SCORE } from '../helpers/nodeParameters';
import { cafeSpec } from '../helpers/specs';
import { API_KEY, connect, makeTempDir, realSleep, removeDir } from './helpers';

/**
 * Drift Score in the pipeline, against the Google API stand-in through the real SDK: Veo Generate
 * makes the clips (with drift injected where asked), Drift Score routes them, and the stand-in's
 * Gemini judge tells the truth about what it drew.
 */

jest.setTimeout(300_000);

let standIn: GoogleApiStandIn;
let dir: string;

beforeAll(async () => {
	standIn = await startStandIn({ apiKey: API_KEY, latencyMs: 200 });
	dir = await makeTempDir('drift-node');
});
afterAll(async () => {
	await standIn.stop();
	await removeDir(dir);
});

const CREDENTIALS = {
	veoPipelineGeminiApi: { apiKey: API_KEY, baseUrl: '' },
	veoPipelineVertexAiApi: { authentication: 'expressApiKey', apiKey: API_KEY, baseUrl: '' },
};
const credentials = () => ({
	veoPipelineGeminiApi: { ...CREDENTIALS.veoPipelineGeminiApi, baseUrl: standIn.url },
	veoPipelineVertexAiApi: { ...CREDENTIALS.veoPipelineVertexAiApi, baseUrl: standIn.url },
});

/** The café spec; with `reference`, Mya has a reference image: a picture in the colour the stand-in draws her. */
function spec(shots: number, reference = false): SceneSpec {
	const raw = cafeSpec(shots);
	if (reference)
		raw.bible.characters[0].referenceImage = { binaryProperty: 'ref_mya', mimeType: 'image/png' };
	return parseSceneSpec(raw);
}

function referencePicture(shotSpec: SceneSpec): Buffer {
	const [mya] = pictureFor(compilePrompt(shotSpec.shots[0], shotSpec.bible).prompt).characters;
	const [width, height] = [60, 90];
	const rgb = new Uint8Array(width * height * 3);
	for (let pixel = 0; pixel < width * height; pixel++) {
		const [x, y] = [pixel % width, Math.floor(pixel / width)];
		rgb.set(x > 12 && x < 48 && y > 8 ? mya.color : [245, 245, 245], pixel * 3);
	}
	return encodePng(width, height, rgb);
}

/** Veo Generate on the stand-in with these faults: the items and the binary store they live in. */
async function generate(
	shots: number,
	faults: FaultRule[],
	reference = false,
): Promise<{ items: INodeExecutionData[]; binaryDir: string }> {
	standIn.configure({ faults });
	const shotSpec = spec(shots, reference);
	const items: INodeExecutionData[] = createShotItems(shotSpec, 'gemini-omni-1.2-flash').map(
		(json) => ({ json: json as never }),
	);
	const mock = mockNodeContext({
		items,
		credentials: credentials(),
		parameters: {
			operation: 'generateAndWait',
			authentication: 'geminiApi',
			model: locator('gemini-omni-1.2-flash'),
			promptSource: 'compiled',
			extraNegativePrompt: '',
			clipProperty: 'clip',
			images: { characterReferences: 'never' },
			options: { pollMinSeconds: 0.1, pollMaxSeconds: 0.5 },
		},
	});
	if (reference) {
		const image = await mock.context.helpers.prepareBinaryData(
			referencePicture(shotSpec),
			'mya.png',
			'image/png',
		);
		for (const item of items) item.binary = { ref_mya: image };
	}
	const [output] = await new VeoGenerate().execute.call(mock.context);
	standIn.configure({ faults: [] });
	expect(output.map((entry) => (entry.json as unknown as ShotItem).status)).toEqual(
		Array(shots).fill('generated'),
	);
	return { items: output, binaryDir: mock.binaryDir };
}

// The stand-in draws blocks, not faces or mugs: the offline checks are tested on photographs (driftVision.test.ts).
const PARAMETERS = DRIFT_SCORE;

async function driftScore(
	generated: { items: INodeExecutionData[]; binaryDir: string },
	parameters: Partial<typeof PARAMETERS> = {},
	continueOnFail = false,
) {
	const mock = mockNodeContext({
		items: generated.items,
		credentials: credentials(),
		parameters: { ...PARAMETERS, ...parameters },
		binaryDir: generated.binaryDir,
		continueOnFail,
	});
	const outputs = await new DriftScore().execute.call(mock.context);
	return { outputs, mock };
}

const shotIds = (entries: INodeExecutionData[]) =>
	entries.map((entry) => (entry.json as unknown as ShotItem).shot.id);
const itemOf = (entry: INodeExecutionData) => entry.json as unknown as ShotItem;
const reportOf = (entry: INodeExecutionData) =>
	itemOf(entry).takes[itemOf(entry).takes.length - 1].drift!;

describe('Drift Score on stand-in clips', () => {
	it('passes clean clips, records the report on the take and attaches a contact sheet', async () => {
		const { outputs, mock } = await driftScore(await generate(3, []));
		expect(outputs.map(shotIds)).toEqual([['shot-01', 'shot-02', 'shot-03'], [], []]);
		outputs[0].forEach((entry, index) => {
			expect(entry.pairedItem).toEqual({ item: index });
			expect(itemOf(entry).status).toBe('approved');
			expect(
				itemOf(entry)
					.statusHistory.slice(-2)
					.map((change) => change.to),
			).toEqual(['scored', 'approved']);
			expect(reportOf(entry).route).toBe('pass');
			expect(Object.keys(entry.binary!).sort()).toEqual([
				'clip',
				'clip_take1',
				'contactSheet',
				'drift_take1_poster',
			]);
		});
		expect(reportOf(outputs[0][1]).dimensions.continuity!.drift).toBeLessThan(0.15);
		const sheet = await mock.readBinary(outputs[0][0].binary!.contactSheet);
		expect(sheet.subarray(1, 4).toString('ascii')).toBe('PNG');
		// The clips were copied to a work folder for ffmpeg; nothing of it is left.
		expect((await fs.readdir(tmpdir())).filter((name) => name.startsWith('drift-score-'))).toEqual(
			[],
		);
	});

	// Issue 14: with no look established yet the words alone judge the light, and they never send a
	// clip back without a person; once shot 1 is approved, shot 2's light is judged against it.
	it(
		'shows a lighting drift judged by the words to a person, with the shot that continues it; ' +
			'against an approved take of the place it goes back',
		async () => {
			const generated = await generate(3, [
				{ on: 'predict', effect: 'drift_lighting', match: 'Shot 2 of' },
			]);
			const { outputs } = await driftScore(generated);
			expect(outputs.map(shotIds)).toEqual([['shot-01'], ['shot-02', 'shot-03'], []]);
			expect(reportOf(outputs[1][0]).reasons.join(' ')).toMatch(
				/cooler than the 4,600 K that 'warm dusk' allows at most/,
			);
			expect(reportOf(outputs[1][1]).reasons[0]).toMatch(
				/^Review: continuity drift 1\.00 is high, but only 55% sure$/,
			);

			// Shot 1 approved (as the first run left it), shot 2 scored again: against shot 1's take.
			const { outputs: again } = await driftScore({
				...generated,
				items: [{ ...outputs[0][0], pairedItem: undefined }, generated.items[1]],
			});
			expect(again.map(shotIds)).toEqual([['shot-01'], [], ['shot-02']]);
			const sent = itemOf(again[2][0]);
			expect(sent.status).toBe('needs_regeneration');
			expect(reportOf(again[2][0]).measured).toContainEqual({
				dimension: 'lighting',
				against: expect.stringMatching(/^take \S+ of shot shot-01 \(the first approved take of/),
			});
			expect(sent.correctiveNotes).toEqual([
				expect.objectContaining({ source: 'drift', takeId: 'shot-02-take-1' }),
			]);
		},
	);

	it('has the judge find a prop in the wrong colour (Gemini API), with its verdicts and corrective sentence', async () => {
		const before = standIn.stats.generateContentRequests;
		const { outputs } = await driftScore(
			await generate(2, [{ on: 'predict', effect: 'drift_prop_color', match: 'Shot 1 of' }]),
			{ judge: true },
		);
		expect(standIn.stats.generateContentRequests - before).toBe(2);
		expect(outputs.map(shotIds)).toEqual([['shot-02'], [], ['shot-01']]);
		const report = reportOf(outputs[2][0]);
		expect(report.dimensions.props).toMatchObject({ drift: 0.95, confidence: 0.95 });
		expect(report.constraints?.find((verdict) => verdict.id === 'c1')).toMatchObject({
			passed: false,
			evidence: 'the mug is green, not blue',
		});
		expect(itemOf(outputs[2][0]).correctiveNotes[0].text).toContain(
			'The mug must be blue, not green.',
		);
		expect(reportOf(outputs[0][0]).constraints?.every((verdict) => verdict.passed)).toBe(true);
	});

	it("sends a character unlike the reference image to a person, and back with the judge's word (Vertex AI)", async () => {
		const generated = await generate(1, [{ on: 'predict', effect: 'drift_character' }], true);
		const alone = await driftScore(generated);
		expect(alone.outputs.map(shotIds)).toEqual([[], ['shot-01'], []]);
		expect(reportOf(alone.outputs[1][0]).dimensions.character!.reasons[0]).toMatch(
			/^only \d+% of Mya's colouring in the reference image/,
		);
		const judged = await driftScore(generated, { judge: true, authentication: 'vertexAiApi' });
		expect(judged.outputs.map(shotIds)).toEqual([[], [], ['shot-01']]);
		expect(reportOf(judged.outputs[2][0]).dimensions.character!.reasons.join(' ')).toMatch(
			/looks like someone else/,
		);

		const clean = await driftScore(await generate(1, [], true));
		expect(reportOf(clean.outputs[0][0]).dimensions.character!.drift).toBe(0);
	});

	it.each([
		[
			'invalid_json',
			/^Item 0: The drift judge \(gemini-3\.8-flash\) did not answer valid JSON \(it was cut off at the output limit\)/,
		],
		[
			'schema_violation',
			/^Item 0: The drift judge \(gemini-3\.8-flash\) answered outside its schema: answer must have required property 'constraints'/,
		],
	] as const)(
		'stops with an error naming the item when the judge answers %s, never a pass',
		async (effect, message) => {
			const generated = await generate(2, []);
			standIn.configure({ faults: [{ on: 'generateContent', effect }] });
			try {
				await expect(driftScore(generated, { judge: true })).rejects.toThrow(message);
				const { outputs } = await driftScore(generated, { judge: true }, true);
				expect(outputs.map(shotIds)).toEqual([[], ['shot-01', 'shot-02'], []]);
				expect(outputs[1][0].json.error).toMatch(message);
				expect(itemOf(outputs[1][0]).status).toBe('generated');
			} finally {
				standIn.configure({ faults: [] });
			}
		},
	);

	it('uploads a clip too large to send inline, and deletes it once answered', async () => {
		const { items, binaryDir } = await generate(1, []);
		const clip = path.join(binaryDir, items[0].binary!.clip.id!.replace(/^mock:/, ''));
		const [shot] = spec(1).shots;
		const constraints = judgeConstraints(shot, spec(1).bible);
		// The stand-in's stored files: generated videos and uploads.
		const { files } = standIn as unknown as { files: Map<string, unknown> };
		const [uploads, stored] = [standIn.stats.uploads, files.size];
		const judge = geminiDriftJudge(connect('gemini', standIn.url), 'gemini-3.8-flash', realSleep, {
			inlineLimitBytes: 1024,
		});
		const answer = await judge.ask(
			{ path: clip, name: 'clip' },
			judgeRequest(shot, spec(1).bible, constraints),
		);
		expect(standIn.stats.uploads - uploads).toBe(1);
		// Answered truthfully about the uploaded clip (the stand-in knows it drew it), then deleted.
		expect(
			parseJudgement(answer, constraints, 'gemini-3.8-flash').verdicts.every(
				(verdict) => verdict.passed && verdict.confidence === 0.95,
			),
		).toBe(true);
		expect(files.size).toBe(stored);
	});
});

describe('Drift Score with a mixed batch', () => {
	it('passes items it does not score through untouched, and can keep the batch on one output', async () => {
		const { items, binaryDir } = await generate(2, [
			{ on: 'predict', effect: 'drift_lighting', match: 'Shot 2 of' },
		]);
		const approved = { ...items[0], json: { ...items[0].json, status: 'approved' } };
		const three = await driftScore({ items: [approved, items[1]], binaryDir });
		expect(three.outputs[0]).toEqual([{ ...approved, pairedItem: { item: 0 } }]);
		const one = await driftScore(
			{ items: [approved, items[1]], binaryDir },
			{ routing: 'oneOutput' },
		);
		expect(one.outputs).toHaveLength(1);
		expect(one.outputs[0].map((entry) => itemOf(entry).status)).toEqual([
			'approved',
			'needs_regeneration',
		]);
		// The previous shot's clip is compared whatever its status.
		expect(reportOf(one.outputs[0][1]).dimensions.continuity!.drift).toBeGreaterThan(0.5);
	});

	it('scores the clip the take recorded, as Assemble and the board find it, whatever the clip property holds', async () => {
		const generated = await generate(1, []);
		const mock = mockNodeContext({ items: [], parameters: {}, binaryDir: generated.binaryDir });
		const still = await mock.context.helpers.prepareBinaryData(
			referencePicture(spec(1)),
			'still.png',
			'image/png',
		);
		const [item] = generated.items;
		const { outputs } = await driftScore({
			...generated,
			items: [{ ...item, binary: { clip_take1: item.binary!.clip_take1, clip: still } }],
		});
		expect(outputs[0].map((entry) => reportOf(entry).route)).toEqual(['pass']);
	});

	it('refuses bad clips with an error naming the item and the field', async () => {
		const { items, binaryDir } = await generate(1, []);
		const mock = mockNodeContext({ items: [], parameters: {}, binaryDir });
		const soundOnly = path.join(dir, 'sound-only.m4a');
		await runFfmpeg([
			'-y',
			'-i',
			path.join(binaryDir, items[0].binary!.clip.id!.replace(/^mock:/, '')),
			'-vn',
			'-c:a',
			'copy',
			soundOnly,
		]);
		const cases: Array<[INodeExecutionData['binary'], RegExp]> = [
			[
				{},
				new RegExp(
					String.raw`^Item 0: takes\[0\]\.clip: take shot-01-take-1 of shot-01 has no clip here: ` +
						String.raw`neither binary property "clip_take1" \(recorded by the take\) nor "clip" \(the clip property\) ` +
						String.raw`is on the item \(it has no binary data\)`,
				),
			],
			[
				{
					clip: await mock.context.helpers.prepareBinaryData(
						referencePicture(spec(1)),
						'still.png',
						'image/png',
					),
				},
				/^Item 0: binary\.clip: holds the clip of take shot-01-take-1, but it is image\/png \(still\.png\), not a video/,
			],
			[
				{
					clip: await mock.context.helpers.prepareBinaryData(
						Buffer.alloc(0),
						'empty.mp4',
						'video/mp4',
					),
				},
				/^Item 0: the clip of shot-01 take 1 \(binary "clip"\): is empty \(0 bytes\)/,
			],
			[
				{
					clip: await mock.context.helpers.prepareBinaryData(
						await fs.readFile(soundOnly),
						'sound.mp4',
						'video/mp4',
					),
				},
				/^Item 0: the clip of shot-01 take 1 \(binary "clip"\): has no video stream \(it holds sound only\)/,
			],
		];
		for (const [binary, message] of cases) {
			await expect(driftScore({ items: [{ ...items[0], binary }], binaryDir })).rejects.toThrow(
				message,
			);
		}
	});
});
