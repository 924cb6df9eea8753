import { describeError } from '../failures';
import type { Prop } from '../types';
import {
	characterLikeness,
	identityScore,
	referenceFace,
	type CharacterLikeness,
	type SampledDetections,
} from './identity';
import type { DetailRequest } from './measurements';
import { detectorClassOf, propsScore, sightProp } from './props';
import type { Findings } from './report';
import type { MediaFile, Scorer, ScoringContext, ScoringSubject } from './scorer';
import type { Frame } from './similarity';
import type { DetectionWanted, FoundFace, OfflineVision, VisionModels } from './vision';

/**
 * The offline character and prop checks as drift scorers: the `character` and `props` dimensions
 * from face and object models that run on this machine, free and without a network. Both read the
 * same sampled frames, and each frame goes through the models once for both.
 */

/**
 * Sampled frames for the models: six over the clip, at up to 960 pixels wide. The best face over
 * more frames is more often the character's face turned to the camera; each frame costs model
 * time (bench/offline-checks.ts prints it).
 * The face model compares faces decoded smaller less well (one face measured 0.84 alike to its
 * reference at 1280, 0.79 at 960, 0.71 at 640); larger frames cost more to decode and prepare (a
 * third more per frame at 1280).
 */
export const OFFLINE_DETAIL: DetailRequest = { count: 6, maxSide: 960 };

const IDENTITY = 'character identity (offline face model)';
const PROPS = 'props (offline object model)';

interface ShotProp {
	prop: Prop;
	/** The detector class it is, if any. */
	label?: string;
}

function shotProps(subject: ScoringSubject): ShotProp[] {
	return subject.shot.props
		.map((id) => subject.bible.props.find((prop) => prop.id === id))
		.filter((prop): prop is Prop => Boolean(prop))
		.map((prop) => ({ prop, label: detectorClassOf(prop) }));
}

function wanted(subject: ScoringSubject): DetectionWanted {
	return {
		faces: subject.references.length > 0,
		objects: shotProps(subject).some((entry) => entry.label),
	};
}

type FrameDetections = SampledDetections & { frame: Frame };

type LoadableVision = Extract<OfflineVision, { models: unknown }>;
type FindingsWithSkips = Findings & Required<Pick<Findings, 'skipped'>>;

