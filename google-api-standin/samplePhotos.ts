import { execFile } from 'child_process';
import { existsSync, promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';

/**
 * Real photographs for the stand-in's clips and the vision tests: scikit-image's sample pictures, which Debian ships in its
 * python3-skimage package (astronaut.png is Eileen Collins, camera.png a cameraman, coffee.png a cup
 * of coffee on a saucer, chelsea.png a cat). The package is fetched with apt-get once per machine
 * and unpacked into .cache/ in the repository, which git ignores; nothing is installed.
 */

const run = promisify(execFile);
const PACKAGE = 'python3-skimage';
const DATA_IN_PACKAGE = 'usr/lib/python3/dist-packages/skimage/data';
export const PHOTOS_DIR = path.resolve(__dirname, '..', '.cache', 'skimage-data');
const PHOTOS = ['astronaut.png', 'camera.png', 'coffee.png', 'chelsea.png'];

export type PhotoName = 'astronaut' | 'camera' | 'coffee' | 'chelsea';

async function download(into: string): Promise<string> {
	const attempt = () => run('apt-get', ['download', PACKAGE], { cwd: into });
	try {
		await attempt();
	} catch (error) {
		// A fresh machine may not have read Debian's package lists yet.
		if (process.getuid?.() !== 0) throw error;
		await run('apt-get', ['update', '-qq']);
		await attempt();
	}
	const [deb] = (await fs.readdir(into)).filter((name) => name.endsWith('.deb'));
	if (!deb) throw new Error(`apt-get download ${PACKAGE} left no .deb in ${into}`);
	return path.join(into, deb);
}

/** The folder of photographs, fetched the first time; fails with what went wrong, never skips. */
export async function skimagePhotos(): Promise<(name: PhotoName) => string> {
	const photo = (name: PhotoName) => path.join(PHOTOS_DIR, `${name}.png`);
	if (PHOTOS.every((name) => existsSync(path.join(PHOTOS_DIR, name)))) return photo;
	const work = await fs.mkdtemp(path.join(os.tmpdir(), 'skimage-'));
	try {
		const deb = await download(work);
		await run('dpkg', ['-x', deb, path.join(work, 'x')]);
		const staged = path.join(work, 'photos');
		await fs.mkdir(staged);
		for (const name of PHOTOS)
			await fs.copyFile(path.join(work, 'x', DATA_IN_PACKAGE, name), path.join(staged, name));
		await fs.mkdir(path.dirname(PHOTOS_DIR), { recursive: true });
		// Another test file may have fetched them meanwhile: the first to finish wins.
		await fs.rename(staged, PHOTOS_DIR).catch((error: NodeJS.ErrnoException) => {
			if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
		});
		return photo;
	} catch (error) {
		throw new Error(
			`The vision tests need Debian's ${PACKAGE} photographs (apt-get download ${PACKAGE}, then dpkg -x), ` +
				`and fetching them failed: ${(error as Error).message}`,
		);
	} finally {
		await fs.rm(work, { recursive: true, force: true });
	}
}
