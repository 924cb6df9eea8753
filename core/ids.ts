import { createHash } from 'crypto';

/**
 * Deterministic ids: the same spec gives the same pipeline and shot ids on every run, and each
 * attempt at a shot gets its own take id, so a re-run can tell takes apart.
 */

/** JSON with object keys sorted, so equal data always hashes equally. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, entry]) => entry !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
	}
	return JSON.stringify(value);
}

export function shortHash(value: unknown, length = 10): string {
	const text = typeof value === 'string' ? value : canonicalJson(value);
	return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** `Mya Ortiz` -> `mya-ortiz`; falls back to the given prefix and a hash for names without letters. */
export function slugify(name: string, fallbackPrefix = 'id'): string {
	const slug = name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 40);
	return slug || `${fallbackPrefix}-${shortHash(name, 6)}`;
}

export function shotIdForSequence(sequence: number): string {
	return `shot-${String(sequence).padStart(2, '0')}`;
}

export function pipelineIdFor(spec: unknown): string {
	return `pl-${shortHash(spec, 12)}`;
}

export function takeIdFor(shotId: string, attempt: number): string {
	return `${shotId}-take-${attempt}`;
}
