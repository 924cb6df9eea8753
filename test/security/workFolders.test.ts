import { spawnSync } from 'child_process';
import { promises as fs } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

import type { INodeExecutionData } from 'n8n-workflow';

import { Assemble } from '../../nodes/Assemble/Assemble.node';
import { makeWorkFolder, sweepStaleWorkFolders } from '../../nodes/shared/workFolders';
import { makeClip, pipelineItems } from '../helpers/assembly';
import { mockNodeContext } from '../helpers/mockNodeContext';

/**
 * Working folders do not pile up (issue 15, point 14c). Veo Generate, Drift Score and Assemble each
 * work in a folder of the temp folder, removed when the node ends however it ends; a run killed
 * with the process leaves its folder, and the next run sweeps those that are over a day old and
 * whose process is gone (the folder's name carries its process id).
 */

const HOUR = 3_600_000;
let root: string;

beforeEach(async () => {
	root = await fs.mkdtemp(path.join(tmpdir(), 'security-work-folders-'));
});
afterEach(() => fs.rm(root, { recursive: true, force: true }));

/** A folder as a node makes it, removed again at once. */
async function makeWorkFolderOnce(): Promise<string> {
	const dir = await makeWorkFolder('veo-generate');
	await fs.rm(dir, { recursive: true });
	return dir;
}

/** The id of a process that has ended. */
function deadPid(): number {
	return spawnSync(process.execPath, ['-e', '0']).pid!;
}

async function folder(name: string, ageMs: number): Promise<string> {
	const dir = path.join(root, name);
	await fs.mkdir(dir);
	await fs.writeFile(path.join(dir, 'clip.mp4'), 'bytes');
	const at = new Date(Date.now() - ageMs);
	await fs.utimes(dir, at, at);
	return dir;
}

describe('working folders', () => {
	it('are removed when a node ends, and when it fails', async () => {
		const ours = async () =>
			(await fs.readdir(tmpdir())).filter((name) =>
				new RegExp(`^(veo-generate|drift-score|veo-assemble)-${process.pid}-`).test(name),
			);
		const items = pipelineItems([[{}]]);
		const clip = path.join(root, 'clip.mp4');
		await makeClip(clip, { color: 'red' });
		const assemble = async (bytes: Buffer) => {
			const input: INodeExecutionData[] = [];
			const mock = mockNodeContext({
				items: input,
				parameters: { missingShots: 'fail', transition: 'cut', options: { quality: 'draft' } },
			});
			const binary = await mock.context.helpers.prepareBinaryData(bytes, 'a.mp4', 'video/mp4');
			input.push({ json: items[0] as never, binary: { clip_take1: binary } });
			return new Assemble().execute.call(mock.context);
		};

		await assemble(await fs.readFile(clip));
		expect(await ours()).toEqual([]);
		await expect(assemble(Buffer.from('#EXTM3U\n'))).rejects.toThrow(/HLS playlist/);
		expect(await ours()).toEqual([]);
		expect(path.basename(await makeWorkFolderOnce())).toMatch(
			new RegExp(`^veo-generate-${process.pid}-[A-Za-z0-9]{6}$`),
		);
	});

	it('left by killed runs are swept when over a day old and their process is gone', async () => {
		const dead = deadPid();
		const stale = [
			await folder(`veo-generate-${dead}-a1b2c3`, 25 * HOUR),
			await folder(`drift-score-${dead}-d4e5f6`, 30 * HOUR),
			await folder(`veo-assemble-${dead}-g7h8i9`, 48 * HOUR),
			// Named before folders carried their process: only their age counts.
			await folder('veo-generate-Xy12Zq', 26 * HOUR),
		];
		const kept = [
			// Young: perhaps another container's run, whose processes this one cannot see.
			await folder(`veo-generate-${dead}-j1k2l3`, 2 * HOUR),
			// Its process still runs (this one): a batch that has been going for a day.
			await folder(`veo-generate-${process.pid}-m4n5o6`, 25 * HOUR),
			// Not a folder of this package.
			await folder(`something-else-${dead}-p7q8r9`, 72 * HOUR),
		];

		const swept = await sweepStaleWorkFolders({ folder: root });

		expect(swept.sort()).toEqual(stale.sort());
		for (const dir of stale) await expect(fs.stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
		for (const dir of kept) expect((await fs.stat(dir)).isDirectory()).toBe(true);
	});
});
