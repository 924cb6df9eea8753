import { createHash } from 'crypto';

import { rgbToHsv } from '../core/scoring/hue';

/**
 * How the stand-in turns a Veo prompt into a picture. It reads the labelled lines the prompt
 * compiler writes (and plain prose where they are absent) and draws what they ask for: the
 * lighting sets the background's brightness and colour temperature, the palette becomes a band of
 * swatches, each named prop a block in its colour, each character a figure in a colour of its own.
 * A drift, when injected, changes one of these on purpose, and is remembered so the stand-in's
 * Gemini judge can tell the truth about the clip later.
 */

export const COLOR_NAMES: Record<string, [number, number, number]> = {
	red: [200, 30, 35],
	crimson: [180, 20, 50],
	orange: [235, 125, 30],
	amber: [230, 160, 40],
	gold: [215, 175, 55],
	yellow: [235, 210, 40],
	green: [40, 160, 60],
	teal: [20, 140, 140],
	cyan: [40, 190, 215],
	blue: [30, 70, 210],
	navy: [20, 35, 110],
	purple: [120, 50, 170],
	violet: [140, 80, 200],
	pink: [230, 110, 170],
	magenta: [200, 40, 160],
	brown: [120, 75, 40],
	black: [15, 15, 15],
	white: [240, 240, 240],
	grey: [128, 128, 128],
	gray: [128, 128, 128],
	silver: [190, 190, 195],
	beige: [220, 200, 165],
	cream: [245, 235, 205],
};

/** What a drift does to the picture; the same names are used by fault rules. */
export type DriftKind = 'prop_color' | 'lighting' | 'character';

export interface LightingLook {
	name: string;
	/** Mean brightness, 0-255. */
	luma: number;
	/** Colour temperature in kelvin. */
	kelvin: number;
}

const LIGHTING_LOOKS: Array<{ words: RegExp; look: LightingLook }> = [
	{
		words: /\b(night|midnight|moonlit|moonlight)\b/i,
		look: { name: 'night', luma: 45, kelvin: 9000 },
	},
	{
		words: /\b(dusk|sunset|golden hour|twilight|evening)\b/i,
		look: { name: 'dusk', luma: 95, kelvin: 2800 },
	},
	{ words: /\b(dawn|sunrise|morning)\b/i, look: { name: 'dawn', luma: 140, kelvin: 4200 } },
	{
		words: /\b(noon|midday|daylight|sunny|bright)\b/i,
		look: { name: 'noon', luma: 175, kelvin: 5800 },
	},
	{
		words: /\b(overcast|cloudy|grey|gray)\b/i,
		look: { name: 'overcast', luma: 130, kelvin: 6800 },
	},
	{ words: /\b(cool|cold|blue hour)\b/i, look: { name: 'cool', luma: 120, kelvin: 8000 } },
	{
		words: /\b(warm|candle|tungsten|firelight)\b/i,
		look: { name: 'warm', luma: 115, kelvin: 3000 },
	},
];

const NEUTRAL_LOOK: LightingLook = { name: 'neutral', luma: 130, kelvin: 5500 };

/** The opposite look, for an injected lighting drift: warm becomes cool and dark becomes bright. */
function driftedLighting(look: LightingLook): LightingLook {
	return look.kelvin < 5000
		? { name: 'cool daylight (drifted)', luma: Math.min(200, look.luma + 60), kelvin: 8500 }
		: { name: 'warm tungsten (drifted)', luma: Math.max(50, look.luma - 50), kelvin: 2700 };
}

/** Approximate RGB of a black body at this temperature (Tanner Helland's fit), scaled to a brightness. */
export function kelvinToRgb(kelvin: number, luma: number): [number, number, number] {
	const t = kelvin / 100;
	const red = t <= 66 ? 255 : 329.7 * Math.pow(t - 60, -0.1332);
	const green = t <= 66 ? 99.47 * Math.log(t) - 161.12 : 288.12 * Math.pow(t - 60, -0.0755);
	const blue = t >= 66 ? 255 : t <= 19 ? 0 : 138.52 * Math.log(t - 10) - 305.04;
	const rgb = [red, green, blue].map((v) => Math.max(0, Math.min(255, v)));
	const currentLuma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
	const scale = luma / Math.max(1, currentLuma);
	return rgb.map((v) => Math.round(Math.max(0, Math.min(255, v * scale)))) as [
		number,
		number,
		number,
	];
}

