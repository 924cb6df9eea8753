import { ApiError } from '@google/genai';

import {
	InvalidInputError,
	NonRetryableFailure,
	RetryableFailure,
} from '../../../../core/failures';
import { failureFromResponse, toGoogleFailure } from '../../../../edges/google/failures';

/** A Google error body as the Gemini API and Vertex AI send it. */
function googleError(code: number, status: string, message: string, details?: unknown[]): string {
	return JSON.stringify({ error: { code, message, status, ...(details ? { details } : {}) } });
}

const retryInfo = (retryDelay: string) => ({
	'@type': 'type.googleapis.com/google.rpc.RetryInfo',
	retryDelay,
});
const quotaFailure = { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [] };

describe('failureFromResponse', () => {
	it('says a wrong API key (400) is about the setup, with the credential hint', () => {
		const failure = failureFromResponse(
			400,
			googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.'),
			'Submitting to gemini-omni-1.2-flash',
		) as NonRetryableFailure;
		expect(failure).toBeInstanceOf(NonRetryableFailure);
		expect(failure.aboutSetup).toBe(true);
		expect(failure.hint).toMatch(/refused the API key: check the credential/);
	});

	it("says a model Google shut down is retired, naming the model table's replacement", () => {
		const failure = failureFromResponse(
			404,
			googleError(
				404,
				'NOT_FOUND',
				'models/veo-3.1-fast-generate-preview is no longer available. Please use a newer model.',
			),
			'Submitting to veo-3.1-fast-generate-preview',
		) as NonRetryableFailure;
		expect(failure.aboutSetup).toBe(true);
		expect(failure.hint).toBe(
			'Google has retired veo-3.1-fast-generate-preview; use gemini-omni-1.2-flash. ' +
				'Pick a model the node lists today (Google retires video models without notice).',
		);
		// A Vertex Veo id past its discontinuation date: Omni 1.2 is the way on.
		const vertex = failureFromResponse(
			404,
			googleError(404, 'NOT_FOUND', 'Publisher model veo-3.1-generate-001 is no longer available.'),
			'Submitting to veo-3.1-generate-001',
		);
		expect(vertex.hint).toContain('use gemini-omni-1.2-flash');
	});

	it("turns a 429 with RetryInfo into a retryable failure with Google's delay", () => {
		const failure = failureFromResponse(
			429,
			googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', [quotaFailure, retryInfo('37s')]),
			'Submitting to veo-3.1-fast-generate-preview',
		);
		expect(failure).toBeInstanceOf(RetryableFailure);
		expect(failure).toMatchObject({ retryable: true, status: 429, retryAfterMs: 37_000 });
		expect(failure.message).toBe(
			'Submitting to veo-3.1-fast-generate-preview: Google answered 429 RESOURCE_EXHAUSTED: Quota exceeded',
		);
		expect(failure.hint).toMatch(/quota/i);
	});

	it('reads fractional protobuf durations', () => {
		const failure = failureFromResponse(
			429,
			googleError(429, 'RESOURCE_EXHAUSTED', 'slow down', [retryInfo('1.5s')]),
			'x',
		);
		expect((failure as RetryableFailure).retryAfterMs).toBe(1500);
	});

	it('uses the Retry-After header when the body has no RetryInfo, and RetryInfo when it has both', () => {
		const withoutInfo = failureFromResponse(
			429,
			googleError(429, 'RESOURCE_EXHAUSTED', 'x'),
			'x',
			3000,
		);
		expect((withoutInfo as RetryableFailure).retryAfterMs).toBe(3000);
		const withBoth = failureFromResponse(
			429,
			googleError(429, 'RESOURCE_EXHAUSTED', 'x', [retryInfo('9s')]),
			'x',
			3000,
		);
		expect((withBoth as RetryableFailure).retryAfterMs).toBe(9000);
	});

	it('turns a 503 into a retryable failure, without a delay when none was advertised', () => {
		const failure = failureFromResponse(
			503,
			googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.'),
			'Checking op',
		);
		expect(failure).toBeInstanceOf(RetryableFailure);
		expect(failure).toMatchObject({ status: 503, retryAfterMs: undefined });
		expect(failure.message).toContain('503 UNAVAILABLE');
	});

	it.each([500, 502, 504, 408])('treats %i as retryable', (status) => {
		expect(failureFromResponse(status, googleError(status, 'X', 'x'), 'x')).toBeInstanceOf(
			RetryableFailure,
		);
	});

	it('turns a 400 into a non-retryable failure with a hint to change the request', () => {
		const failure = failureFromResponse(
			400,
			googleError(400, 'INVALID_ARGUMENT', 'The value of durationSeconds (5) is out of bound.'),
			'Submitting to veo-3.1-generate-preview',
		);
		expect(failure).toBeInstanceOf(NonRetryableFailure);
		expect(failure).toMatchObject({ retryable: false, status: 400 });
		expect(failure.message).toContain('durationSeconds (5) is out of bound');
		expect(failure.hint).toMatch(/change the field/);
	});

	it('gives a safety hint when Google refuses a prompt on policy grounds', () => {
		const failure = failureFromResponse(
			400,
			googleError(400, 'INVALID_ARGUMENT', 'The prompt was blocked by safety filters.'),
			'x',
		);
		expect(failure.hint).toMatch(/safety/i);
		expect(failure.hint).toMatch(/rephrase/i);
	});

	it("gives the billing / retired-model hint for Veo's 404", () => {
		const failure = failureFromResponse(
			404,
			googleError(
				404,
				'NOT_FOUND',
				'models/veo-3.0-generate-preview is not found for API version v1beta, or is not supported for predictLongRunning.',
			),
			'Submitting to veo-3.0-generate-preview',
		);
		expect(failure).toBeInstanceOf(NonRetryableFailure);
		expect(failure.status).toBe(404);
		expect(failure.hint).toMatch(/billing/i);
		expect(failure.hint).toMatch(/retired/i);
	});

	it('gives a plain model-id hint for a 404 that is not about Veo', () => {
		const failure = failureFromResponse(
			404,
			googleError(
				404,
				'NOT_FOUND',
				'models/gemini-9 is not found for API version v1beta, or is not supported for generateContent.',
			),
			'Asking gemini-9',
		);
		expect(failure.hint).not.toMatch(/billing/i);
		expect(failure.hint).toMatch(/model id/);
	});

	it.each([
		[401, /refused/],
		[403, /enable the Generative Language API/],
	])('gives a credential hint for %i', (status, hint) => {
		const failure = failureFromResponse(status, googleError(status, 'X', 'denied'), 'x');
		expect(failure).toBeInstanceOf(NonRetryableFailure);
		expect(failure.hint).toMatch(hint);
	});

	it('keeps the text of a body that is not JSON (a proxy error page)', () => {
		const failure = failureFromResponse(502, '<html>Bad Gateway</html>', 'Checking op');
		expect(failure).toBeInstanceOf(RetryableFailure);
		expect(failure.message).toBe('Checking op: Google answered 502: <html>Bad Gateway</html>');
	});
});

