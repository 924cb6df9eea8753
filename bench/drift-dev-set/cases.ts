import type { Box } from '../../core/scoring/vision';
import type { ClipRecipe, Window } from './clips';
import type { Person } from './people';
import { photoPath, type PhotoName } from './sources';

/**
 * The labelled development set: clean clips and clips with each kind of drift the issue lists, made
 * of real photographs, each with the shot and bible a marketer would write (vague lighting words,
 * props by name, characters with a reference image). The labels are what an editor would decide:
 * a drifted clip must not pass; a clean one should.
 */

export const DRIFT_KINDS = [
	'black',
	'frozen',
	'flicker',
	'cut',
	'truncation',
	'silence',
	'continuity',
	'grade',
	'exposure',
	'prop colour',
	'missing prop',
	'wrong person',
] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];
export type CaseKind = 'clean' | DriftKind;

export interface PropSpec {
	name: string;
	description: string;
	color?: string;
}

interface Scene {
	id: string;
	photo: PhotoName;
	/** The lighting as a marketer words it. */
	lighting: string;
	/** Where the scene's first approved take looks, and where the shot under test looks. */
	established: Window;
	shot: Window;
	prop?: PropSpec;
	/** A window of the same photograph without the prop, for "missing prop". */
	withoutProp?: Window;
}

const w = (x: number, y: number, width: number): Window => ({ x, y, width });

