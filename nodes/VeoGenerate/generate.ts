import { promises as fs } from 'fs';
import { sleep, type IBinaryData, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { tmpdir } from 'os';
import path from 'path';

import { recordGeneration } from '../../core/generationRecord';
import { runGenerationBatch, type GenerationJob, type SchedulerMode } from '../../core/generationScheduler';
import { latestTake } from '../../core/shotItems';
import { transition } from '../../core/status';
import type { ShotItem } from '../../core/types';
import { fileToBinary } from '../shared/binary';
import { googleClientFor } from '../shared/google';
import { errorItem, readShotItem, shotItemOutput } from '../shared/items';
import { toNodeError } from '../shared/errors';
import { planRequest } from './request';
import { veoService } from './service';

type Operation = 'generateAndWait' | 'submitOnly' | 'checkAndFetch';

const SCHEDULER_MODE: Record<Operation, SchedulerMode> = {
	generateAndWait: 'wait',
	submitOnly: 'submitOnly',
	checkAndFetch: 'checkOnce',
};

const NEEDS_CLIP = new Set(['pending', 'needs_regeneration']);

interface Planned {
	item: ShotItem;
	prompt: string;
	negativePrompt: string;
	model: string;
}

/**
 * Veo Generate over a whole batch: items whose status asks for a clip are generated together
 * within the quota; every other item passes through untouched, so a batch can loop through the
 * pipeline as one.
 */
export async function generateBatch(context: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const operation = context.getNodeParameter('operation', 0) as Operation;
	const inputs = context.getInputData();
	const outputs: INodeExecutionData[] = inputs.map((input, itemIndex) => ({ ...input, pairedItem: { item: itemIndex } }));
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const maxAttempts = Number(options.maxAttempts ?? 3);
	const jobs: GenerationJob[] = [];
	const planned = new Map<number, Planned>();
	const client = await googleClientFor(context);

	for (let itemIndex = 0; itemIndex < inputs.length; itemIndex++) {
		try {
			const item = readShotItem(context, itemIndex);
			const last = latestTake(item);
			const inFlight = last?.outcome === 'submitted' && last.operationName ? last : undefined;
			if (inFlight && operation !== 'submitOnly') {
				planned.set(itemIndex, { item, prompt: inFlight.prompt, negativePrompt: inFlight.negativePrompt, model: inFlight.model });
				jobs.push({
					key: itemIndex,
					request: { model: inFlight.model, prompt: inFlight.prompt, durationSeconds: item.shot.durationSeconds, aspectRatio: item.bible.style.aspectRatio, resolution: item.bible.style.resolution },
					costUsd: inFlight.costUsd,
					attemptsUsed: item.takes.length,
					maxAttempts,
					inFlight: { operationName: inFlight.operationName!, submittedAt: inFlight.timings.submittedAt, pollCount: inFlight.timings.pollCount ?? 0 },
				});
				continue;
			}
			if (inFlight || operation === 'checkAndFetch' || !NEEDS_CLIP.has(item.status)) continue;
			if (item.takes.length >= maxAttempts) {
				const reason = `reached the cap of ${maxAttempts} attempts${last?.reason ? `; last: ${last.reason}` : ''}`;
				outputs[itemIndex] = shotItemOutput(transition(item, 'failed', reason), itemIndex, inputs[itemIndex].binary);
				continue;
			}
			const { request, costUsd } = await planRequest(context, itemIndex, item, client.backend);
			planned.set(itemIndex, { item, prompt: request.prompt, negativePrompt: request.negativePrompt ?? '', model: request.model });
			jobs.push({ key: itemIndex, request, costUsd, attemptsUsed: item.takes.length, maxAttempts });
		} catch (error) {
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, itemIndex);
			outputs[itemIndex] = errorItem(context, error, itemIndex);
		}
	}
	if (!jobs.length) return outputs;

	const workDir = await fs.mkdtemp(path.join(tmpdir(), 'veo-generate-'));
	try {
		const report = await runGenerationBatch(jobs, veoService(client), {
			mode: SCHEDULER_MODE[operation],
			concurrency: Number(options.concurrency ?? 10),
			sleep,
			clipTimeoutMs: Number(options.clipTimeoutMinutes ?? 10) * 60_000,
			pollMinMs: Number(options.pollMinSeconds ?? 2) * 1000,
			pollMaxMs: Number(options.pollMaxSeconds ?? 20) * 1000,
			budgetUsd: Number(options.budgetUsd) > 0 ? Number(options.budgetUsd) : undefined,
			workDir,
			downloadAttempts: 3,
		});
		const clipProperty = (context.getNodeParameter('clipProperty', 0, 'clip') as string).trim() || 'clip';
		for (const result of report.results) {
			const { item, prompt, negativePrompt, model } = planned.get(result.key)!;
			const recorded = recordGeneration(item, result, {
				clipProperty,
				prompt,
				negativePrompt,
				model,
				keepFileUri: Boolean(options.keepFileUri),
				safetyFilteredStatus: options.safetyFiltered === 'failed' ? 'failed' : 'needs_review',
			});
			const binary: Record<string, IBinaryData> = { ...(inputs[result.key].binary ?? {}) };
			for (const clip of recorded.attach) {
				binary[clip.binaryProperty] = await fileToBinary(context, clip.path, clip.fileName, 'video/mp4');
			}
			const newest = recorded.attach[0];
			if (newest) binary[clipProperty] = binary[newest.binaryProperty];
			outputs[result.key] = shotItemOutput(recorded.item, result.key, Object.keys(binary).length ? binary : undefined);
		}
		if (report.budgetStopped) {
			context.addExecutionHints({
				message: `The budget stopped new submissions after $${report.spentUsd.toFixed(2)}; unstarted shots are still pending.`,
				type: 'warning',
				location: 'outputPane',
			});
		}
	} finally {
		await fs.rm(workDir, { recursive: true, force: true });
	}
	return outputs;
}
