/**
 * Four projects, run in this order by `npm test`:
 * - unit: the core and the nodes with a mocked n8n context; fast, no processes.
 * - integration: the real @google/genai SDK against the Google API stand-in, and real ffmpeg.
 * - security: the hardening of issue 15 kept as regression tests (real ffmpeg, the templates).
 * - e2e: real n8n started by the n8n runtime (n8n-runtime/), with the packed package installed.
 *   Its environment (test/harness/n8nEnvironment.ts) stops whatever a file's n8n starts left
 *   running or starting, so nothing outlives a failed or timed-out hook and jest exits.
 * test/harness/timingReporter.js prints where the time went.
 */
const transform = {
	'^.+\\.ts$': [
		'ts-jest',
		{ tsconfig: 'tsconfig.json', isolatedModules: true, diagnostics: false },
	],
};
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
	reporters: ['default', '<rootDir>/test/harness/timingReporter.js'],
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{
			...common,
			displayName: 'integration',
			testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
		},
		{ ...common, displayName: 'security', testMatch: ['<rootDir>/test/security/**/*.test.ts'] },
		{
			...common,
			displayName: 'e2e',
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			testEnvironment: '<rootDir>/test/harness/n8nEnvironment.ts',
			// Sets the e2e timeout (N8N_TEST_TIMEOUT_MS) and hands the runtime to the environment.
			setupFilesAfterEnv: ['<rootDir>/test/harness/e2eSetup.ts'],
		},
	],
};
