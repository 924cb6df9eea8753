import { latestTake } from '../shotItems';
import type { ShotItem } from '../types';

/**
 * Which look a shot is judged against: the bible's look reference image for the shot's location,
 * else the film's, else the first approved take of the same location and lighting, else none (the
 * first clip of a scene is judged by the words). The bible's images describe the bible's lighting:
 * a shot that asks for other light ("night" in a daytime film) is not held to them.
 */

export type EstablishedLook =
	| { kind: 'image'; binaryProperty: string; mimeType?: string; description: string }
	| { kind: 'clip'; item: ShotItem; itemIndex: number; description: string };

const lightingOf = (item: ShotItem) =>
	(item.shot.lighting ?? item.bible.style.lighting).trim().toLowerCase();

export function establishedLook(
	item: ShotItem,
	batch: Array<{ item: ShotItem; itemIndex: number; hasClip: boolean }>,
): EstablishedLook | undefined {
	const { bible, shot } = item;
	const location = bible.locations.find((candidate) => candidate.id === shot.location);
	const ownLighting =
		!shot.lighting || lightingOf(item) === bible.style.lighting.trim().toLowerCase();
	if (ownLighting && location?.lookReference)
		return {
			kind: 'image',
			...location.lookReference,
			description: `the look reference image of ${location.name}`,
		};
	if (ownLighting && bible.style.lookReference)
		return {
			kind: 'image',
			...bible.style.lookReference,
			description: "the film's look reference image",
		};
	if (shot.location) {
		const approved = batch
			.filter(
				(entry) =>
					entry.hasClip &&
					entry.item.status === 'approved' &&
					entry.item.pipelineId === item.pipelineId &&
					entry.item.shot.id !== shot.id &&
					entry.item.shot.location === shot.location &&
					lightingOf(entry.item) === lightingOf(item),
			)
			.sort((a, b) => a.item.shot.sequence - b.item.shot.sequence)[0];
		if (approved)
			return {
				kind: 'clip',
				item: approved.item,
				itemIndex: approved.itemIndex,
				description:
					`take ${latestTake(approved.item)?.id ?? approved.item.shot.id} of shot ${approved.item.shot.id} ` +
					`(the first approved take of ${location?.name ?? shot.location} in this light)`,
			};
	}
	return undefined;
}
