import { InvalidInputError, type Problem } from '../failures';

/**
 * A colour grade as a 3D LUT in Adobe/Resolve `.cube` form, checked before it reaches ffmpeg:
 * ffmpeg's reader takes a truncated or misnumbered table and grades with garbage.
 */

export interface CubeLut {
	title?: string;
	size: number;
}

/** ffmpeg's lut3d filter takes tables up to this size per side. */
const MAX_SIZE = 256;
const HINT =
	'Export the grade as a 3D LUT in .cube format (DaVinci Resolve: right-click the clip > Generate LUT > 33 Point Cube).';

export function parseCubeLut(text: string, field: string): CubeLut {
	const lines = text.replace(/^\uFEFF/, '').split(/\r\n?|\n/);
	let size: number | undefined;
	let title: string | undefined;
	let rows = 0;
	const problems: Problem[] = [];
	const fail = (lineIndex: number, message: string) =>
		problems.push({ path: `${field} (line ${lineIndex + 1})`, message });

	for (let index = 0; index < lines.length && problems.length < 5; index++) {
		const line = lines[index].trim();
		if (!line || line.startsWith('#')) continue;
		const [keyword, ...rest] = line.split(/\s+/);
		if (/^[A-Z_0-9]+$/.test(keyword) && !/^[0-9]/.test(keyword)) {
			if (rows) fail(index, `keyword ${keyword} after the table has started`);
			else if (keyword === 'TITLE') title = line.slice(5).trim().replace(/^"|"$/g, '');
			else if (keyword === 'LUT_3D_SIZE') {
				size = Number(rest[0]);
				if (!Number.isInteger(size) || size < 2 || size > MAX_SIZE)
					fail(
						index,
						`LUT_3D_SIZE must be a whole number from 2 to ${MAX_SIZE}, found "${rest[0] ?? ''}"`,
					);
			} else if (keyword === 'LUT_1D_SIZE')
				fail(index, 'is a 1D LUT; a 3D LUT (LUT_3D_SIZE) is needed');
			else if (keyword === 'DOMAIN_MIN' || keyword === 'DOMAIN_MAX') {
				if (rest.length !== 3 || rest.some((value) => !Number.isFinite(Number(value))))
					fail(index, `${keyword} needs three numbers`);
			} else if (keyword !== 'LUT_3D_INPUT_RANGE') fail(index, `unknown keyword ${keyword}`);
			continue;
		}
		const values = line.split(/\s+/).map(Number);
		if (values.length !== 3 || values.some((value) => !Number.isFinite(value))) {
			fail(index, `expected three numbers (red green blue), found "${line.slice(0, 60)}"`);
			continue;
		}
		rows++;
	}
	if (!problems.length && size === undefined)
		problems.push({ path: field, message: 'has no LUT_3D_SIZE line: it is not a 3D .cube LUT' });
	if (!problems.length && size !== undefined && rows !== size ** 3) {
		problems.push({
			path: field,
			message: `has ${rows} rows of colour; LUT_3D_SIZE ${size} needs ${size ** 3} (${size}x${size}x${size})`,
		});
	}
	if (problems.length) throw new InvalidInputError(problems, HINT);
	return { title, size: size! };
}
