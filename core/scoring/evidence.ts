import type { DriftDimension, DriftReport, Prop } from '../types';
import { colorOf } from './color';
import { FACE_MATCH, referenceFace, usableFaces } from './identity';
import { sampleFrameIndices } from './measurements';
import { OFFLINE_DETAIL } from './offline';
import { encodePng } from './png';
import { detectorClassOf, OBJECT_MIN_SCORE } from './props';
import type { MediaFile, ScoringSubject } from './scorer';
import type { Frame } from './similarity';
import type { Box, VisionModels } from './vision';

/**
 * What the review board shows beside each finding of a drift report, so an editor sees what the
 * report talks about instead of reading it: the previous shot's last frame beside this clip's
 * first for continuity; a character's reference picture beside the closest face in the clip, with
 * how alike they are; a prop as the detector found it beside a swatch of the colour the bible asks
 * for; the frame of a technical defect; the look (a look reference or the bible's palette) beside
 * the clip. And the poster: the frame the report points at, so a board can be scanned without
 * playing anything. Decided here from the report; the pictures are decoded and encoded by the
 * ffmpeg edge (`EvidenceMedia`), faces and props found again by the same vision models.
 */

/** Longest side of a frame shown beside a finding, and of the poster. */
export const EVIDENCE_SIDE = 480;
export const POSTER_SIDE = 640;
/** Room kept around a face or a prop in its crop, as a share of its box. */
const CROP_MARGIN = 0.35;
/** A swatch of an asked colour, in pixels. */
const SWATCH = { width: 160, height: 90 } as const;
/** At most this many technical defects get a frame (the rest are said in words). */
const MAX_DEFECT_FRAMES = 2;

/** Decoding and encoding for the pictures, implemented by the ffmpeg edge. */
export interface EvidenceMedia {
	/** A frame of a clip at a time (or its last frame), its longest side at most `maxSide`. */
	clipFrame(file: MediaFile, at: number | 'last', maxSide: number): Promise<Frame>;
	/** A still picture (a reference image), its longest side at most `maxSide`. */
	picture(file: MediaFile, maxSide: number): Promise<Frame>;
	/** A frame as a small JPEG. */
	jpeg(frame: Frame): Promise<Buffer>;
}

export interface EvidencePicture {
	dimension: DriftDimension;
	caption: string;
	atSeconds?: number;
	bytes: Buffer;
	mimeType: 'image/jpeg' | 'image/png';
}

export interface Evidence {
	poster: { bytes: Buffer; atSeconds: number };
	pictures: EvidencePicture[];
}

export interface EvidenceOptions {
	media: EvidenceMedia;
	/** The drift at or above which a dimension is a finding (the routing's pass threshold). */
	passThreshold: number;
	/** The face and object models, for crops; undefined where the offline checks are off. */
	vision?: () => Promise<VisionModels | undefined>;
}

const seconds = (value: number) => `${value.toFixed(1)} s`;
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The part of a frame inside a box, with a margin around it, within the frame. */
export function cropFrame(frame: Frame, box: Box, margin = CROP_MARGIN): Frame {
	const padX = box.width * margin;
	const padY = box.height * margin;
	const left = Math.max(0, Math.floor(box.x - padX));
	const top = Math.max(0, Math.floor(box.y - padY));
	const right = Math.min(frame.width, Math.ceil(box.x + box.width + padX));
	const bottom = Math.min(frame.height, Math.ceil(box.y + box.height + padY));
	// JPEG encoders want even sides.
	const width = Math.max(2, (right - left) & ~1);
	const height = Math.max(2, (bottom - top) & ~1);
	const rgb = new Uint8Array(width * height * 3);
	for (let row = 0; row < height; row++) {
		const from = ((top + row) * frame.width + left) * 3;
		rgb.set(frame.rgb.subarray(from, from + width * 3), row * width * 3);
	}
	return { atSeconds: frame.atSeconds, width, height, rgb };
}

/** A PNG of one colour: the colour the bible asks for, as the eye should compare it. */
export function swatchPng(rgb: [number, number, number]): Buffer {
	const pixels = new Uint8Array(SWATCH.width * SWATCH.height * 3);
	for (let index = 0; index < pixels.length; index += 3) pixels.set(rgb, index);
	return encodePng(SWATCH.width, SWATCH.height, pixels);
}

