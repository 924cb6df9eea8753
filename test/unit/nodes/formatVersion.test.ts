import type { INodeExecutionData, INodeType } from 'n8n-workflow';

import { SHOT_ITEM_FORMAT_VERSION, type ShotItem } from '../../../core/types';
import { DriftScore } from '../../../nodes/DriftScore/DriftScore.node';
import { HumanApprovalWait } from '../../../nodes/HumanApprovalWait/HumanApprovalWait.node';
import { VeoGenerate } from '../../../nodes/VeoGenerate/VeoGenerate.node';
import { mockNodeContext } from '../../helpers/mockNodeContext';
import { DRIFT_SCORE, VEO_GENERATE } from '../../helpers/nodeParameters';
import { reviewBatch } from '../../helpers/reviewItems';

/**
 * Items written before format versions (version 1) come out of every node that passes shot items
 * on in the current format, also when the node has nothing to do for them.
 */

/** An approved shot as version 1 wrote it: no format version, no requested length on its take. */
function versionOneItem(): INodeExecutionData {
	const [item] = JSON.parse(JSON.stringify(reviewBatch([{ status: 'approved', route: 'pass' }])));
	delete item.formatVersion;
	delete item.takes[0].requestedDurationSeconds;
	return { json: item, binary: { clip_take1: { data: 'AAAA', mimeType: 'video/mp4' } } };
}

const HUMAN_APPROVAL_WAIT = {
	operation: 'sendAndWait',
	reviewScope: 'needsReview',
	routing: 'single',
	undecided: 'keep',
	limitWaitTime: false,
	clipProperty: 'clip',
	notify: {},
};

it.each<[string, INodeType, Record<string, unknown>]>([
	['Veo Generate', new VeoGenerate(), VEO_GENERATE],
	['Drift Score', new DriftScore(), { ...DRIFT_SCORE, routing: 'oneOutput' }],
	['Human Approval Wait', new HumanApprovalWait(), HUMAN_APPROVAL_WAIT],
])('%s writes the current format on the items it passes on', async (_name, node, parameters) => {
	const input = versionOneItem();
	const mock = mockNodeContext({ items: [input], parameters });
	const [[output]] = (await node.execute!.call(mock.context)) as INodeExecutionData[][];
	const item = output.json as unknown as ShotItem;
	expect(item.formatVersion).toBe(SHOT_ITEM_FORMAT_VERSION);
	expect(item.takes[0].requestedDurationSeconds).toBe(item.shot.durationSeconds);
	expect(output.binary).toEqual(input.binary);
	expect(output.pairedItem).toEqual({ item: 0 });
});
