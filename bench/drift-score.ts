import { promises as fs } from 'fs';
import { availableParallelism, loadavg, tmpdir } from 'os';
import path from 'path';

import { compilePrompt } from '../core/prompt';
import { parseSceneSpec } from '../core/schema';
import { DEFAULT_THRESHOLDS } from '../core/scoring/report';
import { driftScorers, scoreDrift } from '../core/scoring/scoreDrift';
import type { ScoringSubject } from '../core/scoring/scorer';
import { ffmpegMediaReader } from '../edges/ffmpeg/frameSampling';
import { pictureFor } from '../google-api-standin/picture';
import { ClipRenderer } from '../google-api-standin/render';
import { cafeSpec } from '../test/helpers/specs';
import { cpuSeconds } from './cpu';

/**
 * Local drift scoring (technical QA, look and continuity, contact sheet; no judge) of 8-second 720p
 * clips as the stand-in renders them. Target: under 1 s of wall time per clip on a 2-core machine.
 * Prints per-clip wall and CPU time (this process and its ffmpeg/ffprobe children), the batch
 * figures at the core count, and peak memory. Run: npx tsx bench/drift-score.ts [passes over the batch]
 */

const RUNS = Number(process.argv[2] ?? 3);
const BATCH = 4;

async function main(): Promise<void> {
	const dir = await fs.mkdtemp(path.join(tmpdir(), 'bench-drift-'));
	try {
		const spec = parseSceneSpec(cafeSpec(BATCH));
		const renderer = new ClipRenderer(dir, () => undefined);
		const clips: string[] = [];
		for (const [index, shot] of spec.shots.entries()) {
			const prompt = compilePrompt(shot, spec.bible).prompt;
			const file = path.join(dir, `clip-${index}.mp4`);
			await renderer.render(
				{
					picture: pictureFor(prompt),
					prompt,
					durationSeconds: 8,
					aspectRatio: '16:9',
					resolution: '720p',
					withAudio: true,
				},
				file,
			);
			clips.push(file);
		}
		const scorers = driftScorers({ technical: true, look: true });
		const subject = (index: number): ScoringSubject => ({
			bible: spec.bible,
			shot: spec.shots[index],
			clip: { path: clips[index], name: `clip-${index}` },
			expectAudio: true,
			previousClip: index > 0 ? { path: clips[index - 1], name: `clip-${index - 1}` } : undefined,
			references: [],
		});
		const score = (index: number, media = ffmpegMediaReader()) =>
			scoreDrift(subject(index), {
				scorers,
				media,
				thresholds: DEFAULT_THRESHOLDS,
				contactSheet: true,
			});

		console.log(
			`Drift Score, local scorers, 8 s 720p clips; ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)}`,
		);
		// One clip at a time, as a batch does it (each clip decoded once; the next shot reuses its last
		// frame). The first pass warms the JIT and the disk cache; it is shown, not counted.
		const walls: number[] = [];
		for (let pass = 0; pass <= RUNS; pass++) {
			const media = ffmpegMediaReader();
			for (let index = 0; index < clips.length; index++) {
				const [cpuBefore, started] = [cpuSeconds(), performance.now()];
				const { report } = await score(index, media);
				const wall = (performance.now() - started) / 1000;
				const cpu = cpuSeconds();
				if (pass) walls.push(wall);
				if (pass <= 1) {
					console.log(
						`${pass ? 'pass 1' : 'warm-up'}, clip ${index}: ${wall.toFixed(2)} s wall, ` +
							`CPU ${(cpu.own - cpuBefore.own).toFixed(2)} s node + ` +
							`${(cpu.children - cpuBefore.children).toFixed(2)} s ffmpeg; route ${report.route}`,
					);
				}
			}
		}
		walls.sort((a, b) => a - b);
		console.log(
			`per clip over ${walls.length} scorings: median ${walls[walls.length >> 1].toFixed(2)} s, ` +
				`best ${walls[0].toFixed(2)} s, worst ${walls[walls.length - 1].toFixed(2)} s wall`,
		);

		const [batchCpu, batchStart] = [cpuSeconds(), performance.now()];
		const media = ffmpegMediaReader();
		let next = 0;
		const lane = async () => {
			while (next < clips.length) await score(next++, media);
		};
		await Promise.all(Array.from({ length: availableParallelism() }, lane));
		const batchWall = (performance.now() - batchStart) / 1000;
		const cpuAfter = cpuSeconds();
		console.log(
			`batch of ${clips.length}, ${availableParallelism()} at once: ${batchWall.toFixed(2)} s wall ` +
				`(${(batchWall / clips.length).toFixed(2)} s per clip), ` +
				`CPU ${(cpuAfter.own - batchCpu.own).toFixed(2)} s node + ` +
				`${(cpuAfter.children - batchCpu.children).toFixed(2)} s ffmpeg`,
		);
		const { maxRSS } = process.resourceUsage();
		console.log(
			`peak memory of this process: ${(maxRSS / 1024).toFixed(0)} MB resident ` +
				`(heap now ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB)`,
		);
	} finally {
		await fs.rm(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
