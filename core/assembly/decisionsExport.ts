import { decisionLine, type DecisionRecord } from '../decisions';
import { slugify } from '../ids';
import { decisionRecordOf } from '../review';
import type { PipelineCut } from './types';

/**
 * The decisions export of a cut: every decision people made on the pipeline's scored clips, one
 * JSON object per line (core/decisions.ts `DecisionRecord`: clip, take, drift report, decision,
 * tags, note, reviewer, time). Assemble writes it beside the production report, which links it;
 * Drift Score's calibration reads it, so editors' judgement flows back into the thresholds.
 */

/** Every take people decided, once, in shot and take order. */
export function decisionsOfCut(cut: PipelineCut): DecisionRecord[] {
	const records = new Map<string, DecisionRecord>();
	const inputs = [...cut.inputs].sort((a, b) => a.item.shot.sequence - b.item.shot.sequence);
	for (const { item } of inputs) {
		for (const take of item.takes) {
			const record = decisionRecordOf(item, take);
			if (record) records.set(`${record.shotId}/${record.takeId}`, record);
		}
	}
	return [...records.values()];
}

/** The export's text: JSON Lines. */
export function decisionsText(records: DecisionRecord[]): string {
	return records.map(decisionLine).join('');
}

/**
 * The export's file name: the pipeline's id, as the templates name every file of a cut
 * (`<pipeline id>-cut.mp4`, ...), so the production report's link finds it beside them and two
 * films of the same title never share one.
 */
export function decisionsFileName(pipelineId: string): string {
	return `${pipelineId}-decisions.jsonl`;
}

/** What every file of a cut is named after: its film's title. */
export function cutFileBase(title: string): string {
	return slugify(title, 'cut');
}
