import type { DriftReport } from '../types';
import { renderContactSheet } from './contactSheet';
import { judgeConstraints, judgementDimensions, judgeRequest, parseJudgement } from './judge';
import {
	lightChangeBetween,
	lightingScore,
	lightingTarget,
	lookShiftScore,
	measureLighting,
} from './lighting';
import { continuityScore, paletteScore, referenceScore, worstScore } from './look';
import { MOTION_LAG_SECONDS, type DetailRequest } from './measurements';
import { offlineScorers } from './offline';
import { buildReport, type Findings, type Thresholds } from './report';
import type { DriftJudge, MediaReader, Scorer, ScoringContext, ScoringSubject } from './scorer';
import { colorSpread, type Frame } from './similarity';
import { technicalVerdict } from './technical';
import type { OfflineVision } from './vision';

/**
 * The one way a clip is scored for drift, shared by the Drift Score node and the command-line
 * scorer: a list of scorers behind one interface, each adding findings on some dimensions, combined
 * into one report. A new scorer (an offline character or prop model, say) is one more entry in
 * `driftScorers`; the callers do not change.
 */

const technicalScorer: Scorer = {
	name: 'technical',
	async score({ subject, measurements }) {
		const { defects, score } = technicalVerdict(
			await measurements(),
			{
				durationSeconds: subject.shot.durationSeconds,
				aspectRatio: subject.bible.style.aspectRatio,
				resolution: subject.bible.style.resolution,
				expectAudio: subject.expectAudio,
			},
			MOTION_LAG_SECONDS,
		);
		return {
			scorer: 'technical',
			dimensions: { technical: score },
			defects,
			corrections: defects.length
				? {
						technical:
							'Deliver one continuous, steadily lit and moving shot at the asked length, with clean sound.',
					}
				: undefined,
		};
	},
};

const lookScorer: Scorer = {
	name: 'look',
	async score(context) {
		const { subject } = context;
		const findings: Findings & Required<Pick<Findings, 'corrections' | 'skipped' | 'against'>> = {
			scorer: 'look',
			dimensions: {},
			corrections: {},
			skipped: [],
			against: {},
		};
		const measured = await context.measurements();
		if (!measured.readable || !measured.samples.length) {
			findings.skipped.push('the clip has no frame to look at');
			return findings;
		}
		const lightingWords = subject.shot.lighting ?? subject.bible.style.lighting;
		const lookFrames = await context.lookFrames();
		const clipLight = measureLighting(measured.samples);
		if (lookFrames?.length && subject.look) {
			const { correction, ...score } = lookShiftScore(
				measureLighting(lookFrames),
				clipLight,
				subject.look.description,
			);
			findings.dimensions.lighting = score;
			findings.corrections.lighting = correction;
			findings.against.lighting = subject.look.description;
		} else {
			const target = lightingTarget(lightingWords);
			if (target) {
				const { correction, ...score } = lightingScore(target, clipLight);
				findings.dimensions.lighting = score;
				findings.corrections.lighting = correction;
				findings.against.lighting =
					`the words '${target.words}' ` +
					`(no look established yet: ${Math.round(target.specificity * 100)}% specific)`;
			} else {
				findings.skipped.push(
					`lighting: no look is established for this location yet, and '${lightingWords}' names no warmth, ` +
						'time of day or brightness that can be measured',
				);
			}
		}

		const palette = paletteScore(subject.bible.style.palette, await context.sampledColors());
		if (palette) {
			const { correction, ...score } = palette;
			findings.dimensions.palette = score;
			findings.corrections.palette = correction;
		} else if (subject.bible.style.palette.length) {
			findings.skipped.push(
				`palette: '${subject.bible.style.palette.join(', ')}' names no colour that can be measured`,
			);
		}

		if (subject.shot.continuousWithPrevious) {
			const previousLast = await context.previousLast();
			if (previousLast && measured.first) {
				const { correction, ...score } = continuityScore(
					previousLast,
					measured.first,
					subject.previousSettled,
					lightChangeBetween(measureLighting([previousLast]), measureLighting([measured.first])),
				);
				findings.dimensions.continuity = score;
				findings.corrections.continuity = correction;
			} else {
				findings.skipped.push(
					`continuity: no clip of the previous shot (sequence ${subject.shot.sequence - 1}) was given to compare with`,
				);
			}
		}

		const likeness = [];
		for (const reference of subject.references) {
			likeness.push(
				referenceScore(
					reference.characterName,
					await context.reference(reference),
					await context.sampledColors(),
				),
			);
		}
		if (likeness.length) {
			const { correction, ...score } = worstScore(likeness);
			findings.dimensions.character = score;
			findings.corrections.character = correction;
		}
		return findings;
	},
};

