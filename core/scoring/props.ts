import type { Prop } from '../types';
import { checkColor, readColor, type ColorReading } from './hue';
import type { SampledDetections } from './identity';
import { worstScore, type ScoreWithCorrection } from './look';
import { round } from './numbers';
import type { Frame } from './similarity';
import type { FoundObject } from './vision';

/**
 * Is the mug there, and is it blue? A prop whose kind is one of the object detector's classes (the
 * 80 COCO classes, less people) is looked for in the sampled frames, and its colour read where it
 * was found. Any other prop cannot be checked offline: it is said so, never passed.
 */

/** Each COCO class the detector knows, with the words a bible may use for it (the class name first). */
const DETECTOR_CLASSES: Record<string, string[]> = {
	bicycle: ['bicycle', 'bike'],
	car: ['car', 'automobile', 'sedan', 'taxi', 'cab'],
	motorcycle: ['motorcycle', 'motorbike', 'scooter'],
	airplane: ['airplane', 'aeroplane', 'plane', 'aircraft', 'airliner'],
	bus: ['bus'],
	train: ['train', 'locomotive', 'tram'],
	truck: ['truck', 'lorry', 'pickup'],
	boat: ['boat', 'ship', 'yacht', 'canoe', 'kayak'],
	'traffic light': ['traffic light'],
	'fire hydrant': ['fire hydrant', 'hydrant'],
	'stop sign': ['stop sign'],
	'parking meter': ['parking meter'],
	bench: ['bench'],
	bird: ['bird', 'parrot', 'pigeon', 'seagull'],
	cat: ['cat', 'kitten'],
	dog: ['dog', 'puppy'],
	horse: ['horse', 'pony'],
	sheep: ['sheep', 'lamb'],
	cow: ['cow', 'bull', 'calf'],
	elephant: ['elephant'],
	bear: ['bear'],
	zebra: ['zebra'],
	giraffe: ['giraffe'],
	backpack: ['backpack', 'rucksack'],
	umbrella: ['umbrella', 'parasol'],
	handbag: ['handbag', 'purse'],
	tie: ['tie', 'necktie'],
	suitcase: ['suitcase', 'luggage'],
	frisbee: ['frisbee'],
	skis: ['skis', 'ski'],
	snowboard: ['snowboard'],
	'sports ball': ['sports ball', 'ball', 'football', 'basketball', 'volleyball'],
	kite: ['kite'],
	'baseball bat': ['baseball bat'],
	'baseball glove': ['baseball glove'],
	skateboard: ['skateboard'],
	surfboard: ['surfboard'],
	'tennis racket': ['tennis racket', 'racket', 'racquet'],
	bottle: ['bottle'],
	'wine glass': ['wine glass', 'wineglass'],
	cup: ['cup', 'mug', 'teacup'],
	fork: ['fork'],
	knife: ['knife'],
	spoon: ['spoon'],
	bowl: ['bowl'],
	banana: ['banana'],
	apple: ['apple'],
	sandwich: ['sandwich'],
	// The fruit only by its full name: "orange" alone is more often a colour.
	orange: ['orange fruit'],
	broccoli: ['broccoli'],
	carrot: ['carrot'],
	'hot dog': ['hot dog', 'hotdog'],
	pizza: ['pizza'],
	donut: ['donut', 'doughnut'],
	cake: ['cake'],
	chair: ['chair', 'armchair'],
	couch: ['couch', 'sofa'],
	'potted plant': ['potted plant', 'houseplant', 'plant'],
	bed: ['bed'],
	'dining table': ['dining table', 'table'],
	toilet: ['toilet'],
	tv: ['tv', 'television', 'monitor'],
	laptop: ['laptop'],
	// The animal is no class of the detector's.
	mouse: ['computer mouse'],
	remote: ['remote', 'remote control'],
	keyboard: ['keyboard'],
	'cell phone': ['cell phone', 'phone', 'smartphone', 'cellphone', 'mobile phone', 'iphone'],
	microwave: ['microwave'],
	oven: ['oven'],
	toaster: ['toaster'],
	sink: ['sink'],
	refrigerator: ['refrigerator', 'fridge'],
	book: ['book', 'notebook', 'novel'],
	clock: ['clock'],
	vase: ['vase'],
	scissors: ['scissors'],
	'teddy bear': ['teddy bear', 'teddy'],
	'hair drier': ['hair drier', 'hair dryer', 'hairdryer'],
	toothbrush: ['toothbrush'],
};

/** Every word for a class, longest first, so "wine glass" wins over "glass" and "teddy bear" over "bear". */
const CLASS_WORDS = Object.entries(DETECTOR_CLASSES)
	.flatMap(([label, words]) =>
		words.map((word) => ({ label, pattern: new RegExp(`\\b${word}(e?s)?\\b`) })),
	)
	.sort((a, b) => b.pattern.source.length - a.pattern.source.length);