export interface PictureProp {
	name: string;
	color: string;
	askedColor?: string;
}

export interface PictureCharacter {
	name: string;
	color: [number, number, number];
	drifted: boolean;
}

export interface Picture {
	lighting: LightingLook;
	askedLighting: LightingLook;
	palette: string[];
	props: PictureProp[];
	characters: PictureCharacter[];
	drift: DriftKind[];
}

function line(prompt: string, label: string): string | undefined {
	const match = new RegExp(`^${label}:\\s*(.+)$`, 'im').exec(prompt);
	return match?.[1];
}

function colorWordIn(text: string): string | undefined {
	const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
	return words.find((word) => COLOR_NAMES[word]);
}

export function characterColor(name: string): [number, number, number] {
	const digest = createHash('sha256').update(name.toLowerCase()).digest();
	return [60 + (digest[0] % 170), 60 + (digest[1] % 170), 60 + (digest[2] % 170)];
}

function splitEntries(text: string): string[] {
	// "A (x, y); B (z)." -> ["A (x, y)", "B (z)"]
	return text
		.split(';')
		.map((part) => part.trim().replace(/\.$/, ''))
		.filter(Boolean);
}

function parseProps(prompt: string): PictureProp[] {
	const propsLine = line(prompt, 'Props');
	if (propsLine) {
		return splitEntries(propsLine).map((entry) => {
			const name = entry.replace(/\s*\(.*$/, '').trim();
			const explicit = /colou?r:\s*([a-z]+)/i.exec(entry)?.[1]?.toLowerCase();
			const color = explicit && COLOR_NAMES[explicit] ? explicit : (colorWordIn(entry) ?? 'white');
			return { name, color };
		});
	}
	// Plain prose: "a blue mug" -> a blue prop named mug.
	const prose =
		/\b([a-z]+)\s+(mug|cup|bottle|car|bag|hat|umbrella|ball|book|phone|scarf|bike|box|can)\b/gi;
	const props: PictureProp[] = [];
	for (const match of prompt.matchAll(prose)) {
		if (COLOR_NAMES[match[1].toLowerCase()])
			props.push({ name: match[2].toLowerCase(), color: match[1].toLowerCase() });
	}
	return props;
}

function parseCharacters(prompt: string): string[] {
	const charactersLine = line(prompt, 'Characters');
	if (!charactersLine) return [];
	return splitEntries(charactersLine.replace(/\.\s*Keep each character.*$/i, '')).map((entry) =>
		entry.replace(/\s*\(.*$/, '').trim(),
	);
}

function parsePalette(prompt: string): string[] {
	const paletteText = /Palette:\s*([^.\n]+)/i.exec(prompt)?.[1] ?? '';
	return paletteText
		.split(',')
		.map((part) => colorWordIn(part))
		.filter((color): color is string => Boolean(color));
}

/** The picture a prompt asks for, with the given drifts applied. */
export function pictureFor(prompt: string, drift: DriftKind[] = []): Picture {
	const lightingText = line(prompt, 'Lighting') ?? prompt;
	const asked =
		LIGHTING_LOOKS.find((entry) => entry.words.test(lightingText))?.look ?? NEUTRAL_LOOK;
	return withDrift(
		{
			lighting: asked,
			askedLighting: asked,
			palette: parsePalette(prompt),
			props: parseProps(prompt),
			characters: parseCharacters(prompt).map((name) => ({
				name,
				color: characterColor(name),
				drifted: false,
			})),
			drift: [],
		},
		drift,
	);
}

/** The picture with drifts applied on top of it: each changes one thing away from what was asked. */
export function withDrift(picture: Picture, drift: DriftKind[]): Picture {
	const props = [...picture.props];
	const characters = [...picture.characters];
	let lighting = picture.lighting;
	const applied = new Set<DriftKind>(picture.drift);
	if (drift.includes('prop_color') && props.length) {
		const target = props[0];
		const replacement = target.color === 'green' ? 'orange' : 'green';
		props[0] = {
			name: target.name,
			color: replacement,
			askedColor: target.askedColor ?? target.color,
		};
		applied.add('prop_color');
	}
	if (drift.includes('character') && characters.length) {
		characters[0] = {
			name: characters[0].name,
			color: characterColor(`${characters[0].name} (someone else)`),
			drifted: true,
		};
		applied.add('character');
	}
	if (drift.includes('lighting')) {
		lighting = driftedLighting(picture.askedLighting);
		applied.add('lighting');
	}
	return { ...picture, lighting, props, characters, drift: [...applied] };
}

/**
 * The picture after a conversational edit: each sentence of the instruction changes what it names
 * and nothing else. "The mug must be blue, not green" recolours the mug; "Light the shot as dusk"
 * relights it; "Mya must look exactly as the bible describes" gives Mya her own look back. A change
 * back to what the original prompt asked undoes that drift; a change away from it is a drift.
 */
export function editPicture(picture: Picture, instruction: string): Picture {
	let { lighting } = picture;
	const props = picture.props.map((prop) => ({ ...prop }));
	const characters = picture.characters.map((character) => ({ ...character }));
	for (const sentence of instruction.split(/[.;!\n]+/).map((part) => part.trim())) {
		// "blue, not green" and "blue instead of green" ask for blue.
		const asked = sentence.replace(/,?\s*\b(?:not|instead of|rather than)\s+[a-z]+/gi, '');
		for (const prop of props) {
			if (!new RegExp(`\\b${prop.name}\\b`, 'i').test(sentence)) continue;
			const color = colorWordIn(asked);
			if (!color || color === prop.color) continue;
			const original = prop.askedColor ?? prop.color;
			prop.color = color;
			prop.askedColor = color === original ? undefined : original;
		}
		for (const character of characters) {
			if (!new RegExp(`\\b${character.name}\\b`, 'i').test(sentence)) continue;
			if (/\b(look|looks|appearance|bible|described|same)\b/i.test(sentence)) {
				character.color = characterColor(character.name);
				character.drifted = false;
			}
		}
		if (/\b(light|lit|lighting)\b/i.test(sentence)) {
			const look = [...LIGHTING_LOOKS, { words: /\bneutral\b/i, look: NEUTRAL_LOOK }].find(
				(entry) => entry.words.test(asked),
			)?.look;
			if (look) lighting = look;
		}
	}
	const drift: DriftKind[] = [];
	if (props.some((prop) => prop.askedColor)) drift.push('prop_color');
	if (characters.some((character) => character.drifted)) drift.push('character');
	if (lighting.name !== picture.askedLighting.name) drift.push('lighting');
	return {
		...picture,
		lighting,
		props: props.map(({ askedColor, ...prop }) => (askedColor ? { ...prop, askedColor } : prop)),
		characters,
		drift,
	};
}

function hex([r, g, b]: [number, number, number]): string {
	return `0x${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * ffmpeg filter graph from `[0:v]` (the background in the lighting's colour) to `[v]`. Figures
 * and props drift slowly across the frame, as real footage moves, so the clip is neither frozen
 * nor flickering. (drawbox cannot move things: its `t` is the line thickness, so moving blocks are
 * overlaid colour sources.)
 */
export function pictureFilter(
	picture: Picture,
	width: number,
	height: number,
	photos: PhotoInputs = {},
): string {
	const unit = Math.round(Math.min(width, height) / 12);
	const paletteHeight = Math.round(height * 0.12);
	const swatches = picture.palette.map((color, index) => {
		const swatchWidth = Math.floor(width / picture.palette.length);
		return (
			`drawbox=x=${index * swatchWidth}:y=${height - paletteHeight}:` +
			`w=${swatchWidth}:h=${paletteHeight}:color=${hex(COLOR_NAMES[color])}@1:t=fill`
		);
	});
	const moving: Array<{
		color: string;
		w: number;
		h: number;
		x: string;
		y: number;
		photo?: string;
	}> = [
		...picture.characters.map((character, index) => ({
			color: hex(character.color),
			w: unit * 2,
			h: Math.round(height * 0.5),
			x: `${Math.round(width * (0.12 + index * 0.22))}+${Math.round(unit / 3)}*t`,
			y: Math.round(height * 0.25),
		})),
		...picture.props.map((prop, index) => {
			// The detector needs the cup large and on its saucer to be sure of it: the whole photograph, at 58% of the frame's height.
			const photoHeight =
				Math.round(Math.min(height * 0.58, (width * 0.45) / CUP_PHOTO_ASPECT) / 2) * 2;
			const photo =
				photos.cup !== undefined && isCup(prop.name)
					? cupPhotoFilter(photos.cup, prop.color, photoHeight)
					: undefined;
			return {
				color: hex(COLOR_NAMES[prop.color]),
				w: unit * 2,
				h: unit * 2,
				x: photo
					? `${Math.round(width * 0.5)}-${Math.round(unit / 4)}*t`
					: `${Math.round(width * (0.7 - index * 0.12))}-${Math.round(unit / 4)}*t`,
				y: photo ? Math.round((height - photoHeight) / 2) : Math.round(height * 0.55),
				photo,
			};
		}),
		// Something always moves (a bird crossing the sky), so even an empty scene is not a still frame.
		{
			color: hex(kelvinToRgb(picture.lighting.kelvin, Math.min(235, picture.lighting.luma + 60))),
			w: Math.round(unit / 2),
			h: Math.round(unit / 4),
			x: `${Math.round(unit / 2)}+${Math.round(width / 12)}*t`,
			y: Math.round(height * 0.08),
		},
	];
	const graph: string[] = [`[0:v]${swatches.length ? swatches.join(',') : 'null'}[base0]`];
	moving.forEach((block, index) => {
		graph.push(
			block.photo
				? `${block.photo}[block${index}]`
				: `color=c=${block.color}:s=${block.w}x${block.h}:r=24[block${index}]`,
		);
		graph.push(
			`[base${index}][block${index}]overlay=x='${block.x}':y=${block.y}:shortest=1[base${index + 1}]`,
		);
	});
	graph.push(`[base${moving.length}]format=yuv420p[v]`);
	return graph.join(';');
}

/** Photographs the renderer has as extra inputs, by their input index. */
export interface PhotoInputs {
	/** scikit-image's coffee.png: a real cup an object detector recognises. */
	cup?: number;
}

/** coffee.png is 600x400; its cup is orange-brown. */
const CUP_PHOTO_ASPECT = 1.5;
const CUP_PHOTO_HUE = 30;

/** Props drawn as a real cup when the photograph is available, so offline detectors can find them. */
export function isCup(name: string): boolean {
	return /\b(mug|cup|teacup|coffee cup)s?\b/i.test(name);
}

/** The photographed cup, turned round the hue circle to the prop's colour (grey for white, black...). */
function cupPhotoFilter(input: number, color: string, height: number): string {
	const { hue, saturation, value } = rgbToHsv(...COLOR_NAMES[color]);
	const turn =
		saturation < 0.2
			? `hue=s=0,eq=brightness=${(value - 0.5).toFixed(2)}`
			: `hue=h=${Math.round(hue - CUP_PHOTO_HUE)}`;
	return `[${input}:v]scale=-2:${height},${turn},fps=24`;
}

export function backgroundColor(picture: Picture): string {
	return hex(kelvinToRgb(picture.lighting.kelvin, picture.lighting.luma));
}
