import { promises as fs } from 'fs';
import {
	sleep,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { recordGeneration } from '../../core/generationRecord';
import {
	runGenerationBatch,
	type BatchReport,
	type GenerationJob,
	type SchedulerMode,
} from '../../core/generationScheduler';
import { latestTake } from '../../core/shotItems';
import { transition } from '../../core/status';
import type { ShotItem, Take } from '../../core/types';
import type { GoogleClient } from '../../edges/google/client';
import { assertFfprobeAvailable } from '../../edges/ffmpeg/ffmpeg';
import { fileToBinary } from '../shared/binary';
import { toNodeError } from '../shared/errors';
import { googleClientFor } from '../shared/google';
import { errorItem, readShotItem, shotItemOutput } from '../shared/items';
import { makeWorkFolder } from '../shared/workFolders';
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
	durationSeconds: number;
}

/** A take whose operation was submitted and not yet fetched. */
function inFlightTake(item: ShotItem): (Take & { operationName: string }) | undefined {
	const last = latestTake(item);
	return last?.outcome === 'submitted' && last.operationName
		? (last as Take & { operationName: string })
		: undefined;
}

/**
 * Veo Generate over a whole batch: items whose status asks for a clip are generated together
 * within the quota; every other item passes through untouched, so a batch can loop through the
 * pipeline as one. Submitted operations are recorded on the take, so Check and Fetch (or Generate
 * and Wait) in a later execution, even after a restart, picks them up.
 */
export async function generateBatch(context: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const operation = context.getNodeParameter('operation', 0) as Operation;
	const inputs = context.getInputData();
	const outputs: INodeExecutionData[] = inputs.map((input, itemIndex) => ({
		...input,
		pairedItem: { item: itemIndex },
	}));
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const maxAttempts = Number(options.maxAttempts ?? 3);
	const jobs: GenerationJob[] = [];
	const planned = new Map<number, Planned>();
	// Made on first need: a batch with nothing to generate passes through without a credential.
	let client: GoogleClient | undefined;

	for (let itemIndex = 0; itemIndex < inputs.length; itemIndex++) {
		try {
			const item = readShotItem(context, itemIndex);
			const inFlight = inFlightTake(item);
			if (!inFlight && (operation === 'checkAndFetch' || !NEEDS_CLIP.has(item.status))) continue;
			if (!inFlight && item.takes.length >= maxAttempts) {
				const last = latestTake(item);
				const reason = `reached the cap of ${maxAttempts} attempts${last?.reason ? `; last: ${last.reason}` : ''}`;
				outputs[itemIndex] = shotItemOutput(
					transition(item, 'failed', reason),
					itemIndex,
					inputs[itemIndex].binary,
				);
				continue;
			}
			client ??= await googleClientFor(context);
			// Only Generate and Wait submits again after a failure, so only it needs the full request.
			const plan =
				inFlight && operation !== 'generateAndWait'
					? plannedFromTake(item, inFlight)
					: await planRequest(context, itemIndex, item, client.backend);
			const { request } = plan;
			planned.set(itemIndex, {
				item,
				prompt: request.prompt,
				negativePrompt: request.negativePrompt ?? '',
				model: request.model,
				durationSeconds: request.durationSeconds,
			});
			jobs.push({
				key: itemIndex,
				request,
				costUsd: plan.costUsd,
				attemptsUsed: item.takes.length,
				maxAttempts,
				inFlight: inFlight && {
					operationName: inFlight.operationName,
					submittedAt: inFlight.timings.submittedAt,
					pollCount: inFlight.timings.pollCount ?? 0,
					attempt: inFlight.attempt,
					durationSeconds: inFlight.requestedDurationSeconds ?? item.shot.durationSeconds,
					costUsd: inFlight.costUsd,
				},
			});
		} catch (error) {
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, itemIndex);
			outputs[itemIndex] = errorItem(context, error, itemIndex);
		}
	}
	if (!jobs.length || !client) return outputs;
	try {
		await assertFfprobeAvailable();
	} catch (error) {
		throw toNodeError(context.getNode(), error);
	}

	const workDir = await makeWorkFolder('veo-generate');
	try {
		const report = await runGenerationBatch(jobs, veoService(client), {
			mode: SCHEDULER_MODE[operation],
			concurrency: Number(options.concurrency ?? 10),
			sleep,
			clipTimeoutMs: Number(options.clipTimeoutMinutes ?? 10) * 60_000,
			pollMinMs: Number(options.pollMinSeconds ?? 1) * 1000,
			pollMaxMs: Number(options.pollMaxSeconds ?? 20) * 1000,
			budgetUsd: Number(options.budgetUsd) > 0 ? Number(options.budgetUsd) : undefined,
			workDir,
			downloadAttempts: 3,
		});
		// Google refused the setup (credential, permission, model) before anything ran: fail as it did.
		if (report.refusal && !report.results.some((result) => result.attempts.length)) {
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), report.refusal);
			for (const job of jobs) outputs[job.key] = errorItem(context, report.refusal, job.key);
			return outputs;
		}
		await recordResults(context, report, planned, outputs, options);
		addHints(context, report);
	} finally {
		await fs.rm(workDir, { recursive: true, force: true });
	}
	return outputs;
}

