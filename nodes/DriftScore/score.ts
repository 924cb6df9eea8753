import { promises as fs } from 'fs';
import {
	sleep,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';
import { availableParallelism, tmpdir } from 'os';
import path from 'path';

import { referenceImageProperty, CONTACT_SHEET_PROPERTY } from '../../core/binaryNames';
import { InvalidInputError } from '../../core/failures';
import { findVeoModel } from '../../core/models';
import { recordDrift, takeToScore } from '../../core/scoring/recordDrift';
import {
	DEFAULT_THRESHOLDS,
	parseDimensionThresholds,
	type Thresholds,
} from '../../core/scoring/report';
import { driftScorers, scoreDrift } from '../../core/scoring/scoreDrift';
import type { MediaFile, ScoringSubject } from '../../core/scoring/scorer';
import { establishedLook } from '../../core/scoring/lookReference';
import { parseShotItem } from '../../core/shotItems';
import type { ShotItem } from '../../core/types';
import { ffmpegMediaReader } from '../../edges/ffmpeg/frameSampling';
import { geminiDriftJudge } from '../../edges/google/driftJudge';
import { offlineVision, type OfflineChecks } from '../../edges/vision/humanModels';
import { requireBinary, writeBinaryToFile } from '../shared/binary';
import { toNodeError } from '../shared/errors';
import { googleClientFor } from '../shared/google';
import { errorItem, readShotItem, shotItemOutput } from '../shared/items';

/** Outputs in the three-output layout; the one-output layout sends everything to the first. */
const OUTPUT = { pass: 0, review: 1, regenerate: 2 } as const;

interface Job {
	itemIndex: number;
	item: ShotItem;
	binary: IBinaryData;
}

/** A binary property's type says whether it can be a clip at all; octet-stream is left to ffprobe. */
function requireVideo(binary: IBinaryData, property: string): void {
	const mimeType = binary.mimeType ?? '';
	if (mimeType && !mimeType.startsWith('video/') && mimeType !== 'application/octet-stream') {
		throw new InvalidInputError(
			[
				{
					path: 'clipProperty',
					message: `names binary "${property}", which is ${mimeType}${binary.fileName ? ` (${binary.fileName})` : ''}, not a video`,
				},
			],
			'Point Clip Property at the clip Veo Generate attached (by default "clip").',
		);
	}
}

/** Runs `work` for every entry, at most `limit` at once. */
async function forEachAtOnce<T>(
	entries: T[],
	limit: number,
	work: (entry: T) => Promise<void>,
): Promise<void> {
	let next = 0;
	const lane = async () => {
		while (next < entries.length) await work(entries[next++]);
	};
	await Promise.all(Array.from({ length: Math.min(limit, entries.length) }, lane));
}

/**
 * Drift Score over a batch: every freshly generated clip is scored (several at once, up to the
 * core count), each shot that continues the previous one against that shot's newest clip from the
 * same batch. Items in any other status pass through untouched.
 */
export async function scoreBatch(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const inputs = context.getInputData();
	const placed: Array<{ output: number; data: INodeExecutionData } | undefined> = new Array(
		inputs.length,
	);
	const fail = (itemIndex: number, error: unknown) => {
		if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, itemIndex);
		// A clip that could not be scored needs a person, never the Pass output.
		placed[itemIndex] = { output: OUTPUT.review, data: errorItem(context, error, itemIndex) };
	};

	const jobs: Job[] = [];
	for (let itemIndex = 0; itemIndex < inputs.length; itemIndex++) {
		try {
			const item = readShotItem(context, itemIndex);
			if (item.status !== 'generated') {
				placed[itemIndex] = {
					output: OUTPUT.pass,
					data: { ...inputs[itemIndex], pairedItem: { item: itemIndex } },
				};
				continue;
			}
			takeToScore(item);
			const property = context.getNodeParameter('clipProperty', itemIndex, 'clip') as string;
			const binary = requireBinary(context, itemIndex, property, 'clipProperty');
			requireVideo(binary, property);
			jobs.push({ itemIndex, item, binary });
		} catch (error) {
			fail(itemIndex, error);
		}
	}

	if (jobs.length) {
		const workDir = await fs.mkdtemp(path.join(tmpdir(), 'drift-score-'));
		try {
			const scoreJob = await jobScorer(context, workDir);
			const options = context.getNodeParameter('options', 0, {}) as IDataObject;
			const errors = new Map<number, unknown>();
			await forEachAtOnce(
				jobs,
				Math.max(1, Number(options.concurrency) || availableParallelism()),
				async (job) => {
					try {
						placed[job.itemIndex] = await scoreJob(job);
					} catch (error) {
						errors.set(job.itemIndex, error);
					}
				},
			);
			// Failures are reported in item order, once every clip was tried.
			for (const { itemIndex } of jobs)
				if (errors.has(itemIndex)) fail(itemIndex, errors.get(itemIndex));
		} finally {
			await fs.rm(workDir, { recursive: true, force: true });
		}
	}

	const single = context.getNodeParameter('routing', 0, 'threeOutputs') === 'oneOutput';
	const outputs: INodeExecutionData[][] = single ? [[]] : [[], [], []];
	for (const entry of placed) if (entry) outputs[single ? 0 : entry.output].push(entry.data);
	return outputs;
}

