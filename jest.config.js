/**
 * Three projects, run in this order by `npm test`:
 * - unit: the core and the nodes with a mocked n8n context; fast, no processes.
 * - integration: the real @google/genai SDK against the Google API stand-in, and real ffmpeg.
 * - security: the hardening of issue 15 kept as regression tests (real ffmpeg, the templates).
 * - e2e: real n8n started by the harness in test/harness, with the packed package installed.
 */
const transform = {
	'^.+\\.ts$': [
		'ts-jest',
		{ tsconfig: 'tsconfig.json', isolatedModules: true, diagnostics: false },
	],
};
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{
			...common,
			displayName: 'integration',
			testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
		},
		{ ...common, displayName: 'security', testMatch: ['<rootDir>/test/security/**/*.test.ts'] },
		{ ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
	],
};