/** A PNG of the bible's palette: one band per colour it names. */
function paletteStrip(colors: Array<[number, number, number]>): Buffer {
	const band = Math.max(1, Math.floor(SWATCH.width / colors.length));
	const width = band * colors.length;
	const pixels = new Uint8Array(width * SWATCH.height * 3);
	for (let y = 0; y < SWATCH.height; y++)
		for (let x = 0; x < width; x++) pixels.set(colors[Math.floor(x / band)], (y * width + x) * 3);
	return encodePng(width, SWATCH.height, pixels);
}

/** The moments a technical defect names ("from 1.2 s to 2.0 s", "at 3.4 s"), the first of them. */
export function defectMoment(defect: string): number | undefined {
	const match = /\b(?:from|at) (\d+(?:\.\d+)?) s\b/.exec(defect);
	return match ? Number(match[1]) : undefined;
}

interface Measured {
	durationSeconds: number;
	frameRate: number;
	flagged(dimension: DriftDimension): boolean;
	measure(key: string): number | string | boolean | undefined;
}

function measuredOf(subject: ScoringSubject, report: DriftReport, pass: number): Measured {
	const technical = report.dimensions.technical?.measures ?? {};
	const all = Object.assign(
		{},
		...Object.values(report.dimensions).map((score) => score?.measures ?? {}),
	) as Record<string, number | string | boolean>;
	const number = (value: unknown, fallback: number) =>
		typeof value === 'number' && value > 0 ? value : fallback;
	return {
		durationSeconds: number(technical.durationSeconds, subject.shot.durationSeconds),
		frameRate: number(technical.frameRate, 24),
		flagged: (dimension) => (report.dimensions[dimension]?.drift ?? 0) >= pass,
		measure: (key) => all[key],
	};
}

/** Collects the pictures; the first moment a finding points at becomes the poster's. */
class Gatherer {
	readonly pictures: EvidencePicture[] = [];
	pointedAt?: number;

	constructor(
		private readonly subject: ScoringSubject,
		readonly options: EvidenceOptions,
		readonly measured: Measured,
	) {}

	/** A moment of the clip, kept inside it. */
	within(atSeconds: number): number {
		return Math.min(Math.max(0, atSeconds), Math.max(0, this.measured.durationSeconds - 0.05));
	}

	async frame(dimension: DriftDimension, atSeconds: number, caption: string): Promise<void> {
		const at = this.within(atSeconds);
		const frame = await this.options.media.clipFrame(this.subject.clip, at, EVIDENCE_SIDE);
		await this.addFrame(dimension, frame, caption, at);
	}

	async addFrame(
		dimension: DriftDimension,
		frame: Frame,
		caption: string,
		atSeconds?: number,
	): Promise<void> {
		this.pictures.push({
			dimension,
			caption,
			...(atSeconds === undefined ? {} : { atSeconds }),
			bytes: await this.options.media.jpeg(frame),
			mimeType: 'image/jpeg',
		});
		if (atSeconds !== undefined) this.pointedAt ??= atSeconds;
	}

	addPng(dimension: DriftDimension, bytes: Buffer, caption: string): void {
		this.pictures.push({ dimension, caption, bytes, mimeType: 'image/png' });
	}
}

async function technicalEvidence(gather: Gatherer, report: DriftReport): Promise<void> {
	for (const defect of report.technicalDefects
		.map((text) => ({ text, at: defectMoment(text) }))
		.filter((entry): entry is { text: string; at: number } => entry.at !== undefined)
		.slice(0, MAX_DEFECT_FRAMES)) {
		await gather.frame(
			'technical',
			defect.at,
			`${capitalised(defect.text)}: the frame at ${seconds(defect.at)}`,
		);
	}
}

async function continuityEvidence(
	gather: Gatherer,
	subject: ScoringSubject,
	media: EvidenceMedia,
): Promise<void> {
	if (!gather.measured.flagged('continuity') || !subject.previousClip) return;
	await gather.addFrame(
		'continuity',
		await media.clipFrame(subject.previousClip, 'last', EVIDENCE_SIDE),
		"The previous shot's last frame",
	);
	await gather.addFrame(
		'continuity',
		await media.clipFrame(subject.clip, 0, EVIDENCE_SIDE),
		"This clip's first frame",
		0,
	);
}