/** The routing thresholds an item is scored with: the node's, and its per-dimension ones. */
export function scoringThresholds(context: IExecuteFunctions, itemIndex: number): Thresholds {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const thresholds: Thresholds = {
		pass: context.getNodeParameter('passThreshold', itemIndex, DEFAULT_THRESHOLDS.pass) as number,
		fail: context.getNodeParameter('failThreshold', itemIndex, DEFAULT_THRESHOLDS.fail) as number,
		minConfidence: context.getNodeParameter(
			'minConfidence',
			itemIndex,
			DEFAULT_THRESHOLDS.minConfidence,
		) as number,
		dimensions: parseDimensionThresholds(
			options.dimensionThresholds ?? '{}',
			'options.dimensionThresholds',
		),
		reviewUnverified: options.reviewUnverified === true,
	};
	if (thresholds.pass > thresholds.fail) {
		throw new InvalidInputError([
			{
				path: 'passThreshold',
				message: `(${thresholds.pass}) is above the fail threshold (${thresholds.fail})`,
			},
		]);
	}
	return thresholds;
}

/** Scoring for this run of the node: the scorers, the decoder and the files shared by every job. */
async function jobScorer(
	context: IExecuteFunctions,
	workDir: string,
): Promise<(job: Job) => Promise<{ output: number; data: INodeExecutionData }>> {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const judge = context.getNodeParameter('judge', 0, false) as boolean;
	const scorers = driftScorers({
		technical: context.getNodeParameter('technical', 0, true) as boolean,
		look: context.getNodeParameter('look', 0, true) as boolean,
		judge: judge
			? geminiDriftJudge(
					await googleClientFor(context),
					context.getNodeParameter('judgeModel', 0, '', { extractValue: true }) as string,
					sleep,
				)
			: undefined,
		offline: offlineVision(
			context.getNodeParameter('offlineChecks', 0, 'on') as OfflineChecks,
			'switched off (Offline Character and Prop Checks: Off)',
		),
	});
	const media = ffmpegMediaReader();
	const batch = shotItemsOf(context);
	const previousOf = previousClips(context, batch);
	const clipOf = (itemIndex: number, property: string) =>
		clipBinaryOf(context, batch.find((entry) => entry.itemIndex === itemIndex)!, property);
	const files = new Map<string, Promise<string>>();
	/** Each binary is written to the work folder once, however many clips compare with it. */
	const fileFor = async (
		itemIndex: number,
		property: string,
		binary: IBinaryData,
	): Promise<MediaFile> => {
		// Items that share a stored binary (a reference image on every shot) share its file, and the scorers' work on it.
		const key = binary.id ?? `${itemIndex}/${property}`;
		if (!files.has(key)) {
			const filePath = path.join(
				workDir,
				`${files.size}-${property.replace(/[^a-z0-9_-]/gi, '_')}`,
			);
			files.set(
				key,
				writeBinaryToFile(context, binary, filePath).then(() => filePath),
			);
		}
		return {
			path: await files.get(key)!,
			name: `item ${itemIndex} binary "${property}"`,
			mimeType: binary.mimeType,
		};
	};

	return async ({ itemIndex, item, binary }) => {
		const property = context.getNodeParameter('clipProperty', itemIndex, 'clip') as string;
		const take = takeToScore(item);
		const thresholds = scoringThresholds(context, itemIndex);
		const references: ScoringSubject['references'] = [];
		for (const character of item.bible.characters.filter(
			(candidate) => item.shot.characters.includes(candidate.id) && candidate.referenceImage,
		)) {
			const referenceProperty =
				character.referenceImage!.binaryProperty || referenceImageProperty(character.id);
			const image = requireBinary(
				context,
				itemIndex,
				referenceProperty,
				`bible.characters[${character.id}].referenceImage`,
			);
			references.push({
				...(await fileFor(itemIndex, referenceProperty, image)),
				characterId: character.id,
				characterName: character.name,
			});
		}
		const previous = item.shot.continuousWithPrevious ? previousOf(item, property) : undefined;
		const look = establishedLook(item, batch);
		let lookFile: MediaFile | undefined;
		if (look?.kind === 'image') {
			const image = requireBinary(
				context,
				itemIndex,
				look.binaryProperty,
				'bible look reference image',
			);
			lookFile = await fileFor(itemIndex, look.binaryProperty, image);
		} else if (look) {
			const clip = clipOf(look.itemIndex, property);
			lookFile = clip && (await fileFor(look.itemIndex, property, clip));
		}
		const { report, contactSheet } = await scoreDrift(
			{
				bible: item.bible,
				shot: item.shot,
				clip: await fileFor(itemIndex, property, binary),
				expectAudio:
					{ always: true, never: false }[options.expectAudio as string] ??
					Boolean(findVeoModel(take.model || item.model)?.nativeAudio),
				previousClip: previous && (await fileFor(previous.itemIndex, property, previous.binary)),
				previousSettled: previous?.approved,
				references,
				look:
					look && lookFile
						? { file: lookFile, kind: look.kind, description: look.description }
						: undefined,
			},
			{ scorers, media, thresholds, contactSheet: options.contactSheet !== false },
		);
		const outputBinary = { ...(context.getInputData()[itemIndex].binary ?? {}) };
		if (contactSheet) {
			outputBinary[CONTACT_SHEET_PROPERTY] = await context.helpers.prepareBinaryData(
				contactSheet,
				`${take.id}-contact-sheet.png`,
				'image/png',
			);
		}
		return {
			output: OUTPUT[report.route],
			data: shotItemOutput(recordDrift(item, report), itemIndex, outputBinary),
		};
	};
}

