import { existsSync, promises as fs } from 'fs';
import path from 'path';

import { usableFaces } from '../../core/scoring/identity';
import type { Box } from '../../core/scoring/vision';
import { readImage } from '../../edges/ffmpeg/frameSampling';
import { loadVisionModels } from '../../edges/vision/humanModels';
import { DEV_SET_DIR, fetchPhotos, photoPath, type PhotoName } from './sources';

/**
 * The real people of the development set: every usable face the face model finds in the group
 * photographs (and the astronaut's and the cameraman's portraits), found once and kept in
 * .cache/drift-dev-set/people.json. Each is one person: the photographs show twenty different people.
 */

export interface Person {
	id: string;
	photo: PhotoName;
	/** The face, in the photograph's own pixels. */
	face: Box;
	photoWidth: number;
	photoHeight: number;
}

const PEOPLE_FILE = path.join(DEV_SET_DIR, 'people.json');
const PORTRAITS: PhotoName[] = [
	'astronaut',
	'camera',
	'group1',
	'group2',
	'group3',
	'group4',
	'group5',
	'group6',
];
/** Faces are looked for at the photographs' own size (at most 1920 wide). */
const DETECT_SIDE = 1920;
/** Faces smaller than this in the photograph are too small to make a reference image of. */
const MIN_FACE_SIDE = 70;

export async function findPeople(log: (line: string) => void = () => undefined): Promise<Person[]> {
	if (existsSync(PEOPLE_FILE)) return JSON.parse(await fs.readFile(PEOPLE_FILE, 'utf8'));
	await fetchPhotos(log, PORTRAITS);
	const models = await loadVisionModels();
	const people: Person[] = [];
	for (const photo of PORTRAITS) {
		const file = photoPath(photo);
		const frame = await readImage(
			{ path: file, name: path.basename(file) },
			undefined,
			DETECT_SIDE,
		);
		const { faces } = await models.detect(frame, { faces: true, objects: false });
		usableFaces(faces)
			.filter((face) => Math.min(face.box.width, face.box.height) >= MIN_FACE_SIDE)
			.sort((a, b) => a.box.x - b.box.x)
			.forEach((face, index) =>
				people.push({
					id: `${photo}-${index + 1}`,
					photo,
					face: face.box,
					photoWidth: frame.width,
					photoHeight: frame.height,
				}),
			);
	}
	await fs.writeFile(PEOPLE_FILE, JSON.stringify(people, null, 1));
	return people;
}
