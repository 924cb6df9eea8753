import { existsSync, promises as fs } from 'fs';
import path from 'path';
import type * as tfjs from '@tensorflow/tfjs-core';
import type { Config, Human } from '@vladmandic/human';

import { describeError, NonRetryableFailure } from '../../core/failures';
import { FACE_MIN_SCORE } from '../../core/scoring/identity';
import type { Frame } from '../../core/scoring/similarity';
import type { Box, DetectionWanted, Detections, FoundObject } from '../../core/scoring/vision';

/**
 * The vision models themselves, as one worker thread runs them (see humanModels.ts for the pool):
 * @vladmandic/human on TensorFlow.js's WebAssembly backend, with the weights that ship inside the
 * package (BlazeFace finds faces, FaceRes describes them, CenterNet finds the 80 COCO object
 * classes). Nothing is fetched: the .wasm binaries and the model files are read from the installed packages.
 */

/** The model files the checks use, in the library's models folder. */
const MODEL_FILES = {
	face: 'blazeface.json',
	description: 'faceres.json',
	objects: 'centernet.json',
};

/** The folder of an installed package, found from the file its `require` export resolves to. */
export function packageFolder(name: string): string {
	let folder = path.dirname(require.resolve(name));
	while (!existsSync(path.join(folder, 'package.json'))) folder = path.dirname(folder);
	return folder;
}

/** The library's Node build for the WebAssembly backend. */
export function humanLibrary(): {
	Human: new (config: Partial<Config>) => Human;
	match: Human['match'];
} {
	// The package's exports block its node-wasm build's subpath: it is required by file.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(path.join(packageFolder('@vladmandic/human'), 'dist', 'human.node-wasm.js'));
}

type Tf = typeof tfjs;
type ModelArtifacts = tfjs.io.ModelArtifacts;

/**
 * TensorFlow.js reads models through URLs, and Node's fetch refuses `file://` ones. This routes the
 * models folder's URLs to the disk, and keeps what went wrong: the library logs a failed model and
 * carries on as if it had loaded.
 */
function diskLoader(tf: Tf, modelsDir: string, failures: Map<string, string>) {
	const prefix = `file://${modelsDir}${path.sep}`;
	const load = async (file: string): Promise<ModelArtifacts> => {
		try {
			const json = JSON.parse(await fs.readFile(file, 'utf8'));
			return await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
				const weights = manifest.flatMap((group) => group.weights);
				const parts = await Promise.all(
					manifest.flatMap((group) =>
						group.paths.map((part) => fs.readFile(path.join(path.dirname(file), part))),
					),
				);
				const bytes = Buffer.concat(parts);
				return [weights, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)];
			});
		} catch (error) {
			failures.set(path.basename(file), describeError(error));
			throw error;
		}
	};
	const router: Parameters<Tf['io']['registerLoadRouter']>[0] = (url) => {
		const target = Array.isArray(url) ? url[0] : url;
		// A router that does not handle a URL answers null, as TensorFlow.js's own do (its type leaves that out).
		return typeof target === 'string' && target.startsWith(prefix)
			? { load: () => load(target.slice('file://'.length)) }
			: (null as unknown as tfjs.io.IOHandler);
	};
	return router;
}

export const VISION_HINT =
	'Reinstall the package (the models ship inside its dependency @vladmandic/human), or switch the offline character and prop checks off.';

function settings(modelsDir: string, wasmDir: string): Partial<Config> {
	const off = { enabled: false };
	const everyFrame = { skipFrames: 0, skipTime: 0 };
	// The library merges each section with its defaults; only what differs is given.
	return {
		backend: 'wasm',
		wasmPath: `${wasmDir}${path.sep}`,
		modelBasePath: `file://${modelsDir}${path.sep}`,
		debug: false,
		warmup: 'none',
		// Every frame is scored on its own: no results reused from a similar earlier frame.
		cacheSensitivity: 0,
		filter: off,
		face: {
			enabled: true,
			// Faces below the score that counts are not worth describing.
			detector: {
				modelPath: MODEL_FILES.face,
				rotation: false,
				maxDetected: 10,
				minConfidence: FACE_MIN_SCORE,
				...everyFrame,
			},
			mesh: off,
			iris: off,
			emotion: off,
			antispoof: off,
			liveness: off,
			description: { enabled: true, modelPath: MODEL_FILES.description, ...everyFrame },
		},
		object: {
			enabled: true,
			modelPath: MODEL_FILES.objects,
			minConfidence: 0.2,
			maxDetected: 20,
			...everyFrame,
		},
		body: off,
		hand: off,
		gesture: off,
		segmentation: off,
	} as unknown as Partial<Config>;
}

const boxOf = ([x, y, width, height]: [number, number, number, number]): Box => ({
	x,
	y,
	width,
	height,
});

/**
 * The object model squeezes its input into a square: a 16:9 frame's objects come out squashed and
 * are often missed (a cup found at 0.61 in a square crop scored 0.26 in the whole frame). Objects
 * are looked for in overlapping squares that cover the frame instead.
 */
