import { probeMedia, runFfmpeg } from '../../edges/ffmpeg/ffmpeg';
import { inputFormat } from '../../edges/ffmpeg/inputs';

/**
 * Clips made of one photograph the way a camera would film it: a slow pan across a window of the
 * picture at 720p, 24 frames a second, H.264 with an ambient sound track, and the drift the case
 * asks for put in with ffmpeg filters (a grade, a black hole, a freeze, flicker, a cut, a short or
 * silent clip).
 */

/** A 16:9 window of a photograph: its left and top edges and its width, as shares of the photo. */
export interface Window {
	x: number;
	y: number;
	width: number;
}

export type Defect =
	| { kind: 'black'; from: number; to: number }
	| { kind: 'frozen'; from: number; to: number }
	| { kind: 'flicker'; from: number; to: number; strength: number }
	| { kind: 'cut'; at: number; photo: string; window: Window }
	| { kind: 'silence' };

export interface ClipRecipe {
	photo: string;
	from: Window;
	to: Window;
	seconds: number;
	/** An ffmpeg filter chain applied to the whole picture (a colour grade, an exposure change). */
	grade?: string;
	defect?: Defect;
}

const WIDTH = 1280;
const HEIGHT = 720;
const FPS = 24;

/** The pan as crop expressions over the photo scaled so that the window is 1280 pixels wide. */
function panFilter(
	recipe: Pick<ClipRecipe, 'from' | 'to' | 'seconds'>,
	photoSize: { width: number; height: number },
	hold?: { from: number; to: number },
): string {
	const { from, to, seconds } = recipe;
	const scaledWidth = Math.round(WIDTH / from.width / 2) * 2;
	const scaledHeight = Math.round((photoSize.height * scaledWidth) / photoSize.width / 2) * 2;
	// Progress 0-1 over the clip; a freeze holds it still for a while, then the pan catches up.
	const t = hold ? `(if(lt(t,${hold.from}),t,if(lt(t,${hold.to}),${hold.from},t)))` : 't';
	const p = `min(1,${t}/${seconds})`;
	const x = `(${from.x}+(${to.x}-${from.x})*${p})*${scaledWidth}`;
	const y = `(${from.y}+(${to.y}-${from.y})*${p})*${scaledHeight}`;
	// Windows at the photo's edge would reach past it: the crop keeps inside.
	// The photo is decoded and scaled once, then repeated in memory as the frames of the clip.
	const frames = Math.round(seconds * FPS);
	return [
		`scale=${scaledWidth}:${Math.max(scaledHeight, HEIGHT)}:flags=bicubic`,
		`loop=loop=${frames - 1}:size=1:start=0`,
		`setpts=N/${FPS}/TB`,
		`crop=${WIDTH}:${HEIGHT}:x='min(iw-${WIDTH},max(0,${x}))':y='min(ih-${HEIGHT},max(0,${y}))'`,
	].join(',');
}

async function photoSize(photo: string): Promise<{ width: number; height: number }> {
	const format = await inputFormat(photo, 'picture');
	if (!format.ok) throw new Error(`${photo} ${format.reason}`);
	const { video } = await probeMedia(photo, undefined, format.demuxer);
	return { width: video!.width, height: video!.height };
}

/** Pink noise and a low hum at about -30 dBFS: a room's sound, never silent, never clipped. */
const AMBIENT = 'anoisesrc=color=pink:amplitude=0.05:sample_rate=48000,volume=0.6';

export async function renderClip(recipe: ClipRecipe, file: string): Promise<string> {
	const { defect, seconds } = recipe;
	const size = await photoSize(recipe.photo);
	const hold = defect?.kind === 'frozen' ? defect : undefined;
	const chain = [panFilter(recipe, size, hold)];
	if (recipe.grade) chain.push(recipe.grade);
	if (defect?.kind === 'black')
		chain.push(
			`drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='between(t,${defect.from},${defect.to})'`,
		);
	if (defect?.kind === 'flicker')
		chain.push(
			`eq=brightness='if(between(t,${defect.from},${defect.to}),${defect.strength}*(2*mod(n,2)-1),0)':eval=frame`,
		);
	const inputs = ['-i', recipe.photo];
	let graph = `[0:v]${chain.join(',')},setsar=1,format=yuv420p[main]`;
	let video = '[main]';
	if (defect?.kind === 'cut') {
		const other = await photoSize(defect.photo);
		inputs.push('-i', defect.photo);
		const pan = panFilter({ from: defect.window, to: defect.window, seconds }, other);
		graph += `;[1:v]${pan}${recipe.grade ? `,${recipe.grade}` : ''},setsar=1,format=yuv420p[other]`;
		graph += `;[main][other]overlay=enable='gte(t,${defect.at})'[cut]`;
		video = '[cut]';
	}
	const audio =
		defect?.kind === 'silence'
			? `anullsrc=channel_layout=stereo:sample_rate=48000`
			: `${AMBIENT},aformat=channel_layouts=stereo`;
	inputs.push('-f', 'lavfi', '-t', String(seconds), '-i', audio);
	const audioIndex = defect?.kind === 'cut' ? 2 : 1;
	await runFfmpeg([
		'-y',
		...inputs,
		'-filter_complex',
		graph,
		'-map',
		video,
		'-map',
		`${audioIndex}:a`,
		'-r',
		String(FPS),
		'-c:v',
		'libx264',
		'-preset',
		'ultrafast',
		'-crf',
		'21',
		'-c:a',
		'aac',
		'-b:a',
		'96k',
		'-t',
		String(seconds),
		'-movflags',
		'+faststart',
		file,
	]);
	return file;
}

/** A still image: a window of a photograph (a look reference, a character's reference), optionally edited. */
export async function renderStill(
	photo: string,
	window: Window,
	file: string,
	filters?: string,
): Promise<string> {
	const size = await photoSize(photo);
	const chain = [panFilter({ from: window, to: window, seconds: 1 }, size)];
	if (filters) chain.push(filters);
	await runFfmpeg(['-y', '-i', photo, '-vf', chain.join(','), '-frames:v', '1', file]);
	return file;
}

/** A crop of a photograph by pixel box (a face and what is around it), optionally edited. */
export async function cropStill(
	photo: string,
	box: { x: number; y: number; width: number; height: number },
	file: string,
	filters?: string,
): Promise<string> {
	const [x, y, width, height] = [box.x, box.y, box.width, box.height].map((value) =>
		Math.max(0, Math.round(value / 2) * 2),
	);
	const chain = [`crop=${width}:${height}:${x}:${y}`];
	if (filters) chain.push(filters);
	await runFfmpeg(['-y', '-i', photo, '-vf', chain.join(','), '-frames:v', '1', file]);
	return file;
}
