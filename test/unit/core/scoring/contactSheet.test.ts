import { inflateSync } from 'zlib';

import { renderContactSheet } from '../../../../core/scoring/contactSheet';
import { DEFAULT_THRESHOLDS } from '../../../../core/scoring/report';
import type { DriftReport } from '../../../../core/types';
import { solidFrame } from '../../../helpers/frames';

/** Width, height and RGB pixels of an unfiltered 8-bit RGB PNG, as renderContactSheet writes it. */
function decodePng(png: Buffer): {
	width: number;
	height: number;
	pixel: (x: number, y: number) => number[];
} {
	expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
	const width = png.readUInt32BE(16);
	const height = png.readUInt32BE(20);
	const idat: Buffer[] = [];
	for (let offset = 8; offset < png.length; ) {
		const length = png.readUInt32BE(offset);
		if (png.toString('ascii', offset + 4, offset + 8) === 'IDAT')
			idat.push(png.subarray(offset + 8, offset + 8 + length));
		offset += length + 12;
	}
	const rows = inflateSync(Buffer.concat(idat));
	expect(rows.length).toBe(height * (width * 3 + 1));
	return {
		width,
		height,
		pixel: (x, y) => [
			...rows.subarray(y * (width * 3 + 1) + 1 + x * 3, y * (width * 3 + 1) + 1 + x * 3 + 3),
		],
	};
}

const report: DriftReport = {
	drift: 1,
	confidence: 0.95,
	dimensions: {
		technical: { drift: 1, confidence: 0.95, reasons: [] },
		lighting: { drift: 0, confidence: 0.7, reasons: [] },
	},
	reasons: [],
	route: 'regenerate',
	technicalDefects: ['the picture is black from 1.0 s to 2.0 s'],
	skipped: [],
	scoredAt: '2026-01-01T00:00:00.000Z',
};

describe('the contact sheet', () => {
	it('shows the sampled frames in order, framing in red the ones inside a defect', () => {
		const samples = [
			solidFrame(32, 18, [0, 200, 0], 0.5),
			solidFrame(32, 18, [0, 0, 0], 1.5),
			solidFrame(32, 18, [0, 0, 200], 2.5),
		];
		const png = renderContactSheet({
			samples,
			defects: [{ kind: 'black', text: 'black', fromSeconds: 1, toSeconds: 2 }],
			references: [],
			report,
			thresholds: DEFAULT_THRESHOLDS,
		});
		const sheet = decodePng(png);
		// Tiles are 120 px wide (frames are centred in them) with a 3 px frame, 6 px apart.
		const tileLeft = (index: number) => 6 + index * (120 + 6 + 6);
		expect(sheet.pixel(tileLeft(0), 6)).not.toEqual([234, 67, 53]);
		expect(sheet.pixel(tileLeft(1), 6)).toEqual([234, 67, 53]);
		expect(sheet.pixel(tileLeft(2), 6)).not.toEqual([234, 67, 53]);
		const middle = (index: number) => sheet.pixel(tileLeft(index) + 3 + 60, 6 + 3 + 34);
		expect([middle(0), middle(1), middle(2)]).toEqual([
			[0, 200, 0],
			[0, 0, 0],
			[0, 0, 200],
		]);
		expect(sheet.width).toBeGreaterThanOrEqual(3 * 132);
	});
});
