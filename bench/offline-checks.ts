import { promises as fs } from 'fs';
import { availableParallelism, loadavg, tmpdir } from 'os';
import path from 'path';

import { DEFAULT_THRESHOLDS } from '../core/scoring/report';
import { driftScorers, scoreDrift } from '../core/scoring/scoreDrift';
import type { ScoringSubject } from '../core/scoring/scorer';
import type { VisionModels } from '../core/scoring/vision';
import { ffmpegMediaReader } from '../edges/ffmpeg/frameSampling';
import { loadVisionModels, stopVisionModels } from '../edges/vision/humanModels';
import { editPhoto, photoClip, photoShotSpec, skimagePhotos } from '../test/helpers/photos';
import { cpuSeconds } from './cpu';

/**
 * The offline character and prop checks on 8-second 720p clips made of photographs (a face and a cup
 * in every frame; four frames sampled for the models). Target: identity + props under 1.5 s per clip
 * on a 2-core machine, after the one-time model load. Prints the model load, per-clip wall and CPU
 * time (this process, and its ffmpeg children), the time inside the models, what the checks add to
 * the local scoring, and peak memory. The first clip also looks at the reference image, once for
 * all. The machine may be shared: the load average is printed with the figures.
 * Run: npx tsx bench/offline-checks.ts [passes over the clips]
 */

const RUNS = Number(process.argv[2] ?? 3);

const load = () =>
	loadavg()
		.map((value) => value.toFixed(1))
		.join(' ');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** The models, with the wall time spent in them added up. */
function timed(models: VisionModels): VisionModels & { seconds: number; frames: number } {
	const counted = {
		seconds: 0,
		frames: 0,
		faceSimilarity: models.faceSimilarity,
		async detect(...args: Parameters<VisionModels['detect']>) {
			const started = performance.now();
			try {
				return await models.detect(...args);
			} finally {
				counted.seconds += (performance.now() - started) / 1000;
				counted.frames += 1;
			}
		},
	};
	return counted;
}

async function main(): Promise<void> {
	const dir = await fs.mkdtemp(path.join(tmpdir(), 'bench-offline-'));
	try {
		const photo = await skimagePhotos();
		const blueCup = await editPhoto(photo('coffee'), path.join(dir, 'blue-cup.png'), 'hue=h=190');
		const layouts = [
			[photo('astronaut'), photo('coffee')],
			[photo('coffee'), photo('astronaut')],
			[photo('astronaut'), blueCup],
			[photo('camera'), photo('coffee')],
		];
		const clips = await Promise.all(
			layouts.map((photos, index) => photoClip(photos, path.join(dir, `clip-${index}.mp4`))),
		);
		const spec = photoShotSpec();
		const subject = (clip: string): ScoringSubject => ({
			bible: spec.bible,
			shot: spec.shots[0],
			clip: { path: clip, name: path.basename(clip) },
			expectAudio: false,
			references: [
				{
					path: photo('astronaut'),
					name: 'astronaut.png',
					characterId: 'eileen',
					characterName: 'Eileen',
				},
			],
		});

		console.log(
			`Offline character and prop checks, 8 s 720p clips, 4 frames each; ${availableParallelism()} cores, load average ${load()}`,
		);
		const rssBefore = process.memoryUsage().rss;
		const [loadCpu, loadStart] = [cpuSeconds(), performance.now()];
		const models = timed(await loadVisionModels());
		console.log(
			'model load (library, WebAssembly backend, three models, warm-up): ' +
				`${((performance.now() - loadStart) / 1000).toFixed(2)} s wall, ` +
				`${(cpuSeconds().own - loadCpu.own).toFixed(2)} s CPU; ` +
				`resident memory +${((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(0)} MB`,
		);

		// Each set of scorers serves every clip, as in one run of the node over a batch: the reference image is looked at once.
		const offline = { models: async () => models, skipUnavailable: false };
		const scorers = {
			alone: driftScorers({ technical: false, look: false, offline }),
			local: driftScorers({ technical: true, look: true }),
			all: driftScorers({ technical: true, look: true, offline }),
		};
		const score = async (clip: string, which: keyof typeof scorers) => {
			const [cpuBefore, started] = [cpuSeconds(), performance.now()];
			const { report } = await scoreDrift(subject(clip), {
				scorers: scorers[which],
				media: ffmpegMediaReader(),
				thresholds: DEFAULT_THRESHOLDS,
				contactSheet: false,
			});
			const cpu = cpuSeconds();
			return {
				wall: (performance.now() - started) / 1000,
				own: cpu.own - cpuBefore.own,
				children: cpu.children - cpuBefore.children,
				report,
			};
		};

		const offlineWalls: number[] = [];
		const modelSeconds: number[] = [];
		const added: number[] = [];
		for (let pass = 0; pass <= RUNS; pass++) {
			for (const [index, clip] of clips.entries()) {
				const before = models.seconds;
				const alone = await score(clip, 'alone');
				const inModels = models.seconds - before;
				const local = await score(clip, 'local');
				const all = await score(clip, 'all');
				// The first pass warms the JIT and the disk cache; it is shown, not counted.
				if (pass) {
					offlineWalls.push(alone.wall);
					modelSeconds.push(inModels);
					added.push(all.wall - local.wall);
				}
				if (pass <= 1) {
					const { character, props } = alone.report.dimensions;
					console.log(
						`${pass ? 'pass 1' : 'warm-up'}, clip ${index}: identity + props ${alone.wall.toFixed(2)} s wall ` +
							`(${inModels.toFixed(2)} s of frame time in the model workers; ` +
							`CPU ${alone.own.toFixed(2)} s node + ${alone.children.toFixed(2)} s ffmpeg); ` +
							`local scoring ${local.wall.toFixed(2)} s without them, ${all.wall.toFixed(2)} s with; ` +
							`character drift ${character?.drift}, props drift ${props?.drift}`,
					);
				}
			}
		}
		console.log(
			`per clip over ${offlineWalls.length} scorings: identity + props median ` +
				`${median(offlineWalls).toFixed(2)} s wall (best ${Math.min(...offlineWalls).toFixed(2)}, ` +
				`worst ${Math.max(...offlineWalls).toFixed(2)}), ` +
				`${median(modelSeconds).toFixed(2)} s of frame time in the model workers (they work in parallel); ` +
				`added to the local scoring: median ${median(added).toFixed(2)} s`,
		);
		const { maxRSS } = process.resourceUsage();
		console.log(
			`peak memory of this process: ${(maxRSS / 1024).toFixed(0)} MB resident; load average now ${load()}`,
		);
	} finally {
		await stopVisionModels();
		await fs.rm(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
