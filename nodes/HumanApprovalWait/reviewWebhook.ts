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

import { InvalidInputError } from '../../core/failures';
import {
	applyReview,
	boardEntries,
	needsReview,
	parseReviewSubmission,
	reviewRoundOf,
	type ReviewScope,
} from '../../core/review';
import { parseShotItem } from '../../core/shotItems';
import type { ShotItem } from '../../core/types';
import { renderBoard } from '../../edges/review-page/board';
import { renderNotice, reviewPageCsp } from '../../edges/review-page/html';
import { toNodeError } from '../shared/errors';
import { readBatch } from './batch';
import { buildBoardView } from './boardView';
import { routeToOutputs } from './routing';
import { readHumanApprovalWaitSettings } from './settings';

/**
 * Everything the signed review link serves. GET requests (the board, clips, contact sheets) never
 * resume the execution; only a valid POST of the board's form does. Nothing is written anywhere
 * before `webhook()` returns: n8n guards against two simultaneous submissions, and a refused
 * submission leaves the execution waiting.
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
	range: string | undefined,
): Promise<IWebhookResponseData> {
	const response = context.getResponseObject() as unknown as HttpResponse & NodeJS.WritableStream;
	response.setHeader('Content-Type', binary.mimeType);
	response.setHeader('Accept-Ranges', 'bytes');
	response.setHeader('Cache-Control', 'private, max-age=3600');
	response.setHeader('X-Content-Type-Options', 'nosniff');
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

/** One clip or contact sheet of the board: only its own item is read, however large the batch. */
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
	if (!binary || !item || !needsReview(item, scope)) {
		return sendHtml(
			context.getResponseObject() as unknown as HttpResponse,
			404,
			renderNotice('Not found', 'This clip is not on the board.', nonce),
			nonce,
		);
	}
	return sendMedia(context, binary, range);
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
	const request = context.getRequestObject() as unknown as {
		method: string;
		query: Record<string, string>;
		headers: Record<string, string | undefined>;
	};
	const response = context.getResponseObject() as unknown as HttpResponse;
	const nonce = randomBytes(12).toString('base64');
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

	let submission;
	try {
		submission = parseReviewSubmission(context.getBodyData(), entries);
	} catch (error) {
		if (error instanceof InvalidInputError) {
			return sendHtml(
				response,
				400,
				renderNotice('Submission refused', `${error.message}. ${error.hint ?? ''}`, nonce),
				nonce,
			);
		}
		throw toNodeError(context.getNode(), error);
	}
	const routed = applyReview(items, entries, submission, { undecided: settings.undecided });
	const approvedCount = routed.approved.filter((entry) =>
		entries.some((e) => e.itemIndex === entry.itemIndex),
	).length;
	return {
		webhookResponse: renderNotice(
			'Decisions recorded',
			`${approvedCount} of ${entries.length} clips approved. Rejected clips go back for another take with your notes. You can close this page.`,
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
