import { promises as fs } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

import { withoutServerPaths } from '../../core/failures';
import { runGenerationBatch } from '../../core/generationScheduler';
import { runFfmpeg, verifyPlayableVideo } from '../../edges/ffmpeg/ffmpeg';
import { toNodeError } from '../../nodes/shared/errors';
import { FakeClock, FakeVeo, veoJob } from '../helpers/fakeVeo';

/**
 * Server paths never reach people (issue 15, point 12): reasons are shown on the review board and
 * in the production report, node errors in n8n's editor and in error items. ffmpeg's messages name
 * files by their role; anything else that carries a path is cleaned where it becomes a reason or a
 * node error. ffmpeg's full output goes to the debug log only (NODE_DEBUG=veo-pipeline).
 */

let dir: string;

beforeAll(async () => {
	dir = await fs.mkdtemp(path.join(tmpdir(), 'veo-generate-paths-'));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

function expectNoServerPath(text: string): void {
	expect(text).not.toContain(dir);
	expect(text).not.toContain(tmpdir());
}

const NODE = {
	id: 'node',
	name: 'Veo Generate',
	type: 'n8n-nodes-veo-pipeline.veoGenerate',
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters: {},
};

describe('server paths', () => {
	it('are left out of text, while URLs, MIME types and ratios stay', () => {
		expect(
			withoutServerPaths(
				`ffprobe exited with code 1: ${dir}/0-clip: Invalid data; open '${dir}/a b.mp4'; ` +
					'https://files.example/v1/operations/7 video/mp4 16:9 24/1',
			),
		).toBe(
			"ffprobe exited with code 1: [file]: Invalid data; open '[file]'; https://files.example/v1/operations/7 video/mp4 16:9 24/1",
		);
	});

	it('never appear in a node error, nor in its description or cause', () => {
		const vanished = toNodeError(NODE, new Error(`${dir}/0-1-0.mp4 vanished mid-read`), 3);
		expect(vanished.message).toBe('Item 3: [file] vanished mid-read');
		// n8n words common system errors itself; the cause it keeps is cleaned too.
		const missing = toNodeError(
			NODE,
			new Error(`ENOENT: no such file or directory, open '${dir}/0-1-0.mp4'`),
			3,
		);
		for (const nodeError of [vanished, missing])
			expectNoServerPath(
				[nodeError.message, nodeError.description, (nodeError.cause as Error)?.message].join(' '),
			);
	});

	it("never appear in ffmpeg's failures: files are named by their role", async () => {
		const missing = path.join(dir, 'clip-0001.mp4');
		const error = await runFfmpeg(['-i', missing, '-f', 'null', '-'], {
			names: { [missing]: 'the clip of shot-03-take-2' },
		}).then(
			() => undefined,
			(thrown: Error) => thrown,
		);
		expect(error?.message).toMatch(
			/^ffmpeg exited with code 1: the clip of shot-03-take-2: No such file/,
		);
		expectNoServerPath(error!.message);
	});

	it('never appear in the reason a downloaded clip is refused for', async () => {
		const text = path.join(dir, 'not-a-clip.mp4');
		await fs.writeFile(text, '<html>quota exceeded</html>');
		const verdict = await verifyPlayableVideo(text, 8);
		expect(verdict.ok).toBe(false);
		if (!verdict.ok) {
			expect(verdict.reason).toMatch(/^not readable as video/);
			expectNoServerPath(verdict.reason);
		}
	});

	it("never appear in a take's reason when a download fails with a file system error", async () => {
		const clock = new FakeClock();
		const veo = new FakeVeo({ now: () => clock.now, latencyMs: 1000 });
		veo.download = async (_video, destination) => {
			throw new Error(`EACCES: permission denied, open '${destination}'`);
		};
		const report = await clock.run(
			runGenerationBatch([veoJob(0, { maxAttempts: 1 })], veo, {
				mode: 'wait',
				concurrency: 1,
				sleep: clock.sleep,
				now: () => clock.now,
				clipTimeoutMs: 600_000,
				pollMinMs: 1000,
				pollMaxMs: 5000,
				workDir: dir,
				downloadAttempts: 2,
			}),
		);
		const [result] = report.results;
		expect(result.end).toBe('failed');
		expect(result.reason).toMatch(
			/the download failed: EACCES: permission denied, open '\[file\]'/,
		);
		expectNoServerPath(JSON.stringify(result));
	});
});
