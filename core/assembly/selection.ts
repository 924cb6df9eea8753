import { InvalidInputError, type Problem } from '../failures';
import { shotIdForSequence } from '../ids';
import { requireTakeClip } from '../shotItems';
import type { Shot, Take } from '../types';
import {
	AssemblyInputError,
	type AssemblyInput,
	type AssemblyOptions,
	type ClipSlot,
	type CutSlot,
	type PipelineCut,
} from './types';

/**
 * Which take fills each shot of a pipeline, in sequence order, with every shot accounted for: an
 * approved take, a slate that says why there is none (when asked for), or a failure that lists
 * what is missing. Several approved takes of one shot (duplicate items) resolve to the newest
 * approval unless the user names a take; the others are listed, never dropped silently.
 */

/** The items of each pipeline, pipelines in the order they first appear in the batch. */
export function groupPipelines(inputs: AssemblyInput[]): AssemblyInput[][] {
	const groups = new Map<string, AssemblyInput[]>();
	for (const input of inputs) {
		const group = groups.get(input.item.pipelineId) ?? [];
		group.push(input);
		groups.set(input.item.pipelineId, group);
	}
	return [...groups.values()];
}

const describeItem = (input: AssemblyInput) => `item ${input.itemIndex} (${input.item.shot.id})`;

/**
 * The shot ids of the pipeline in cut order. Every place of the shot list (items carry the count
 * and their own place) is filled by the shot of the item that holds it; a place no item holds is a
 * shot absent from the batch, named as Scene Spec names shots (`shot-NN` by sequence) when every
 * shot present is named that way, else by its place. Shots are ordered by sequence; an absent
 * shot keeps its place after the shot before it, and an item that does not know its place goes by
 * its sequence.
 */
function orderedShotIds(inputs: AssemblyInput[]): { ids: string[]; shots: Map<string, Shot> } {
	const shots = new Map<string, Shot>();
	for (const input of inputs) shots.set(input.item.shot.id, input.item.shot);
	const count = Math.max(...inputs.map((input) => input.item.shotCount));
	const atPlace = new Map<number, string>();
	for (const { item } of inputs)
		if (item.shotPosition && !atPlace.has(item.shotPosition))
			atPlace.set(item.shotPosition, item.shot.id);
	const namedBySequence = inputs.every(
		({ item }) =>
			item.shot.id === shotIdForSequence(item.shot.sequence) &&
			(!item.shotPosition || item.shotPosition === item.shot.sequence),
	);
	// A Set keeps insertion order: the places of the list first, then shots only their items know.
	const listed = new Set<string>();
	for (let place = 1; place <= count; place++)
		listed.add(
			atPlace.get(place) ??
				(namedBySequence ? shotIdForSequence(place) : `shot ${place} of ${count}`),
		);
	for (const { item } of inputs) listed.add(item.shot.id);
	let previousKey = 0;
	const keyed = [...listed].map((id, position) => {
		const key = shots.get(id)?.sequence ?? previousKey + 1e-6;
		previousKey = key;
		return { id, key, position };
	});
	keyed.sort((a, b) => a.key - b.key || a.position - b.position);
	return { ids: keyed.map((entry) => entry.id), shots };
}

interface Candidate {
	input: AssemblyInput;
	take: Take;
	/** When the take was approved (ISO time), for "newest wins". */
	approvedAt: string;
}

function approvedAtOf(input: AssemblyInput, take: Take): string {
	const change = [...input.item.statusHistory].reverse().find((entry) => entry.to === 'approved');
	return (
		change?.at ??
		take.review?.decidedAt ??
		take.timings.finishedAt ??
		take.timings.submittedAt ??
		''
	);
}

/** The take an approved item was approved with: its newest take. */
function approvedCandidates(inputs: AssemblyInput[]): Candidate[] {
	return inputs
		.filter((input) => input.item.status === 'approved' && input.item.takes.length > 0)
		.map((input) => {
			const take = input.item.takes[input.item.takes.length - 1];
			return { input, take, approvedAt: approvedAtOf(input, take) };
		});
}

