import { promises as fs } from 'fs';

/**
 * What ffmpeg and ffprobe may open, and how. Left to itself ffmpeg picks a demuxer from a file's
 * bytes, and some demuxers open further files by name: an HLS playlist or an ffconcat list saved
 * as `clip.mp4` would make it read any file on the server (or a URL) into a cut or a score. So
 * every input this package gives ffmpeg is read with one demuxer chosen here from the file's
 * first bytes, within what its role allows, through the `file` protocol only; anything else is
 * refused before ffmpeg starts, with what the file really is.
 */

/** Clips (Veo's MP4s, and MOV), sound tracks (music, voice-over), and still pictures (references). */
export type MediaRole = 'clip' | 'sound' | 'picture';

interface Signature {
	/** The ffmpeg demuxer that reads it. */
	demuxer: string;
	/** How a person would call it. */
	kind: string;
	role?: MediaRole;
	matches: (head: Buffer) => boolean;
}

const ascii = (head: Buffer, offset: number, text: string) =>
	head.toString('latin1', offset, offset + text.length) === text;

/** Box types an MP4 or MOV file starts with (QuickTime files may start with a free or wide box). */
const MP4_FIRST_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'wide', 'skip']);

/**
 * The formats this package reads, each with its role, then formats it recognises only to say what
 * a refused file is. Order matters where signatures overlap (an M4A is an MP4 by its bytes).
 */
const SIGNATURES: Signature[] = [
	{
		demuxer: 'mov',
		kind: 'an MP4 or MOV file',
		role: 'clip',
		matches: (head) => MP4_FIRST_BOXES.has(head.toString('latin1', 4, 8)),
	},
	{
		demuxer: 'png_pipe',
		kind: 'a PNG image',
		role: 'picture',
		matches: (head) => ascii(head, 1, 'PNG\r\n'),
	},
	{
		demuxer: 'jpeg_pipe',
		kind: 'a JPEG image',
		role: 'picture',
		matches: (head) => head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff,
	},
	{
		demuxer: 'webp_pipe',
		kind: 'a WebP image',
		role: 'picture',
		matches: (head) => ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP'),
	},
	{
		demuxer: 'wav',
		kind: 'a WAV file',
		role: 'sound',
		matches: (head) => ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE'),
	},
	{
		demuxer: 'aiff',
		kind: 'an AIFF file',
		role: 'sound',
		matches: (head) => ascii(head, 0, 'FORM') && /^AIF[FC]$/.test(head.toString('latin1', 8, 12)),
	},
	{
		demuxer: 'flac',
		kind: 'a FLAC file',
		role: 'sound',
		matches: (head) => ascii(head, 0, 'fLaC'),
	},
	{ demuxer: 'ogg', kind: 'an Ogg file', role: 'sound', matches: (head) => ascii(head, 0, 'OggS') },
	{
		demuxer: 'mp3',
		kind: 'an MP3 file',
		role: 'sound',
		// An ID3 tag, or an MPEG audio frame: 11 sync bits and a layer other than 0 (which is ADTS).
		matches: (head) =>
			ascii(head, 0, 'ID3') ||
			(head[0] === 0xff && (head[1] & 0xe0) === 0xe0 && (head[1] & 0x06) !== 0),
	},
	{
		demuxer: 'aac',
		kind: 'an AAC file',
		role: 'sound',
		matches: (head) => head[0] === 0xff && (head[1] & 0xf6) === 0xf0,
	},
	{
		demuxer: '',
		kind: 'an HLS playlist',
		matches: (head) => textStart(head).startsWith('#EXTM3U'),
	},
	{
		demuxer: '',
		kind: 'an ffconcat list',
		matches: (head) => /^(ffconcat|file\s)/.test(textStart(head)),
	},
	{
		demuxer: '',
		kind: 'a DASH manifest',
		matches: (head) => /^<\?xml[\s\S]*<MPD/i.test(textStart(head)),
	},
	{
		demuxer: '',
		kind: 'an HTML or XML document',
		matches: (head) => textStart(head).startsWith('<'),
	},
	{ demuxer: '', kind: 'a GIF image', matches: (head) => ascii(head, 0, 'GIF8') },
	{ demuxer: '', kind: 'a playlist', matches: (head) => /^\[playlist\]/i.test(textStart(head)) },
];

/** The start of a file read as text, without a byte-order mark or leading blanks. */
function textStart(head: Buffer): string {
	return head
		.toString('utf8')
		.replace(/^\uFEFF/, '')
		.trimStart();
}

const EXPECTED: Record<MediaRole, string> = {
	clip: 'an MP4 or MOV video',
	sound: 'a sound file (MP3, WAV, AAC, M4A, FLAC, Ogg or AIFF)',
	picture: 'a PNG, JPEG or WebP image',
};

/** Bytes read to recognise a file: every signature above fits in them. */
const HEAD_BYTES = 64;

/**
 * A refusal says what the file is; `unrecognised` when its bytes are no format this package knows
 * (a damaged download, say), which a scorer reports as unreadable rather than as a wrong input.
 */
export type InputVerdict =
	| { ok: true; demuxer: string }
	| { ok: false; reason: string; unrecognised?: boolean };

