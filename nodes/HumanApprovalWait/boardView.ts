import type { INodeExecutionData } from 'n8n-workflow';

import { CONTACT_SHEET_PROPERTY } from '../../core/binaryNames';
import { DEFAULT_THRESHOLDS, thresholdsOf } from '../../core/scoring/report';
import { fixedBeside, percentBeside } from '../../core/scoring/words';
import {
	boardScenes,
	noteLimitOf,
	type BoardEntry,
	type BoardScene,
	type UndecidedPolicy,
} from '../../core/review';
import { BOARD_FLAGS, driftWords, FLAG_NAMES, flagOf } from '../../core/reviewWords';
import { findTakeClip, latestTake } from '../../core/shotItems';
import type { DriftReport, ShotItem, Take } from '../../core/types';
import type {
	BoardClipView,
	BoardPicture,
	BoardSceneView,
	BoardView,
	QaView,
} from '../../edges/review-page/board';
import { servedMediaType } from '../../edges/review-page/media';

/** The links a board needs, each signed by n8n with its own parameters. */
export type SignLink = (parameters: Record<string, string>) => string;

/** The review page links relative to the page, so they work behind any proxy that serves it. */
export function relativeLink(absolute: string): string {
	const url = new URL(absolute);
	return `${url.pathname}${url.search}`;
}

const DIMENSION_LABELS: Record<string, string> = {
	technical: 'Technical quality',
	lighting: 'Lighting',
	palette: 'Palette',
	continuity: 'Continuity',
	character: 'Character',
	props: 'Props',
	semantic: "Gemini judge's constraints",
};

/** What Drift Score found, in the board's words, with its pictures linked. */
function qaView(report: DriftReport, picture: (property: string) => string | undefined): QaView {
	const words = driftWords(report);
	const thresholds = report.thresholds ?? DEFAULT_THRESHOLDS;
	const pictures = (report.evidence ?? []).flatMap((evidence) => {
		const url = picture(evidence.binaryProperty);
		return url ? [{ ...evidence, url }] : [];
	});
	// Each picture goes with the first finding of its kind.
	const findings = words.findings.map((finding, index) => ({
		flag: finding.flag,
		flagName: FLAG_NAMES[finding.flag],
		text: finding.text,
		sureness: finding.sureness,
		pictures:
			words.findings.findIndex((other) => other.flag === finding.flag) === index
				? pictures
						.filter((evidence) => flagOf(evidence.dimension) === finding.flag)
						.map(({ url, caption }): BoardPicture => ({ url, caption }))
				: [],
	}));
	return {
		route: report.route,
		verdict: words.verdict,
		headline: words.headline,
		findings,
		// Each figure is written on the side of the thresholds it was routed on (core/scoring/words.ts).
		numbers: words.numbers.map(({ dimension, distance, confidence }) => {
			const { pass, fail } = thresholdsOf(thresholds, dimension);
			return {
				label: DIMENSION_LABELS[dimension] ?? dimension,
				distance: fixedBeside(distance, [pass, fail]),
				sure: percentBeside(confidence, [thresholds.minConfidence]),
			};
		}),
		details: [
			...report.reasons,
			...report.skipped.map((skipped) => `Not checked: ${skipped.reason}`),
		],
		correctivePrompt: report.correctivePrompt,
	};
}

function takeNotes(take: Take): string[] {
	const notes: string[] = [];
	if (take.review) {
		notes.push(
			`${take.review.decision} by ${take.review.reviewer ?? 'an editor'}${take.review.note ? `: ${take.review.note}` : ''}`,
		);
	}
	if (take.drift) {
		const words = driftWords(take.drift);
		notes.push(`${words.verdict}: ${words.headline}`);
	}
	if (take.reason) notes.push(take.reason);
	return notes;
}

