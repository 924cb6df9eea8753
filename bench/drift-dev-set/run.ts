import { promises as fs } from 'fs';
import path from 'path';

import { parseSceneSpec } from '../../core/schema';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../core/scoring/report';
import { driftScorers, scoreDrift } from '../../core/scoring/scoreDrift';
import type { ScoringSubject } from '../../core/scoring/scorer';
import type { DriftReport, DriftRoute, SceneSpec } from '../../core/types';
import { ffmpegMediaReader } from '../../edges/ffmpeg/frameSampling';
import { loadVisionModels, stopVisionModels } from '../../edges/vision/humanModels';
import { DRIFT_KINDS, type CaseKind, type DevCase } from './cases';
import { clipFile, generateDevSet, referenceFile } from './generate';
import { DEV_SET_DIR } from './sources';

/**
 * Scores the development set with the local scorers and the offline character and prop checks
 * (no paid judge), as the Drift Score node does by default, and prints per drift kind the recall
 * (clips sent to Review or Regenerate), the clean clips' false alarms (not sent to Pass) and
 * needless regenerations, and the share of clips that reach a person on a mix of 80% clean and
 * 20% drifted clips. Every report is kept in .cache/drift-dev-set/results.json for a closer look.
 *
 * Run: npx tsx bench/drift-dev-set/run.ts [--lighting "natural daylight"] [--only <kind>] [--every <n>]
 *   --lighting   every spec says this lighting instead of its own (the marketer's one phrase for all)
 *   --only       only the cases of one kind (and the clean ones with --only clean)
 *   --every      one case in n of each kind: a quick subset
 */

export interface CaseResult {
	id: string;
	kind: CaseKind;
	route: DriftRoute;
	report: DriftReport;
	seconds: number;
}

export function specOf(devCase: DevCase, lighting = devCase.lighting): SceneSpec {
	return parseSceneSpec({
		bible: {
			title: 'Development set',
			style: {
				look: 'cinematic',
				palette: [],
				lighting,
				aspectRatio: '16:9',
				resolution: '720p',
			},
			characters: devCase.character
				? [
						{
							id: 'lead',
							name: 'Alex',
							description: devCase.character.description,
							referenceImage: { binaryProperty: 'ref_lead', mimeType: 'image/png' },
						},
					]
				: [],
			locations: [{ id: devCase.scene, name: devCase.scene, description: devCase.scene }],
			props: devCase.prop ? [{ id: 'prop', ...devCase.prop }] : [],
		},
		shots: [
			...(devCase.previous
				? [{ id: 'before', sequence: 1, description: 'the shot before', durationSeconds: 8 }]
				: []),
			{
				id: 'shot',
				sequence: devCase.previous ? 2 : 1,
				description: `a shot of the ${devCase.scene}`,
				durationSeconds: devCase.askedSeconds,
				location: devCase.scene,
				characters: devCase.character ? ['lead'] : [],
				props: devCase.prop ? ['prop'] : [],
				continuousWithPrevious: Boolean(devCase.previous),
			},
		],
	});
}

export function subjectOf(devCase: DevCase, lighting?: string): ScoringSubject {
	const spec = specOf(devCase, lighting);
	const clip = clipFile(devCase.clip);
	return {
		bible: spec.bible,
		shot: spec.shots[spec.shots.length - 1],
		clip: { path: clip, name: path.basename(clip), mimeType: 'video/mp4' },
		expectAudio: true,
		// The previous shot of the set is its approved take: a break is this clip's.
		previousSettled: true,
		previousClip: devCase.previous && {
			path: clipFile(devCase.previous),
			name: 'previous shot',
			mimeType: 'video/mp4',
		},
		look: devCase.established && {
			file: {
				path: clipFile(devCase.established),
				name: 'established take',
				mimeType: 'video/mp4',
			},
			kind: 'clip',
			description: "the scene's first approved take",
		},
		references: devCase.character
			? [
					{
						path: referenceFile(devCase.character.reference),
						name: 'reference image',
						characterId: 'lead',
						characterName: 'Alex',
					},
				]
			: [],
	};
}

