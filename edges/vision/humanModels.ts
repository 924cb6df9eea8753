import { availableParallelism } from 'os';
import path from 'path';
import { Worker } from 'worker_threads';

import { NonRetryableFailure } from '../../core/failures';
import type { Frame } from '../../core/scoring/similarity';
import type {
	DetectionWanted,
	Detections,
	OfflineVision,
	VisionModels,
} from '../../core/scoring/vision';
import { humanLibrary, packageFolder, VISION_HINT } from './humanDetector';

/**
 * The one place that runs vision models (humanDetector.ts holds the models themselves). They run in
 * worker threads: TensorFlow.js's WebAssembly backend uses one thread in Node, so two workers look
 * at two frames at once on two cores, and n8n's own thread is never blocked by a model run. The
 * workers are started on first use and shared afterwards by every clip, item and execution.
 */

export interface VisionLoadOptions {
	/** Where the model files are; the library's own `models` folder unless given. */
	modelsDir?: string;
}

export interface VisionRequest {
	id: number;
	frame: Frame;
	wanted: DetectionWanted;
}

interface WorkerFailure {
	message: string;
	hint?: string;
}

export type VisionReply =
	| { loaded: true }
	| { loaded: false; failure: WorkerFailure }
	| { id: number; detections: Detections }
	| { id: number; failure: WorkerFailure };

/** Each worker holds its own copy of the models (about 185 MB): more than two would cost memory for little. */
const MAX_WORKERS = 2;

/** The worker's file: under ts-jest or tsx the sources run as TypeScript, which a worker reads through tsx. */
function workerEntry(): { file: string; execArgv: string[] } {
	const extension = path.extname(__filename);
	return {
		file: path.join(__dirname, `visionWorker${extension}`),
		execArgv: extension === '.ts' ? ['--require', 'tsx/cjs'] : [],
	};
}

const failureOf = ({ message, hint }: WorkerFailure) => new NonRetryableFailure(message, { hint });

class VisionWorker {
	private readonly pending = new Map<
		number,
		{ resolve: (detections: Detections) => void; reject: (error: Error) => void }
	>();
	private nextId = 0;

	private constructor(
		private readonly worker: Worker,
		private readonly onStopped: () => void,
	) {
		worker.on('message', (reply: VisionReply) => {
			if (!('id' in reply)) return;
			const request = this.pending.get(reply.id);
			this.pending.delete(reply.id);
			// An idle worker must not keep the process (the CLI, a test run) alive.
			if (!this.pending.size) worker.unref();
			if ('failure' in reply) request?.reject(failureOf(reply.failure));
			else request?.resolve(reply.detections);
		});
		const stopped = (reason: string) => {
			const error = new NonRetryableFailure(`The offline vision models stopped: ${reason}`, {
				hint: VISION_HINT,
			});
			for (const { reject } of this.pending.values()) reject(error);
			this.pending.clear();
			this.onStopped();
		};
		worker.on('error', (error) => stopped(error.message));
		worker.on('exit', (code) => stopped(`their worker thread exited (code ${code})`));
		worker.unref();
	}

	/** A worker with the models loaded; rejects with the reason they did not load. */
	static start(modelsDir: string, onStopped: () => void): Promise<VisionWorker> {
		const { file, execArgv } = workerEntry();
		const worker = new Worker(file, { workerData: { modelsDir }, execArgv });
		return new Promise((resolve, reject) => {
			// Only this start-up's own listeners go: Node's Worker keeps internal ones of its own.
			const settle = () => {
				worker.off('message', onMessage);
				worker.off('error', onError);
				worker.off('exit', onExit);
			};
			const notLoaded = (failure: WorkerFailure) => {
				settle();
				void worker.terminate();
				reject(failureOf(failure));
			};
			const onMessage = (reply: VisionReply) => {
				if (!('loaded' in reply))
					return notLoaded({ message: 'The offline vision models answered before loading' });
				if (!reply.loaded) return notLoaded(reply.failure);
				settle();
				resolve(new VisionWorker(worker, onStopped));
			};
			const onError = (error: Error) =>
				notLoaded({
					message: `The offline vision models did not start: ${error.message}`,
					hint: VISION_HINT,
				});
			const onExit = (code: number) =>
				notLoaded({
					message: `The offline vision models did not start (worker exit code ${code})`,
					hint: VISION_HINT,
				});
			worker.on('message', onMessage);
			worker.on('error', onError);
			worker.on('exit', onExit);
		});
	}

	get queued(): number {
		return this.pending.size;
	}

	detect(frame: Frame, wanted: DetectionWanted): Promise<Detections> {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			this.worker.ref();
			this.worker.postMessage({ id, frame, wanted } satisfies VisionRequest);
		});
	}

	/** Ends the worker; what it still had to answer fails as stopped. */
	stop(): Promise<number> {
		return this.worker.terminate();
	}
}

const pools = new Map<string, Promise<VisionWorker[]>>();

async function startPool(modelsDir: string, onStopped: () => void): Promise<VisionWorker[]> {
	const count = Math.max(1, Math.min(MAX_WORKERS, availableParallelism()));
	const started = await Promise.allSettled(
		Array.from({ length: count }, () => VisionWorker.start(modelsDir, onStopped)),
	);
	const workers = started.flatMap((result) =>
		result.status === 'fulfilled' ? [result.value] : [],
	);
	const failed = started.find((result) => result.status === 'rejected');
	if (failed) {
		await Promise.all(workers.map((worker) => worker.stop()));
		throw failed.reason;
	}
	return workers;
}

/**
 * The models, loaded on first call for a folder and shared afterwards; a failed load is tried again
 * next time, and when a worker stops (it ran out of memory, say) the whole pool is started afresh.
 */
export async function loadVisionModels(options: VisionLoadOptions = {}): Promise<VisionModels> {
	const modelsDir = path.resolve(
		options.modelsDir ?? path.join(packageFolder('@vladmandic/human'), 'models'),
	);
	if (!pools.has(modelsDir)) {
		const forget = () => pools.get(modelsDir) === pool && pools.delete(modelsDir);
		const pool: Promise<VisionWorker[]> = startPool(modelsDir, () => {
			forget();
			void pool.then((workers) => Promise.all(workers.map((worker) => worker.stop())));
		});
		pools.set(modelsDir, pool);
		pool.catch(forget);
	}
	const workers = await pools.get(modelsDir)!;
	const { match } = humanLibrary();
	return {
		detect: (frame, wanted) =>
			workers
				.reduce((least, worker) => (worker.queued < least.queued ? worker : least))
				.detect(frame, wanted),
		faceSimilarity: (first, second) => match.similarity(first, second),
	};
}

/** Stops every vision worker (a test's or benchmark's clean-up; n8n keeps them for its lifetime). */
export async function stopVisionModels(): Promise<void> {
	const running = [...pools.values()];
	pools.clear();
	const workers = (await Promise.allSettled(running)).flatMap((result) =>
		result.status === 'fulfilled' ? result.value : [],
	);
	await Promise.all(workers.map((worker) => worker.stop()));
}

/** `on`: the checks run, and models that cannot load are an error; `whenAvailable`: they are skipped, with the reason; `off`. */
export type OfflineChecks = 'on' | 'whenAvailable' | 'off';

/** The offline checks as the scorers take them: models loaded on first need, or why the checks are off. */
export function offlineVision(
	mode: OfflineChecks,
	switchedOff: string,
	options: VisionLoadOptions = {},
): OfflineVision {
	return mode === 'off'
		? { skipped: switchedOff }
		: { models: () => loadVisionModels(options), skipUnavailable: mode === 'whenAvailable' };
}