/** Takes a reviewer approved, on any item of the shot: what an override may name besides the newest takes. */
function reviewApprovedCandidates(inputs: AssemblyInput[]): Candidate[] {
	return inputs.flatMap((input) =>
		input.item.takes
			.filter((take) => take.review?.decision === 'approved')
			.map((take) => ({ input, take, approvedAt: take.review!.decidedAt })),
	);
}

function clipPropertyOf(candidate: Candidate, options: AssemblyOptions): string {
	const { item, binaryProperties, itemIndex } = candidate.input;
	try {
		return requireTakeClip(item, candidate.take, binaryProperties, options.clipProperty);
	} catch (error) {
		if (!(error instanceof InvalidInputError)) throw error;
		throw new AssemblyInputError(error.problems, error.hint, itemIndex);
	}
}

function chooseClip(
	shot: Shot,
	inputs: AssemblyInput[],
	options: AssemblyOptions,
): ClipSlot | undefined {
	const approved = approvedCandidates(inputs);
	const overrideIds = new Set(options.takeOverrides);
	const overridable = [...approved, ...reviewApprovedCandidates(inputs)];
	const overridden = overridable.filter((candidate) => overrideIds.has(candidate.take.id));
	const named = inputs
		.flatMap((input) => input.item.takes)
		.find((take) => overrideIds.has(take.id));
	if (named && !overridden.length) {
		const approvedIds = [...new Set(overridable.map((candidate) => candidate.take.id))];
		throw new AssemblyInputError(
			[
				{
					path: 'takeOverrides',
					message:
						`"${named.id}" is not an approved take of ${shot.id} ` +
						`(approved: ${approvedIds.length ? approvedIds.join(', ') : 'none'})`,
				},
			],
			'Name a take that was approved, or remove it from "Takes to Use".',
			inputs[0]?.itemIndex,
		);
	}
	if (new Set(overridden.map((candidate) => candidate.take.id)).size > 1) {
		throw new AssemblyInputError(
			[
				{
					path: 'takeOverrides',
					message: `names more than one take of ${shot.id} (${[...new Set(overridden.map((c) => c.take.id))].join(', ')})`,
				},
			],
			'Name one take per shot.',
			inputs[0]?.itemIndex,
		);
	}
	const pool = overridden.length ? overridden : approved;
	if (!pool.length) return undefined;
	// Newest approval first; on a tie the later item, as n8n passes later items on after earlier ones.
	const ranked = [...pool].sort((a, b) =>
		a.approvedAt < b.approvedAt
			? 1
			: a.approvedAt > b.approvedAt
				? -1
				: b.input.itemIndex - a.input.itemIndex,
	);
	const chosen = ranked[0];
	return {
		kind: 'clip',
		shot: chosen.input.item.shot,
		itemIndex: chosen.input.itemIndex,
		take: chosen.take,
		binaryProperty: clipPropertyOf(chosen, options),
		chosenBy: overridden.length ? 'override' : approved.length > 1 ? 'newest' : 'only',
		passedOver: approved
			.filter(
				(candidate) => candidate.input !== chosen.input || candidate.take.id !== chosen.take.id,
			)
			.map((candidate) => ({ itemIndex: candidate.input.itemIndex, takeId: candidate.take.id })),
	};
}

/** Why a shot has no approved take, from its newest item: status, status reason, last take's reason. */
function missingReason(inputs: AssemblyInput[]): string {
	if (!inputs.length) return 'no item of this shot is in the batch';
	const input = inputs[inputs.length - 1];
	const lastTake = input.item.takes[input.item.takes.length - 1];
	const parts = [`status ${input.item.status}`];
	if (input.item.statusReason) parts.push(input.item.statusReason);
	if (lastTake?.reason && lastTake.reason !== input.item.statusReason)
		parts.push(`last take ${lastTake.id}: ${lastTake.reason}`);
	if (lastTake?.review?.decision === 'rejected')
		parts.push(
			`rejected by ${lastTake.review.reviewer ?? 'a reviewer'}${lastTake.review.note ? `: ${lastTake.review.note}` : ''}`,
		);
	return parts.join('; ');
}

