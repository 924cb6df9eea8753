import { rulesBroken, type Snippet } from '../helpers/lint';

/**
 * The line-length rule in eslint.config.mjs (issue 16): Prettier leaves long strings, template
 * literals and comments whole, so ESLint holds every line of the package's code to 140 columns,
 * a tab counting as Prettier's two. Strings and templates are not exempt; a comment line that ends
 * in a URL is, since a link cannot be broken.
 */

jest.setTimeout(60_000);

const LIMIT = 140;

/** A line of exactly `columns` columns (a tab counting two): `before`, filler, `after`. */
function line(columns: number, before: string, after: string): string {
	const width = (text: string) => text.replace(/\t/g, '  ').length;
	return before + 'x'.repeat(columns - width(before) - width(after)) + after;
}

const CASES: Array<[string, Snippet, number[]]> = [
	[
		'a string literal one column over',
		{ file: 'core/lengthProbe.ts', code: line(LIMIT + 1, "export const text = '", "';") },
		[1],
	],
	[
		'a string literal at the limit',
		{ file: 'core/lengthProbe.ts', code: line(LIMIT, "export const text = '", "';") },
		[],
	],
	[
		'a template literal over, on its second line',
		{
			file: 'nodes/lengthProbe.ts',
			code: `export const a = 1;\n${line(LIMIT + 5, 'export const text = `', '${a}`;')}`,
		},
		[2],
	],
	[
		'a line whose tabs take it over (it is 140 characters, but 141 columns)',
		{
			file: 'edges/lengthProbe.ts',
			code: `export function f() {\n${line(LIMIT + 1, "\treturn '", "';")}\n}`,
		},
		[2],
	],
	[
		'a line with a tab at the limit',
		{
			file: 'edges/lengthProbe.ts',
			code: `export function f() {\n${line(LIMIT, "\treturn '", "';")}\n}`,
		},
		[],
	],
	[
		'a comment over',
		{ file: 'cli/lengthProbe.ts', code: line(LIMIT + 1, '// ', '.') + '\nexport {};' },
		[1],
	],
	[
		'code with a URL in it',
		{ file: 'core/lengthProbe.ts', code: line(LIMIT + 1, "export const url = 'https://", "';") },
		[1],
	],
	[
		'comment lines that end in a URL',
		{
			file: 'core/lengthProbe.ts',
			code: [
				line(LIMIT + 20, '// See https://example.com/', ''),
				'/**',
				line(LIMIT + 20, ' * As https://example.com/', ''),
				' */',
				'export {};',
			].join('\n'),
		},
		[],
	],
	[
		'a JavaScript file',
		{ file: 'test/harness/lengthProbe.js', code: line(LIMIT + 1, "module.exports = '", "';") },
		[1],
	],
];

let found: number[][];

beforeAll(async () => {
	const findings = await rulesBroken(
		CASES.map(([, snippet]) => snippet),
		['max-len'],
	);
	found = findings.map((broken) => broken.map((finding) => finding.line));
});

it.each(CASES.map(([name, , lines], index) => [name, lines, index] as const))(
	'%s: lines %j',
	(_name, lines, index) => {
		expect(found[index]).toEqual(lines);
	},
);
