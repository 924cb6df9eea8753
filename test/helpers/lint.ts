import { execFile } from 'child_process';
import path from 'path';
import { promisify } from 'util';

/**
 * ESLint with the project's own eslint.config.mjs, run on snippets as if they were files of the
 * repository. ESLint loads its ESM config only outside Jest's module sandbox, so it runs in a child
 * Node process.
 */

const ROOT = path.resolve(__dirname, '..', '..');

export interface Snippet {
	/** Where the snippet is linted as if it were, relative to the repository root (never written). */
	file: string;
	code: string;
}

export interface Finding {
	ruleId: string;
	line: number;
}

const LINT_SNIPPETS = `
import { ESLint } from 'eslint';
import path from 'path';
const [root, snippets, rules] = JSON.parse(process.argv[1]);
const eslint = new ESLint({ cwd: root });
const found = [];
for (const { file, code } of snippets) {
	const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
	found.push(
		result.messages
			.filter((message) => rules.includes(message.ruleId))
			.map(({ ruleId, line }) => ({ ruleId, line })),
	);
}
process.stdout.write(JSON.stringify(found));
`;

/** What each snippet breaks of the given rules, in the order ESLint reports it. */
export async function rulesBroken(snippets: Snippet[], rules: string[]): Promise<Finding[][]> {
	const run = promisify(execFile)(
		process.execPath,
		['--input-type=module', '-e', LINT_SNIPPETS, JSON.stringify([ROOT, snippets, rules])],
		{ cwd: ROOT, maxBuffer: 1 << 24 },
	);
	const { stdout } = await run.catch((error: { stderr?: string }) => {
		throw new Error(`ESLint could not lint the snippets:\n${error.stderr}`);
	});
	return JSON.parse(stdout) as Finding[][];
}