/** The demuxer a file of this role is read with, or why it is refused (a sentence after the file's name). */
export async function inputFormat(filePath: string, role: MediaRole): Promise<InputVerdict> {
	const head = Buffer.alloc(HEAD_BYTES);
	const file = await fs.open(filePath, 'r');
	let bytesRead: number;
	try {
		({ bytesRead } = await file.read(head, 0, HEAD_BYTES, 0));
	} finally {
		await file.close();
	}
	if (!bytesRead) return { ok: false, reason: 'is empty (0 bytes)' };
	const bytes = head.subarray(0, bytesRead);
	const signature = SIGNATURES.find((candidate) => candidate.matches(bytes));
	// An M4A holds sound in the MP4 layout: the same demuxer reads it.
	if (signature?.demuxer === 'mov' && (role === 'clip' || role === 'sound'))
		return { ok: true, demuxer: 'mov' };
	if (signature?.role === role) return { ok: true, demuxer: signature.demuxer };
	if (!signature)
		return {
			ok: false,
			reason: `is not ${EXPECTED[role]} (its first bytes are no format this package reads)`,
			unrecognised: true,
		};
	return { ok: false, reason: `is ${signature.kind}, not ${EXPECTED[role]}` };
}

/** One input for ffmpeg or ffprobe: read with `demuxer` only, from a local file only. */
export function inputArgs(demuxer: string, file: string): string[] {
	return ['-protocol_whitelist', 'file', '-format_whitelist', demuxer, '-f', demuxer, '-i', file];
}

/**
 * The concat demuxer over a list this package wrote, of files it named in its working folder:
 * `safe` refuses absolute or unusual names in the list, and the format allow-list, which concat
 * passes on to the files it opens, lets each be read with `nestedDemuxer` only. Packets go through
 * as they are (auto_convert would rewrite every H.264 keyframe with an in-band copy of the codec
 * header), so the files must share one.
 */
export function concatInputArgs(listFile: string, nestedDemuxer: string): string[] {
	return [
		'-protocol_whitelist',
		'file',
		'-format_whitelist',
		`concat,${nestedDemuxer}`,
		'-f',
		'concat',
		'-safe',
		'1',
		'-auto_convert',
		'0',
		'-i',
		listFile,
	];
}

/**
 * The largest picture decoded: 40 megapixels and 16,384 pixels a side (an 8K frame is 33 MP, a
 * 24 MP camera photo fits). One frame of that is 120 MB as RGB; a 12000x12000 picture would be
 * 432 MB, and took 48 s and 489 MB to refuse after decoding.
 */
export const MAX_PICTURE_PIXELS = 40_000_000;
export const MAX_PICTURE_SIDE = 16_384;

/** Why a picture of this size is not decoded, or undefined when it may be. */
export function oversizeReason(width: number, height: number): string | undefined {
	if (width * height <= MAX_PICTURE_PIXELS && Math.max(width, height) <= MAX_PICTURE_SIDE)
		return undefined;
	return (
		`is ${width}x${height} pixels, more than the largest picture this package decodes ` +
		`(${MAX_PICTURE_PIXELS / 1e6} megapixels, ${MAX_PICTURE_SIDE} a side): scale it down first`
	);
}

/**
 * The size a PNG, JPEG or WebP states in its header, read without decoding it; undefined when the
 * header does not say (ffprobe then reads it, still without decoding).
 */
export async function pictureSize(
	filePath: string,
	demuxer: string,
): Promise<{ width: number; height: number } | undefined> {
	const file = await fs.open(filePath, 'r');
	try {
		const read = async (offset: number, length: number) => {
			const buffer = Buffer.alloc(length);
			const { bytesRead } = await file.read(buffer, 0, length, offset);
			return buffer.subarray(0, bytesRead);
		};
		if (demuxer === 'png_pipe') {
			const ihdr = await read(8, 16);
			return ihdr.length === 16 && ascii(ihdr, 4, 'IHDR')
				? { width: ihdr.readUInt32BE(8), height: ihdr.readUInt32BE(12) }
				: undefined;
		}
		if (demuxer === 'webp_pipe') return webpSize(await read(12, 18));
		if (demuxer === 'jpeg_pipe') return jpegSize(read);
		return undefined;
	} finally {
		await file.close();
	}
}

/** WebP's first chunk after the RIFF header: lossy (VP8), lossless (VP8L) or extended (VP8X). */
function webpSize(chunk: Buffer): { width: number; height: number } | undefined {
	if (chunk.length < 18) return undefined;
	const type = chunk.toString('latin1', 0, 4);
	if (type === 'VP8X')
		return { width: chunk.readUIntLE(12, 3) + 1, height: chunk.readUIntLE(15, 3) + 1 };
	if (type === 'VP8L') {
		const bits = chunk.readUInt32LE(9);
		return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
	}
	if (type === 'VP8 ')
		return { width: chunk.readUInt16LE(14) & 0x3fff, height: chunk.readUInt16LE(16) & 0x3fff };
	return undefined;
}

/** A JPEG's frame header (SOFn), found by walking its segments from the start. */
async function jpegSize(
	read: (offset: number, length: number) => Promise<Buffer>,
): Promise<{ width: number; height: number } | undefined> {
	let offset = 2;
	// Segments before the frame header are metadata (EXIF, ICC): a few, each at most 64 KB.
	for (let segment = 0; segment < 64; segment++) {
		const header = await read(offset, 9);
		if (header.length < 4 || header[0] !== 0xff) return undefined;
		const marker = header[1];
		const isFrameHeader =
			marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (isFrameHeader)
			return header.length === 9
				? { width: header.readUInt16BE(7), height: header.readUInt16BE(5) }
				: undefined;
		offset += 2 + header.readUInt16BE(2);
	}
	return undefined;
}