/** The face in a frame most like the reference face, by the face model's similarity. */
function closestFace(
	faces: ReturnType<typeof usableFaces>,
	reference: number[],
	models: VisionModels,
): (typeof faces)[number] | undefined {
	let best: { face: (typeof faces)[number]; similarity: number } | undefined;
	for (const face of faces) {
		const similarity = models.faceSimilarity(reference, face.embedding);
		if (!best || similarity > best.similarity) best = { face, similarity };
	}
	return best?.face;
}

async function characterEvidence(
	gather: Gatherer,
	subject: ScoringSubject,
	options: EvidenceOptions,
): Promise<void> {
	if (!gather.measured.flagged('character')) return;
	const { media } = options;
	for (const reference of subject.references) {
		const name = reference.characterName;
		// Characters the face model matched are not the finding.
		if (gather.measured.measure(`faceFound_${name}`) === true) continue;
		await gather.addFrame(
			'character',
			await media.picture(reference, EVIDENCE_SIDE),
			`${name} in the reference picture`,
		);
		const at = gather.measured.measure(`faceAtSeconds_${name}`);
		const similarity = gather.measured.measure(`faceSimilarity_${name}`);
		if (typeof at !== 'number') {
			await gather.frame(
				'character',
				gather.measured.durationSeconds / 2,
				`No face of ${name} was seen in the sampled frames; the clip at its middle`,
			);
			continue;
		}
		const alike =
			typeof similarity === 'number'
				? `: ${Math.round(similarity * 100)}% alike (a match from ${Math.round(FACE_MATCH * 100)}%)`
				: '';
		const models = await options.vision?.();
		const crop = models && (await faceCrop(gather, subject, reference, at, models));
		if (crop)
			await gather.addFrame(
				'character',
				crop,
				`The closest face in the clip, at ${seconds(at)}${alike}`,
				at,
			);
		else
			await gather.frame(
				'character',
				at,
				`The clip at ${seconds(at)}, where the closest face is${alike}`,
			);
	}
}

/** The closest face to a character's reference in the frame the face model found it in. */
async function faceCrop(
	gather: Gatherer,
	subject: ScoringSubject,
	reference: MediaFile,
	atSeconds: number,
	models: VisionModels,
): Promise<Frame | undefined> {
	const { media } = gather.options;
	const referenceFrame = await media.picture(reference, OFFLINE_DETAIL.maxSide);
	const face = referenceFace(
		(await models.detect(referenceFrame, { faces: true, objects: false })).faces,
	);
	if (!face) return undefined;
	const frame = await media.clipFrame(
		subject.clip,
		gather.within(atSeconds),
		OFFLINE_DETAIL.maxSide,
	);
	const found = closestFace(
		usableFaces((await models.detect(frame, { faces: true, objects: false })).faces),
		face.embedding,
		models,
	);
	return found && cropFrame(frame, found.box);
}

/** Props the report finds missing or in another colour than the bible asks. */
function flaggedProps(subject: ScoringSubject, measured: Measured): Prop[] {
	if (!measured.flagged('props')) return [];
	return subject.shot.props
		.map((id) => subject.bible.props.find((prop) => prop.id === id))
		.filter((prop): prop is Prop => Boolean(prop))
		.filter((prop) => {
			const frames = measured.measure(`propFrames_${prop.name}`);
			const color = measured.measure(`propColor_${prop.name}`);
			const asked = measured.measure(`propColorAsked_${prop.name}`);
			return (
				frames === 0 ||
				(color !== undefined && asked !== undefined && !String(color).includes(String(asked)))
			);
		});
}

async function propEvidence(
	gather: Gatherer,
	subject: ScoringSubject,
	options: EvidenceOptions,
): Promise<void> {
	const props = flaggedProps(subject, gather.measured);
	const models = props.length ? await options.vision?.() : undefined;
	for (const prop of props) {
		const found = models && (await findProp(gather, subject, prop, models));
		const read = gather.measured.measure(`propColor_${prop.name}`);
		if (found)
			await gather.addFrame(
				'props',
				cropFrame(found.frame, found.box),
				`The ${prop.name} at ${seconds(found.atSeconds)}${read === undefined ? '' : `, reading ${read}`}`,
				found.atSeconds,
			);
		else
			await gather.frame(
				'props',
				gather.measured.durationSeconds / 2,
				`No ${prop.name} was found in the sampled frames; the clip at its middle`,
			);
		const asked = prop.color ? colorOf(prop.color) : undefined;
		if (asked)
			gather.addPng(
				'props',
				swatchPng(asked.rgb),
				`${capitalised(prop.color!)}, as the bible asks`,
			);
	}
}