/** The detector class a prop is, from its name or else its description; undefined when it is none of them. */
export function detectorClassOf(prop: Pick<Prop, 'name' | 'description'>): string | undefined {
	for (const text of [prop.name, prop.description]) {
		const words = text.toLowerCase();
		const found = CLASS_WORDS.filter(({ pattern }) => pattern.test(words)).map(
			({ label, pattern }) => ({ label, at: words.search(pattern) }),
		);
		// The first thing named is what the prop is: "a mug on a table" is a mug.
		if (found.length)
			return found.reduce((first, entry) => (entry.at < first.at ? entry : first)).label;
	}
	return undefined;
}

/**
 * Detector confidence an object needs to count. The object model's scores run lower than the face
 * model's: a plain cup in a clear photograph scores 0.4-0.45, the same cup a quarter of a 720p frame
 * wide about 0.3; below that are mostly mistakes (a helmet's visor taken for a phone at 0.23).
 */
export const OBJECT_MIN_SCORE = 0.3;
/**
 * A prop not found may be hidden, turned or small at the sampled moments, which the detector
 * misses: a person confirms before the clip goes back.
 */
const MISSING_CONFIDENCE = 0.55;
/** A colour read from a middle that is mostly one hue, and from one split between colours (a pattern, a hand in front). */
const CLEAR_COLOR_CONFIDENCE = 0.75;
const SPLIT_COLOR_CONFIDENCE = 0.55;
const CLEAR_COLOR_SHARE = 0.5;
/** Confidence that a prop is present, when it was found and no colour is asked. */
const PRESENT_CONFIDENCE = 0.7;

export interface PropSighting {
	prop: Prop;
	label: string;
	/** The best detection of the prop's class in each frame that has one. */
	found: Array<{ frame: Frame; object: FoundObject }>;
	framesSampled: number;
}

/** Where a prop of a detector class shows in the sampled frames. */
export function sightProp(
	prop: Prop,
	label: string,
	frames: Array<SampledDetections & { frame: Frame }>,
): PropSighting {
	const found = frames.flatMap(({ frame, detections }) => {
		const best = detections.objects
			.filter((object) => object.label === label && object.score >= OBJECT_MIN_SCORE)
			.sort((a, b) => b.score - a.score)[0];
		return best ? [{ frame, object: best }] : [];
	});
	return { prop, label, found, framesSampled: frames.length };
}

const kind = (sighting: PropSighting) =>
	sighting.prop.name.toLowerCase().includes(sighting.label)
		? ''
		: ` (a ${sighting.label} to the detector)`;

/** Presence and colour of one prop. */
export function propScore(sighting: PropSighting): ScoreWithCorrection {
	const { prop, found, framesSampled } = sighting;
	const seen = `${found.length} of ${framesSampled} sampled frames`;
	const key = (measure: string) => `prop${measure}_${prop.name}`;
	if (!found.length) {
		return {
			drift: 1,
			confidence: MISSING_CONFIDENCE,
			reasons: [
				`the ${prop.name}${kind(sighting)} is missing: in none of the ${framesSampled} sampled frames`,
			],
			measures: { [key('Frames')]: 0 },
			correction: `Show the ${prop.name} clearly in the shot.`,
		};
	}
	const measures: Record<string, number | string> = {
		[key('Frames')]: found.length,
		[key('Score')]: round(Math.max(...found.map(({ object }) => object.score)), 3),
	};
	const reading: ColorReading = readColor(
		found.map(({ frame, object }) => ({ frame, box: object.box })),
	);
	const check = prop.color ? checkColor(prop.color, reading) : undefined;
	if (!check) {
		return {
			drift: 0,
			confidence: PRESENT_CONFIDENCE,
			reasons: [`the ${prop.name}${kind(sighting)} is in ${seen}`],
			measures,
		};
	}
	Object.assign(measures, {
		[key('Color')]: reading.words,
		[key('ColorAsked')]: check.asked,
		...(reading.hue === undefined ? {} : { [key('Hue')]: Math.round(reading.hue) }),
	});
	const hues =
		reading.hue !== undefined && check.askedHue !== undefined
			? ` (hue ${Math.round(reading.hue)}° against ${Math.round(check.askedHue)}°)`
			: '';
	return {
		drift: round(check.drift, 3),
		// A middle without colour may be the chrome or the shadow of an object coloured elsewhere
		// (a red motorcycle's engine): against a colour asked for, that is for a person to judge.
		confidence:
			reading.share >= CLEAR_COLOR_SHARE &&
			!(reading.hue === undefined && check.askedHue !== undefined)
				? CLEAR_COLOR_CONFIDENCE
				: SPLIT_COLOR_CONFIDENCE,
		reasons: [
			check.drift > 0.5
				? `the ${prop.name} reads ${reading.words}, the bible asks for ${prop.color}${hues}; in ${seen}`
				: `the ${prop.name} reads ${reading.words}, as the bible asks (${prop.color}); in ${seen}`,
		],
		measures,
		correction:
			check.drift > 0.5
				? `The ${prop.name} must be ${prop.color}, not ${reading.words}.`
				: undefined,
	};
}

/** The props dimension: as drifted as the prop furthest from the bible. */
export function propsScore(sightings: PropSighting[]): ScoreWithCorrection {
	return worstScore(sightings.map(propScore));
}
