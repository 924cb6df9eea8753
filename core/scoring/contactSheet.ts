import type { DriftDimension, DriftReport, DriftRoute } from '../types';
import { encodePng } from './png';
import type { Thresholds } from './report';
import type { Frame } from './similarity';
import type { TechnicalDefect } from './technical';

/**
 * The contact sheet: a strip of frames sampled across the clip (with the previous shot's last
 * frame and the characters' reference images beside them when they were compared), frames inside
 * a technical defect framed in red and labelled, and one bar per dimension coloured by its verdict.
 * For the review page, and for people who would rather look than read.
 */

/** A 3 x 5 pixel font, each glyph as its five rows of three pixels. */
const GLYPHS: Record<string, string> = {
	A: '010101111101101',
	B: '110101110101110',
	C: '011100100100011',
	D: '110101101101110',
	E: '111100110100111',
	F: '111100110100100',
	G: '011100101101011',
	H: '101101111101101',
	I: '111010010010111',
	J: '001001001101010',
	K: '101101110101101',
	L: '100100100100111',
	M: '101111111101101',
	N: '110101101101101',
	O: '010101101101010',
	P: '110101110100100',
	Q: '010101101110011',
	R: '110101110101101',
	S: '011100010001110',
	T: '111010010010010',
	U: '101101101101111',
	V: '101101101101010',
	W: '101101111111101',
	X: '101101010101101',
	Y: '101101010010010',
	Z: '111001010100111',
	'0': '111101101101111',
	'1': '010110010010111',
	'2': '110001010100111',
	'3': '110001010001110',
	'4': '101101111001001',
	'5': '111100110001110',
	'6': '011100111101111',
	'7': '111001010010010',
	'8': '111101111101111',
	'9': '111101111001110',
	'.': '000000000000010',
	':': '000010000010000',
	'-': '000000111000000',
	'%': '101001010100101',
	'/': '001001010100100',
	'(': '010100100100010',
	')': '010001001001010',
	' ': '000000000000000',
};
const SCALE = 2;
const ADVANCE = 4 * SCALE;
const LINE = 7 * SCALE;

type Color = [number, number, number];
const BACKGROUND: Color = [32, 33, 36];
const TEXT: Color = [232, 234, 237];
const NEUTRAL: Color = [95, 99, 104];
const GREEN: Color = [52, 168, 83];
const AMBER: Color = [251, 188, 4];
const RED: Color = [234, 67, 53];
const ROUTE_COLORS: Record<DriftRoute, Color> = { pass: GREEN, review: AMBER, regenerate: RED };

class Canvas {
	readonly rgb: Uint8Array;
	constructor(
		readonly width: number,
		readonly height: number,
	) {
		this.rgb = new Uint8Array(width * height * 3);
		this.fill(0, 0, width, height, BACKGROUND);
	}

	fill(left: number, top: number, width: number, height: number, color: Color): void {
		const [from, to] = [Math.max(0, left), Math.min(this.width, left + width)];
		if (to <= from) return;
		// One row of the colour, copied into every row of the rectangle.
		const row = new Uint8Array((to - from) * 3);
		for (let x = 0; x < row.length; x += 3) row.set(color, x);
		for (let y = Math.max(0, top); y < Math.min(this.height, top + height); y++)
			this.rgb.set(row, (y * this.width + from) * 3);
	}

	text(left: number, top: number, text: string, color: Color): void {
		[...text.toUpperCase()].forEach((character, index) => {
			const glyph = GLYPHS[character] ?? GLYPHS[' '];
			for (let bit = 0; bit < 15; bit++) {
				if (glyph[bit] === '1')
					this.fill(
						left + index * ADVANCE + (bit % 3) * SCALE,
						top + Math.floor(bit / 3) * SCALE,
						SCALE,
						SCALE,
						color,
					);
			}
		});
	}

	/** Draws a frame scaled (nearest pixel) to fit the box, centred in it. */
	picture(left: number, top: number, boxWidth: number, boxHeight: number, frame: Frame): void {
		const scale = Math.min(boxWidth / frame.width, boxHeight / frame.height);
		const [width, height] = [Math.round(frame.width * scale), Math.round(frame.height * scale)];
		const [offsetX, offsetY] = [
			left + ((boxWidth - width) >> 1),
			top + ((boxHeight - height) >> 1),
		];
		for (let y = 0; y < height; y++) {
			const sourceRow = Math.min(frame.height - 1, Math.floor(y / scale)) * frame.width;
			for (let x = 0; x < width; x++) {
				const source = (sourceRow + Math.min(frame.width - 1, Math.floor(x / scale))) * 3;
				this.rgb.set(
					frame.rgb.subarray(source, source + 3),
					((offsetY + y) * this.width + offsetX + x) * 3,
				);
			}
		}
	}
}