function judgeScorer(judge: DriftJudge): Scorer {
	return {
		name: 'judge',
		async score({ subject }) {
			const constraints = judgeConstraints(subject.shot, subject.bible);
			if (!constraints.length) {
				return {
					scorer: 'judge',
					dimensions: {},
					skipped: ['the shot has no checkable constraints, props or characters to judge'],
				};
			}
			const answer = await judge.ask(
				subject.clip,
				judgeRequest(subject.shot, subject.bible, constraints),
			);
			const judgement = parseJudgement(answer, constraints, judge.model);
			const failed = judgement.verdicts.some((verdict) => !verdict.passed);
			// One corrective sentence covers every judged dimension that drifted.
			const correction =
				failed && judgement.correctivePrompt ? judgement.correctivePrompt : undefined;
			const dimensions = judgementDimensions(judgement);
			return {
				scorer: `judge (${judge.model})`,
				dimensions,
				constraints: judgement.verdicts,
				corrections: correction
					? Object.fromEntries(Object.keys(dimensions).map((dimension) => [dimension, correction]))
					: undefined,
			};
		},
	};
}

export interface ScorerChoice {
	technical: boolean;
	look: boolean;
	/** The semantic judge, when it is on. */
	judge?: DriftJudge;
	/** Face and object models for the offline character and prop checks, or why they do not run. */
	offline?: OfflineVision;
}

export function driftScorers(choice: ScorerChoice): Scorer[] {
	return [
		...(choice.technical ? [technicalScorer] : []),
		...(choice.look ? [lookScorer] : []),
		...(choice.offline ? offlineScorers(choice.offline, Boolean(choice.judge)) : []),
		...(choice.judge ? [judgeScorer(choice.judge)] : []),
	];
}

/** The most and largest detail frames any scorer asks for: one decoding pass serves them all. */
function detailWanted(scorers: Scorer[], subject: ScoringSubject): DetailRequest | undefined {
	const requests = scorers
		.map((scorer) => scorer.detail?.(subject))
		.filter((request): request is DetailRequest => Boolean(request));
	return requests.length
		? {
				count: Math.max(...requests.map((request) => request.count)),
				maxSide: Math.max(...requests.map((request) => request.maxSide)),
			}
		: undefined;
}

export interface ScoreOptions {
	scorers: Scorer[];
	media: MediaReader;
	thresholds: Thresholds;
	contactSheet: boolean;
	now?: Date;
}

export interface ScoredClip {
	report: DriftReport;
	/** PNG bytes, when asked for. */
	contactSheet?: Buffer;
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
	let loaded: Promise<T> | undefined;
	return () => (loaded ??= load());
}

export async function scoreDrift(
	subject: ScoringSubject,
	options: ScoreOptions,
): Promise<ScoredClip> {
	const { media } = options;
	const detail = detailWanted(options.scorers, subject);
	const measurements = once(() => media.measureClip(subject.clip, detail));
	const references = new Map<string, Promise<Frame>>();
	const context: ScoringContext = {
		subject,
		measurements,
		sampledColors: once(async () => (await measurements()).samples.map(colorSpread)),
		previousLast: once(async () => {
			const first = (await measurements()).first;
			return subject.previousClip && first
				? media.lastFrame(subject.previousClip, first.width, first.height)
				: undefined;
		}),
		lookFrames: once(async () => {
			const { look } = subject;
			if (!look) return undefined;
			return look.kind === 'image'
				? [await media.readImage(look.file)]
				: (await media.measureClip(look.file)).samples;
		}),
		reference(file, maxSide) {
			const key = `${file.path}@${maxSide ?? ''}`;
			if (!references.has(key)) references.set(key, media.readImage(file, maxSide));
			return references.get(key)!;
		},
	};
	const findings = await Promise.all(options.scorers.map((scorer) => scorer.score(context)));
	const report = buildReport(findings, options.thresholds, options.now);
	if (!options.contactSheet) return { report };

	const measured = await measurements();
	const compared = findings.some((finding) => finding.dimensions.continuity);
	const likeness = findings.some(
		(finding) => finding.scorer === 'look' && finding.dimensions.character,
	);
	const contactSheet = renderContactSheet({
		samples: measured.samples,
		defects: findings.flatMap((finding) => finding.defects ?? []),
		previousLast: compared ? await context.previousLast() : undefined,
		references: likeness
			? await Promise.all(
					subject.references.map(async (file) => ({
						name: file.characterName,
						frame: await context.reference(file),
					})),
				)
			: [],
		report,
		thresholds: options.thresholds,
	});
	return { report, contactSheet };
}