function squareTiles(width: number, height: number): Array<{ x: number; y: number; side: number }> {
	const side = Math.min(width, height);
	const long = Math.max(width, height);
	const count = Math.ceil(long / side);
	return Array.from({ length: count }, (_, index) => {
		const offset = count > 1 ? Math.round((index * (long - side)) / (count - 1)) : 0;
		return width >= height ? { x: offset, y: 0, side } : { x: 0, y: offset, side };
	});
}

/**
 * The models folder as messages name it: its last two parts (`human/models` when the models come
 * with @vladmandic/human), never its place on the server.
 */
function folderName(modelsDir: string): string {
	return `the folder ${path.basename(path.dirname(modelsDir))}/${path.basename(modelsDir)}`;
}

/** Frames in, faces and objects out, one frame at a time; throws when the models cannot load. */
export type FrameDetector = (frame: Frame, wanted: DetectionWanted) => Promise<Detections>;

export async function loadDetector(modelsDir: string): Promise<FrameDetector> {
	const missing = Object.values(MODEL_FILES).filter(
		(file) => !existsSync(path.join(modelsDir, file)),
	);
	if (missing.length) {
		throw new NonRetryableFailure(
			`The offline vision models are missing: ${missing.join(', ')} not in ${folderName(modelsDir)}`,
			{ hint: VISION_HINT },
		);
	}
	const human = new (humanLibrary().Human)(
		settings(modelsDir, path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))),
	);
	const tf = human.tf as Tf;
	const failures = new Map<string, string>();
	tf.io.registerLoadRouter(diskLoader(tf, modelsDir, failures));
	// A model that fails may also make the library stumble over it afterwards: what failed first is the reason.
	const stumble = await human.load().then(
		() => undefined,
		(error: unknown) => error,
	);
	if (tf.getBackend() !== 'wasm') {
		throw new NonRetryableFailure(
			`The offline vision models need TensorFlow.js's WebAssembly backend, which did not start (backend: ${tf.getBackend() || 'none'})`,
			{ hint: VISION_HINT },
		);
	}
	const loaded = human.models.loaded();
	const notLoaded = Object.entries({
		blazeface: MODEL_FILES.face,
		faceres: MODEL_FILES.description,
		centernet: MODEL_FILES.objects,
	}).filter(([name, file]) => !loaded.includes(name) || failures.has(file));
	if (notLoaded.length || stumble) {
		const reasons = notLoaded.map(
			([, file]) => `${file}${failures.has(file) ? ` (${failures.get(file)})` : ''}`,
		);
		throw new NonRetryableFailure(
			`The offline vision models did not load from ${folderName(modelsDir)}: ${reasons.join('; ') || describeError(stumble)}`,
			{ hint: VISION_HINT },
		);
	}
	await warmUp(human, tf);
	return detector(human, tf);
}

/** A model's first run, and the library's first pass around it, take several times longer than later ones: paid here, once. */
async function warmUp(human: Human, tf: Tf): Promise<void> {
	for (const model of Object.values(human.models.models)) {
		if (!model) continue;
		const input = tf.zeros(
			model.inputs[0].shape!.map((size) => (size > 0 ? size : 1)),
			model.inputs[0].dtype as tfjs.DataType,
		);
		tf.dispose([input, model.execute(input)]);
	}
	const blank = tf.zeros([360, 640, 3], 'int32');
	await human.detect(blank);
	tf.dispose(blank);
}

function detector(human: Human, tf: Tf): FrameDetector {
	const run = async (input: tfjs.Tensor, kind: 'faces' | 'objects') => {
		const { face, object } = human.config;
		const result = await human.detect(input, {
			face: { ...face, enabled: kind === 'faces' },
			object: { ...object, enabled: kind === 'objects' },
		});
		if (result.error)
			throw new NonRetryableFailure(`The offline vision models failed on a frame: ${result.error}`);
		return result;
	};
	const detectNow = async (frame: Frame, wanted: DetectionWanted): Promise<Detections> => {
		const input = tf.tensor3d(frame.rgb, [frame.height, frame.width, 3], 'int32');
		try {
			const faces = wanted.faces
				? (await run(input, 'faces')).face.map((face) => ({
						score: face.boxScore,
						box: boxOf(face.box),
						embedding: face.embedding ?? [],
					}))
				: [];
			const objects: FoundObject[] = [];
			for (const tile of wanted.objects ? squareTiles(frame.width, frame.height) : []) {
				const part = tf.slice(input, [tile.y, tile.x, 0], [tile.side, tile.side, 3]);
				try {
					for (const object of (await run(part, 'objects')).object) {
						const box = boxOf(object.box);
						objects.push({
							label: object.label,
							score: object.score,
							box: { ...box, x: box.x + tile.x, y: box.y + tile.y },
						});
					}
				} finally {
					tf.dispose(part);
				}
			}
			return { faces: faces.filter((face) => face.embedding.length), objects };
		} finally {
			tf.dispose(input);
		}
	};
	// One frame at a time: the WebAssembly backend runs on one thread, and the library keeps per-run state.
	let queue: Promise<unknown> = Promise.resolve();
	return (frame, wanted) => {
		const detected = queue.then(() => detectNow(frame, wanted));
		queue = detected.catch(() => undefined);
		return detected;
	};
}
