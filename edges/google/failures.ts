import { ApiError } from '@google/genai';

import { InvalidInputError, NonRetryableFailure, RetryableFailure } from '../../core/failures';
import { DEFAULT_VIDEO_MODEL, findVideoModel } from '../../core/models';

/**
 * Turns what Google (or the network) answers into the pipeline's failure types: retryable with a
 * delay for 429 / 5xx / connection resets, not retryable with a hint a marketer can act on for
 * 400 / 401 / 403 / 404.
 */

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ETIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'UND_ERR_SOCKET',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
]);

interface GoogleErrorBody {
	error?: {
		code?: number;
		message?: string;
		status?: string;
		details?: Array<{ '@type'?: string; retryDelay?: string; reason?: string }>;
	};
}

/** `"7s"` / `"1.5s"` (protobuf Duration) -> milliseconds. */
function parseDurationMs(duration: string | undefined): number | undefined {
	const match = duration ? /^(\d+(?:\.\d+)?)s$/.exec(duration.trim()) : null;
	return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

/** `Retry-After` is seconds or an HTTP date. */
function parseRetryAfterHeader(value: string | null): number | undefined {
	if (!value) return undefined;
	if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function parseBody(text: string): GoogleErrorBody {
	try {
		return JSON.parse(text) as GoogleErrorBody;
	} catch {
		return { error: { message: text.slice(0, 500) } };
	}
}

function retryDelayFromBody(body: GoogleErrorBody): number | undefined {
	const retryInfo = body.error?.details?.find((detail) =>
		detail['@type']?.endsWith('google.rpc.RetryInfo'),
	);
	return parseDurationMs(retryInfo?.retryDelay);
}

function hintFor(status: number, message: string, action: string): string {
	if (status === 404 && /veo|omni|predictLongRunning|interactions/i.test(`${message} ${action}`)) {
		return (
			'Google answers 404 for video models when billing is not enabled on the project (video needs a paid tier), ' +
			'or when the model id has been retired. Enable billing, or pick another model from the list.'
		);
	}
	if (status === 404) return 'Check the model id and, on Vertex AI, the project and location.';
	if (status === 401) return 'The key or service account was refused: check the credential.';
	if (status === 403) {
		return (
			'The credential has no access: enable the Generative Language API (Gemini) or Vertex AI API for the project, ' +
			'and check the key restrictions.'
		);
	}
	if (status === 400 && /safety|blocked|policy/i.test(message)) {
		return 'Google refused the prompt on safety grounds: rephrase the shot or its corrective notes.';
	}
	if (status === 400)
		return 'Google refused the request as it is: change the field it names and run again.';
	return 'Try again later.';
}

/** A typed failure from an HTTP status and Google's JSON error body. */
export function failureFromResponse(
	status: number,
	bodyText: string,
	action: string,
	retryAfterHeaderMs?: number,
): RetryableFailure | NonRetryableFailure {
	const body = parseBody(bodyText);
	const googleMessage = body.error?.message ?? `HTTP ${status}`;
	const message = `${action}: Google answered ${status}${body.error?.status ? ` ${body.error.status}` : ''}: ${googleMessage}`;
	if (RETRYABLE_STATUSES.has(status)) {
		const delay = retryDelayFromBody(body) ?? retryAfterHeaderMs;
		return new RetryableFailure(message, delay, {
			status,
			hint:
				status === 429
					? 'The video quota (requests per minute or generations at once) is used up; the node waits and tries again.'
					: 'Google had a passing fault; the node tries again.',
		});
	}
	// Google answers a wrong key with 400, like a bad request: it is about every shot, not this one.
	if (status === 400 && /API key not valid|API_KEY_INVALID/i.test(bodyText)) {
		return new NonRetryableFailure(message, {
			status,
			aboutSetup: true,
			hint:
				'Google refused the API key: check the credential (Google AI Studio > API keys) and that the key belongs to a ' +
				'project with billing.',
		});
	}
	if (status === 404 && RETIRED_ANSWER.test(googleMessage)) {
		return new NonRetryableFailure(message, {
			status,
			aboutSetup: true,
			hint: retiredModelHint(`${googleMessage} ${action}`),
		});
	}
	return new NonRetryableFailure(message, { status, hint: hintFor(status, googleMessage, action) });
}

/** How Google answers for a model it has shut down: "models/<id> is no longer available ...". */
const RETIRED_ANSWER = /no longer available|has been (retired|shut down|discontinued)/i;

/** The model the answer names, with what replaces it when the model table knows. */
function retiredModelHint(text: string): string {
	const id = /(?:models\/|to )((?:veo|gemini)-[a-z0-9.-]+)/i.exec(text)?.[1];
	const model = id ? findVideoModel(id) : undefined;
	const replacement =
		model && Object.values(model.retired)[0]?.replacement
			? Object.values(model.retired)[0]!.replacement
			: model?.api === 'predictLongRunning'
				? DEFAULT_VIDEO_MODEL
				: undefined;
	return (
		`Google has retired ${id ?? 'this model'}${replacement ? `; use ${replacement}` : ''}. ` +
		'Pick a model the node lists today (Google retires video models without notice).'
	);
}

/**
 * The fetch the SDK uses. The SDK's `ApiError` keeps the body but drops the headers, so a
 * rate-limit answer's `Retry-After` would be lost; this reads it before the SDK does.
 */
export const fetchWithTypedFailures: typeof fetch = async (input, init) => {
	const response = await fetch(input, init);
	if (
		!response.ok &&
		RETRYABLE_STATUSES.has(response.status) &&
		response.headers.get('retry-after')
	) {
		const bodyText = await response.text();
		throw failureFromResponse(
			response.status,
			bodyText,
			`${init?.method ?? 'GET'} ${new URL(String(input instanceof Request ? input.url : input)).pathname}`,
			parseRetryAfterHeader(response.headers.get('retry-after')),
		);
	}
	return response;
};

function networkCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; current && depth < 5; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string') return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** A typed failure anywhere in the cause chain (the interactions client wraps what fetch threw). */
function typedCause(error: unknown): Error | undefined {
	let current: unknown = error;
	for (let depth = 0; current && depth < 5; depth++) {
		if (
			current instanceof RetryableFailure ||
			current instanceof NonRetryableFailure ||
			current instanceof InvalidInputError
		) {
			return current;
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/**
 * The interactions client's own HTTP errors (`RateLimitError`, `InternalServerError`...) are not
 * the SDK's exported ApiError: they carry the status and Google's body as text.
 */
function interactionsHttpError(error: unknown): { status: number; body: string } | undefined {
	const candidate = error as { status?: unknown; body?: unknown };
	if (typeof candidate?.status !== 'number' || typeof candidate.body !== 'string') return undefined;
	return { status: candidate.status, body: candidate.body };
}

/** Any error from an SDK call -> a typed failure that says whether to retry. */
export function toGoogleFailure(error: unknown, action: string): Error {
	const typed = typedCause(error);
	if (typed) return typed;
	if (error instanceof ApiError) return failureFromResponse(error.status, error.message, action);
	const http = interactionsHttpError(error);
	if (http) return failureFromResponse(http.status, http.body, action);
	const code = networkCode(error);
	if (code && RETRYABLE_NETWORK_CODES.has(code)) {
		return new RetryableFailure(`${action}: the connection to Google failed (${code})`, undefined, {
			cause: error,
		});
	}
	if (error instanceof TypeError && /fetch failed|terminated|socket/i.test(error.message)) {
		return new RetryableFailure(
			`${action}: the connection to Google failed (${error.message})`,
			undefined,
			{
				cause: error,
			},
		);
	}
	if (error instanceof Error && error.name === 'AbortError') {
		return new RetryableFailure(`${action}: Google did not answer in time`, undefined, {
			cause: error,
		});
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NonRetryableFailure(`${action}: ${message}`, { cause: error });
}
