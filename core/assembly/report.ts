import type { DriftReport, ReviewDecision, Take, TakeOutcome } from '../types';
import { decisionsOfReport } from '../decisions';
import { calibrate, type Calibration } from '../scoring/calibrate';
import { DEFAULT_THRESHOLDS } from '../scoring/report';
import { decisionsFileName, decisionsOfCut } from './decisionsExport';
import type { CutPlan } from './plan';
import { secondsOf, timecode, type Timeline } from './timeline';
import type {
	AssemblyInput,
	AssemblyOptions,
	CutSlot,
	PipelineCut,
	RenditionRequest,
} from './types';
import { slotShotId } from './types';

/**
 * The production report: how every shot got into the cut (each take tried, its prompt, model,
 * cost, drift report and review), what the run cost, and the pipeline's own reliability measured
 * from what happened: the pass rate of each step and the end-to-end rate they multiply to.
 */

export interface RateFigure {
	passed: number;
	of: number;
	/** `passed / of`, or null when nothing reached this step. */
	rate: number | null;
}

export interface ReportTake {
	id: string;
	attempt: number;
	outcome: TakeOutcome;
	reason?: string;
	safetyReasons?: string[];
	prompt: string;
	negativePrompt: string;
	model: string;
	/** Veo's operation, or Gemini Omni's interaction id. */
	operationName?: string;
	/** A fresh generation, or an edit of an earlier take (`editOf`); why a wanted edit was not one. */
	mode?: 'generate' | 'edit';
	editOf?: string;
	editFallback?: string;
	/** The previous shot's take whose last frame this take started from. */
	firstFrameFrom?: string;
	costUsd: number;
	/** Output tokens Google billed (Gemini Omni). */
	outputTokens?: number;
	generationSeconds?: number;
	submittedAt: string;
	drift: DriftReport | null;
	review: ReviewDecision | null;
	approved: boolean;
	usedInCut: boolean;
}

export interface ReportShot {
	shotId: string;
	sequence: number | null;
	description: string | null;
	dialogue: string | null;
	plannedSeconds: number | null;
	status: string;
	inCut:
		| {
				kind: 'take';
				takeId: string;
				itemIndex: number;
				chosenBy: string;
				binaryProperty: string;
				recordIn: string;
				recordOut: string;
				seconds: number;
		  }
		| { kind: 'slate'; reason: string; recordIn: string; recordOut: string; seconds: number };
	alsoApproved: Array<{ itemIndex: number; takeId: string }>;
	takes: ReportTake[];
}

export interface ProductionReport {
	schema: 'veo-pipeline/production-report@1';
	pipelineId: string;
	title: string;
	logline: string;
	model: string;
	generatedAt: string;
	cut: {
		durationSeconds: number;
		frames: number;
		frameRate: number;
		width: number;
		height: number;
		video: 'copy' | 'encode';
		audio: 'copy' | 'encode';
		reencodeReasons: string[];
		transition: { kind: string; seconds: number };
		grade: boolean;
		captions: string | null;
		audioTrack: string | null;
		loudness: { targetLufs: number; measuredLufs: number | null } | null;
		renditions: Array<RenditionRequest & { width: number; height: number }>;
	};
	shots: ReportShot[];
	totals: {
		shots: number;
		shotsWithApprovedTake: number;
		slates: number;
		takesTried: number;
		clipsGenerated: number;
		clipsApprovedOnFirstTry: number;
		regenerations: number;
		humanReviews: number;
		humanReviewShareOfClips: number | null;
		annotations: number;
		costUsd: number;
		approvedSeconds: number;
		costPerApprovedSecondUsd: number | null;
	};
	passRates: {
		generation: RateFigure;
		automaticQa: RateFigure;
		approval: RateFigure;
		/** Of the clips people decided on, the share they approved (part of the approval step). */
		humanApproval: RateFigure;
		/** The product of the measured steps: the chance that one attempt becomes an approved clip. */
		endToEnd: number | null;
		/** Approved clips per finished attempt, counted directly, to check the product against. */
		observedEndToEnd: RateFigure;
		explanation: string;
	};
	/**
	 * How automatic QA agreed with the people who decided, per dimension, and the thresholds that
	 * would have let at most 2% of the rejected clips pass with the least review: paste
	 * `thresholds` into Drift Score's "Thresholds per Dimension" (or calibrate several runs at once
	 * with its Calibrate operation). Null when nobody decided on a scored clip.
	 */
	qaAgreement: Calibration | null;
	/**
	 * The decisions export written beside this report: people's decisions on scored clips, one
	 * JSON object per line, for Drift Score's calibration (core/assembly/decisionsExport.ts).
	 */
	decisions: { fileName: string; records: number };
	notes: string[];
}

export interface ReportContext {
	cut: PipelineCut;
	plan: CutPlan;
	options: AssemblyOptions;
	measuredLufs?: number;
	/** What happened while rendering that the reader should know (e.g. silence left un-normalised). */
	renderNotes: string[];
	generatedAt: Date;
}

