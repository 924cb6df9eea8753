import { execFile } from 'child_process';
import { existsSync, promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';

/**
 * The real photographs the drift development set is made of, fetched with the ordinary package
 * clients into .cache/drift-dev-set/photos (git ignores .cache/) the first time, never committed:
 *
 * - Debian python3-skimage (scikit-image's data, BSD; astronaut.png is NASA's public-domain portrait
 *   of Eileen Collins, camera.png a cameraman, rocket.jpg a launch pad at night, motorcycle_left.png a garage);
 * - Debian node-opencv (MIT): car photographs from its examples;
 * - Debian opencv-doc (the OpenCV samples' data): a street, a hotel, a squirrel, fruit, a football match;
 * - Debian plasma-workspace-wallpapers (KDE's wallpapers, photographs under free licences): a lake at
 *   sunset, a lake at blue hour, a forest path, autumn leaves, a foggy pier, a lake at 1 am in summer;
 * - npm @vladmandic/face-api 1.7.15 (MIT): six group photographs of twenty real people (demo/sample1-6.jpg).
 */

const run = promisify(execFile);
export const DEV_SET_DIR = path.resolve(__dirname, '..', '..', '.cache', 'drift-dev-set');
export const PHOTOS = path.join(DEV_SET_DIR, 'photos');

interface Source {
	/** How to fetch it: a Debian package (apt-get download) or an npm package (npm pack). */
	from: { debian: string } | { npm: string };
	/** Photo name -> path inside the unpacked package. */
	files: Record<string, string>;
}

const SKIMAGE = 'usr/lib/python3/dist-packages/skimage/data';
const OPENCV = 'usr/share/doc/opencv-doc/examples/data';
const WALLPAPERS = 'usr/share/wallpapers';
const wallpaper = (name: string) => `${WALLPAPERS}/${name}/contents/images/2560x1600.jpg`;

const SOURCES: Source[] = [
	{
		from: { debian: 'python3-skimage' },
		files: {
			astronaut: `${SKIMAGE}/astronaut.png`,
			camera: `${SKIMAGE}/camera.png`,
			coffee: `${SKIMAGE}/coffee.png`,
			rocket: `${SKIMAGE}/rocket.jpg`,
			motorcycle: `${SKIMAGE}/motorcycle_left.png`,
		},
	},
	{
		from: { debian: 'node-opencv' },
		files: {
			car: 'usr/share/doc/node-opencv/examples/files/car1.jpg',
			silverCar: 'usr/share/doc/node-opencv/examples/files/car2.jpg',
		},
	},
	{
		from: { debian: 'opencv-doc' },
		files: {
			street: `${OPENCV}/leuvenA.jpg`,
			hotel: `${OPENCV}/building.jpg`,
			palace: `${OPENCV}/home.jpg`,
			squirrel: `${OPENCV}/squirrel_cls.jpg`,
			fruit: `${OPENCV}/fruits.jpg`,
			football: `${OPENCV}/messi5.jpg`,
		},
	},
	{
		from: { debian: 'plasma-workspace-wallpapers' },
		files: {
			lakeSunset: wallpaper('EveningGlow'),
			lakeBlueHour: wallpaper('DarkestHour'),
			forest: wallpaper('Path'),
			leaf: wallpaper('FallenLeaf'),
			pier: wallpaper('ColdRipple'),
			jetty: wallpaper('BytheWater'),
			summerNight: wallpaper('summer_1am'),
		},
	},
	{
		from: { npm: '@vladmandic/face-api@1.7.15' },
		files: Object.fromEntries(
			[1, 2, 3, 4, 5, 6].map((n) => [`group${n}`, `package/demo/sample${n}.jpg`]),
		),
	},
];

export type PhotoName =
	| 'astronaut'
	| 'camera'
	| 'coffee'
	| 'rocket'
	| 'motorcycle'
	| 'car'
	| 'silverCar'
	| 'street'
	| 'hotel'
	| 'palace'
	| 'squirrel'
	| 'fruit'
	| 'football'
	| 'lakeSunset'
	| 'lakeBlueHour'
	| 'forest'
	| 'leaf'
	| 'pier'
	| 'jetty'
	| 'summerNight'
	| `group${1 | 2 | 3 | 4 | 5 | 6}`;

export const PHOTO_NAMES = SOURCES.flatMap((source) => Object.keys(source.files)) as PhotoName[];

const extension = (file: string) => path.extname(file);
export const photoPath = (name: PhotoName): string => {
	const source = SOURCES.find((entry) => name in entry.files)!;
	return path.join(PHOTOS, `${name}${extension(source.files[name])}`);
};

async function unpack(source: Source, work: string): Promise<string> {
	const into = path.join(work, 'unpacked');
	await fs.mkdir(into, { recursive: true });
	if ('debian' in source.from) {
		const download = () =>
			run('apt-get', ['download', (source.from as { debian: string }).debian], { cwd: work });
		await download().catch(async () => {
			await run('apt-get', ['update', '-qq']);
			await download();
		});
		const deb = (await fs.readdir(work)).find((name) => name.endsWith('.deb'))!;
		await run('dpkg', ['-x', path.join(work, deb), into]);
	} else {
		const { stdout } = await run('npm', ['pack', source.from.npm, '--silent'], { cwd: work });
		await run('tar', ['xzf', path.join(work, stdout.trim().split('\n').pop()!), '-C', into]);
	}
	return into;
}

/** The photographs (all, unless named), fetched the first time; fails with what went wrong. */
export async function fetchPhotos(
	log: (line: string) => void = () => undefined,
	only?: PhotoName[],
): Promise<void> {
	await fs.mkdir(PHOTOS, { recursive: true });
	for (const source of SOURCES) {
		const missing = Object.keys(source.files).filter(
			(name) =>
				(!only || only.includes(name as PhotoName)) && !existsSync(photoPath(name as PhotoName)),
		);
		if (!missing.length) continue;
		const label = 'debian' in source.from ? source.from.debian : source.from.npm;
		log(`fetching ${label} for ${missing.join(', ')}`);
		const work = await fs.mkdtemp(path.join(os.tmpdir(), 'drift-dev-set-'));
		try {
			const into = await unpack(source, work);
			for (const name of missing) {
				const inside = path.join(into, source.files[name]);
				// Wallpapers are links to the largest size; copyFile follows them.
				await fs.copyFile(await fs.realpath(inside), photoPath(name as PhotoName));
			}
		} finally {
			await fs.rm(work, { recursive: true, force: true });
		}
	}
}