export interface ContactSheetInput {
	samples: Frame[];
	defects: TechnicalDefect[];
	previousLast?: Frame;
	references: Array<{ name: string; frame: Frame }>;
	report: DriftReport;
	thresholds: Thresholds;
}

interface Tile {
	frame: Frame;
	label: string;
	note?: string;
	border: Color;
}

const GAP = 6;
const BORDER = 3;
const BAR_WIDTH = 240;
const BAR_HEIGHT = 2 * SCALE * 2 + 2;

function statusColor(drift: number | undefined, thresholds: Thresholds): Color {
	if (drift === undefined) return NEUTRAL;
	return drift >= thresholds.fail ? RED : drift >= thresholds.pass ? AMBER : GREEN;
}

function defectAt(defects: TechnicalDefect[], atSeconds: number): TechnicalDefect | undefined {
	return defects.find(
		(defect) =>
			defect.fromSeconds !== undefined &&
			atSeconds >= defect.fromSeconds - 0.05 &&
			atSeconds <= (defect.toSeconds ?? defect.fromSeconds) + 0.05,
	);
}

export function renderContactSheet(input: ContactSheetInput): Buffer {
	const { report, thresholds } = input;
	const dimension = (name: DriftDimension) => report.dimensions[name]?.drift;
	const tiles: Tile[] = [];
	if (input.previousLast) {
		tiles.push({
			frame: input.previousLast,
			label: 'prev end',
			note: 'continuity',
			border: statusColor(dimension('continuity'), thresholds),
		});
	}
	for (const frame of input.samples) {
		const defect = defectAt(input.defects, frame.atSeconds);
		tiles.push({
			frame,
			label: `${frame.atSeconds.toFixed(1)}s`,
			note: defect?.kind.replace(/_/g, ' '),
			border: defect ? RED : NEUTRAL,
		});
	}
	for (const reference of input.references) {
		tiles.push({
			frame: reference.frame,
			label: `ref ${reference.name}`.slice(0, 18),
			note: 'character',
			border: statusColor(dimension('character'), thresholds),
		});
	}
	const tileWidth = Math.max(...tiles.map((tile) => tile.frame.width), 120);
	const tileHeight = Math.max(...input.samples.map((frame) => frame.height), 68);
	const rows = Object.entries(report.dimensions);
	const width = Math.max(
		GAP + tiles.length * (tileWidth + 2 * BORDER + GAP),
		2 * GAP + 16 * ADVANCE + BAR_WIDTH + 12 * ADVANCE,
	);
	const stripHeight = tileHeight + 2 * BORDER + 2 * LINE + GAP;
	const height = GAP + stripHeight + (rows.length + 1) * (LINE + 4) + GAP;
	const canvas = new Canvas(width, height);

	tiles.forEach((tile, index) => {
		const left = GAP + index * (tileWidth + 2 * BORDER + GAP);
		canvas.fill(left, GAP, tileWidth + 2 * BORDER, tileHeight + 2 * BORDER, tile.border);
		canvas.fill(left + BORDER, GAP + BORDER, tileWidth, tileHeight, BACKGROUND);
		canvas.picture(left + BORDER, GAP + BORDER, tileWidth, tileHeight, tile.frame);
		canvas.text(left, GAP + tileHeight + 2 * BORDER + 4, tile.label, TEXT);
		if (tile.note)
			canvas.text(
				left,
				GAP + tileHeight + 2 * BORDER + 4 + LINE,
				tile.note,
				tile.border === NEUTRAL ? TEXT : tile.border,
			);
	});

	let top = GAP + stripHeight;
	for (const [name, score] of rows) {
		const color = statusColor(score?.drift, thresholds);
		canvas.text(GAP, top, name, TEXT);
		const barLeft = GAP + 12 * ADVANCE;
		canvas.fill(barLeft, top, BAR_WIDTH, BAR_HEIGHT, NEUTRAL);
		canvas.fill(barLeft, top, Math.round(BAR_WIDTH * (score?.drift ?? 0)), BAR_HEIGHT, color);
		canvas.text(
			barLeft + BAR_WIDTH + ADVANCE,
			top,
			`${(score?.drift ?? 0).toFixed(2)} sure ${Math.round((score?.confidence ?? 0) * 100)}%`,
			color,
		);
		top += LINE + 4;
	}
	canvas.text(
		GAP,
		top,
		`${report.route} drift ${report.drift.toFixed(2)} sure ${Math.round(report.confidence * 100)}%`,
		ROUTE_COLORS[report.route],
	);
	return encodePng(canvas.width, canvas.height, canvas.rgb);
}