export const SCENES: Scene[] = [
	{
		id: 'lake-dusk',
		photo: 'lakeSunset',
		lighting: 'warm dusk',
		established: w(0, 0.2, 0.6),
		shot: w(0.35, 0.3, 0.6),
		prop: { name: 'rowing boats', description: 'wooden boats on the shore' },
		withoutProp: w(0.4, 0, 0.5),
	},
	{
		id: 'lake-blue',
		photo: 'lakeBlueHour',
		lighting: 'blue hour',
		established: w(0, 0.2, 0.6),
		shot: w(0.4, 0.25, 0.6),
	},
	{
		id: 'launch',
		photo: 'rocket',
		lighting: 'night, floodlit',
		established: w(0, 0.1, 0.7),
		shot: w(0.3, 0.2, 0.7),
	},
	{
		id: 'forest',
		photo: 'forest',
		lighting: 'natural daylight',
		established: w(0, 0.2, 0.6),
		shot: w(0.4, 0.3, 0.6),
	},
	{
		id: 'leaf',
		photo: 'leaf',
		lighting: 'golden afternoon sun',
		established: w(0.1, 0.1, 0.6),
		shot: w(0.4, 0.3, 0.6),
	},
	{
		id: 'garage',
		photo: 'motorcycle',
		lighting: 'warm workshop light',
		established: w(0, 0, 0.8),
		shot: w(0.2, 0.15, 0.8),
		prop: { name: 'motorcycle', description: 'a red motorcycle', color: 'red' },
		withoutProp: w(0, 0, 0.45),
	},
	{
		id: 'roadside',
		photo: 'car',
		lighting: 'late afternoon sun',
		established: w(0, 0.1, 0.7),
		shot: w(0.3, 0.25, 0.7),
		prop: { name: 'car', description: 'a black sedan' },
		withoutProp: w(0, 0, 0.4),
	},
	{
		id: 'parking',
		photo: 'silverCar',
		lighting: 'overcast daylight',
		established: w(0, 0.1, 0.8),
		shot: w(0.2, 0.2, 0.8),
		prop: { name: 'car', description: 'a silver sedan' },
		withoutProp: w(0.5, 0, 0.45),
	},
	{
		id: 'cafe',
		photo: 'coffee',
		lighting: 'soft studio light',
		established: w(0, 0, 0.9),
		shot: w(0.1, 0.1, 0.85),
		prop: { name: 'cup', description: 'an espresso cup on a saucer', color: 'red' },
		withoutProp: w(0.62, 0, 0.38),
	},
	{
		id: 'old-town',
		photo: 'street',
		lighting: 'overcast morning',
		established: w(0, 0, 0.7),
		shot: w(0.3, 0.2, 0.7),
	},
	{
		id: 'hotel',
		photo: 'hotel',
		lighting: 'sunny midday',
		established: w(0, 0, 0.7),
		shot: w(0.3, 0.25, 0.7),
	},
	{
		id: 'palace',
		photo: 'palace',
		lighting: 'bright daylight',
		established: w(0, 0, 0.7),
		shot: w(0.3, 0.3, 0.7),
	},
	{
		id: 'squirrel',
		photo: 'squirrel',
		lighting: 'natural light',
		established: w(0, 0, 0.75),
		shot: w(0.25, 0.2, 0.75),
	},
	{
		id: 'kitchen',
		photo: 'fruit',
		lighting: 'bright kitchen light',
		established: w(0, 0, 0.7),
		shot: w(0.3, 0.3, 0.7),
	},
	{
		id: 'pier',
		photo: 'pier',
		lighting: 'foggy morning',
		established: w(0.1, 0.2, 0.6),
		shot: w(0.3, 0.3, 0.6),
	},
	{
		id: 'jetty',
		photo: 'jetty',
		lighting: 'sunset glow',
		established: w(0, 0.1, 0.6),
		shot: w(0.4, 0.35, 0.6),
	},
	{
		id: 'summer-night',
		photo: 'summerNight',
		lighting: 'twilight',
		established: w(0, 0.2, 0.6),
		shot: w(0.4, 0.35, 0.6),
	},
	{
		id: 'stadium',
		photo: 'football',
		lighting: 'floodlit stadium at night',
		established: w(0, 0, 0.8),
		shot: w(0.2, 0.2, 0.8),
	},
	{
		id: 'bar',
		photo: 'group3',
		lighting: 'warm indoor light',
		established: w(0, 0, 0.6),
		shot: w(0.4, 0.3, 0.6),
		prop: { name: 'glass', description: 'a cocktail in a glass' },
	},
	{
		id: 'lounge',
		photo: 'group2',
		lighting: 'soft window light',
		established: w(0, 0, 0.6),
		shot: w(0.4, 0.3, 0.6),
		prop: { name: 'sofa', description: 'a black leather sofa' },
		withoutProp: w(0.3, 0, 0.3),
	},
	{
		id: 'party',
		photo: 'group4',
		lighting: 'cool neon party light',
		established: w(0, 0, 0.6),
		shot: w(0.4, 0.3, 0.6),
	},
	{
		id: 'stairs',
		photo: 'group5',
		lighting: 'moody evening interior',
		established: w(0, 0, 0.6),
		shot: w(0.4, 0.35, 0.6),
	},
	{
		id: 'living-room',
		photo: 'group6',
		lighting: 'natural daylight',
		established: w(0, 0, 0.6),
		shot: w(0.4, 0.3, 0.6),
	},
	{
		id: 'studio',
		photo: 'astronaut',
		lighting: 'studio light',
		established: w(0, 0, 0.8),
		shot: w(0.15, 0.1, 0.8),
	},
];

export interface CharacterSpec {
	name: string;
	description: string;
	/** The reference image: a crop of a photograph around the person's face, possibly edited. */
	reference: { photo: string; box: Box; filters?: string };
}

export interface DevCase {
	id: string;
	kind: CaseKind;
	scene: string;
	lighting: string;
	seconds: number;
	/** How long the shot asks for (a truncated clip is shorter). */
	askedSeconds: number;
	clip: ClipRecipe;
	/** The previous shot's clip, when this shot continues it. */
	previous?: ClipRecipe;
	/** The scene's first approved take (a clip), when it has one: the established look. */
	established?: ClipRecipe;
	prop?: PropSpec;
	character?: CharacterSpec;
}