function visionScorers(vision: LoadableVision, judged: boolean): Scorer[] {
	/** The models, or (when that is allowed) undefined with the reason they did not load among the findings. */
	const loaded = async (
		findings: FindingsWithSkips,
		checks: string,
	): Promise<VisionModels | undefined> => {
		try {
			return await vision.models();
		} catch (error) {
			if (!vision.skipUnavailable) throw error;
			findings.skipped.push(
				`${checks} not checked offline: the models could not load: ${describeError(error)}`,
			);
			return undefined;
		}
	};
	// A batch's shots mostly share their references: each reference image is looked at once.
	const referenceFaces = new Map<string, Promise<FoundFace | undefined>>();
	const referenceFaceOf = (
		context: ScoringContext,
		file: MediaFile,
		models: VisionModels,
	): Promise<FoundFace | undefined> => {
		if (!referenceFaces.has(file.path)) {
			const found = context
				.reference(file, OFFLINE_DETAIL.maxSide)
				.then((image) => models.detect(image, { faces: true, objects: false }));
			referenceFaces.set(
				file.path,
				found.then((detections) => referenceFace(detections.faces)),
			);
		}
		return referenceFaces.get(file.path)!;
	};
	// Both scorers of one clip share one pass of its frames through the models.
	const detected = new WeakMap<ScoringContext, Promise<FrameDetections[]>>();
	const detectionsOf = (
		context: ScoringContext,
		models: VisionModels,
	): Promise<FrameDetections[]> => {
		if (!detected.has(context)) {
			detected.set(
				context,
				(async () => {
					const frames = (await context.measurements()).detail ?? [];
					// All at once: the models may look at several frames in parallel.
					return Promise.all(
						frames.map(async (frame) => ({
							frame,
							atSeconds: frame.atSeconds,
							detections: await models.detect(frame, wanted(context.subject)),
						})),
					);
				})(),
			);
		}
		return detected.get(context)!;
	};
	const detail = (subject: ScoringSubject) => {
		const needs = wanted(subject);
		return needs.faces || needs.objects ? OFFLINE_DETAIL : undefined;
	};

	const identity: Scorer = {
		name: 'identity',
		detail,
		async score(context) {
			const { subject } = context;
			const findings: FindingsWithSkips = { scorer: IDENTITY, dimensions: {}, skipped: [] };
			const withReference = new Set(subject.references.map((reference) => reference.characterId));
			for (const character of subject.bible.characters.filter(
				(candidate) =>
					subject.shot.characters.includes(candidate.id) && !withReference.has(candidate.id),
			)) {
				findings.skipped.push(`${character.name} has no reference image to compare faces with`);
			}
			const models = subject.references.length
				? await loaded(findings, 'character identity')
				: undefined;
			if (!models) return findings;
			const frames = await detectionsOf(context, models);
			if (!frames.length) {
				findings.skipped.push('the clip has no frame to look at');
				return findings;
			}
			const likenesses: CharacterLikeness[] = [];
			for (const reference of subject.references) {
				const face = await referenceFaceOf(context, reference, models);
				if (face)
					likenesses.push(
						characterLikeness(reference.characterName, face, frames, models.faceSimilarity),
					);
				else
					findings.skipped.push(
						`${reference.characterName}: the face model finds no face in the reference image (${reference.name}) to compare with`,
					);
			}
			if (likenesses.length) {
				const { correction, ...score } = identityScore(likenesses);
				findings.dimensions.character = score;
				findings.corrections = { character: correction };
				findings.against = {
					character: `the face in the reference image${likenesses.length > 1 ? 's' : ''} (face model)`,
				};
				// A face compared is evidence about the person; the colours around it are not.
				if (likenesses.some((likeness) => likeness.similarity !== undefined))
					findings.decisive = ['character'];
			}
			return findings;
		},
	};

	const props: Scorer = {
		name: 'props',
		detail,
		async score(context) {
			const findings: FindingsWithSkips = { scorer: PROPS, dimensions: {}, skipped: [] };
			const entries = shotProps(context.subject);
			for (const { prop } of entries.filter((entry) => !entry.label)) {
				findings.skipped.push(
					`the ${prop.name} is not checkable offline (it is none of the object detector's classes): ` +
						`left to the Gemini judge${judged ? '' : ', which is off'}`,
				);
			}
			const checkable = entries.filter((entry): entry is Required<ShotProp> =>
				Boolean(entry.label),
			);
			const models = checkable.length ? await loaded(findings, 'props') : undefined;
			if (!models) return findings;
			const frames = await detectionsOf(context, models);
			if (!frames.length) {
				findings.skipped.push('the clip has no frame to look at');
				return findings;
			}
			const { correction, ...score } = propsScore(
				checkable.map(({ prop, label }) => sightProp(prop, label, frames)),
			);
			findings.dimensions.props = score;
			findings.corrections = { props: correction };
			return findings;
		},
	};
	return [identity, props];
}

/** Says, for a shot with characters or props, that the offline checks did not run and why. */
function skippedScorer(reason: string): Scorer {
	return {
		name: 'offline checks',
		async score({ subject }) {
			const checks = [
				subject.shot.characters.length ? 'character identity' : '',
				subject.shot.props.length ? 'props' : '',
			].filter(Boolean);
			return {
				scorer: 'offline checks',
				dimensions: {},
				skipped: checks.length ? [`${checks.join(' and ')} not checked offline: ${reason}`] : [],
			};
		},
	};
}

/** The offline scorers, or one that reports why they are not running. */
export function offlineScorers(vision: OfflineVision, judged: boolean): Scorer[] {
	return 'models' in vision ? visionScorers(vision, judged) : [skippedScorer(vision.skipped)];
}