const figure = (passed: number, of: number): RateFigure => ({
	passed,
	of,
	rate: of ? round(passed / of, 4) : null,
});
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const takeKey = (take: Take) => `${take.id}|${take.operationName ?? take.timings.submittedAt}`;

/** Every distinct take of a shot across its items: duplicates of an item share their earlier takes. */
function distinctTakes(items: AssemblyInput[]): Take[] {
	const takes = new Map<string, Take>();
	for (const input of items) {
		for (const take of input.item.takes) takes.set(takeKey(take), take);
	}
	return [...takes.values()].sort((a, b) => a.attempt - b.attempt);
}

/** The items of each shot, looked up once rather than searched per shot (a film has hundreds). */
function itemsByShot(cut: PipelineCut): (shotId: string) => AssemblyInput[] {
	const byShot = new Map<string, AssemblyInput[]>();
	for (const input of cut.inputs)
		byShot.set(input.item.shot.id, [...(byShot.get(input.item.shot.id) ?? []), input]);
	return (shotId) => byShot.get(shotId) ?? [];
}

/** Takes that ended approved: the newest take of each approved item, and any take a reviewer approved. */
function approvedTakeKeys(cut: PipelineCut): Set<string> {
	const keys = new Set<string>();
	for (const input of cut.inputs) {
		const last = input.item.takes[input.item.takes.length - 1];
		if (input.item.status === 'approved' && last) keys.add(takeKey(last));
		for (const take of input.item.takes)
			if (take.review?.decision === 'approved') keys.add(takeKey(take));
	}
	return keys;
}

function shotStatus(items: AssemblyInput[]): string {
	if (items.some((input) => input.item.status === 'approved')) return 'approved';
	return items[items.length - 1]?.item.status ?? 'absent';
}

function reportShot(
	items: AssemblyInput[],
	slot: CutSlot,
	index: number,
	timeline: Timeline,
	approved: Set<string>,
): ReportShot {
	const shotId = slotShotId(slot);
	const shot = slot.shot;
	const placed = timeline.shots[index];
	const recordIn = timecode(placed.startFrame, timeline.frameRate);
	const recordOut = timecode(placed.endFrame, timeline.frameRate);
	const seconds = round(secondsOf(placed.frames, timeline.frameRate), 3);
	const usedKey = slot.kind === 'clip' ? takeKey(slot.take) : undefined;
	return {
		shotId,
		sequence: shot?.sequence ?? null,
		description: shot?.description ?? null,
		dialogue: shot?.dialogue ?? null,
		plannedSeconds: shot?.durationSeconds ?? null,
		status: shotStatus(items),
		inCut:
			slot.kind === 'clip'
				? {
						kind: 'take',
						takeId: slot.take.id,
						itemIndex: slot.itemIndex,
						chosenBy: slot.chosenBy,
						binaryProperty: slot.binaryProperty,
						recordIn,
						recordOut,
						seconds,
					}
				: { kind: 'slate', reason: slot.reason, recordIn, recordOut, seconds },
		alsoApproved: slot.kind === 'clip' ? slot.passedOver : [],
		takes: distinctTakes(items).map((take) => ({
			id: take.id,
			attempt: take.attempt,
			outcome: take.outcome,
			reason: take.reason,
			safetyReasons: take.safetyReasons,
			prompt: take.prompt,
			negativePrompt: take.negativePrompt,
			model: take.model,
			operationName: take.operationName,
			mode: take.mode,
			editOf: take.editOf,
			editFallback: take.editFallback,
			firstFrameFrom: take.firstFrameFrom,
			costUsd: take.costUsd,
			outputTokens: take.outputTokens,
			generationSeconds: take.timings.generationSeconds,
			submittedAt: take.timings.submittedAt,
			drift: take.drift ?? null,
			review: take.review ?? null,
			approved: approved.has(takeKey(take)),
			usedInCut: takeKey(take) === usedKey,
		})),
	};
}

function passRates(takes: Take[], approved: Set<string>): ProductionReport['passRates'] {
	const finished = takes.filter((take) => take.outcome !== 'submitted');
	const generated = takes.filter((take) => take.outcome === 'generated');
	const scored = generated.filter((take) => take.drift);
	const qaPassed = scored.filter((take) => take.drift!.route !== 'regenerate');
	// The approval step sees the clips QA let through (all generated clips where nothing scored them).
	const reachedApproval = generated.filter(
		(take) => !take.drift || take.drift.route !== 'regenerate',
	);
	const approvedTakes = reachedApproval.filter((take) => approved.has(takeKey(take)));
	const rejected = reachedApproval.filter(
		(take) => !approved.has(takeKey(take)) && take.review?.decision === 'rejected',
	);
	const decidedByPeople = takes.filter(
		(take) => take.review && take.review.decision !== 'undecided',
	);
	const steps = {
		generation: figure(generated.length, finished.length),
		automaticQa: figure(qaPassed.length, scored.length),
		approval: figure(approvedTakes.length, approvedTakes.length + rejected.length),
	};
	const measured = Object.values(steps).filter((step) => step.rate !== null);
	return {
		...steps,
		humanApproval: figure(
			decidedByPeople.filter((take) => take.review!.decision === 'approved').length,
			decidedByPeople.length,
		),
		endToEnd: measured.length
			? round(
					measured.reduce((product, step) => product * step.rate!, 1),
					4,
				)
			: null,
		observedEndToEnd: figure(
			takes.filter((take) => approved.has(takeKey(take))).length,
			finished.length,
		),
		explanation:
			'generation: attempts that delivered a playable clip, of attempts finished. ' +
			'automaticQa: scored clips the drift score did not send back for regeneration. ' +
			'approval: of the clips that reached approval (passed QA, or unscored), ' +
			'those approved - automatically or by a person - against those a person rejected; ' +
			'clips still waiting are not counted. endToEnd multiplies the steps that were measured; ' +
			'observedEndToEnd counts approved clips per finished attempt directly.',
	};
}