const SECONDS = 8;
const PAN = 0.1;
const PERSON_PAN = 0.06;
/** A person's window leaves room to pan: a clip of a still photograph that cannot move is frozen. */
const MAX_PERSON_WINDOW = 0.8;
const clipOf = (
	scene: Scene,
	window: Window,
	extra: Partial<ClipRecipe> = {},
	pan = PAN,
	photo: PhotoName = scene.photo,
): ClipRecipe => {
	// A slow pan: a tenth of the photo's width over the clip, towards the side with room for it.
	const room = 1 - window.x - window.width;
	const drift = room >= pan ? pan : window.x >= pan ? -pan : room > window.x ? room : -window.x;
	return {
		photo: photoPath(photo),
		from: window,
		to: { ...window, x: Math.max(0, window.x + drift), y: window.y },
		seconds: SECONDS,
		...extra,
	};
};
const scene = (id: string) => SCENES.find((entry) => entry.id === id)!;

/** Colour grades a colourist (or a model) might drift into, and exposure changes. */
const GRADES = {
	cooler: 'colortemperature=temperature=11000',
	warmer: 'colortemperature=temperature=3200',
	tealOrange: 'colorbalance=rs=-0.25:bs=0.25:rh=0.2:bh=-0.2',
	magenta: 'colorbalance=gs=-0.2:gm=-0.2:gh=-0.1',
	washedOut: 'eq=saturation=0.3',
	green: 'colorbalance=gs=0.2:gm=0.15:rm=-0.1:bm=-0.1',
};
const EXPOSURES = {
	over: 'exposure=exposure=1.2',
	under: 'exposure=exposure=-1.5',
	overOne: 'exposure=exposure=1',
	underOne: 'exposure=exposure=-1.1',
};

function base(
	sceneId: string,
	kind: CaseKind,
	suffix: string,
	extra: Partial<DevCase> = {},
): DevCase {
	const entry = scene(sceneId);
	return {
		id: `${kind.replace(/ /g, '-')}/${sceneId}${suffix ? `-${suffix}` : ''}`,
		kind,
		scene: sceneId,
		lighting: entry.lighting,
		seconds: SECONDS,
		askedSeconds: SECONDS,
		clip: clipOf(entry, entry.shot),
		...extra,
	};
}

/** A person's reference image: a square around the face, a little wider than it. */
function referenceOf(person: Person, filters?: string, grow = 1.8): CharacterSpec['reference'] {
	const side = Math.min(person.face.width * grow, person.photoWidth, person.photoHeight);
	const cx = person.face.x + person.face.width / 2;
	const cy = person.face.y + person.face.height / 2;
	return {
		photo: photoPath(person.photo),
		box: {
			x: Math.max(0, Math.min(person.photoWidth - side, cx - side / 2)),
			y: Math.max(0, Math.min(person.photoHeight - side, cy - side / 2)),
			width: side,
			height: side,
		},
		filters,
	};
}

/** A window of the person's photograph with their face about a third of the frame high, near the middle. */
function windowOn(person: Person): Window {
	const width = Math.min(
		MAX_PERSON_WINDOW,
		Math.max(0.3, (person.face.height * 3 * 16) / 9 / person.photoWidth),
	);
	const heightShare = (width * person.photoWidth * 9) / 16 / person.photoHeight;
	const cx = (person.face.x + person.face.width / 2) / person.photoWidth;
	const cy = (person.face.y + person.face.height / 2) / person.photoHeight;
	return {
		x: Math.max(0, Math.min(1 - width, cx - width / 2)),
		y: Math.max(0, Math.min(1 - heightShare, cy - heightShare / 2)),
		width,
	};
}

const REFERENCE_EDITS = [
	undefined,
	'hflip',
	'eq=saturation=0.6:gamma=1.2,colorbalance=rs=0.2:bs=-0.2',
	'colortemperature=temperature=4000,eq=contrast=1.15',
	'hflip,eq=brightness=0.06',
];

