import { promises as fs } from 'fs';
import path from 'path';

import { NonRetryableFailure } from '../../core/failures';
import type { DriftReport } from '../../core/types';
import { runFfmpeg } from '../../edges/ffmpeg/ffmpeg';
import { loadVisionModels } from '../../edges/vision/humanModels';
import { makeTempDir, removeDir, veoPipelineCli } from './helpers';

/**
 * Vision models that cannot load: a clear error naming the folder and the files, or, when the
 * scorer is told to, a report that says the checks were skipped and why. Never a silent pass.
 * (A file of its own: a failed load leaves the library's model state half set in this process.)
 */

jest.setTimeout(300_000);

let dir: string;
const MODELS = path.join(path.dirname(require.resolve('@vladmandic/human')), '..', 'models');

beforeAll(async () => {
	dir = await makeTempDir('drift-vision-missing');
});
afterAll(async () => {
	await removeDir(dir);
});

describe('vision models that cannot load', () => {
	it('a missing folder is an error naming it and what to do', async () => {
		const missing = path.join(dir, 'no-models-here');
		const failure = await loadVisionModels({ modelsDir: missing }).catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(NonRetryableFailure);
		expect((failure as NonRetryableFailure).message).toBe(
			'The offline vision models are missing: blazeface.json, faceres.json, ' +
				`centernet.json not in the folder ${path.basename(dir)}/no-models-here`,
		);
		expect((failure as NonRetryableFailure).hint).toMatch(
			/switch the offline character and prop checks off/,
		);
	});

	it('model files without their weights: the library only logs and carries on, the loader says which did not load', async () => {
		const broken = path.join(dir, 'manifests-only');
		await fs.mkdir(broken);
		for (const file of ['blazeface.json', 'faceres.json', 'centernet.json'])
			await fs.copyFile(path.join(MODELS, file), path.join(broken, file));
		// (Node's own errors can read "Error: ENOENT..." when they cross from another realm.)
		await expect(loadVisionModels({ modelsDir: broken })).rejects.toThrow(
			new RegExp(
				`^The offline vision models did not load from the folder ${path.basename(dir)}/manifests-only: ` +
					`blazeface\\.json \\((Error: )?ENOENT[^)]*\\[file\\]'\\); faceres\\.json \\((Error: )?ENOENT`,
			),
		);
	});

	it('the command-line scorer fails with the reason, or skips the checks and says why when told to', async () => {
		const [clip, reference, specFile] = ['clip.mp4', 'reference.png', 'spec.json'].map((name) =>
			path.join(dir, name),
		);
		await runFfmpeg([
			'-y',
			'-f',
			'lavfi',
			'-i',
			'testsrc2=s=1280x720:r=24:d=2',
			'-c:v',
			'libx264',
			'-preset',
			'ultrafast',
			'-pix_fmt',
			'yuv420p',
			clip,
		]);
		await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x320', '-frames:v', '1', reference]);
		const spec = {
			bible: {
				title: 'Missing models',
				style: {
					look: 'plain',
					palette: [],
					lighting: 'soft daylight',
					aspectRatio: '16:9',
					resolution: '720p',
				},
				characters: [{ id: 'mya', name: 'Mya', description: 'a barista' }],
				props: [{ id: 'mug', name: 'mug', description: 'a mug', color: 'blue' }],
			},
			shots: [
				{
					id: 'shot-01',
					sequence: 1,
					description: 'Mya pours',
					durationSeconds: 2,
					characters: ['mya'],
					props: ['mug'],
				},
			],
		};
		await fs.writeFile(specFile, JSON.stringify(spec));
		const missing = path.join(dir, 'nowhere');
		const args = [
			'drift',
			'--spec',
			specFile,
			clip,
			'--reference',
			reference,
			'--models-dir',
			missing,
		];

		const failed = await veoPipelineCli(args);
		expect(failed.code).toBe(1);
		expect(failed.stderr).toBe(
			'veo-pipeline drift: The offline vision models are missing: ' +
				`blazeface.json, faceres.json, centernet.json not in the folder ${path.basename(dir)}/nowhere\n` +
				'Reinstall the package (the models ship inside its dependency @vladmandic/human), ' +
				'or switch the offline character and prop checks off.\n',
		);

		const skipped = await veoPipelineCli([...args, '--offline-checks', 'when-available']);
		expect(skipped.code).toBe(0);
		const report = JSON.parse(skipped.stdout) as DriftReport;
		expect(report.dimensions.character).toMatchObject({
			measures: { referenceCoverage_Mya: expect.any(Number) },
		});
		expect(report.dimensions.character!.measures).not.toHaveProperty('faceFound_Mya');
		expect(report.dimensions.props).toBeUndefined();
		expect(report.skipped.map((entry) => entry.reason)).toEqual(
			expect.arrayContaining([
				expect.stringMatching(
					/^character identity not checked offline: the models could not load: The offline vision models are missing/,
				),
				expect.stringMatching(
					/^props not checked offline: the models could not load: The offline vision models are missing/,
				),
			]),
		);
	});
});
