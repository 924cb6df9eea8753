import { promises as fs } from 'fs';

import { runFfmpeg, runFfmpegWithLog } from '../../edges/ffmpeg/ffmpeg';

/** Measurements of rendered media, made with ffmpeg the way a person would check a file. */

/** The mean colour of a region of the frame at `seconds` (the whole frame by default). */
export async function meanRgb(
	file: string,
	seconds: number,
	crop?: string,
): Promise<[number, number, number]> {
	const filters = [...(crop ? [`crop=${crop}`] : []), 'scale=1:1:flags=area', 'format=rgb24'];
	const { stdout } = await runFfmpeg(
		[
			'-ss',
			seconds.toFixed(3),
			'-i',
			file,
			'-frames:v',
			'1',
			'-vf',
			filters.join(','),
			'-f',
			'rawvideo',
			'-',
		],
		{ collectStdout: true },
	);
	return [stdout[0], stdout[1], stdout[2]];
}

/** How many pixels of a region at `seconds` are near white (burned-in captions, slate titles). */
export async function brightPixels(
	file: string,
	seconds: number,
	crop: string,
	threshold = 200,
): Promise<number> {
	const { stdout } = await runFfmpeg(
		[
			'-ss',
			seconds.toFixed(3),
			'-i',
			file,
			'-frames:v',
			'1',
			'-vf',
			`crop=${crop},format=gray`,
			'-f',
			'rawvideo',
			'-',
		],
		{ collectStdout: true },
	);
	return stdout.filter((value) => value > threshold).length;
}

/** The MD5 of every packet of a stream, as muxed: equal lists mean the packets were copied, not re-encoded. */
export async function packetHashes(file: string, stream: 'v' | 'a' = 'v'): Promise<string[]> {
	const { stdout } = await runFfmpeg(
		['-i', file, '-map', `0:${stream}`, '-c', 'copy', '-f', 'framemd5', '-'],
		{ collectStdout: true },
	);
	return (
		stdout
			.toString('utf8')
			.split('\n')
			.filter((line) => line && !line.startsWith('#'))
			// stream, dts, pts, duration, size, hash (then side data, e.g. AAC's skip samples, which muxing may drop).
			.map((line) => line.split(',')[5].trim())
	);
}

/** Integrated loudness (EBU R128) as ffmpeg's ebur128 filter measures it. */
export async function integratedLufs(file: string): Promise<number> {
	const { stderr } = await runFfmpegWithLog([
		'-nostats',
		'-i',
		file,
		'-map',
		'0:a',
		'-af',
		'ebur128',
		'-f',
		'null',
		'-',
	]);
	const summary = stderr.slice(stderr.lastIndexOf('Integrated loudness:'));
	const match = /I:\s+(-?[\d.]+|-inf) LUFS/.exec(summary);
	if (!match) throw new Error(`no integrated loudness in: ${summary.slice(0, 300)}`);
	return Number(match[1]);
}

/** The types of an MP4's top-level boxes, in file order (`moov` before `mdat` means it can play while it downloads). */
export async function topLevelBoxes(file: string): Promise<string[]> {
	const handle = await fs.open(file, 'r');
	try {
		const { size } = await handle.stat();
		const types: string[] = [];
		const header = Buffer.alloc(16);
		for (let offset = 0; offset + 8 <= size; ) {
			await handle.read(header, 0, 16, offset);
			const length =
				header.readUInt32BE(0) === 1 ? Number(header.readBigUInt64BE(8)) : header.readUInt32BE(0);
			types.push(header.toString('latin1', 4, 8));
			if (length < 8) break;
			offset += length;
		}
		return types;
	} finally {
		await handle.close();
	}
}
