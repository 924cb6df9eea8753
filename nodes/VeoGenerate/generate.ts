import { promises as fs } from 'fs';
import {
	sleep,
	type IBinaryData,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { recordGeneration, takeInFlight } from '../../core/generationRecord';
import {
	runGenerationBatch,
	type BatchReport,
	type GenerationJob,
} from '../../core/generationScheduler';
import { latestTake } from '../../core/shotItems';
import { transition } from '../../core/status';
import type { ShotItem } from '../../core/types';
import type { GoogleClient } from '../../edges/google/client';
import { assertFfprobeAvailable } from '../../edges/ffmpeg/ffmpeg';
import { fileToBinary } from '../shared/binary';
import { toNodeError } from '../shared/errors';
import { googleClientFor } from '../shared/google';
import { errorItem, readShotItem, shotItemOutput } from '../shared/items';
import { makeWorkFolder } from '../shared/workFolders';
import { planRequest } from './request';
import { videoService } from './service';
import { readVeoGenerateSettings, type VeoGenerateSettings } from './settings';
import { continuityFrame, continuityStart, readBatch } from './shotContext';

const NEEDS_CLIP = new Set(['pending', 'needs_regeneration']);

/**
 * Veo Generate over a whole batch: items whose status asks for a clip are generated together
 * within the quota; every other item passes through untouched, so a batch can loop through the
 * pipeline as one. Submitted operations are recorded on the take, so Check and Fetch (or Generate
 * and Wait) in a later execution, even after a restart, picks them up from the take alone.
 */
export async function generateBatch(context: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const settings = readVeoGenerateSettings(context);
	const { operation, maxAttempts } = settings;
	const inputs = context.getInputData();
	const outputs: INodeExecutionData[] = inputs.map((input, itemIndex) => ({
		...input,
		pairedItem: { item: itemIndex },
	}));
	const items: Array<ShotItem | undefined> = [];
	// A continuing shot looks for its predecessor anywhere in the batch, before or after it.
	const batch = settings.continuityFrames ? readBatch(context) : [];
	const jobs: GenerationJob[] = [];
	// Made on first need: a batch with nothing to generate passes through without a credential.
	let client: GoogleClient | undefined;

	for (let itemIndex = 0; itemIndex < inputs.length; itemIndex++) {
		try {
			const item = readShotItem(context, itemIndex);
			items[itemIndex] = item;
			outputs[itemIndex] = shotItemOutput(item, itemIndex, inputs[itemIndex].binary);
			const inFlight = takeInFlight(item);
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
			const start = inFlight
				? ({ kind: 'independent' } as const)
				: continuityStart(batch, item, settings.continuityFrames);
			if (start.kind === 'wait') {
				outputs[itemIndex] = shotItemOutput(
					{ ...item, statusReason: start.reason },
					itemIndex,
					inputs[itemIndex].binary,
				);
				continue;
			}
			client ??= await googleClientFor(context);
			const job = { key: itemIndex, attemptsUsed: item.takes.length, maxAttempts };
			// Only Generate and Wait submits again after a failure: the others just follow the take.
			if (inFlight && operation !== 'generateAndWait') jobs.push({ ...job, inFlight });
			else {
				const request = settings.request(itemIndex);
				const newAttempt = await planRequest(context, itemIndex, item, request, client.backend, {
					correctionMode: settings.correctionMode,
					continuityFrame:
						start.kind === 'fromPrevious'
							? { image: await continuityFrame(context, start), takeId: start.take.id }
							: undefined,
				});
				jobs.push({ ...job, inFlight, newAttempt });
			}
		} catch (error) {
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, itemIndex);
			outputs[itemIndex] = errorItem(context, error, itemIndex);
		}
	}
	if (!jobs.length || !client) return outputs;
	await assertFfprobeAvailable();

	const workDir = await makeWorkFolder('veo-generate');
	try {
		const report = await runGenerationBatch(jobs, videoService(client), {
			...settings.scheduler,
			sleep,
			workDir,
			downloadAttempts: 3,
		});
		// Google refused the setup (credential, permission, model) before anything ran: fail as it did.
		if (report.refusal && !report.results.some((result) => result.attempts.length)) {
			if (!context.continueOnFail()) throw report.refusal;
			for (const job of jobs) outputs[job.key] = errorItem(context, report.refusal, job.key);
			return outputs;
		}
		await recordResults(context, settings, report, items, outputs);
		addHints(context, report);
	} finally {
		await fs.rm(workDir, { recursive: true, force: true });
	}
	return outputs;
}

/** Writes every result into its item: takes, status, and the clips streamed into n8n's binary store. */
async function recordResults(
	context: IExecuteFunctions,
	settings: VeoGenerateSettings,
	report: BatchReport,
	items: Array<ShotItem | undefined>,
	outputs: INodeExecutionData[],
): Promise<void> {
	const inputs = context.getInputData();
	const { clipProperty } = settings;
	for (const result of report.results) {
		try {
			const recorded = recordGeneration(items[result.key]!, result, settings);
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
			message:
				`The budget stopped new submissions after $${report.spentUsd.toFixed(2)}; ` +
				'unstarted shots are still pending (see statusReason).',
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