interface BatchEntry {
	item: ShotItem;
	itemIndex: number;
	hasClip: boolean;
}

/** Every shot item of the input (an item that is not a shot fails on its own turn). */
function shotItemsOf(context: IExecuteFunctions): BatchEntry[] {
	return context.getInputData().flatMap((input, itemIndex) => {
		try {
			const item = parseShotItem(input.json);
			return [
				{ item, itemIndex, hasClip: Boolean(input.binary && Object.keys(input.binary).length) },
			];
		} catch {
			return [];
		}
	});
}

/** An item's clip: in the clip property, or where its newest take says it is. */
function clipBinaryOf(
	context: IExecuteFunctions,
	entry: BatchEntry,
	property: string,
): IBinaryData | undefined {
	const input = context.getInputData()[entry.itemIndex];
	const { takes } = entry.item;
	return (
		input.binary?.[property] ?? input.binary?.[takes[takes.length - 1]?.clip?.binaryProperty ?? '']
	);
}

/**
 * The newest clip of the shot before each shot: the item of the same pipeline with the previous
 * sequence number in the input, whatever its status, if it has a clip.
 */
function previousClips(
	context: IExecuteFunctions,
	batch: BatchEntry[],
): (
	item: ShotItem,
	property: string,
) => { itemIndex: number; binary: IBinaryData; approved: boolean } | undefined {
	const bySequence = new Map(
		batch.map((entry) => [`${entry.item.pipelineId}#${entry.item.shot.sequence}`, entry]),
	);
	return (item, property) => {
		const entry = bySequence.get(`${item.pipelineId}#${item.shot.sequence - 1}`);
		const binary = entry && clipBinaryOf(context, entry, property);
		return entry && binary
			? { itemIndex: entry.itemIndex, binary, approved: entry.item.status === 'approved' }
			: undefined;
	};
}
