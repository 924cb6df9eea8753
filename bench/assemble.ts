import { execFileSync } from 'child_process';
import { createReadStream, createWriteStream, promises as fs, readdirSync, readFileSync } from 'fs';
import { loadavg, tmpdir } from 'os';
import path from 'path';
import { pipeline } from 'stream/promises';
import { parseArgs } from 'util';

import { selectTakes } from '../core/assembly/selection';
import type { AssemblyInput, AssemblyOptions } from '../core/assembly/types';
import { assembleCut, type AssembledCut } from '../edges/ffmpeg/assembly';
import { runFfmpeg } from '../edges/ffmpeg/ffmpeg';
import { assemblyOptions, pipelineItems } from '../test/helpers/assembly';

/**
 * Assemble on a 90-minute film and on a finished short, through the same core and edge functions
 * the node calls (`selectTakes`, `assembleCut`), timed against the disk and the clock.
 *
 *   npx tsx bench/assemble.ts [--shots 675] [--finishing-shots 40 (0: none)] [--runs 3]
 *
 * Clips: four distinct 8 s 720p24 clips (testsrc2, SMPTE bars, mandelbrot, a colour sweep, each
 * with its own tone; x264 veryfast CRF 23 + AAC 128k, about as dense as Veo's 720p output), copied
 * round-robin to one file per shot, so every shot has its own file as in n8n's binary store.
 *
 * Fast path: the whole assembly (probe every clip, plan, concat copy with faststart, poster, edit
 * lists, report), against streaming the same bytes into one file on the same disk (the physical
 * limit), alternating, `--runs` times each. Finishing path: crossfades + a 33-point LUT + social
 * loudness (two passes) at the node's standard quality, as a multiple of real time.
 * Peak memory is the whole process tree (this process and its ffmpeg children), sampled from /proc.
 *
 * Targets: fast path within 3x of the plain copy and under 300 MB; finishing faster than real time.
 */

const { values } = parseArgs({
	options: {
		shots: { type: 'string', default: '675' },
		'finishing-shots': { type: 'string', default: '40' },
		runs: { type: 'string', default: '3' },
	},
});
const SHOTS = Number(values.shots);
const FINISHING_SHOTS = Number(values['finishing-shots']);
const RUNS = Number(values.runs);
const CLIP_SECONDS = 8;

const SOURCES = [
	'testsrc2=s=1280x720:r=24',
	'smptehdbars=s=1280x720:r=24',
	'mandelbrot=s=1280x720:r=24',
	'gradients=s=1280x720:r=24:speed=0.05',
];

/** Resident memory of this process and all its descendants, in bytes, from /proc. */
function treeRss(): number {
	const parents = new Map<number, number>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
		} catch {
			// The process ended while we looked.
		}
	}
	const tree = new Set([process.pid]);
	for (let grew = true; grew; ) {
		grew = false;
		for (const [pid, parent] of parents) {
			if (tree.has(parent) && !tree.has(pid)) {
				tree.add(pid);
				grew = true;
			}
		}
	}
	let bytes = 0;
	for (const pid of tree) {
		try {
			const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
			if (rss) bytes += Number(rss[1]) * 1024;
		} catch {
			// Gone already.
		}
	}
	return bytes;
}

