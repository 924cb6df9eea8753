import { promises as fs } from 'fs';
import {
	sleep,
	type IBinaryData,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';
import path from 'path';

import { referenceImageProperty, CONTACT_SHEET_PROPERTY } from '../../core/binaryNames';
import { InvalidInputError } from '../../core/failures';
import { findVideoModel } from '../../core/models';
import { recordDrift, takeToScore } from '../../core/scoring/recordDrift';
import { establishedLook } from '../../core/scoring/lookReference';
import { driftScorers, scoreDrift } from '../../core/scoring/scoreDrift';
import type { MediaFile, ScoringSubject } from '../../core/scoring/scorer';
import { newestClip, requireTakeClip } from '../../core/shotItems';
import type { ShotItem, Take } from '../../core/types';
import { ffmpegMediaReader } from '../../edges/ffmpeg/frameSampling';
import { ffmpegEvidenceMedia } from '../../edges/ffmpeg/stills';
import { geminiDriftJudge } from '../../edges/google/driftJudge';
import { offlineVision } from '../../edges/vision/humanModels';
import { requireBinary, writeBinaryToFile } from '../shared/binary';
import { toNodeError } from '../shared/errors';
import { googleClientFor } from '../shared/google';
import { errorItem, readShotItem, shotItemOutput } from '../shared/items';
import {
	readDriftScoreSettings,
	type DriftItemSettings,
	type DriftScoreSettings,
} from './settings';
import { makeWorkFolder } from '../shared/workFolders';
import { withEvidence } from './evidence';

/** Outputs in the three-output layout; the one-output layout sends everything to the first. */
const OUTPUT = { pass: 0, review: 1, regenerate: 2 } as const;

interface Job {
	itemIndex: number;
	item: ShotItem;
	settings: DriftItemSettings;
	/** Where the clip to score is on the item, and its binary. */
	property: string;
	binary: IBinaryData;
}

/** A binary property's type says whether it can be a clip at all; octet-stream is left to ffprobe. */
function requireVideo(binary: IBinaryData, property: string, take: Take): void {
	const mimeType = binary.mimeType ?? '';
	if (mimeType && !mimeType.startsWith('video/') && mimeType !== 'application/octet-stream') {
		throw new InvalidInputError(
			[
				{
					path: `binary.${property}`,
					message: `holds the clip of take ${take.id}, but it is ${mimeType}${binary.fileName ? ` (${binary.fileName})` : ''}, not a video`,
				},
			],
			'Keep the clips Veo Generate attached on the items, or point Clip Property at a video.',
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
	const settings = readDriftScoreSettings(context);
	const inputs = context.getInputData();
	const placed: Array<{ output: number; data: INodeExecutionData } | undefined> = new Array(
		inputs.length,
	);
	const fail = (itemIndex: number, error: unknown) => {
		if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, itemIndex);
		// A clip that could not be scored needs a person, never the Pass output.
		placed[itemIndex] = { output: OUTPUT.review, data: errorItem(context, error, itemIndex) };
	};

	// Each item is read once: a shot's continuity is scored against the item before it.
	const items: Array<ShotItem | undefined> = [];
	const jobs: Job[] = [];
	for (let itemIndex = 0; itemIndex < inputs.length; itemIndex++) {
		try {
			const item = readShotItem(context, itemIndex);
			items[itemIndex] = item;
			if (item.status !== 'generated') {
				placed[itemIndex] = {
					output: OUTPUT.pass,
					data: shotItemOutput(item, itemIndex, inputs[itemIndex].binary),
				};
				continue;
			}
			const itemSettings = settings.item(itemIndex);
			const binaries = inputs[itemIndex].binary ?? {};
			const take = takeToScore(item);
			const property = requireTakeClip(
				item,
				take,
				Object.keys(binaries),
				itemSettings.clipProperty,
			);
			const binary = binaries[property];
			requireVideo(binary, property, take);
			jobs.push({ itemIndex, item, settings: itemSettings, property, binary });
		} catch (error) {
			fail(itemIndex, error);
		}
	}

	if (jobs.length) {
		const workDir = await makeWorkFolder('drift-score');
		try {
			const scoreJob = await jobScorer(context, settings, items, workDir);
			const errors = new Map<number, unknown>();
			await forEachAtOnce(jobs, settings.concurrency, async (job) => {
				try {
					placed[job.itemIndex] = await scoreJob(job);
				} catch (error) {
					errors.set(job.itemIndex, error);
				}
			});
			// Failures are reported in item order, once every clip was tried.
			for (const { itemIndex } of jobs)
				if (errors.has(itemIndex)) fail(itemIndex, errors.get(itemIndex));
		} finally {
			await fs.rm(workDir, { recursive: true, force: true });
		}
	}

	const outputs: INodeExecutionData[][] = settings.oneOutput ? [[]] : [[], [], []];
	for (const entry of placed)
		if (entry) outputs[settings.oneOutput ? 0 : entry.output].push(entry.data);
	return outputs;
}

/** Scoring for this run of the node: the scorers, the decoder and the files shared by every job. */
async function jobScorer(
	context: IExecuteFunctions,
	settings: DriftScoreSettings,
	items: Array<ShotItem | undefined>,
	workDir: string,
): Promise<(job: Job) => Promise<{ output: number; data: INodeExecutionData }>> {
	const vision = offlineVision(
		settings.offlineChecks,
		'switched off (Offline Character and Prop Checks: Off)',
	);
	const scorers = driftScorers({
		technical: settings.technical,
		look: settings.look,
		judge:
			settings.judgeModel !== undefined
				? geminiDriftJudge(await googleClientFor(context), settings.judgeModel, sleep)
				: undefined,
		offline: vision,
	});
	const media = ffmpegMediaReader();
	const evidenceMedia = ffmpegEvidenceMedia();
	const previousOf = previousClips(context, items);
	// The shots of the input with a clip, for the look the pipeline has established.
	const batch = items.flatMap((item, itemIndex) =>
		item
			? [
					{
						item,
						itemIndex,
						hasClip: Boolean(
							clipOfItem(context, items, itemIndex, settings.item(itemIndex).clipProperty),
						),
					},
				]
			: [],
	);
	const clipOf = (itemIndex: number, clipProperty: string) =>
		clipOfItem(context, items, itemIndex, clipProperty);
	const files = new Map<string, Promise<string>>();
	/**
	 * Each binary is written to the work folder once, however many clips compare with it. `name`
	 * is what errors and reasons call it: its role and property, never its path on the server.
	 */
	const fileFor = async (
		itemIndex: number,
		property: string,
		binary: IBinaryData,
		name: string,
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
		return { path: await files.get(key)!, name, mimeType: binary.mimeType };
	};

	return async ({ itemIndex, item, settings: itemSettings, property, binary }) => {
		const take = takeToScore(item);
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
				...(await fileFor(
					itemIndex,
					referenceProperty,
					image,
					`the reference image of ${character.name} (binary "${referenceProperty}")`,
				)),
				characterId: character.id,
				characterName: character.name,
			});
		}
		const previous = item.shot.continuousWithPrevious
			? previousOf(item, itemSettings.clipProperty)
			: undefined;
		const look = establishedLook(item, batch);
		let lookFile: MediaFile | undefined;
		if (look?.kind === 'image') {
			const image = requireBinary(
				context,
				itemIndex,
				look.binaryProperty,
				'bible look reference image',
			);
			lookFile = await fileFor(
				itemIndex,
				look.binaryProperty,
				image,
				`${look.description} (binary "${look.binaryProperty}")`,
			);
		} else if (look) {
			const clip = clipOf(look.itemIndex, itemSettings.clipProperty);
			lookFile =
				clip &&
				(await fileFor(
					look.itemIndex,
					clip.property,
					clip.binary,
					`the clip of ${look.description}`,
				));
		}
		const subject: ScoringSubject = {
			bible: item.bible,
			shot: item.shot,
			clip: await fileFor(
				itemIndex,
				property,
				binary,
				`the clip of ${item.shot.id} take ${take.attempt} (binary "${property}")`,
			),
			expectAudio:
				settings.expectAudio ?? Boolean(findVideoModel(take.model || item.model)?.nativeAudio),
			previousClip:
				previous &&
				(await fileFor(
					previous.itemIndex,
					previous.property,
					previous.binary,
					`the clip of the previous shot (item ${previous.itemIndex}, binary "${previous.property}")`,
				)),
			previousSettled: previous?.approved,
			look:
				look && lookFile
					? { file: lookFile, kind: look.kind, description: look.description }
					: undefined,
			references,
		};
		const { report: scored, contactSheet } = await scoreDrift(subject, {
			scorers,
			media,
			thresholds: itemSettings.thresholds,
			contactSheet: settings.contactSheet,
		});
		const outputBinary = { ...(context.getInputData()[itemIndex].binary ?? {}) };
		// Review board pictures (issue 18): the poster frame and the pictures beside the findings,
		// stored on the item and named in the report (nodes/DriftScore/evidence.ts).
		const report = await withEvidence(context, subject, scored, take, outputBinary, {
			media: evidenceMedia,
			passThreshold: itemSettings.thresholds.pass,
			vision: 'models' in vision ? () => vision.models().catch(() => undefined) : undefined,
		});
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

/** An item's newest clip by the one clip rule, with the property it is under; undefined when none. */
function clipOfItem(
	context: IExecuteFunctions,
	items: Array<ShotItem | undefined>,
	itemIndex: number,
	clipProperty: string,
): { property: string; binary: IBinaryData } | undefined {
	const item = items[itemIndex];
	if (!item) return undefined;
	const binaries = context.getInputData()[itemIndex].binary ?? {};
	const clip = newestClip(item, Object.keys(binaries), clipProperty);
	return clip && { property: clip.binaryProperty, binary: binaries[clip.binaryProperty] };
}

/**
 * The newest clip of the shot before each shot: the item of the same pipeline with the previous
 * sequence number in the input, whatever its status, if it has a clip; and whether that shot is
 * approved (settled), so a break after an unsettled shot is not blamed on this one alone.
 */
function previousClips(
	context: IExecuteFunctions,
	items: Array<ShotItem | undefined>,
): (
	item: ShotItem,
	clipProperty: string,
) => { itemIndex: number; property: string; binary: IBinaryData; approved: boolean } | undefined {
	const bySequence = new Map<string, number>();
	// An item that is not a shot is nobody's previous shot; it failed on its own turn.
	items.forEach((candidate, itemIndex) => {
		if (candidate) bySequence.set(`${candidate.pipelineId}#${candidate.shot.sequence}`, itemIndex);
	});
	return (item, clipProperty) => {
		const itemIndex = bySequence.get(`${item.pipelineId}#${item.shot.sequence - 1}`);
		if (itemIndex === undefined) return undefined;
		const clip = clipOfItem(context, items, itemIndex, clipProperty);
		return clip && { itemIndex, ...clip, approved: items[itemIndex]!.status === 'approved' };
	};
}
