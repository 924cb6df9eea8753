import type { Frame } from '../../core/scoring/similarity';

/** A synthetic frame: the colour of each pixel from its position. */
export function paintFrame(
	width: number,
	height: number,
	paint: (x: number, y: number) => [number, number, number],
	atSeconds = 0,
): Frame {
	const rgb = new Uint8Array(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) rgb.set(paint(x, y), (y * width + x) * 3);
	}
	return { atSeconds, width, height, rgb };
}

/** A frame of one colour. */
export function solidFrame(
	width: number,
	height: number,
	color: [number, number, number],
	atSeconds = 0,
): Frame {
	return paintFrame(width, height, () => color, atSeconds);
}

const scenes = new Map<string, Frame>();

/**
 * A 64 x 36 grey gradient with a block of `block` colour whose left edge is at `blockX`. Frames
 * are shared (the analysers only read them), so a clip of them is cheap to make.
 */
export function sceneFrame(
	blockX: number,
	background: [number, number, number] = [90, 90, 90],
	block: [number, number, number] = [230, 230, 230],
): Frame {
	const key = JSON.stringify([blockX, background, block]);
	if (!scenes.has(key)) {
		scenes.set(
			key,
			paintFrame(64, 36, (x, y) =>
				x >= blockX && x < blockX + 10 && y >= 10 && y < 26
					? block
					: (background.map((v) => Math.min(255, v + x)) as [number, number, number]),
			),
		);
	}
	return scenes.get(key)!;
}
