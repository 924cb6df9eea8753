import { createHash } from 'crypto';
import { promises as fs } from 'fs';

/**
 * Reads the stream parameters of an MP4/MOV file from its `moov` box, without starting ffprobe.
 * Starting ffprobe costs about 0.2 s on a loaded machine, which for a 675-shot film is longer than
 * concatenating the clips; the header is a few kilobytes. Only what assembly needs is read: codec,
 * size, frame rate, audio layout, and a digest of each codec's configuration (SPS/PPS for H.264,
 * AudioSpecificConfig for AAC): stream copy across clips is only safe when those are identical.
 * Anything unusual (fragmented files, several video tracks, sound descriptions v2) answers
 * `undefined`, and the caller falls back to ffprobe.
 */

export interface Mp4Facts {
	durationSeconds: number;
	/** Where the last byte of any track's samples is, by the index (stsz, stsc, stco/co64). */
	dataEndBytes: number;
	fileBytes: number;
	video: {
		codec: string;
		width: number;
		height: number;
		frameRate: number;
		frames: number;
		timescale: number;
		configKey: string;
	};
	audio?: {
		codec: string;
		channels: number;
		sampleRate: number;
		timescale: number;
		configKey: string;
	};
}

interface Box {
	type: string;
	/** Payload (after the header), as a view into the parent's buffer. */
	body: Buffer;
}

const CODEC_NAMES: Record<string, string> = {
	avc1: 'h264',
	avc3: 'h264',
	hvc1: 'hevc',
	hev1: 'hevc',
	av01: 'av1',
	vp09: 'vp9',
	mp4v: 'mpeg4',
	mp4a: 'aac',
	'ac-3': 'ac3',
	'ec-3': 'eac3',
	Opus: 'opus',
};

const MAX_MOOV_BYTES = 64 * 1024 * 1024;
const FIRST_READ_BYTES = 256 * 1024;

function childBoxes(buffer: Buffer): Box[] {
	const boxes: Box[] = [];
	let offset = 0;
	while (offset + 8 <= buffer.length) {
		let size = buffer.readUInt32BE(offset);
		const type = buffer.toString('latin1', offset + 4, offset + 8);
		let header = 8;
		if (size === 1) {
			if (offset + 16 > buffer.length) break;
			size = Number(buffer.readBigUInt64BE(offset + 8));
			header = 16;
		} else if (size === 0) {
			size = buffer.length - offset;
		}
		if (size < header || offset + size > buffer.length) break;
		boxes.push({ type, body: buffer.subarray(offset + header, offset + size) });
		offset += size;
	}
	return boxes;
}

function child(buffer: Buffer, ...path: string[]): Buffer | undefined {
	let current: Buffer | undefined = buffer;
	for (const type of path) {
		current = current && childBoxes(current).find((box) => box.type === type)?.body;
	}
	return current;
}

/** Finds the top-level `moov` box by walking box headers, wherever it is in the file. */
async function readMoov(filePath: string): Promise<{ moov: Buffer; fileSize: number } | undefined> {
	const file = await fs.open(filePath, 'r');
	try {
		const { size: fileSize } = await file.stat();
		// One read covers the whole index of a faststart clip (Veo's are): no further reads for most files.
		const start = Buffer.alloc(Math.min(fileSize, FIRST_READ_BYTES));
		await file.read(start, 0, start.length, 0);
		const header = Buffer.alloc(16);
		let offset = 0;
		let first = true;
		while (offset + 8 <= fileSize) {
			const bytesRead =
				offset + 16 <= start.length
					? start.copy(header, 0, offset, offset + 16)
					: (await file.read(header, 0, 16, offset)).bytesRead;
			if (bytesRead < 8) return undefined;
			const type = header.toString('latin1', 4, 8);
			if (
				first &&
				type !== 'ftyp' &&
				type !== 'moov' &&
				type !== 'wide' &&
				type !== 'free' &&
				type !== 'mdat'
			)
				return undefined;
			first = false;
			let size = header.readUInt32BE(0);
			let headerSize = 8;
			if (size === 1) {
				size = Number(header.readBigUInt64BE(8));
				headerSize = 16;
			} else if (size === 0) {
				size = fileSize - offset;
			}
			if (size < headerSize) return undefined;
			if (type === 'moov') {
				if (size > MAX_MOOV_BYTES || offset + size > fileSize) return undefined;
				if (offset + size <= start.length)
					return { moov: start.subarray(offset + headerSize, offset + size), fileSize };
				const moov = Buffer.alloc(size - headerSize);
				await file.read(moov, 0, moov.length, offset + headerSize);
				return { moov, fileSize };
			}
			offset += size;
		}
		return undefined;
	} finally {
		await file.close();
	}
}

