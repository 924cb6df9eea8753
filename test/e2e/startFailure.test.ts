import { promises as fs } from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

import { RuntimeStepError, startN8n } from '../../n8n-runtime';

/** When n8n does not come up, the error says which step failed and shows what n8n logged. */

describe('a failed n8n start', () => {
	it('says to run scripts/setup, installing nothing, when n8n is not provisioned', async () => {
		const emptyCache = await fs.mkdtemp(path.join(os.tmpdir(), 'veo-pipeline-empty-cache-'));
		const cacheBefore = process.env.VEO_PIPELINE_CACHE;
		process.env.VEO_PIPELINE_CACHE = emptyCache;
		try {
			await expect(startN8n({ installPackage: false })).rejects.toThrow(
				/n8n 2\.40\.7 not provisioned in .*veo-pipeline-empty-cache-.*Run scripts\/setup/,
			);
			// Nothing was downloaded or installed: the start only looked for setup's ready markers.
			expect(await fs.readdir(emptyCache)).toEqual([]);
		} finally {
			if (cacheBefore === undefined) delete process.env.VEO_PIPELINE_CACHE;
			else process.env.VEO_PIPELINE_CACHE = cacheBefore;
			await fs.rm(emptyCache, { recursive: true, force: true });
		}
	});

	it('names the step and quotes the log when n8n exits at once', async () => {
		// The copied user folder has its own key: n8n refuses to start with a different one.
		const failure = startN8n({
			installPackage: false,
			env: { N8N_ENCRYPTION_KEY: 'not-the-key-of-this-user-folder' },
		});
		await expect(failure).rejects.toThrow(RuntimeStepError);
		await expect(failure).rejects.toThrow(
			/starting n8n on port \d+ .*failed: n8n exited with code 1\. Last lines of n8n's log:\n[\s\S]*Mismatching encryption keys/,
		);
	});

	it('names the step and quotes the log when its port is taken', async () => {
		const squatter = net.createServer();
		await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
		const { port } = squatter.address() as net.AddressInfo;
		try {
			await expect(startN8n({ installPackage: false, ports: { port } })).rejects.toThrow(
				new RegExp(
					`starting n8n on port ${port} [\\s\\S]*n8n exited with code 1[\\s\\S]*port ${port} is already in use`,
				),
			);
		} finally {
			squatter.close();
		}
	});
});
