import { rulesBroken, type Snippet } from '../helpers/lint';

/**
 * The layer rules in eslint.config.mjs, run by ESLint itself on snippets placed in each layer: an
 * import across a layer's boundary is an error, and the imports the layers are built on are not;
 * an import circle is an error too.
 * A resolver that stops resolving or a renamed folder would make the rules pass everything in
 * silence; this test would then fail.
 */

jest.setTimeout(60_000);

const CHECKED_RULES = [
	'import-x/no-restricted-paths',
	'no-restricted-imports',
	'import-x/no-cycle',
];

const importing = (file: string, ...specifiers: string[]): Snippet => ({
	file,
	code: specifiers
		.map((specifier, index) => `import * as imported${index} from '${specifier}';\n`)
		.concat(
			`export const used = [${specifiers.map((_, index) => `imported${index}`).join(', ')}];\n`,
		)
		.join(''),
});

const PATHS = 'import-x/no-restricted-paths';
const PACKAGES = 'no-restricted-imports';
const CIRCLE = 'import-x/no-cycle';

const CASES: Array<[string, Snippet, string[]]> = [
	[
		'core/ importing an edge, a node and a credential',
		importing(
			'core/layerProbe.ts',
			'../edges/google/client',
			'../nodes/shared/errors',
			'../credentials/VeoPipelineGeminiApi.credentials',
		),
		[PATHS, PATHS, PATHS],
	],
	[
		'core/ importing the CLI, the stand-in and a file at the root, from a folder deeper down',
		importing(
			'core/scoring/layerProbe.ts',
			'../../cli/veo-pipeline',
			'../../google-api-standin/server',
			'../../jest.config',
		),
		[PATHS, PATHS, PATHS],
	],
	[
		'core/ importing n8n and the Google SDK',
		importing('core/layerProbe.ts', 'n8n-workflow', 'n8n-core', '@google/genai'),
		[PACKAGES, PACKAGES, PACKAGES],
	],
	[
		'core/ taking only a type from n8n',
		{
			file: 'core/layerProbe.ts',
			code: "import type { INode } from 'n8n-workflow';\nexport type Node = INode;\n",
		},
		[PACKAGES],
	],
	[
		'edges/ importing a node, a credential and n8n',
		importing(
			'edges/google/layerProbe.ts',
			'../../nodes/shared/google',
			'../../credentials/VeoPipelineVertexAiApi.credentials',
			'n8n-workflow',
		),
		[PATHS, PATHS, PACKAGES],
	],
	['cli/ importing a node', importing('cli/layerProbe.ts', '../nodes/DriftScore/score'), [PATHS]],
	[
		'google-api-standin/ importing a node and the Google edge',
		importing(
			'google-api-standin/layerProbe.ts',
			'../nodes/shared/google',
			'../edges/google/client',
		),
		[PATHS, PATHS],
	],
	[
		'core/failures.ts importing what imports it (retry.ts)',
		importing('core/failures.ts', './retry'),
		[CIRCLE],
	],
	[
		'the imports the layers are built on',
		importing('core/scoring/layerProbe.ts', '../types', './report', 'crypto'),
		[],
	],
	[
		'edges on the core and the Google SDK',
		importing('edges/google/layerProbe.ts', '../../core/failures', '@google/genai'),
		[],
	],
	[
		'nodes on n8n, the core and the edges',
		importing(
			'nodes/VeoGenerate/layerProbe.ts',
			'n8n-workflow',
			'../../core/types',
			'../../edges/google/client',
		),
		[],
	],
	[
		'the stand-in on the ffmpeg edge and the core',
		importing('google-api-standin/layerProbe.ts', '../edges/ffmpeg/ffmpeg', '../core/types'),
		[],
	],
];

let found: string[][];

beforeAll(async () => {
	const findings = await rulesBroken(
		CASES.map(([, snippet]) => snippet),
		CHECKED_RULES,
	);
	found = findings.map((broken) => broken.map((finding) => finding.ruleId));
});

it.each(CASES.map(([name, , expected], index) => [name, expected, index] as const))(
	'%s: %j',
	(_name, expected, index) => {
		expect(found[index]).toEqual(expected);
	},
);
