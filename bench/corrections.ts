import { promises as fs } from 'fs';
import type { INodeExecutionData } from 'n8n-workflow';
import { parseArgs } from 'util';

import { DEFAULT_VIDEO_MODEL } from '../core/models';
import { createShotItems, latestTake, parseShotItem } from '../core/shotItems';
import { transition } from '../core/status';
import type { ShotItem, Take } from '../core/types';
import { startStandIn } from '../google-api-standin/server';
import { scoreBatch } from '../nodes/DriftScore/score';
import { generateBatch } from '../nodes/VeoGenerate/generate';
import { locator, mockNodeContext } from '../test/helpers/mockNodeContext';
import { DRIFT_SCORE } from '../test/helpers/nodeParameters';
import { cafeSpec } from '../test/helpers/specs';

/**
 * Fixing flagged clips by editing them (Gemini Omni's edit turn on the take's own interaction)
 * versus generating them anew, on the Google API stand-in with drift injected: the batch loop of
 * the templates - Veo Generate, Drift Score, and an editor who sends back every clip QA flags
 * with its corrective prompt - until every shot passes or the round limit.
 *
 *   npx tsx bench/corrections.ts [--shots 12] [--drift 0.4] [--rounds 6] [--latency 0.5]
 *
 * Figures per mode: rounds until every shot is approved, takes, cost (what the takes record),
 * and the drift left on the takes that corrected a flagged one. The stand-in's edits change what
 * the note names and keep the rest (its fresh takes drift again at the injected rate), so this
 * measures what the pipeline does with each mode, not the quality of Google's model.
 */

const { values } = parseArgs({
	options: {
		shots: { type: 'string', default: '12' },
		drift: { type: 'string', default: '0.4' },
		rounds: { type: 'string', default: '6' },
		latency: { type: 'string', default: '0.5' },
		seed: { type: 'string', default: '3' },
	},
});
const SHOTS = Number(values.shots);
const DRIFT_RATE = Number(values.drift);
const MAX_ROUNDS = Number(values.rounds);
const LATENCY_MS = Number(values.latency) * 1000;
const API_KEY = 'bench-key';

type Mode = 'edit' | 'regenerate';

interface ModeFigures {
	rounds: number;
	approved: number;
	takes: number;
	costUsd: number;
	/** Drift of the takes that followed a flagged one, and how many of them passed. */
	correctionDrifts: number[];
	correctionsPassed: number;
	edits: number;
}

const json = (entry: INodeExecutionData) => entry.json as unknown as ShotItem;

async function runMode(mode: Mode): Promise<ModeFigures> {
	const standIn = await startStandIn({
		latencyMs: LATENCY_MS,
		apiKey: API_KEY,
		driftRate: DRIFT_RATE,
		driftKinds: ['lighting'],
		seed: Number(values.seed),
	});
	let binaryDir: string | undefined;
	try {
		let batch: INodeExecutionData[] = createShotItems(cafeSpec(SHOTS, 4), DEFAULT_VIDEO_MODEL).map(
			(item) => ({ json: item as never }),
		);
		let rounds = 0;
		for (; rounds < MAX_ROUNDS; rounds++) {
			if (batch.every((entry) => json(entry).status === 'approved')) break;
			const generate = mockNodeContext({
				items: batch,
				binaryDir,
				nodeType: 'n8n-nodes-veo-pipeline.veoGenerate',
				parameters: {
					operation: 'generateAndWait',
					authentication: 'geminiApi',
					model: locator(DEFAULT_VIDEO_MODEL),
					promptSource: 'compiled',
					extraNegativePrompt: '',
					clipProperty: 'clip',
					images: {},
					options: { pollMinSeconds: 0.1, maxAttempts: MAX_ROUNDS + 1, correctionMode: mode },
				},
				credentials: { veoPipelineGeminiApi: { apiKey: API_KEY, baseUrl: standIn.url } },
			});
			binaryDir = generate.binaryDir;
			batch = await generateBatch(generate.context);
			const score = mockNodeContext({
				items: batch,
				binaryDir,
				nodeType: 'n8n-nodes-veo-pipeline.driftScore',
				parameters: { ...DRIFT_SCORE, routing: 'oneOutput' },
			});
			// The node's execute body (tsx would resolve `DriftScore.node` to the codex JSON beside it).
			[batch] = await scoreBatch(score.context);
			batch = batch.map((entry) => ({ ...entry, json: editorDecides(json(entry)) as never }));
		}
		const items = batch.map((entry) => parseShotItem(entry.json));
		const takes = items.flatMap((item) => item.takes);
		const corrections = items.flatMap((item) => item.takes.slice(1));
		return {
			rounds,
			approved: items.filter((item) => item.status === 'approved').length,
			takes: takes.length,
			costUsd: takes.reduce((sum, take) => sum + take.costUsd, 0),
			correctionDrifts: corrections.map((take) => take.drift?.drift ?? NaN),
			correctionsPassed: corrections.filter((take) => take.drift?.route === 'pass').length,
			edits: takes.filter((take) => take.mode === 'edit').length,
		};
	} finally {
		await standIn.stop();
		if (binaryDir) await fs.rm(binaryDir, { recursive: true, force: true });
	}
}

/**
 * The editor of the templates' loop: a clip QA passed is approved; one it flagged goes back with
 * QA's corrective prompt as the note (a person with no note of their own sends back QA's words).
 */
function editorDecides(item: ShotItem): ShotItem {
	const take: Take | undefined = latestTake(item);
	if (item.status === 'needs_review' && take?.drift) {
		const sentBack = transition(item, 'needs_regeneration', 'rejected by the bench editor');
		const text = take.drift.correctivePrompt || take.drift.reasons.join(' ');
		return {
			...sentBack,
			correctiveNotes: [
				...sentBack.correctiveNotes,
				{ source: 'review', text, takeId: take.id, at: new Date().toISOString() },
			],
		};
	}
	return item;
}

const mean = (values: number[]) =>
	values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : NaN;

async function main(): Promise<void> {
	console.log(
		`Corrections by edit vs by fresh generation: ${SHOTS} shots, ` +
			`lighting drift injected at ${Math.round(DRIFT_RATE * 100)}%, ` +
			`up to ${MAX_ROUNDS} rounds, ${DEFAULT_VIDEO_MODEL} on the stand-in`,
	);
	const figures: Record<Mode, ModeFigures> = {
		edit: await runMode('edit'),
		regenerate: await runMode('regenerate'),
	};
	for (const mode of ['edit', 'regenerate'] as const) {
		const result = figures[mode];
		console.log(
			`${mode.padEnd(10)} rounds ${result.rounds}  approved ${result.approved}/${SHOTS}  takes ${result.takes} ` +
				`(${result.edits} edits)  cost $${result.costUsd.toFixed(2)}  ` +
				`corrections ${result.correctionDrifts.length}: ${result.correctionsPassed} passed, ` +
				`mean drift left ${mean(result.correctionDrifts).toFixed(3)}`,
		);
	}
	const { edit, regenerate } = figures;
	console.log(
		`edits used ${(edit.costUsd / regenerate.costUsd).toFixed(2)}x the cost ` +
			`and ${edit.rounds}/${regenerate.rounds} of the rounds of fresh generation`,
	);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
