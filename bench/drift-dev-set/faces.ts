import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';

import { usableFaces } from '../../core/scoring/identity';
import { readImage } from '../../edges/ffmpeg/frameSampling';
import { loadVisionModels, stopVisionModels } from '../../edges/vision/humanModels';
import { cropStill } from './clips';
import { findPeople } from './people';
import { fetchPhotos, photoPath } from './sources';

/**
 * The face model's similarity on real people, the figures core/scoring/identity.ts's thresholds
 * rest on: every person of the development set's photographs against themselves cropped, mirrored
 * and regraded, and against every other person. Prints the spread of each.
 * Run: npx tsx bench/drift-dev-set/faces.ts
 */

const EDITS = [
	{ name: 'as photographed', filters: undefined, grow: 2 },
	{ name: 'mirrored', filters: 'hflip', grow: 1.8 },
	{
		name: 'regraded',
		filters: 'eq=saturation=0.6:gamma=1.2,colorbalance=rs=0.2:bs=-0.2',
		grow: 1.7,
	},
	{
		name: 'warmer, more contrast',
		filters: 'colortemperature=temperature=4000,eq=contrast=1.15',
		grow: 2.2,
	},
	{ name: 'darker, tight', filters: 'eq=brightness=-0.12', grow: 1.5 },
];

const quantile = (values: number[], share: number) =>
	[...values].sort((a, b) => a - b)[Math.round(share * (values.length - 1))];

async function main(): Promise<void> {
	await fetchPhotos(console.log);
	const people = await findPeople();
	const models = await loadVisionModels();
	const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'faces-'));
	try {
		const embeddings = new Map<string, number[][]>();
		for (const person of people) {
			const found: number[][] = [];
			for (const [index, edit] of EDITS.entries()) {
				const side = Math.min(person.face.width * edit.grow, person.photoWidth, person.photoHeight);
				const cx = person.face.x + person.face.width / 2;
				const cy = person.face.y + person.face.height / 2;
				const box = {
					x: Math.max(0, Math.min(person.photoWidth - side, cx - side / 2)),
					y: Math.max(0, Math.min(person.photoHeight - side, cy - side / 2)),
					width: side,
					height: side,
				};
				const file = await cropStill(
					photoPath(person.photo),
					box,
					path.join(dir, `${person.id}-${index}.png`),
					edit.filters,
				);
				const frame = await readImage({ path: file, name: file }, undefined, 960);
				const faces = usableFaces(
					(await models.detect(frame, { faces: true, objects: false })).faces,
				);
				// The person is the face nearest the middle of the crop (a neighbour may show at its edge).
				const middle = (face: (typeof faces)[number]) =>
					Math.hypot(
						face.box.x + face.box.width / 2 - frame.width / 2,
						face.box.y + face.box.height / 2 - frame.height / 2,
					);
				const face = faces.sort((a, b) => middle(a) - middle(b))[0];
				if (face) found.push(face.embedding);
			}
			embeddings.set(person.id, found);
		}
		const same: number[] = [];
		const different: number[] = [];
		for (const [id, own] of embeddings) {
			for (let i = 0; i < own.length; i++)
				for (let j = i + 1; j < own.length; j++) same.push(models.faceSimilarity(own[i], own[j]));
			for (const [otherId, other] of embeddings)
				if (id < otherId && own[0] && other[0])
					different.push(models.faceSimilarity(own[0], other[0]));
		}
		const spread = (values: number[]) =>
			`${values.length} pairs: min ${quantile(values, 0).toFixed(2)}, ` +
			`2nd percentile ${quantile(values, 0.02).toFixed(2)}, 10th ${quantile(values, 0.1).toFixed(2)}, ` +
			`median ${quantile(values, 0.5).toFixed(2)}, 90th ${quantile(values, 0.9).toFixed(2)}, ` +
			`98th ${quantile(values, 0.98).toFixed(2)}, max ${quantile(values, 1).toFixed(2)}`;
		console.log(`${people.length} people (${EDITS.map((edit) => edit.name).join(', ')})`);
		console.log(`same person:      ${spread(same)}`);
		console.log(`different people: ${spread(different)}`);
	} finally {
		await stopVisionModels();
		await fs.rm(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
