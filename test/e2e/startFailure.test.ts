import net from 'net';

import { RuntimeStepError, startN8n } from '../../n8n-runtime';

/** When n8n does not come up, the error says which step failed and shows what n8n logged. */

describe('a failed n8n start', () => {
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
