import { createHash, randomBytes } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';

/** Google's HTTP conventions as the stand-in speaks them: its error envelope, JSON bodies, ids. */

const STATUS_NAMES: Record<number, string> = {
	400: 'INVALID_ARGUMENT',
	401: 'UNAUTHENTICATED',
	403: 'PERMISSION_DENIED',
	404: 'NOT_FOUND',
	429: 'RESOURCE_EXHAUSTED',
	500: 'INTERNAL',
	503: 'UNAVAILABLE',
};

/** An error answered as Google's `{error: {code, message, status}}`. */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly retryDelaySeconds?: number,
		/** The canonical status, where it is not the usual one for the HTTP code. */
		readonly statusName?: string,
	) {
		super(message);
	}
}

/** Drops the connection without an answer, as a reset network would. */
export class ConnectionReset extends Error {}

export function newId(): string {
	return randomBytes(8).toString('hex');
}

export function sha256(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

export async function readBody(request: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

export function parseJson(body: Buffer): Record<string, unknown> {
	if (!body.length) return {};
	try {
		return JSON.parse(body.toString('utf8'));
	} catch {
		throw new HttpError(400, 'Invalid JSON payload received.');
	}
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	response.writeHead(status, {
		'content-type': 'application/json; charset=UTF-8',
		'content-length': Buffer.byteLength(text),
	});
	response.end(text);
}

export function sendError(response: ServerResponse, error: unknown): void {
	if (error instanceof ConnectionReset) {
		response.socket?.destroy();
		return;
	}
	const status = error instanceof HttpError ? error.status : 500;
	const message = error instanceof Error ? error.message : String(error);
	const details: unknown[] = [];
	const headers: Record<string, string> = {};
	// Google puts the delay of a quota 429 in RetryInfo; front ends send Retry-After with a 503.
	if (error instanceof HttpError && error.retryDelaySeconds !== undefined) {
		if (status === 503) headers['retry-after'] = String(error.retryDelaySeconds);
		else
			details.push({
				'@type': 'type.googleapis.com/google.rpc.RetryInfo',
				retryDelay: `${error.retryDelaySeconds}s`,
			});
	}
	if (response.headersSent) {
		response.destroy();
		return;
	}
	const body = JSON.stringify({
		error: {
			code: status,
			message,
			status:
				(error instanceof HttpError ? error.statusName : undefined) ??
				STATUS_NAMES[status] ??
				'UNKNOWN',
			...(details.length ? { details } : {}),
		},
	});
	response.writeHead(status, {
		...headers,
		'content-type': 'application/json; charset=UTF-8',
		'content-length': Buffer.byteLength(body),
	});
	response.end(body);
}