/** The prop where the object model sees it best, in the frames the props check sampled. */
async function findProp(
	gather: Gatherer,
	subject: ScoringSubject,
	prop: Prop,
	models: VisionModels,
): Promise<{ frame: Frame; box: Box; atSeconds: number } | undefined> {
	const label = detectorClassOf(prop);
	if (!label) return undefined;
	const { durationSeconds, frameRate } = gather.measured;
	let best: { frame: Frame; box: Box; atSeconds: number; score: number } | undefined;
	for (const index of sampleFrameIndices(durationSeconds, OFFLINE_DETAIL.count, frameRate)) {
		const atSeconds = gather.within(index / frameRate);
		const frame = await gather.options.media.clipFrame(
			subject.clip,
			atSeconds,
			OFFLINE_DETAIL.maxSide,
		);
		for (const object of (await models.detect(frame, { faces: false, objects: true })).objects) {
			if (
				object.label === label &&
				object.score >= OBJECT_MIN_SCORE &&
				(!best || object.score > best.score)
			)
				best = { frame, box: object.box, atSeconds, score: object.score };
		}
	}
	return best;
}

async function lookEvidence(
	gather: Gatherer,
	subject: ScoringSubject,
	options: EvidenceOptions,
): Promise<void> {
	const dimension: DriftDimension | undefined = gather.measured.flagged('lighting')
		? 'lighting'
		: gather.measured.flagged('palette')
			? 'palette'
			: undefined;
	if (!dimension) return;
	// The look the clip was measured against: the bible's look reference image, or the scene's
	// first approved take (core/scoring/lookReference.ts); else the palette the bible names.
	const look = subject.look;
	if (look) {
		const frame =
			look.kind === 'image'
				? await options.media.picture(look.file, EVIDENCE_SIDE)
				: await options.media.clipFrame(look.file, 0, EVIDENCE_SIDE);
		await gather.addFrame(dimension, frame, capitalised(look.description));
	} else {
		const palette = subject.bible.style.palette
			.map((phrase) => colorOf(phrase))
			.filter((color): color is NonNullable<typeof color> => Boolean(color));
		if (palette.length)
			gather.addPng(
				dimension,
				paletteStrip(palette.map((color) => color.rgb)),
				`The bible's palette: ${subject.bible.style.palette.join(', ')}`,
			);
	}
	const lighting = subject.shot.lighting ?? subject.bible.style.lighting;
	await gather.frame(
		dimension,
		gather.measured.durationSeconds / 2,
		`The clip at its middle${lighting ? `; the bible asks for ${lighting}` : ''}`,
	);
}

/** Frames the Gemini judge pointed at for constraints it saw fail. */
async function judgedEvidence(gather: Gatherer, report: DriftReport): Promise<void> {
	const shown = new Set(gather.pictures.map((picture) => picture.dimension));
	for (const verdict of report.constraints ?? []) {
		if (verdict.passed || verdict.atSeconds === undefined) continue;
		const dimension: DriftDimension = ['character', 'props', 'lighting', 'palette'].includes(
			verdict.dimension,
		)
			? (verdict.dimension as DriftDimension)
			: 'semantic';
		if (shown.has(dimension)) continue;
		shown.add(dimension);
		await gather.frame(
			dimension,
			verdict.atSeconds,
			`At ${seconds(verdict.atSeconds)}: ${verdict.evidence}`,
		);
	}
}

/**
 * The poster and the pictures beside a scored clip's findings. A clip that passed gets its poster
 * only; the poster is the first moment a finding points at, else the clip's middle.
 */
export async function gatherEvidence(
	subject: ScoringSubject,
	report: DriftReport,
	options: EvidenceOptions,
): Promise<Evidence> {
	const gather = new Gatherer(subject, options, measuredOf(subject, report, options.passThreshold));
	if (report.route !== 'pass') {
		await technicalEvidence(gather, report);
		await characterEvidence(gather, subject, options);
		await propEvidence(gather, subject, options);
		await continuityEvidence(gather, subject, options.media);
		await lookEvidence(gather, subject, options);
		await judgedEvidence(gather, report);
	}
	const atSeconds = gather.within(gather.pointedAt ?? gather.measured.durationSeconds / 2);
	const poster = await options.media.jpeg(
		await options.media.clipFrame(subject.clip, atSeconds, POSTER_SIDE),
	);
	return { poster: { bytes: poster, atSeconds }, pictures: gather.pictures };
}
