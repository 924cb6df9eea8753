import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

/**
 * What `n8n-node lint` (@n8n/node-cli's configs/eslint.js) applies, in its set for packages that
 * run on self-hosted n8n - this package runs ffmpeg and so cannot be offered on n8n Cloud, so the
 * Cloud-only rules against fs/os/path imports and Node globals are not in it - plus the layers the
 * package is built in. Every rule switched off below says why; Human Approval Wait switches off
 * webhook-lifecycle-complete where it declares n8n's waiting webhooks.
 */
const communityRules = n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport;

const ROOT = import.meta.dirname;

/**
 * The layers, by resolved file path (so `../../edges/x` and `../edges/x` alike): the core depends on
 * nothing else in the package, the edges never reach up into the n8n glue, the CLI drives the core
 * and the edges without n8n's nodes, and the stand-in plays Google from outside the package's code.
 */
const layerZones = [
	{
		// Everything of the package outside core/, folders added later included.
		target: './core',
		from: './',
		except: ['./core', './node_modules'],
		message: 'The core is plain TypeScript that depends on nothing else in the package.',
	},
	{
		target: './edges',
		from: [
			'./nodes',
			'./credentials',
			'./cli',
			'./google-api-standin',
			'./n8n-runtime',
			'./test',
			'./bench',
		],
		message:
			'An edge talks to one outside thing for the nodes; it never imports the n8n glue above it.',
	},
	{
		target: './cli',
		from: ['./nodes', './credentials'],
		message: 'The CLI drives the core and the edges, not the n8n nodes.',
	},
	{
		target: './google-api-standin',
		from: ['./nodes', './credentials'],
		message: "The stand-in plays Google's side, outside the n8n package.",
	},
	{
		// Except the ffmpeg edge: the one module that starts ffmpeg, which the stand-in renders clips
		// with. No Google code is shared, so the stand-in cannot agree with the client's mistakes.
		target: './google-api-standin',
		from: './edges',
		except: ['./ffmpeg'],
		message: "The stand-in plays Google's side; it never uses the package's own edges to Google.",
	},
];

/** Packages a layer must not import, by name (a resolved path would miss a symlinked node_modules). */
function restrictedPackages(names, message) {
	return ['error', { paths: names.map((name) => ({ name, message })) }];
}

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', 'test-output/**', 'coverage/**', '.cache/**'] },
	{
		// Prettier wraps code at 100 but leaves strings, template literals and comments whole; this
		// holds them to 140 columns too (issue 16), a tab counting as Prettier's tabWidth. Strings and
		// templates are not exempt (split them: '...' + '...'); only a comment line that ends in a URL
		// is, since a link cannot be broken. ESLint's core rule, frozen since 8.53 in favour of
		// @stylistic/max-len but still in ESLint 9.
		files: ['**/*.ts', '**/*.js', '**/*.mjs'],
		rules: {
			'max-len': [
				'error',
				{ code: 140, tabWidth: 2, ignorePattern: String.raw`^\s*(?://|/?\*).*\bhttps?://\S+$` },
			],
		},
	},
	{
		files: ['**/*.ts'],
		extends: [
			js.configs.recommended,
			tseslint.configs.recommended,
			communityRules,
			importX.configs['flat/recommended'],
			// Without it import-x reads no .ts module, so no-cycle and the export checks see nothing.
			importX.configs['flat/typescript'],
		],
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
			// As n8n-node lint sets them: spread is fine; nothing the package ships writes to the console.
			'prefer-spread': 'off',
			'no-console': 'error',
			// Import circles make load order matter and blur the layers. import-x counts value imports
			// only: a circle closed by an `import type` does not fire.
			'import-x/no-cycle': 'error',
			'import-x/no-restricted-paths': ['error', { basePath: ROOT, zones: layerZones }],
		},
	},
	{
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
	},
	{
		files: ['core/**/*.ts'],
		rules: {
			'no-restricted-imports': restrictedPackages(
				['n8n-workflow', 'n8n-core', '@google/genai'],
				'The core has no n8n and no Google SDK: the nodes and the Google edge adapt it to them.',
			),
		},
	},
	{
		files: ['edges/**/*.ts'],
		rules: {
			'no-restricted-imports': restrictedPackages(
				['n8n-workflow', 'n8n-core'],
				"An edge throws the pipeline's typed failures; the nodes turn them into n8n's errors.",
			),
		},
	},
	{
		files: ['package.json'],
		extends: [communityRules],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		rules: {
			...n8nNodesBase.configs.community.rules,
			// The official Google SDK (@google/genai) is what the package exists to drive; n8n Cloud's
			// no-dependencies rule does not apply to a self-hosted-only package.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Switched off by n8n-node lint itself: the camel-cased documentation slug applies only to
			// n8n's own repository, and @n8n/community-nodes/credential-password-field does the password check.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// Switched off by n8n-node lint itself: they count inputs and outputs as n8n's own nodes had
			// them (Human Approval Wait has two outputs, by parameter), and maxValue is deprecated only on
			// n8n's Limit node.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{
		// The core and the edges have no n8n imports by design: they throw the pipeline's typed
		// failures, which the nodes turn into NodeOperationError / NodeApiError at the boundary.
		files: [
			'core/**/*.ts',
			'edges/**/*.ts',
			'cli/**/*.ts',
			'google-api-standin/**/*.ts',
			'n8n-runtime/**/*.ts',
			'test/**/*.ts',
			'bench/**/*.ts',
			'scripts/**/*.ts',
		],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
	{
		// The ffmpeg edge is the one module that starts processes: ffmpeg with argument arrays, no shell.
		files: ['edges/ffmpeg/**/*.ts'],
		rules: { '@n8n/community-nodes/no-dangerous-functions': 'off' },
	},
	{
		// The n8n runtime, tests, benchmarks, the stand-in and the demo drive n8n and ffmpeg from
		// outside (processes, a local owner's password) and report to the terminal; they never ship.
		files: [
			'n8n-runtime/**/*.ts',
			'test/**/*.ts',
			'bench/**/*.ts',
			'google-api-standin/**/*.ts',
			'scripts/**/*.ts',
		],
		rules: {
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
			'@n8n/community-nodes/missing-paired-item': 'off',
			'no-console': 'off',
		},
	},
);
