import { promises as fs } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

/**
 * The folders in the temp folder where nodes stage clips for ffmpeg. Each is removed when its node
 * ends, however it ends; a run killed with its process cannot remove its own, so the first node
 * run of a process sweeps those that killed runs left.
 */

export type WorkFolderKind = 'veo-generate' | 'drift-score' | 'veo-assemble';

const KINDS: WorkFolderKind[] = ['veo-generate', 'drift-score', 'veo-assemble'];

/**
 * A folder is stale when it is over a day old and its process is gone. Age alone guards against
 * removing the folder of a run in another container that shares the temp folder (whose process
 * this one cannot see); a folder's time moves on while its run writes clips into it.
 */
const STALE_AFTER_MS = 24 * 3_600_000;

let sweep: Promise<unknown> | undefined;

/**
 * A fresh folder named `<kind>-<process id>-XXXXXX` in the temp folder; the caller removes it in a
 * `finally`. The process id lets a later run tell a killed run's folder from a live one's.
 */
export async function makeWorkFolder(kind: WorkFolderKind): Promise<string> {
	// In the background, once per process: sweeping never holds up a run, nor fails it.
	sweep ??= sweepStaleWorkFolders().catch(() => undefined);
	return fs.mkdtemp(path.join(tmpdir(), `${kind}-${process.pid}-`));
}

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it runs, as another user.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Removes this package's working folders that killed runs left; returns the folders removed. */
export async function sweepStaleWorkFolders(
	options: { folder?: string; now?: number } = {},
): Promise<string[]> {
	const folder = options.folder ?? tmpdir();
	const now = options.now ?? Date.now();
	const pattern = new RegExp(`^(?:${KINDS.join('|')})-(?:(\\d+)-)?[A-Za-z0-9]{6}$`);
	const removed: string[] = [];
	for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
		const match = entry.isDirectory() ? pattern.exec(entry.name) : null;
		if (!match) continue;
		const dir = path.join(folder, entry.name);
		const pid = match[1] ? Number(match[1]) : undefined;
		try {
			const { mtimeMs } = await fs.stat(dir);
			if (now - mtimeMs < STALE_AFTER_MS || (pid !== undefined && isRunning(pid))) continue;
			await fs.rm(dir, { recursive: true, force: true });
			removed.push(dir);
		} catch {
			// Removed meanwhile by another process's sweep, or not ours to remove.
		}
	}
	return removed;
}