function peopleCases(people: Person[]): DevCase[] {
	const cases: DevCase[] = [];
	const sceneOfPhoto = (photo: PhotoName) =>
		SCENES.find((entry) => entry.photo === photo) ?? scene('studio');
	// Each person's reference against a clip of themselves (clean) and of someone from another photograph.
	const usable = people.filter(
		(person) => person.photo.startsWith('group') || person.photo === 'astronaut',
	);
	usable.forEach((person, index) => {
		const home = sceneOfPhoto(person.photo);
		// A shorter pan over a person: their face stays in the frame.
		const ofPerson = (someone: Person, window: Window): ClipRecipe =>
			clipOf(home, window, {}, PERSON_PAN, someone.photo);
		const character: CharacterSpec = {
			name: `Person ${person.id}`,
			description: 'the lead',
			reference: referenceOf(person, REFERENCE_EDITS[index % REFERENCE_EDITS.length]),
		};
		const window = windowOn(person);
		if (index % 2 === 0) {
			cases.push(
				base(home.id, 'clean', `face-${person.id}`, {
					character,
					clip: ofPerson(person, window),
				}),
			);
		} else {
			const strangers = usable.filter((other) => other.photo !== person.photo);
			const stranger = strangers[(index * 7) % strangers.length];
			const elsewhere = sceneOfPhoto(stranger.photo);
			const strangerWindow = windowOn(stranger);
			cases.push(
				base(elsewhere.id, 'wrong person', `${person.id}-as-${stranger.id}`, {
					character,
					clip: ofPerson(stranger, strangerWindow),
				}),
			);
		}
	});
	return cases;
}

function technicalCases(): DevCase[] {
	const on = ['lake-dusk', 'garage', 'old-town', 'launch'];
	const cases: DevCase[] = [];
	on.forEach((id, index) => {
		const entry = scene(id);
		const other = SCENES[(SCENES.indexOf(entry) + 5) % SCENES.length];
		cases.push(
			base(id, 'black', '', {
				clip: clipOf(entry, entry.shot, {
					defect: { kind: 'black', from: 2 + index * 0.5, to: 3.5 + index * 0.5 },
				}),
			}),
			base(id, 'frozen', '', {
				clip: clipOf(entry, entry.shot, {
					defect: { kind: 'frozen', from: 3, to: 5 + (index % 2) },
				}),
			}),
			base(id, 'flicker', '', {
				clip: clipOf(entry, entry.shot, {
					defect: { kind: 'flicker', from: 2, to: 3.5, strength: 0.06 + 0.02 * index },
				}),
			}),
			base(id, 'cut', '', {
				clip: clipOf(entry, entry.shot, {
					defect: {
						kind: 'cut',
						at: 4 + index * 0.5,
						photo: photoPath(other.photo),
						window: other.shot,
					},
				}),
			}),
			base(id, 'truncation', '', {
				seconds: 5 + (index % 2),
				clip: clipOf(entry, entry.shot, { seconds: 5 + (index % 2) }),
			}),
			base(id, 'silence', '', { clip: clipOf(entry, entry.shot, { defect: { kind: 'silence' } }) }),
		);
	});
	return cases;
}

/**
 * The scene's first approved take: the same place a little to the side and above (a fifth of the
 * frame), as another shot of the same location and lighting frames it.
 */
function establishedClip(entry: Scene): ClipRecipe {
	const { shot } = entry;
	return clipOf(entry, {
		x: Math.max(0, shot.x - 0.2 * shot.width),
		y: Math.max(0, shot.y - 0.1),
		width: shot.width,
	});
}

