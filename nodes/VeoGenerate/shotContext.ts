import { promises as fs } from 'fs';
import type { IExecuteFunctions } from 'n8n-workflow';
import { tmpdir } from 'os';
import path from 'path';

import { continuityStart, type ContinuityStart } from '../../core/continuity';
import { parseShotItem } from '../../core/shotItems';
import type { ShotItem } from '../../core/types';
import type { InlineMedia } from '../../core/videoJobs';
import { extractLastFrame } from '../../edges/ffmpeg/ffmpeg';
import { requireBinary, writeBinaryToFile } from '../shared/binary';

/**
 * What a shot's request depends on besides itself: the batch around it. A shot that continues
 * the previous one starts from that shot's approved last frame, read from the previous item's
 * clip in this batch.
 */

/** Every input item as a shot item, or undefined where an item is not one (reported elsewhere). */
export function readBatch(context: IExecuteFunctions): Array<ShotItem | undefined> {
	return context.getInputData().map((input) => {
		try {
			return parseShotItem(input.json);
		} catch {
			return undefined;
		}
	});
}

/** The previous shot's last frame, from the clip of its approved take in the batch. */
export async function continuityFrame(
	context: IExecuteFunctions,
	start: Extract<ContinuityStart, { kind: 'fromPrevious' }>,
): Promise<InlineMedia> {
	const property = start.take.clip!.binaryProperty;
	const binary = requireBinary(
		context,
		start.previousIndex,
		property,
		`the clip of ${start.take.id} (the shot this one continues)`,
	);
	const folder = await fs.mkdtemp(path.join(tmpdir(), 'veo-generate-frame-'));
	try {
		const clipPath = path.join(folder, 'previous.mp4');
		const framePath = path.join(folder, 'last.jpg');
		await writeBinaryToFile(context, binary, clipPath);
		await extractLastFrame(clipPath, framePath);
		return { data: (await fs.readFile(framePath)).toString('base64'), mimeType: 'image/jpeg' };
	} finally {
		await fs.rm(folder, { recursive: true, force: true });
	}
}

export { continuityStart };