interface Track {
	handler: string;
	timescale: number;
	sampleEntry: Box;
	/** Sum of all sample durations, and the count, from `stts`. */
	totalDelta: number;
	samples: number;
	/** The most common sample duration: the frame duration of a video track. */
	typicalDelta: number;
	/** Where the track's last sample ends in the file. */
	dataEnd: number;
}

/**
 * Where the samples of a track end, from its sample table: each chunk's offset (stco/co64) plus
 * the sizes (stsz) of the samples it holds (stsc). Undefined when the tables do not add up to the
 * track's sample count: an index that is not whole.
 */
function sampleDataEnd(stbl: Buffer, samples: number): number | undefined {
	const stsz = child(stbl, 'stsz');
	const stsc = child(stbl, 'stsc');
	const co64 = child(stbl, 'co64');
	const stco = co64 ?? child(stbl, 'stco');
	if (!stsz || !stsc || !stco || stsz.length < 12 || stsc.length < 8 || stco.length < 8)
		return undefined;
	const uniformSize = stsz.readUInt32BE(4);
	if (stsz.readUInt32BE(8) !== samples || (!uniformSize && stsz.length < 12 + 4 * samples))
		return undefined;
	const chunks = stco.readUInt32BE(4);
	const entries = stsc.readUInt32BE(4);
	if (stco.length < 8 + chunks * (co64 ? 8 : 4) || stsc.length < 8 + entries * 12) return undefined;
	const offsetOf = (chunk: number) =>
		co64 ? Number(co64.readBigUInt64BE(8 + chunk * 8)) : stco.readUInt32BE(8 + chunk * 4);
	let sample = 0;
	let end = 0;
	for (let entry = 0; entry < entries; entry++) {
		const firstChunk = stsc.readUInt32BE(8 + entry * 12) - 1;
		const perChunk = stsc.readUInt32BE(12 + entry * 12);
		const nextFirst = entry + 1 < entries ? stsc.readUInt32BE(20 + entry * 12) - 1 : chunks;
		for (let chunk = firstChunk; chunk < Math.min(nextFirst, chunks); chunk++) {
			if (sample + perChunk > samples) return undefined;
			let bytes = uniformSize * perChunk;
			if (!uniformSize)
				for (let index = 0; index < perChunk; index++)
					bytes += stsz.readUInt32BE(12 + 4 * (sample + index));
			sample += perChunk;
			end = Math.max(end, offsetOf(chunk) + bytes);
		}
	}
	return sample === samples ? end : undefined;
}

function readTrack(trak: Buffer): Track | undefined {
	const mdhd = child(trak, 'mdia', 'mdhd');
	const hdlr = child(trak, 'mdia', 'hdlr');
	const stbl = child(trak, 'mdia', 'minf', 'stbl');
	const stsd = stbl && child(stbl, 'stsd');
	const stts = stbl && child(stbl, 'stts');
	if (!mdhd || !hdlr || !stsd || !stts || hdlr.length < 12 || stsd.length < 8 || stts.length < 8)
		return undefined;
	const timescale = mdhd[0] === 1 ? mdhd.readUInt32BE(20) : mdhd.readUInt32BE(12);
	// A track with several sample descriptions changes codec settings midway: not safe to copy.
	if (stsd.readUInt32BE(4) !== 1) return undefined;
	const sampleEntry = childBoxes(stsd.subarray(8))[0];
	if (!sampleEntry) return undefined;
	const entryCount = stts.readUInt32BE(4);
	if (stts.length < 8 + entryCount * 8) return undefined;
	let totalDelta = 0;
	let samples = 0;
	let typicalDelta = 0;
	let typicalCount = 0;
	for (let index = 0; index < entryCount; index++) {
		const count = stts.readUInt32BE(8 + index * 8);
		const delta = stts.readUInt32BE(12 + index * 8);
		totalDelta += count * delta;
		samples += count;
		if (count > typicalCount) {
			typicalCount = count;
			typicalDelta = delta;
		}
	}
	const dataEnd = sampleDataEnd(stbl, samples);
	if (dataEnd === undefined) return undefined;
	return {
		handler: hdlr.toString('latin1', 8, 12),
		timescale,
		sampleEntry,
		totalDelta,
		samples,
		typicalDelta,
		dataEnd,
	};
}

function digest(...parts: Array<Buffer | string>): string {
	const hash = createHash('sha256');
	for (const part of parts) hash.update(part);
	return hash.digest('hex').slice(0, 16);
}

