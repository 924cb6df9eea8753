import { parentPort, workerData } from 'worker_threads';

import { describeError } from '../../core/failures';
import { loadDetector } from './humanDetector';
import type { VisionReply, VisionRequest } from './humanModels';

/** A worker thread of the vision pool: loads the models once, then answers frames one at a time. */

const port = parentPort!;
const { modelsDir } = workerData as { modelsDir: string };

function failure(error: unknown): { message: string; hint?: string } {
	return { message: describeError(error), hint: (error as { hint?: string }).hint };
}

loadDetector(modelsDir).then(
	(detect) => {
		port.on('message', ({ id, frame, wanted }: VisionRequest) => {
			detect(frame, wanted).then(
				(detections) => port.postMessage({ id, detections } satisfies VisionReply),
				(error: unknown) => port.postMessage({ id, failure: failure(error) } satisfies VisionReply),
			);
		});
		port.postMessage({ loaded: true } satisfies VisionReply);
	},
	(error: unknown) =>
		port.postMessage({ loaded: false, failure: failure(error) } satisfies VisionReply),
);
