import { randomBytes } from 'crypto';
import { createReadStream, existsSync } from 'fs';
import type {
	IBinaryData,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';

import { describeError, InvalidInputError } from '../../core/failures';
import {
	applyReview,
	boardEntries,
	needsReview,
	parseReviewSubmission,
	reviewRoundOf,
	type FormFields,
	type ReviewScope,
} from '../../core/review';
import { parseShotItem } from '../../core/shotItems';
import type { ShotItem } from '../../core/types';
import { renderBoard } from '../../edges/review-page/board';
import { renderNotice, renderRefusal, reviewPageCsp } from '../../edges/review-page/html';
import { mediaHeaders, servedMediaType } from '../../edges/review-page/media';
import { toNodeError } from '../shared/errors';
import { readBatch } from './batch';
import { buildBoardView } from './boardView';
import { routeToOutputs } from './routing';
import { readHumanApprovalWaitSettings } from './settings';

/**
 * Everything the signed review link serves. GET requests (the board, clips, pictures) never
 * resume the execution; only a well-formed POST of this round's board form does, once. Anything
 * else is answered with a short page and leaves the execution waiting: `webhook()` never throws,
 * since n8n resumes an execution whose waiting webhook threw, with the error, and the review
 * would be over. Nothing is written anywhere before `webhook()` returns.
 */

interface HttpResponse {
	status(code: number): HttpResponse;
	setHeader(name: string, value: string): void;
	end(body?: string): void;
	headersSent?: boolean;
}

function sendHtml(
	response: HttpResponse,
	status: number,
	html: string,
	nonce: string,
): IWebhookResponseData {
	response.status(status);
	response.setHeader('Content-Type', 'text/html; charset=utf-8');
	response.setHeader('Content-Security-Policy', reviewPageCsp(nonce));
	response.setHeader('Cache-Control', 'no-store');
	response.setHeader('X-Content-Type-Options', 'nosniff');
	response.end(html);
	return { noWebhookResponse: true };
}

/**
 * Streams to the viewer. A video element aborts range requests whenever it seeks; `pipeline` then
 * closes the file, where `pipe` would leave it open (and an unhandled read error would stop n8n).
 */
async function streamTo(
	response: NodeJS.WritableStream,
	source: Readable,
): Promise<IWebhookResponseData> {
	await pipeline(source, response).catch(() => undefined);
	return { noWebhookResponse: true };
}

/**
 * Bytes `start` to `end` (inclusive) of a stream: for binary stores that cannot read from an
 * offset, such as n8n's `database` mode (queue mode's default), which hands out the whole file.
 */
async function* byteRange(source: Readable, start: number, end: number): AsyncGenerator<Buffer> {
	let position = 0;
	for await (const chunk of source as AsyncIterable<Buffer>) {
		const from = Math.max(start - position, 0);
		const to = Math.min(end + 1 - position, chunk.length);
		if (to > from) yield chunk.subarray(from, to);
		position += chunk.length;
		// Leaving the loop destroys the source: the rest is never read.
		if (position > end) break;
	}
}

/** Streams a binary, honouring a Range request so the video element can seek, from any binary store. */
async function sendMedia(
	context: IWebhookFunctions,
	binary: IBinaryData,
	type: NonNullable<ReturnType<typeof servedMediaType>>,
	range: string | undefined,
): Promise<IWebhookResponseData> {
	const response = context.getResponseObject() as unknown as HttpResponse & NodeJS.WritableStream;
	for (const [name, value] of Object.entries(mediaHeaders(type))) response.setHeader(name, value);
	response.setHeader('Accept-Ranges', 'bytes');
	if (!binary.id) {
		const bytes = Buffer.from(binary.data, 'base64');
		response.setHeader('Content-Length', String(bytes.length));
		response.status(200).end(bytes as unknown as string);
		return { noWebhookResponse: true };
	}
	const id = binary.id;
	const path = (() => {
		try {
			return context.helpers.getBinaryPath(id);
		} catch {
			return undefined; // Not filesystem mode.
		}
	})();
	const onDisk = path !== undefined && existsSync(path);
	const open = async (start: number, end: number): Promise<Readable> =>
		onDisk
			? createReadStream(path, { start, end })
			: Readable.from(byteRange(await context.helpers.getBinaryStream(id), start, end));
	const size = Number((await context.helpers.getBinaryMetadata(id)).fileSize);
	if (!(size > 0)) {
		response.status(200);
		return streamTo(response, await context.helpers.getBinaryStream(id));
	}
	const match = range ? /^bytes=(\d*)-(\d*)$/.exec(range) : null;
	if (match) {
		const start = match[1] ? Number(match[1]) : Math.max(0, size - Number(match[2]));
		const end = match[1] && match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
		if (start > end || start >= size) {
			response.setHeader('Content-Range', `bytes */${size}`);
			response.status(416).end();
			return { noWebhookResponse: true };
		}
		response.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
		response.setHeader('Content-Length', String(end - start + 1));
		response.status(206);
		return streamTo(response, await open(start, end));
	}
	response.setHeader('Content-Length', String(size));
	response.status(200);
	return streamTo(response, await open(0, size - 1));
}

/** One clip or picture of the board: only its own item is read, however large the batch. */
async function serveMedia(
	context: IWebhookFunctions,
	inputs: INodeExecutionData[],
	query: Record<string, string>,
	range: string | undefined,
	scope: ReviewScope,
	nonce: string,
): Promise<IWebhookResponseData> {
	const input = inputs[Number(query.item)];
	const binary = input?.binary?.[query.property];
	const item = binary ? readItem(input.json) : undefined;
	const response = context.getResponseObject() as unknown as HttpResponse;
	if (!binary || !item || !needsReview(item, scope)) {
		return sendHtml(
			response,
			404,
			renderNotice('Not found', 'This clip is not on the board.', nonce),
			nonce,
		);
	}
	const type = servedMediaType(binary.mimeType);
	if (!type) {
		return sendHtml(
			response,
			415,
			renderNotice(
				'Not shown',
				'This file is not a clip or a picture the review board shows (MP4 video, PNG, JPEG or WebP).',
				nonce,
			),
			nonce,
		);
	}
	return sendMedia(context, binary, type, range);
}

/**
 * Submissions this process has let resume, by execution and round. n8n runs `webhook()` for every
 * request that arrives while the execution waits, and when two of them resume it, the second
 * gets a raw 500 ("already being resumed"): the first valid submission claims the round, the
 * others get a calm "already decided". After the resume n8n answers for itself (409 while the
 * execution runs, "No action required" once it has finished). A claim is kept a minute, long
 * enough to cover the moment before n8n marks the execution running.
 */
const claimedRounds = new Map<string, number>();
const CLAIM_MS = 60_000;

function claimRound(key: string, now = Date.now()): boolean {
	for (const [claimed, at] of claimedRounds) if (now - at > CLAIM_MS) claimedRounds.delete(claimed);
	if (claimedRounds.has(key)) return false;
	claimedRounds.set(key, now);
	return true;
}

const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * The fields of a submitted form, in order, a name once per value; undefined when the request is
 * not a form. The raw body is read where n8n kept it: its parsed body keeps at most 1,000 fields,
 * which would cut a large board short.
 */
function formFieldsOf(
	context: IWebhookFunctions,
	request: { headers: Record<string, string | undefined>; rawBody?: unknown },
): FormFields | undefined {
	const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	if (contentType !== FORM_TYPE) return undefined;
	if (Buffer.isBuffer(request.rawBody))
		return [...new URLSearchParams(request.rawBody.toString('utf8'))];
	return Object.entries(context.getBodyData()).flatMap(([name, value]) =>
		(Array.isArray(value) ? value : [value]).map((entry): [string, string] => [
			name,
			String(entry),
		]),
	);
}

/** An item as a shot item, or undefined when it cannot be read (Continue On Fail let it through). */
function readItem(json: unknown): ShotItem | undefined {
	try {
		return parseShotItem(json);
	} catch {
		return undefined;
	}
}

export async function reviewWebhook(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const nonce = randomBytes(12).toString('base64');
	const response = context.getResponseObject() as unknown as HttpResponse;
	try {
		return await answerRequest(context, response, nonce);
	} catch (error) {
		context.logger.error(`Review link: ${describeError(error)}`, { error });
		if (response.headersSent) {
			response.end();
			return { noWebhookResponse: true };
		}
		return sendHtml(
			response,
			500,
			renderNotice(
				'Something went wrong',
				'Nothing was decided and the review is still open: reload the page and try again. The n8n log says what went wrong.',
				nonce,
			),
			nonce,
		);
	}
}

async function answerRequest(
	context: IWebhookFunctions,
	response: HttpResponse,
	nonce: string,
): Promise<IWebhookResponseData> {
	const request = context.getRequestObject() as unknown as {
		method: string;
		query: Record<string, string>;
		headers: Record<string, string | undefined>;
		rawBody?: unknown;
	};
	const settings = readHumanApprovalWaitSettings(context);
	const inputs = context.evaluateExpression(
		'{{ $input.all() }}',
		0,
	) as unknown as INodeExecutionData[];
	const query = request.query ?? {};

	// The round is told from the items' JSON without reading them whole: a video element sends many
	// range requests for one clip, and none of them should cost a reading of the batch.
	const batchJson = inputs.map((input) => input.json);
	if (query.round !== reviewRoundOf(batchJson, settings.reviewScope)) {
		return sendHtml(
			response,
			200,
			renderNotice(
				'Already decided',
				'The clips on this link have been decided already; a newer review link may be on its way.',
				nonce,
			),
			nonce,
		);
	}
	if (request.method === 'GET' && query.view === 'media') {
		return serveMedia(context, inputs, query, request.headers.range, settings.reviewScope, nonce);
	}

	// The board and a submission need every item: the batch is read once. The execution waits, so
	// any unreadable item was let through by Continue On Fail.
	const { items, errors } = readBatch(context.getNode(), inputs, true);
	const entries = boardEntries(items, settings.reviewScope);
	const sign = (parameters: Record<string, string>) => context.getSignedResumeUrl(parameters);
	if (request.method === 'GET') {
		const view = buildBoardView(
			entries,
			inputs,
			settings.clipProperty,
			query.round,
			settings.undecided,
			sign,
		);
		return sendHtml(response, 200, renderBoard(view, nonce), nonce);
	}

	if (query.view !== 'submit') {
		return sendHtml(
			response,
			400,
			renderNotice(
				'Not a submission',
				"This link does not take decisions; they are sent with the board's own buttons.",
				nonce,
			),
			nonce,
		);
	}
	const fields = formFieldsOf(context, request);
	let submission;
	try {
		if (!fields) {
			throw new InvalidInputError(
				[{ path: 'the request', message: "is not the review board's form" }],
				'Open the review link and decide the clips on the board.',
			);
		}
		submission = parseReviewSubmission(fields, { round: query.round, entries });
	} catch (error) {
		if (!(error instanceof InvalidInputError)) throw toNodeError(context.getNode(), error);
		return sendHtml(response, 400, renderRefusal(error.problems, error.hint ?? '', nonce), nonce);
	}
	if (!claimRound(`${context.getExecutionId()}:${query.round}`)) {
		return sendHtml(
			response,
			200,
			renderNotice(
				'Already decided',
				'These clips were decided a moment ago, from this page or another: the decisions that arrived first count. ' +
					'You can close this page.',
				nonce,
			),
			nonce,
		);
	}
	const routed = applyReview(items, entries, submission, { undecided: settings.undecided });
	const approvedCount = routed.approved.filter((entry) =>
		entries.some((e) => e.itemIndex === entry.itemIndex),
	).length;
	return {
		webhookResponse: renderNotice(
			'Decisions recorded',
			`${approvedCount} of ${entries.length} clips approved. Rejected clips go back for another take with your notes. ` +
				'You can close this page.',
			nonce,
		),
		workflowData: routeToOutputs(
			routed,
			settings,
			(itemIndex) => inputs[itemIndex]?.binary,
			errors,
		),
	};
}