/** The request a submitted take made, rebuilt from what the take recorded (for checking its clip). */
function plannedFromTake(item: ShotItem, take: Take) {
	return {
		request: {
			model: take.model,
			prompt: take.prompt,
			negativePrompt: take.negativePrompt,
			durationSeconds: take.requestedDurationSeconds ?? item.shot.durationSeconds,
			aspectRatio: item.bible.style.aspectRatio,
			resolution: item.bible.style.resolution,
		},
		costUsd: take.costUsd,
	};
}

/** Writes every result into its item: takes, status, and the clips streamed into n8n's binary store. */
async function recordResults(
	context: IExecuteFunctions,
	report: BatchReport,
	planned: Map<number, Planned>,
	outputs: INodeExecutionData[],
	options: IDataObject,
): Promise<void> {
	const inputs = context.getInputData();
	const clipProperty =
		(context.getNodeParameter('clipProperty', 0, 'clip') as string).trim() || 'clip';
	for (const result of report.results) {
		try {
			const { item, ...request } = planned.get(result.key)!;
			const recorded = recordGeneration(item, result, {
				...request,
				clipProperty,
				keepFileUri: Boolean(options.keepFileUri),
				safetyFilteredStatus: options.safetyFiltered === 'failed' ? 'failed' : 'needs_review',
			});
			const binary: Record<string, IBinaryData> = { ...(inputs[result.key].binary ?? {}) };
			for (const clip of recorded.attach) {
				binary[clip.binaryProperty] = await fileToBinary(
					context,
					clip.path,
					clip.fileName,
					'video/mp4',
				);
			}
			if (recorded.newestClip) binary[clipProperty] = binary[recorded.newestClip];
			outputs[result.key] = shotItemOutput(
				recorded.item,
				result.key,
				Object.keys(binary).length ? binary : undefined,
			);
		} catch (error) {
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, result.key);
			outputs[result.key] = errorItem(context, error, result.key);
		}
	}
}

function addHints(context: IExecuteFunctions, report: BatchReport): void {
	if (report.budgetStopped) {
		context.addExecutionHints({
			message: `The budget stopped new submissions after $${report.spentUsd.toFixed(2)}; unstarted shots are still pending (see statusReason).`,
			type: 'warning',
			location: 'outputPane',
		});
	}
	if (report.refusal) {
		context.addExecutionHints({
			message:
				`Google refused a submission, so no more were made: ${report.refusal.message}. ${report.refusal.hint ?? ''}`.trim(),
			type: 'warning',
			location: 'outputPane',
		});
	}
}
