import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { decisionsIn, decisionsInText, type DecisionRecord } from '../../core/decisions';
import { calibrate } from '../../core/scoring/calibrate';
import { binaryToBase64, requireBinary } from '../shared/binary';
import { toNodeError } from '../shared/errors';
import { readDriftScoreSettings } from './settings';

/**
 * Calibrate: people's decisions on earlier clips in (production reports or decision records, as
 * item JSON or files), one item out with how automatic routing agreed with them and the thresholds
 * per dimension to paste into Score's "Thresholds per Dimension".
 */
export async function calibrateDecisions(
	context: IExecuteFunctions,
): Promise<INodeExecutionData[][]> {
	const inputs = context.getInputData();
	const from = context.getNodeParameter('decisionsFrom', 0, 'json') as string;
	const records: DecisionRecord[] = [];
	for (let itemIndex = 0; itemIndex < inputs.length; itemIndex++) {
		try {
			if (from === 'binary') {
				const property = context.getNodeParameter('decisionsProperty', itemIndex, 'data') as string;
				const binary = requireBinary(context, itemIndex, property, 'decisionsProperty');
				const text = Buffer.from(await binaryToBase64(context, binary), 'base64').toString('utf8');
				records.push(...decisionsInText(text, binary.fileName ?? `item ${itemIndex}`));
			} else {
				records.push(...decisionsIn(inputs[itemIndex].json, `item ${itemIndex}`));
			}
		} catch (error) {
			throw toNodeError(context.getNode(), error, itemIndex);
		}
	}
	const calibration = calibrate(records, readDriftScoreSettings(context).item(0).thresholds);
	return [
		[
			{
				json: {
					...calibration,
					// Ready to paste into Score's "Thresholds per Dimension".
					thresholdsPerDimension: JSON.stringify(calibration.thresholds),
				} as unknown as IDataObject,
				pairedItem: inputs.map((_, item) => ({ item })),
			},
		],
	];
}