export async function scoreCases(
	cases: DevCase[],
	options: { lighting?: string; thresholds?: Thresholds } = {},
): Promise<CaseResult[]> {
	const scorers = driftScorers({
		technical: true,
		look: true,
		offline: { models: () => loadVisionModels(), skipUnavailable: false },
	});
	const results: CaseResult[] = [];
	for (const devCase of cases) {
		const started = performance.now();
		const { report } = await scoreDrift(subjectOf(devCase, options.lighting), {
			scorers,
			media: ffmpegMediaReader(),
			thresholds: options.thresholds ?? DEFAULT_THRESHOLDS,
			contactSheet: false,
		});
		results.push({
			id: devCase.id,
			kind: devCase.kind,
			route: report.route,
			report,
			seconds: (performance.now() - started) / 1000,
		});
	}
	return results;
}

const percent = (part: number, whole: number) =>
	whole ? `${((100 * part) / whole).toFixed(0).padStart(3)}%` : '   -';

export interface Figures {
	recall: Record<string, { caught: number; of: number }>;
	clean: { of: number; notPass: number; regenerate: number };
	/** Share of clips reaching a person on an 80% clean, 20% drifted mix. */
	reviewLoad: number;
}

export function figuresOf(results: CaseResult[]): Figures {
	const recall: Figures['recall'] = {};
	for (const kind of DRIFT_KINDS) {
		const ofKind = results.filter((result) => result.kind === kind);
		if (ofKind.length)
			recall[kind] = {
				caught: ofKind.filter((result) => result.route !== 'pass').length,
				of: ofKind.length,
			};
	}
	const clean = results.filter((result) => result.kind === 'clean');
	const drifted = results.filter((result) => result.kind !== 'clean');
	const reviewed = (of: CaseResult[]) =>
		of.length ? of.filter((result) => result.route === 'review').length / of.length : 0;
	return {
		recall,
		clean: {
			of: clean.length,
			notPass: clean.filter((result) => result.route !== 'pass').length,
			regenerate: clean.filter((result) => result.route === 'regenerate').length,
		},
		reviewLoad: 0.8 * reviewed(clean) + 0.2 * reviewed(drifted),
	};
}

export function printFigures(figures: Figures, results: CaseResult[]): void {
	console.log('kind            recall   (Review or Regenerate)   regenerate');
	for (const [kind, { caught, of }] of Object.entries(figures.recall)) {
		const regenerated = results.filter(
			(result) => result.kind === kind && result.route === 'regenerate',
		).length;
		console.log(
			`${kind.padEnd(15)} ${percent(caught, of)}   ${String(caught).padStart(2)} of ` +
				`${String(of).padEnd(2)}                 ${percent(regenerated, of)}`,
		);
	}
	const { clean } = figures;
	console.log(
		`clean clips: ${clean.of}; not routed to Pass ${percent(clean.notPass, clean.of)} (${clean.notPass}), ` +
			`routed to Regenerate ${percent(clean.regenerate, clean.of)} (${clean.regenerate})`,
	);
	console.log(
		`review load on an 80% clean / 20% drifted mix: ${(figures.reviewLoad * 100).toFixed(0)}% of clips reach a person`,
	);
	const seconds = results.map((result) => result.seconds).sort((a, b) => a - b);
	console.log(
		`scoring time per clip (local + offline checks): median ${seconds[seconds.length >> 1].toFixed(2)} s`,
	);
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const option = (name: string) => {
		const at = args.indexOf(`--${name}`);
		return at >= 0 ? args[at + 1] : undefined;
	};
	const only = option('only');
	const every = Number(option('every') ?? 1);
	const lighting = option('lighting');
	const seen = new Map<string, number>();
	const cases = await generateDevSet(console.log, (devCase) => {
		if (only && devCase.kind !== only) return false;
		const count = seen.get(devCase.kind) ?? 0;
		seen.set(devCase.kind, count + 1);
		return count % every === 0;
	});
	console.log(
		`Drift development set: ${cases.length} clips of real photographs${lighting ? `, every spec lit "${lighting}"` : ''}`,
	);
	try {
		const results = await scoreCases(cases, { lighting });
		await fs.writeFile(
			path.join(DEV_SET_DIR, `results${lighting ? '-lighting' : ''}.json`),
			JSON.stringify(results, null, 1),
		);
		for (const result of results.filter(
			(entry) => (entry.kind === 'clean') !== (entry.route === 'pass'),
		))
			console.log(`  ${result.route.padEnd(10)} ${result.id}: ${result.report.reasons[0]}`);
		printFigures(figuresOf(results), results);
	} finally {
		await stopVisionModels();
	}
}

if (require.main === module) {
	main().catch((error) => {
		console.error(error);
		process.exitCode = 1;
	});
}
