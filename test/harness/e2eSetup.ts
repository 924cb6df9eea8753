import { abandonStarts, n8nStartsSoFar, stopEverything } from '../../n8n-runtime';
import { RUNTIME_HANDLE, type RuntimeHandle } from './runtimeHandle';

/** Runs in every e2e test file before its tests (jest's setupFilesAfterEnv). */

/**
 * The timeout of e2e tests and hooks, such as a hook starting n8n (on a busy 2-core machine:
 * building and installing the package up to a minute, n8n up to three) or a test running a
 * workflow. Provisioning n8n is scripts/setup's job, never a test's. Files that run whole
 * templates set a longer one themselves.
 */
const N8N_TEST_TIMEOUT_MS = 10 * 60_000;
jest.setTimeout(N8N_TEST_TIMEOUT_MS);

// For n8nEnvironment.ts, which stops what the file's n8n starts leave behind and reports their timings.
const handle: RuntimeHandle = { abandonStarts, stopEverything, n8nStartsSoFar };
Object.assign(globalThis, { [RUNTIME_HANDLE]: handle });