/** "Kitchen - shots 1 to 4", with the film's title when the board holds several films. */
function sceneHeading(scene: BoardScene, entries: BoardEntry[], films: number): string {
	const items = scene.positions.map((position) => entries[position].item);
	const [first] = items;
	const location = first.bible.locations.find((place) => place.id === scene.locationId)?.name;
	const sequences = items.map((item) => item.shot.sequence);
	const shots =
		sequences.length === 1
			? `shot ${sequences[0]}`
			: `shots ${sequences[0]} to ${sequences[sequences.length - 1]}`;
	const place = location ?? (films > 1 ? '' : 'Every clip');
	return [films > 1 ? first.bible.title : '', place, shots].filter(Boolean).join(' - ');
}

const passedQa = (item: ShotItem) => latestTake(item)?.drift?.route === 'pass';

export function buildBoardView(
	entries: BoardEntry[],
	inputs: INodeExecutionData[],
	clipProperty: string,
	round: string,
	undecided: UndecidedPolicy,
	sign: SignLink,
): BoardView {
	const clips: BoardClipView[] = entries.map((entry, position) => {
		const { item, itemIndex } = entry;
		const binary = inputs[itemIndex]?.binary ?? {};
		const binaryNames = Object.keys(binary);
		/** A signed link to one of the item's pictures or clips, when the board serves its type. */
		const mediaLink = (property: string) =>
			binary[property] && servedMediaType(binary[property].mimeType)
				? relativeLink(sign({ round, view: 'media', item: String(itemIndex), property }))
				: undefined;
		const clipOf = (of: Take) => findTakeClip(item, of, binaryNames, clipProperty);
		const take = latestTake(item);
		const earlierTakes = item.takes.slice(0, -1).map((earlier) => {
			const earlierClip = clipOf(earlier);
			return {
				label: `Take ${earlier.attempt} (${earlier.outcome})`,
				clipUrl: earlierClip ? mediaLink(earlierClip) : undefined,
				posterUrl: earlier.drift?.poster && mediaLink(earlier.drift.poster.binaryProperty),
				notes: takeNotes(earlier),
			};
		});
		const clipBinary = take && clipOf(take);
		const clipUrl = clipBinary ? mediaLink(clipBinary) : undefined;
		const qa = take?.drift && qaView(take.drift, mediaLink);
		return {
			position,
			key: entry.key,
			heading: `Shot ${item.shot.sequence} of ${item.shotCount}${take ? `, take ${take.attempt}` : ''}`,
			description: item.shot.description,
			camera: item.shot.camera || undefined,
			prompt: take?.prompt ?? '',
			clipUrl,
			posterUrl: take?.drift?.poster && mediaLink(take.drift.poster.binaryProperty),
			contactSheetUrl: mediaLink(CONTACT_SHEET_PROPERTY),
			missingClipReason: clipUrl
				? undefined
				: clipBinary
					? 'its file is not an MP4 video the board can play'
					: (take?.reason ?? item.statusReason ?? 'no clip on this item'),
			noteLimit: noteLimitOf(item),
			qa,
			flags: qa ? [...new Set(qa.findings.map((finding) => finding.flag))] : [],
			passedQa: passedQa(item),
			earlierTakes,
		};
	});
	const films = new Set(entries.map((entry) => entry.item.pipelineId)).size;
	const scenes: BoardSceneView[] = boardScenes(entries).map((scene, index) => ({
		index,
		heading: sceneHeading(scene, entries, films),
		clips: scene.positions.map((position) => clips[position]),
	}));
	const passed = clips.filter((clip) => clip.passedQa).length;
	return {
		title: entries.length
			? `Review: ${entries[0].item.bible.title}${films > 1 ? ` and ${films - 1} more` : ''}`
			: 'Review',
		subtitle:
			`${entries.length} clip${entries.length === 1 ? '' : 's'} in ${scenes.length} scene${scenes.length === 1 ? '' : 's'}; ` +
			`${passed} passed automatic QA`,
		undecidedNote:
			undecided === 'reject'
				? 'Clips left undecided count as rejected.'
				: 'Clips left undecided come back in the next review round.',
		submitUrl: relativeLink(sign({ round, view: 'submit' })),
		round,
		filters: BOARD_FLAGS.map((flag) => ({
			flag,
			name: FLAG_NAMES[flag],
			count: clips.filter((clip) => clip.flags.includes(flag)).length,
		})),
		scenes,
		clipCount: clips.length,
		passedCount: passed,
	};
}