/** CPU seconds of this process and of its children that have ended (cutime + cstime in /proc). */
function cpuSeconds(): number {
	const stat = readFileSync('/proc/self/stat', 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const ticks = 100; // USER_HZ on Linux
	const own = process.cpuUsage();
	return (own.user + own.system) / 1e6 + (Number(fields[13]) + Number(fields[14])) / ticks;
}

/**
 * Wall time, CPU time and peak memory of some work. CPU time matters on this shared machine: other
 * engineers' processes lengthen the wall time; CPU seconds / 2 is what two free cores would take.
 */
async function measured<T>(
	work: () => Promise<T>,
): Promise<{ result: T; seconds: number; cpuSeconds: number; peakBytes: number }> {
	let peakBytes = treeRss();
	const sampler = setInterval(() => {
		peakBytes = Math.max(peakBytes, treeRss());
	}, 100);
	const started = process.hrtime.bigint();
	const cpuBefore = cpuSeconds();
	try {
		const result = await work();
		return {
			result,
			seconds: Number(process.hrtime.bigint() - started) / 1e9,
			cpuSeconds: cpuSeconds() - cpuBefore,
			peakBytes,
		};
	} finally {
		clearInterval(sampler);
	}
}

async function makeSourceClips(dir: string): Promise<string[]> {
	return Promise.all(
		SOURCES.map(async (source, index) => {
			const file = path.join(dir, `source-${index}.mp4`);
			await runFfmpeg([
				'-y',
				'-f',
				'lavfi',
				'-i',
				source,
				'-f',
				'lavfi',
				'-i',
				`sine=frequency=${220 + 110 * index}:sample_rate=48000:duration=${CLIP_SECONDS}`,
				'-map',
				'0:v',
				'-map',
				'1:a',
				'-c:v',
				'libx264',
				'-preset',
				'veryfast',
				'-crf',
				'23',
				'-pix_fmt',
				'yuv420p',
				'-profile:v',
				'high',
				'-c:a',
				'aac',
				'-b:a',
				'128k',
				'-ac',
				'2',
				'-movflags',
				'+faststart',
				'-t',
				String(CLIP_SECONDS),
				file,
			]);
			return file;
		}),
	);
}

/** A warm/cool grade as a 33-point .cube: lifts red in the highlights, blue in the shadows. */
function gradeLut(): string {
	const size = 33;
	const rows: string[] = [];
	for (let b = 0; b < size; b++) {
		for (let g = 0; g < size; g++) {
			for (let r = 0; r < size; r++) {
				const [rr, gg, bb] = [r, g, b].map((value) => value / (size - 1));
				const luma = 0.2126 * rr + 0.7152 * gg + 0.0722 * bb;
				const clamp = (value: number) => Math.min(1, Math.max(0, value)).toFixed(5);
				rows.push(`${clamp(rr + 0.08 * luma)} ${clamp(gg)} ${clamp(bb + 0.08 * (1 - luma))}`);
			}
		}
	}
	return `TITLE "bench warm-cool"\nLUT_3D_SIZE ${size}\n${rows.join('\n')}\n`;
}

const OPTIONS = assemblyOptions({ quality: 'standard' });

/** Approved shot items, as Assemble receives them (made outside the timings: they are the input). */
function approvedInputs(shots: number): AssemblyInput[] {
	const items = pipelineItems(
		Array.from({ length: shots }, () => [{}]),
		{ durationSeconds: CLIP_SECONDS },
	);
	return items.map((item, itemIndex) => ({
		itemIndex,
		item,
		binaryProperties: ['clip', 'clip_take1'],
	}));
}

async function assemble(
	workDir: string,
	inputs: AssemblyInput[],
	options: AssemblyOptions,
	lutFile?: string,
): Promise<AssembledCut> {
	const cut = selectTakes(inputs, options);
	const clipFiles = cut.slots.map((_, index) => `clip-${String(index + 1).padStart(4, '0')}.mp4`);
	return assembleCut({ cut, options, workDir, clipFiles, clipNames: clipFiles, lutFile });
}

/** One file per shot, each a copy of one of the sources, as n8n's binary store would hand them over. */
async function stageClips(workDir: string, sources: string[], shots: number): Promise<number> {
	let bytes = 0;
	for (let index = 0; index < shots; index++) {
		const target = path.join(workDir, `clip-${String(index + 1).padStart(4, '0')}.mp4`);
		await fs.copyFile(sources[index % sources.length], target);
		bytes += (await fs.stat(target)).size;
	}
	return bytes;
}

async function plainCopy(workDir: string, shots: number, target: string): Promise<void> {
	for (let index = 0; index < shots; index++) {
		await pipeline(
			createReadStream(path.join(workDir, `clip-${String(index + 1).padStart(4, '0')}.mp4`)),
			createWriteStream(target, { flags: 'a' }),
		);
	}
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

async function main(): Promise<void> {
	const root = await fs.mkdtemp(path.join(tmpdir(), 'bench-assemble-'));
	try {
		const sources = await makeSourceClips(root);
		const fastDir = path.join(root, 'fast');
		await fs.mkdir(fastDir);
		const bytes = await stageClips(fastDir, sources, SHOTS);
		console.log(
			`fast path: ${SHOTS} clips of ${CLIP_SECONDS} s (${((SHOTS * CLIP_SECONDS) / 60).toFixed(0)} min), ` +
				`${mb(bytes)}, 4 distinct sources copied round-robin`,
		);

		const filmInputs = approvedInputs(SHOTS);
		const copies: number[] = [];
		const fasts: number[] = [];
		let fastPeak = 0;
		for (let run = 1; run <= RUNS; run++) {
			// Each side starts with the other's writes on disk, not still being flushed under it.
			execFileSync('sync');
			const copy = await measured(() =>
				plainCopy(fastDir, SHOTS, path.join(root, 'plain-copy.bin')),
			);
			await fs.rm(path.join(root, 'plain-copy.bin'));
			execFileSync('sync');
			const fast = await measured(() => assemble(fastDir, filmInputs, OPTIONS));
			const { report, files } = fast.result;
			const outputBytes = (await fs.stat(path.join(fastDir, files.master))).size;
			if (report.cut.video !== 'copy' || report.cut.audio !== 'copy')
				throw new Error(`the fast path was not taken: ${report.cut.reencodeReasons.join('; ')}`);
			console.log(
				`  run ${run}: plain copy ${copy.seconds.toFixed(2)} s ` +
					`(${mb(bytes / copy.seconds)}/s, ${copy.cpuSeconds.toFixed(1)} CPU s); ` +
					`assemble ${fast.seconds.toFixed(2)} s (${fast.cpuSeconds.toFixed(1)} CPU s), ` +
					`cut ${report.cut.durationSeconds.toFixed(0)} s / ${mb(outputBytes)}, peak ${mb(fast.peakBytes)} (process tree)`,
			);
			copies.push(copy.seconds);
			fasts.push(fast.seconds);
			fastPeak = Math.max(fastPeak, fast.peakBytes);
			for (const file of Object.values(files).flat())
				if (typeof file === 'string') await fs.rm(path.join(fastDir, file), { force: true });
			await fs.rm(path.join(fastDir, 'concat.txt'), { force: true });
		}
		const ratio = median(fasts) / median(copies);
		console.log(
			`  fast path: ${ratio.toFixed(2)}x the plain copy (median of ${RUNS}; target <= 3x), peak ${mb(fastPeak)} (target < 300 MB)`,
		);
		await fs.rm(fastDir, { recursive: true });
		if (!FINISHING_SHOTS) return;

		const finishDir = path.join(root, 'finishing');
		await fs.mkdir(finishDir);
		await stageClips(finishDir, sources, FINISHING_SHOTS);
		await fs.writeFile(path.join(finishDir, 'grade.cube'), gradeLut());
		const shortInputs = approvedInputs(FINISHING_SHOTS);
		const finishing = await measured(() =>
			assemble(
				finishDir,
				shortInputs,
				{
					...OPTIONS,
					transition: { kind: 'crossfade', durationSeconds: 0.5 },
					lutProperty: 'grade',
					loudness: { integratedLufs: -14, truePeakDb: -1, loudnessRange: 11 },
				},
				'grade.cube',
			),
		);
		const cutSeconds = finishing.result.report.cut.durationSeconds;
		console.log(
			`finishing path: ${FINISHING_SHOTS} clips, crossfades 0.5 s + 33-point LUT + loudness -14 LUFS (two passes), ` +
				`x264 veryfast CRF 20: cut ${cutSeconds.toFixed(1)} s rendered in ${finishing.seconds.toFixed(1)} s = ` +
				`${(cutSeconds / finishing.seconds).toFixed(2)}x real time (target > 1x), ` +
				`peak ${mb(finishing.peakBytes)} (process tree)`,
		);
		// On a machine others share, wall time includes their load; the CPU seconds are this work's own.
		console.log(
			`  ${finishing.cpuSeconds.toFixed(1)} CPU s = ` +
				`${(cutSeconds / (finishing.cpuSeconds / 2)).toFixed(2)}x real time on two free cores; ` +
				`load average during the run ${loadavg()[0].toFixed(1)}`,
		);
	} finally {
		await fs.rm(root, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
