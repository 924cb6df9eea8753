import { driftPercent, reportSure } from '../../core/scoring/words';
import type { INodeExecutionData } from 'n8n-workflow';

import { CONTACT_SHEET_PROPERTY } from '../../core/binaryNames';
import type { BoardEntry, UndecidedPolicy } from '../../core/review';
import { findTakeClip, latestTake } from '../../core/shotItems';
import type { Take } from '../../core/types';
import type { BoardClipView, BoardView } from '../../edges/review-page/board';

/** The links a board needs, each signed by n8n with its own parameters. */
export type SignLink = (parameters: Record<string, string>) => string;

/** The review page links relative to the page, so they work behind any proxy that serves it. */
export function relativeLink(absolute: string): string {
	const url = new URL(absolute);
	return `${url.pathname}${url.search}`;
}

function takeNotes(take: Take): string[] {
	const notes: string[] = [];
	if (take.review) {
		notes.push(
			`${take.review.decision} by ${take.review.reviewer ?? 'an editor'}${take.review.note ? `: ${take.review.note}` : ''}`,
		);
	}
	if (take.drift)
		notes.push(`Drift ${driftPercent(take.drift)}: ${take.drift.reasons.slice(0, 2).join('; ')}`);
	if (take.reason) notes.push(take.reason);
	return notes;
}

export function buildBoardView(
	entries: BoardEntry[],
	inputs: INodeExecutionData[],
	clipProperty: string,
	round: string,
	undecided: UndecidedPolicy,
	sign: SignLink,
): BoardView {
	const mediaLink = (itemIndex: number, property: string) =>
		relativeLink(sign({ round, view: 'media', item: String(itemIndex), property }));
	const clips: BoardClipView[] = entries.map((entry, position) => {
		const { item, itemIndex } = entry;
		const binary = inputs[itemIndex]?.binary ?? {};
		const binaryNames = Object.keys(binary);
		const clipOf = (of: Take) => findTakeClip(item, of, binaryNames, clipProperty);
		const take = latestTake(item);
		const drift = take?.drift;
		const earlierTakes = item.takes.slice(0, -1).map((earlier) => {
			const earlierClip = clipOf(earlier);
			return {
				label: `Take ${earlier.attempt} (${earlier.outcome})`,
				clipUrl: earlierClip ? mediaLink(itemIndex, earlierClip) : undefined,
				notes: takeNotes(earlier),
			};
		});
		const clipBinary = take && clipOf(take);
		return {
			position,
			key: entry.key,
			heading: `Shot ${item.shot.sequence} of ${item.shotCount} - ${item.bible.title}${take ? ` (take ${take.attempt})` : ''}`,
			description: item.shot.description,
			camera: item.shot.camera || undefined,
			prompt: take?.prompt ?? '',
			clipUrl: clipBinary ? mediaLink(itemIndex, clipBinary) : undefined,
			contactSheetUrl: binary[CONTACT_SHEET_PROPERTY]
				? mediaLink(itemIndex, CONTACT_SHEET_PROPERTY)
				: undefined,
			missingClipReason: clipBinary
				? undefined
				: (take?.reason ?? item.statusReason ?? 'no clip on this item'),
			drift: drift
				? {
						percent: driftPercent(drift),
						sure: reportSure(drift),
						confidence: drift.confidence,
						route: drift.route,
						reasons: drift.reasons,
						correctivePrompt: drift.correctivePrompt,
					}
				: undefined,
			earlierTakes,
		};
	});
	const pipelines = new Set(entries.map((entry) => entry.item.pipelineId)).size;
	return {
		title: entries.length
			? `Review: ${entries[0].item.bible.title}${pipelines > 1 ? ` and ${pipelines - 1} more` : ''}`
			: 'Review',
		subtitle: `${entries.length} clip${entries.length === 1 ? '' : 's'} to review`,
		undecidedNote:
			undecided === 'reject'
				? 'Clips left undecided count as rejected.'
				: 'Clips left undecided come back in the next review round.',
		submitUrl: relativeLink(sign({ round, view: 'submit' })),
		clips,
	};
}
