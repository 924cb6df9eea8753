import { createHash } from 'crypto';
import { existsSync, promises as fs } from 'fs';
import path from 'path';

import { cropStill, renderClip, type ClipRecipe } from './clips';
import { devCases, type CharacterSpec, type DevCase } from './cases';
import { findPeople } from './people';
import { DEV_SET_DIR, fetchPhotos, PHOTO_NAMES, photoPath } from './sources';

/**
 * Makes the development set's media into .cache/drift-dev-set/media: each clip and reference image
 * named by a hash of its recipe, so a changed recipe makes a new file and an unchanged one is
 * never made twice. Run: npx tsx bench/drift-dev-set/generate.ts
 */

const MEDIA = path.join(DEV_SET_DIR, 'media');

const hashOf = (value: unknown) =>
	createHash('sha1').update(JSON.stringify(value)).digest('hex').slice(0, 16);

export const clipFile = (recipe: ClipRecipe) => path.join(MEDIA, `${hashOf(recipe)}.mp4`);
export const referenceFile = (reference: CharacterSpec['reference']) =>
	path.join(MEDIA, `${hashOf(reference)}.png`);

/** Everything a case needs, made if missing; returns the cases. */
export async function generateDevSet(
	log: (line: string) => void = () => undefined,
	only?: (devCase: DevCase) => boolean,
	options: { people?: boolean } = {},
): Promise<DevCase[]> {
	// The people are found once in the portraits; after that only the photographs the cases use are fetched.
	const people = options.people === false ? [] : await findPeople(log);
	const cases = devCases(people).filter((devCase) => !only || only(devCase));
	const photos = new Set(
		cases.flatMap((devCase) =>
			[devCase.clip, devCase.previous, devCase.established]
				.flatMap((recipe) => (recipe ? [recipe.photo] : []))
				.concat(devCase.character ? [devCase.character.reference.photo] : [])
				.concat(devCase.clip.defect?.kind === 'cut' ? [devCase.clip.defect.photo] : []),
		),
	);
	await fetchPhotos(
		log,
		PHOTO_NAMES.filter((name) => photos.has(photoPath(name))),
	);
	await fs.mkdir(MEDIA, { recursive: true });
	let made = 0;
	const started = performance.now();
	for (const devCase of cases) {
		for (const recipe of [devCase.clip, devCase.previous, devCase.established]) {
			if (recipe && !existsSync(clipFile(recipe))) {
				await renderClip(recipe, `${clipFile(recipe)}.part.mp4`);
				await fs.rename(`${clipFile(recipe)}.part.mp4`, clipFile(recipe));
				made += 1;
			}
		}
		const reference = devCase.character?.reference;
		if (reference && !existsSync(referenceFile(reference))) {
			await cropStill(reference.photo, reference.box, referenceFile(reference), reference.filters);
			made += 1;
		}
	}
	if (made)
		log(`made ${made} files in ${((performance.now() - started) / 1000).toFixed(0)} s (${MEDIA})`);
	return cases;
}

if (require.main === module) {
	generateDevSet(console.log)
		.then((cases) => console.log(`${cases.length} cases ready`))
		.catch((error) => {
			console.error(error);
			process.exitCode = 1;
		});
}