function qaAgreement(pipelineId: string, shots: ReportShot[]): Calibration | null {
	const decisions = decisionsOfReport({ pipelineId, shots }).filter(
		(record) => record.decision !== 'undecided',
	);
	return decisions.length ? calibrate(decisions, DEFAULT_THRESHOLDS) : null;
}

export function buildProductionReport(context: ReportContext): ProductionReport {
	const { cut, plan, options } = context;
	const { timeline, decision } = plan;
	const approved = approvedTakeKeys(cut);
	const ofShot = itemsByShot(cut);
	const shots = cut.slots.map((slot, index) =>
		reportShot(ofShot(slotShotId(slot)), slot, index, timeline, approved),
	);
	const takes = [...new Set(cut.slots.map(slotShotId))].flatMap((shotId) =>
		distinctTakes(ofShot(shotId)),
	);
	const clipSlots = cut.slots
		.map((slot, index) => ({ slot, placed: timeline.shots[index] }))
		.filter((entry) => entry.slot.kind === 'clip');
	const approvedSeconds = round(
		clipSlots.reduce((sum, entry) => sum + secondsOf(entry.placed.frames, timeline.frameRate), 0),
		3,
	);
	const costUsd = round(
		takes.reduce((sum, take) => sum + (take.costUsd || 0), 0),
		4,
	);
	const reviews = takes.filter((take) => take.review && take.review.decision !== 'undecided');
	const generated = takes.filter((take) => take.outcome === 'generated').length;
	return {
		schema: 'veo-pipeline/production-report@1',
		pipelineId: cut.pipelineId,
		title: cut.bible.title,
		logline: cut.bible.logline,
		model: cut.model,
		generatedAt: context.generatedAt.toISOString(),
		cut: {
			durationSeconds: round(secondsOf(timeline.totalFrames, timeline.frameRate), 3),
			frames: timeline.totalFrames,
			frameRate: timeline.frameRate,
			width: decision.format.width,
			height: decision.format.height,
			video: decision.video,
			audio: decision.audio,
			reencodeReasons: decision.reasons,
			transition: {
				kind: timeline.transition,
				seconds: options.transition.kind === 'cut' ? 0 : options.transition.durationSeconds,
			},
			grade: Boolean(options.lutProperty),
			captions: plan.cues && options.captions ? options.captions.source : null,
			audioTrack: options.audioTrack?.role ?? null,
			loudness: options.loudness
				? {
						targetLufs: options.loudness.integratedLufs,
						measuredLufs: context.measuredLufs ?? null,
					}
				: null,
			renditions: plan.renditions.map(({ aspectRatio, fit, shortSide, width, height }) => ({
				aspectRatio,
				fit,
				shortSide,
				width,
				height,
			})),
		},
		shots,
		totals: {
			shots: cut.slots.length,
			shotsWithApprovedTake: clipSlots.length,
			slates: cut.slots.length - clipSlots.length,
			takesTried: takes.length,
			clipsGenerated: generated,
			clipsApprovedOnFirstTry: clipSlots.filter(
				(entry) => entry.slot.kind === 'clip' && entry.slot.take.attempt === 1,
			).length,
			regenerations: shots.reduce((sum, shot) => sum + Math.max(0, shot.takes.length - 1), 0),
			humanReviews: reviews.length,
			humanReviewShareOfClips: generated ? round(reviews.length / generated, 4) : null,
			annotations: reviews.reduce((sum, take) => sum + (take.review!.annotations?.length ?? 0), 0),
			costUsd,
			approvedSeconds,
			costPerApprovedSecondUsd: approvedSeconds ? round(costUsd / approvedSeconds, 4) : null,
		},
		passRates: passRates(takes, approved),
		qaAgreement: qaAgreement(cut.pipelineId, shots),
		decisions: {
			fileName: decisionsFileName(cut.pipelineId),
			records: decisionsOfCut(cut).length,
		},
		notes: [...cut.notes, ...plan.notes, ...context.renderNotes],
	};
}