function lookCases(): DevCase[] {
	const cases: DevCase[] = [];
	const grades = Object.entries(GRADES);
	const exposures = Object.entries(EXPOSURES);
	SCENES.forEach((entry, index) => {
		const established = establishedClip(entry);
		// Clean: the first take of a scene (words only), and a later take beside the established look.
		cases.push(base(entry.id, 'clean', 'first'));
		cases.push(base(entry.id, 'clean', 'later', { established }));
		if (index % 2 === 0) {
			const [name, grade] = grades[(index / 2) % grades.length];
			cases.push(
				base(entry.id, 'grade', name, { established, clip: clipOf(entry, entry.shot, { grade }) }),
			);
		} else {
			const [name, grade] = exposures[((index - 1) / 2) % exposures.length];
			cases.push(
				base(entry.id, 'exposure', name, {
					established,
					clip: clipOf(entry, entry.shot, { grade }),
				}),
			);
		}
	});
	// Words only: no take established yet, and the light plainly against the words.
	cases.push(
		base('lake-dusk', 'grade', 'cooled-words-only', {
			clip: clipOf(scene('lake-dusk'), scene('lake-dusk').shot, {
				grade: 'colortemperature=temperature=15000',
			}),
		}),
		base('garage', 'grade', 'cooled-words-only', {
			clip: clipOf(scene('garage'), scene('garage').shot, {
				grade: 'colortemperature=temperature=14000',
			}),
		}),
		base('launch', 'exposure', 'daylit-night-words-only', {
			clip: clipOf(scene('launch'), scene('launch').shot, { grade: 'exposure=exposure=2.5' }),
		}),
		base('summer-night', 'exposure', 'bright-words-only', {
			clip: clipOf(scene('summer-night'), scene('summer-night').shot, {
				grade: 'exposure=exposure=1.6',
			}),
		}),
	);
	return cases;
}

function continuityCases(): DevCase[] {
	const cases: DevCase[] = [];
	const pairs = [
		'lake-dusk',
		'forest',
		'garage',
		'old-town',
		'hotel',
		'kitchen',
		'jetty',
		'stadium',
	];
	pairs.forEach((id, index) => {
		const entry = scene(id);
		const previous = clipOf(entry, entry.established);
		// The previous shot ends where its pan ends; a continuous shot starts there.
		const continues = {
			...previous,
			from: previous.to,
			to: { ...previous.to, x: previous.to.x + 0.04 },
		};
		cases.push(base(id, 'clean', 'continues', { previous, clip: continues }));
		const other = SCENES[(SCENES.indexOf(entry) + 3 + index) % SCENES.length];
		const breaks: ClipRecipe[] = [
			clipOf(other, other.shot),
			{ ...continues, grade: index % 2 ? GRADES.cooler : GRADES.warmer },
			{ ...continues, from: { x: 0.5, y: 0.4, width: 0.35 }, to: { x: 0.48, y: 0.4, width: 0.35 } },
		];
		cases.push(
			base(id, 'continuity', ['other-place', 'other-light', 'jump'][index % 3], {
				previous,
				clip: breaks[index % 3],
			}),
		);
	});
	return cases;
}

function propCases(): DevCase[] {
	const cases: DevCase[] = [];
	for (const entry of SCENES.filter((candidate) => candidate.prop)) {
		cases.push(base(entry.id, 'clean', 'prop', { prop: entry.prop }));
		if (entry.withoutProp)
			cases.push(
				base(entry.id, 'missing prop', '', {
					prop: entry.prop,
					clip: clipOf(entry, entry.withoutProp),
				}),
			);
	}
	// The prop the wrong colour: the bible asks for one colour, the clip shows another.
	cases.push(
		base('garage', 'prop colour', 'blue', { prop: { ...scene('garage').prop!, color: 'blue' } }),
		base('cafe', 'prop colour', 'blue', { prop: { ...scene('cafe').prop!, color: 'blue' } }),
		base('garage', 'prop colour', 'green', { prop: { ...scene('garage').prop!, color: 'green' } }),
		base('cafe', 'prop colour', 'green', { prop: { ...scene('cafe').prop!, color: 'green' } }),
		base('parking', 'prop colour', 'red', { prop: { ...scene('parking').prop!, color: 'red' } }),
		base('roadside', 'prop colour', 'white', {
			prop: { ...scene('roadside').prop!, color: 'white' },
		}),
	);
	return cases;
}

export function devCases(people: Person[]): DevCase[] {
	return [
		...lookCases(),
		...continuityCases(),
		...propCases(),
		...technicalCases(),
		...peopleCases(people),
	];
}
