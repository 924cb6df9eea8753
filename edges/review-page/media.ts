/**
 * What the review link serves besides pages: clips and pictures only, under types a browser
 * cannot run. The stored MIME type of a binary is whatever an earlier node (or a hand-edited item)
 * wrote; served as it is, a binary typed `text/html` or `image/svg+xml` would be a page or a
 * script on n8n's own origin. So a type is served only when it is one of these, spelt exactly
 * (parameters dropped), and everything else is refused: the board links nothing else, and a
 * review link is no way to fetch whatever else an item carries.
 */

export const SERVED_MEDIA_TYPES = ['video/mp4', 'image/png', 'image/jpeg', 'image/webp'] as const;
export type ServedMediaType = (typeof SERVED_MEDIA_TYPES)[number];

/** The type a stored binary is served as, or undefined when it is not served at all. */
export function servedMediaType(stored: unknown): ServedMediaType | undefined {
	if (typeof stored !== 'string' || /[\r\n\0]/.test(stored)) return undefined;
	const type = stored.split(';')[0].trim().toLowerCase();
	return SERVED_MEDIA_TYPES.find((served) => served === type);
}

/**
 * Headers of every clip or picture: the type as allowed, no sniffing, and a policy that runs
 * nothing should a browser open the file as a document; only pages of the same origin embed it.
 */
export function mediaHeaders(type: ServedMediaType): Record<string, string> {
	return {
		'Content-Type': type,
		'X-Content-Type-Options': 'nosniff',
		'Content-Security-Policy': "default-src 'none'; sandbox",
		'Cross-Origin-Resource-Policy': 'same-origin',
		'Content-Disposition': 'inline',
		'Cache-Control': 'private, max-age=3600',
	};
}
