import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

// n8n's community-node rules, in the set for packages that run on self-hosted n8n: this package
// runs ffmpeg and so cannot be offered on n8n Cloud.
const communityRules = n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport;

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', 'test-output/**', 'coverage/**', '.cache/**'] },
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended, communityRules],
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
		},
	},
	{
		files: ['package.json'],
		extends: [communityRules],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		rules: {
			// The official Google SDK (@google/genai) is what the package exists to drive; n8n Cloud's
			// no-dependencies rule does not apply to a self-hosted-only package.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
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
		// outside (processes, a local owner's password); they never ship in the package.
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
		},
	},
);