describe('toGoogleFailure', () => {
	it('treats a connection reset as retryable, however deep the code is', () => {
		const direct = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
		const wrapped = new TypeError('fetch failed', { cause: direct });
		for (const error of [direct, wrapped]) {
			const failure = toGoogleFailure(error, 'Checking op');
			expect(failure).toBeInstanceOf(RetryableFailure);
			expect(failure.message).toBe('Checking op: the connection to Google failed (ECONNRESET)');
			expect((failure as RetryableFailure).cause).toBe(error);
		}
	});

	it('treats undici socket failures and timeouts as retryable', () => {
		expect(toGoogleFailure(new TypeError('fetch failed'), 'x')).toBeInstanceOf(RetryableFailure);
		const abort = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
		expect(toGoogleFailure(abort, 'x').message).toContain('did not answer in time');
		expect(toGoogleFailure(abort, 'x')).toBeInstanceOf(RetryableFailure);
	});

	it("types the SDK's ApiError from Google's JSON body", () => {
		const apiError = new ApiError({
			status: 429,
			message: googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', [retryInfo('4s')]),
		});
		const failure = toGoogleFailure(apiError, 'Submitting');
		expect(failure).toBeInstanceOf(RetryableFailure);
		expect((failure as RetryableFailure).retryAfterMs).toBe(4000);

		const notFound = toGoogleFailure(
			new ApiError({ status: 400, message: googleError(400, 'INVALID_ARGUMENT', 'bad') }),
			'x',
		);
		expect(notFound).toBeInstanceOf(NonRetryableFailure);
	});

	it('finds a typed failure the interactions client wrapped (what our fetch threw, two causes down)', () => {
		const typed = new RetryableFailure('Submitting: Google answered 429', 7000, { status: 429 });
		const wrapped = new Error('Unexpected HTTP client error', {
			cause: new Error('UnexpectedClientError', { cause: typed }),
		});
		expect(toGoogleFailure(wrapped, 'x')).toBe(typed);
	});

	it("types the interactions client's HTTP errors, which carry Google's body as text", () => {
		const rateLimited = Object.assign(new Error('429 Resource has been exhausted'), {
			status: 429,
			body: googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted', [
				retryInfo('7s'),
			]),
		});
		const failure = toGoogleFailure(rateLimited, 'Submitting to gemini-omni-1.2-flash');
		expect(failure).toBeInstanceOf(RetryableFailure);
		expect(failure).toMatchObject({ status: 429, retryAfterMs: 7000 });
	});

	it('passes typed failures through unchanged', () => {
		const typed = [
			new RetryableFailure('x', 5),
			new NonRetryableFailure('y'),
			new InvalidInputError([{ path: 'p', message: 'm' }]),
		];
		for (const failure of typed) expect(toGoogleFailure(failure, 'ignored')).toBe(failure);
	});

	it('treats anything else as not retryable, keeping its message', () => {
		const failure = toGoogleFailure(new Error('unexpected shape'), 'Reading the answer');
		expect(failure).toBeInstanceOf(NonRetryableFailure);
		expect(failure.message).toBe('Reading the answer: unexpected shape');
		expect(toGoogleFailure('a string', 'x').message).toBe('x: a string');
	});
});