function mostCommon(values: number[]): number | undefined {
	const counts = new Map<number, number>();
	for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
	return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Takes named in "Takes to Use" that no item of the batch has: a typo the user must hear about. */
export function unknownOverrides(inputs: AssemblyInput[], takeOverrides: string[]): Problem[] {
	const known = new Set(inputs.flatMap((input) => input.item.takes.map((take) => take.id)));
	return takeOverrides
		.filter((id) => !known.has(id))
		.map((id) => ({
			path: 'takeOverrides',
			message: `"${id}" is not a take of any item (take ids look like "shot-02-take-3")`,
		}));
}

/** The cut of one pipeline: a slot per shot in sequence order. Throws when a shot is missing and slates are off. */
export function selectTakes(inputs: AssemblyInput[], options: AssemblyOptions): PipelineCut {
	const first = inputs[0];
	const { ids, shots } = orderedShotIds(inputs);
	const slots: CutSlot[] = [];
	const notes: string[] = [];
	const missing: Array<{ shotId: string; reason: string; itemIndex?: number }> = [];
	const typicalDuration = mostCommon([...shots.values()].map((shot) => shot.durationSeconds)) ?? 8;

	const byShot = new Map<string, AssemblyInput[]>();
	for (const input of inputs)
		byShot.set(input.item.shot.id, [...(byShot.get(input.item.shot.id) ?? []), input]);
	for (const shotId of ids) {
		const ofShot = byShot.get(shotId) ?? [];
		const clip = chooseClip(shots.get(shotId)!, ofShot, options);
		if (clip) {
			slots.push(clip);
			if (clip.passedOver.length) {
				const how =
					clip.chosenBy === 'override' ? 'named in "Takes to Use"' : 'the newest approval';
				const others = clip.passedOver
					.map((other) => `${other.takeId} (item ${other.itemIndex})`)
					.join(', ');
				notes.push(
					`${shotId}: used ${clip.take.id} from item ${clip.itemIndex} (${how}); also approved and not used: ${others}`,
				);
			}
			for (const input of ofShot.filter((candidate) => candidate.item.status !== 'approved')) {
				notes.push(
					`${shotId}: ${describeItem(input)} in status ${input.item.status} was not used: another item of the shot is approved`,
				);
			}
			continue;
		}
		const reason = missingReason(ofShot);
		missing.push({ shotId, reason, itemIndex: ofShot[ofShot.length - 1]?.itemIndex });
		if (options.missingShots === 'slate') {
			const shot = shots.get(shotId);
			const durationSeconds = shot?.durationSeconds ?? typicalDuration;
			slots.push({ kind: 'slate', shotId, shot, durationSeconds, reason });
			notes.push(
				`${shotId}: no approved take (${reason}); a ${durationSeconds} s slate stands in` +
					`${shot ? '' : ' (the length of most shots: the shot is not in the batch)'}`,
			);
		}
	}
	if (missing.length && options.missingShots === 'fail') {
		throw new AssemblyInputError(
			missing.map((entry) => ({
				path:
					entry.itemIndex === undefined
						? entry.shotId
						: `${entry.shotId} (item ${entry.itemIndex})`,
				message: `has no approved take: ${entry.reason}`,
			})),
			`${missing.length} of ${ids.length} shots of pipeline ${first.item.pipelineId} have no approved take. ` +
				'Finish them (approve or regenerate), or set "Missing Shots" to "Insert a Slate" to cut without them.',
			missing.find((entry) => entry.itemIndex !== undefined)?.itemIndex ?? first.itemIndex,
		);
	}
	return {
		pipelineId: first.item.pipelineId,
		bible: first.item.bible,
		model: first.item.model,
		slots,
		inputs,
		notes,
	};
}
