import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { referenceImageProperty } from '../../core/binaryNames';
import { createShotItems } from '../../core/shotItems';
import type { SceneSpec, SpecProvenance } from '../../core/types';
import { requireBinary } from '../shared/binary';

export const outputProperty: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	options: [
		{
			name: 'One Item per Shot',
			value: 'perShot',
			description:
				'For the rest of the pipeline: each item carries the whole bible, its shot and status "pending"',
		},
		{
			name: 'One Item with the Whole Spec',
			value: 'wholeSpec',
			description: 'The bible and the shot list in one item, to review, store or edit',
		},
	],
	default: 'perShot',
};

/**
 * Keeps the input item's binaries (a product image, a logo) on every shot item, and gives each
 * character's reference image the name the other nodes look for (`ref_<character id>`).
 */
function collectReferenceImages(
	context: IExecuteFunctions,
	itemIndex: number,
	spec: SceneSpec,
): { spec: SceneSpec; binary: Record<string, IBinaryData> } {
	const binary: Record<string, IBinaryData> = {
		...(context.getInputData()[itemIndex]?.binary ?? {}),
	};
	const characters = spec.bible.characters.map((character, index) => {
		if (!character.referenceImage) return character;
		const source = requireBinary(
			context,
			itemIndex,
			character.referenceImage.binaryProperty,
			`bible.characters[${index}].referenceImage.binaryProperty`,
		);
		const name = referenceImageProperty(character.id);
		binary[name] = source;
		return { ...character, referenceImage: { binaryProperty: name, mimeType: source.mimeType } };
	});
	return { spec: { ...spec, bible: { ...spec.bible, characters } }, binary };
}

export function specToItems(
	context: IExecuteFunctions,
	itemIndex: number,
	specWithInputReferences: SceneSpec,
	{ model, output }: { model: string; output: 'perShot' | 'wholeSpec' },
	provenance: SpecProvenance,
): INodeExecutionData[] {
	const { spec, binary } = collectReferenceImages(context, itemIndex, specWithInputReferences);
	const binaryOrNothing = Object.keys(binary).length ? binary : undefined;
	const shotItems = createShotItems(spec, model, provenance);
	if (output === 'wholeSpec') {
		return [
			{
				json: {
					pipelineId: shotItems[0].pipelineId,
					model,
					provenance,
					spec,
				} as unknown as IDataObject,
				binary: binaryOrNothing,
				pairedItem: { item: itemIndex },
			},
		];
	}
	return shotItems.map((shotItem) => ({
		json: shotItem as unknown as IDataObject,
		binary: binaryOrNothing,
		pairedItem: { item: itemIndex },
	}));
}
