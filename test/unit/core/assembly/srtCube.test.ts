import { parseCubeLut } from '../../../../core/assembly/cube';
import { dialogueCues, formatSrt, parseSrt } from '../../../../core/assembly/srt';
import { inputErrorOf } from '../../../helpers/errors';

const problemsOf = (call: () => unknown) => inputErrorOf(call).problems;

describe('SRT captions', () => {
	it('reads cues with Windows line ends, a BOM, dots for commas and several lines of text, and writes them back', () => {
		const cues = parseSrt(
			'\uFEFF1\r\n00:00:00,500 --> 00:00:02.000\r\nMorning, Mya.\r\n\r\n2\r\n00:00:02,500 --> 00:00:04,000 X1:10\r\nTwo\r\nlines\r\n',
			'srtText',
		);
		expect(cues).toEqual([
			{ startMs: 500, endMs: 2000, text: 'Morning, Mya.' },
			{ startMs: 2500, endMs: 4000, text: 'Two\nlines' },
		]);
		expect(parseSrt(formatSrt(cues), 'x')).toEqual(cues);
		expect(formatSrt(cues)).toBe(
			'1\n00:00:00,500 --> 00:00:02,000\nMorning, Mya.\n\n2\n00:00:02,500 --> 00:00:04,000\nTwo\nlines\n',
		);
	});

	it('names the cue and line of every bad timecode', () => {
		const problems = problemsOf(() =>
			parseSrt(
				'1\n00:00:61,000 --> 00:01:02,000\nA\n\n2\n00:00:05,000 --> 00:00:04,000\nB\n\n3\nnot a timing\nC\n',
				'srtProperty',
			),
		);
		expect(problems).toEqual([
			{
				path: 'srtProperty (cue 1, line 2)',
				message:
					'"00:00:61,000" is not a timecode (HH:MM:SS,mmm with minutes and seconds under 60)',
			},
			{
				path: 'srtProperty (cue 2, line 6)',
				message: 'ends (00:00:04,000) before or when it starts (00:00:05,000)',
			},
			{
				path: 'srtProperty (cue 3, line 10)',
				message:
					'expected a timing line like "00:00:01,000 --> 00:00:03,500", found "not a timing"',
			},
		]);
	});

	it('refuses empty captions and cues without text', () => {
		expect(problemsOf(() => parseSrt('  \n', 'srtText'))).toEqual([
			{ path: 'srtText', message: 'holds no captions' },
		]);
		expect(
			problemsOf(() => parseSrt('1\n00:00:01,000 --> 00:00:02,000\n', 'srtText'))[0].message,
		).toBe('has no text');
	});

	it('builds one cue per shot with dialogue', () => {
		expect(
			dialogueCues([
				{ dialogue: ' Hi ', startSeconds: 0, endSeconds: 1.5 },
				{ startSeconds: 2, endSeconds: 3 },
				{ dialogue: 'Bye', startSeconds: 3.5, endSeconds: 5 },
			]),
		).toEqual([
			{ startMs: 0, endMs: 1500, text: 'Hi' },
			{ startMs: 3500, endMs: 5000, text: 'Bye' },
		]);
	});
});

function cube(size: number, rows = size ** 3, extra = ''): string {
	const lines = Array.from({ length: rows }, (_, index) => `${(index % size) / (size - 1)} 0.5 1`);
	return (
		`# made by a test\nTITLE "Teal and orange"\n${extra}LUT_3D_SIZE ${size}\nDOMAIN_MIN 0 0 0\nDOMAIN_MAX 1 1 1\n\n` +
		`${lines.join('\n')}\n`
	);
}

describe('.cube LUTs', () => {
	it('accepts a well-formed 3D LUT', () => {
		expect(parseCubeLut(cube(3), 'options.lutProperty')).toEqual({
			title: 'Teal and orange',
			size: 3,
		});
	});

	it('refuses a table with the wrong number of rows, a 1D LUT, non-numbers and files that are not LUTs', () => {
		expect(problemsOf(() => parseCubeLut(cube(3, 26), 'lut'))).toEqual([
			{ path: 'lut', message: 'has 26 rows of colour; LUT_3D_SIZE 3 needs 27 (3x3x3)' },
		]);
		expect(problemsOf(() => parseCubeLut('LUT_1D_SIZE 2\n0 0 0\n1 1 1\n', 'lut'))[0]).toEqual({
			path: 'lut (line 1)',
			message: 'is a 1D LUT; a 3D LUT (LUT_3D_SIZE) is needed',
		});
		expect(
			problemsOf(() => parseCubeLut(cube(2).replace('0.5 1', '0.5 x'), 'lut'))[0].message,
		).toMatch(/^expected three numbers \(red green blue\), found "0 0.5 x"/);
		expect(problemsOf(() => parseCubeLut('\x89PNG\r\n\x1a\n\0\0\0\rIHDR', 'lut'))[0].path).toBe(
			'lut (line 1)',
		);
		expect(problemsOf(() => parseCubeLut('0 0 0\n', 'lut'))).toEqual([
			{ path: 'lut', message: 'has no LUT_3D_SIZE line: it is not a 3D .cube LUT' },
		]);
		expect(
			problemsOf(() => parseCubeLut(cube(2, 8, 'LUT_3D_SIZE 300\n'), 'lut'))[0].message,
		).toMatch(/LUT_3D_SIZE must be a whole number from 2 to 256/);
	});
});