/** Visual sample entry: 78 bytes of fixed fields, then boxes (avcC, hvcC, pasp, colr...). */
function videoFacts(track: Track): Mp4Facts['video'] | undefined {
	const entry = track.sampleEntry.body;
	if (entry.length < 78 || !track.typicalDelta || !track.timescale) return undefined;
	return {
		codec: CODEC_NAMES[track.sampleEntry.type] ?? track.sampleEntry.type,
		width: entry.readUInt16BE(24),
		height: entry.readUInt16BE(26),
		frameRate: track.timescale / track.typicalDelta,
		frames: track.samples,
		timescale: track.timescale,
		configKey: digest(
			track.sampleEntry.type,
			entry.subarray(24, 28),
			...configParts(childBoxes(entry.subarray(78))),
		),
	};
}

/** Reads an MPEG-4 descriptor header: tag, then a size of 1-4 bytes, 7 bits each. */
function descriptorAt(
	buffer: Buffer,
	offset: number,
): { tag: number; start: number; end: number } | undefined {
	if (offset >= buffer.length) return undefined;
	const tag = buffer[offset];
	let size = 0;
	let position = offset + 1;
	for (let index = 0; index < 4 && position < buffer.length; index++) {
		const byte = buffer[position++];
		size = (size << 7) | (byte & 0x7f);
		if (!(byte & 0x80)) break;
	}
	return position + size <= buffer.length
		? { tag, start: position, end: position + size }
		: undefined;
}

/**
 * What in an `esds` box decides whether packets can be copied: the object type and the decoder's
 * own configuration (AudioSpecificConfig). The bitrates beside them differ from clip to clip and
 * do not matter.
 */
function esdsKey(esds: Buffer): Buffer {
	const es = descriptorAt(esds, 4);
	if (!es || es.tag !== 0x03) return esds;
	const flags = esds[es.start + 2];
	let offset = es.start + 3;
	if (flags & 0x80) offset += 2;
	if (flags & 0x40) offset += 1 + (esds[offset] ?? 0);
	if (flags & 0x20) offset += 2;
	const decoderConfig = descriptorAt(esds, offset);
	if (!decoderConfig || decoderConfig.tag !== 0x04) return esds;
	const specificInfo = descriptorAt(esds, decoderConfig.start + 13);
	const objectType = esds.subarray(decoderConfig.start, decoderConfig.start + 1);
	return specificInfo?.tag === 0x05
		? Buffer.concat([objectType, esds.subarray(specificInfo.start, specificInfo.end)])
		: objectType;
}

function configParts(boxes: Box[]): Array<Buffer | string> {
	return boxes
		.filter((box) => box.type !== 'btrt')
		.flatMap((box) => {
			if (box.type === 'esds') return [box.type, esdsKey(box.body)];
			// QuickTime keeps the esds inside a `wave` box.
			if (box.type === 'wave') return configParts(childBoxes(box.body));
			return [box.type, box.body];
		});
}

/** Sound sample entry (versions 0 and 1 of the QuickTime layout); the config boxes follow it. */
function audioFacts(track: Track): Mp4Facts['audio'] | undefined {
	const entry = track.sampleEntry.body;
	if (entry.length < 28) return undefined;
	const version = entry.readUInt16BE(8);
	if (version > 1) return undefined;
	const fixed = version === 1 ? 44 : 28;
	return {
		codec: CODEC_NAMES[track.sampleEntry.type] ?? track.sampleEntry.type,
		channels: entry.readUInt16BE(16),
		sampleRate: entry.readUInt32BE(24) >>> 16,
		timescale: track.timescale,
		configKey: digest(
			track.sampleEntry.type,
			entry.subarray(16, 20),
			entry.subarray(24, 28),
			...configParts(childBoxes(entry.subarray(fixed))),
		),
	};
}

/** The facts of an MP4/MOV clip, or `undefined` when the file is not one this reader understands. */
export async function readMp4Facts(filePath: string): Promise<Mp4Facts | undefined> {
	const found = await readMoov(filePath);
	if (!found) return undefined;
	const { moov, fileSize } = found;
	if (child(moov, 'mvex')) return undefined;
	const tracks = childBoxes(moov)
		.filter((box) => box.type === 'trak')
		.map((box) => readTrack(box.body));
	if (tracks.some((track) => !track)) return undefined;
	const videoTracks = tracks.filter((track) => track!.handler === 'vide');
	const audioTracks = tracks.filter((track) => track!.handler === 'soun');
	if (videoTracks.length !== 1 || audioTracks.length > 1) return undefined;
	const video = videoFacts(videoTracks[0]!);
	const audio = audioTracks[0] ? audioFacts(audioTracks[0]) : undefined;
	if (!video || (audioTracks[0] && !audio)) return undefined;
	const videoTrack = videoTracks[0]!;
	return {
		durationSeconds: videoTrack.totalDelta / videoTrack.timescale,
		dataEndBytes: Math.max(...tracks.map((track) => track!.dataEnd)),
		fileBytes: fileSize,
		video,
		audio,
	};
}
