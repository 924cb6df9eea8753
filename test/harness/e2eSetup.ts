/** Runs in every e2e test file before its tests (jest's setupFilesAfterEnv). */

/**
 * The timeout of e2e tests and hooks, such as a hook starting n8n. The first start on a machine
 * installs Node 24 and n8n: 10 minutes measured with an empty npm cache, over 15 when the machine
 * is busy. Files that run whole templates set a longer one themselves.
 */
const N8N_TEST_TIMEOUT_MS = 45 * 60_000;
jest.setTimeout(N8N_TEST_TIMEOUT_MS);
