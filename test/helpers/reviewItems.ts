import type { INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { takeIdFor } from '../../core/ids';
import { createShotItems } from '../../core/shotItems';
import type { DriftRoute, ShotItem, ShotStatus, Take } from '../../core/types';
import { HumanApprovalWait } from '../../nodes/HumanApprovalWait/HumanApprovalWait.node';
import { mockSignedResumeUrl } from './mockNodeContext';
import { cafeSpec } from './specs';

/**
 * Shot items as they reach Human Approval Wait: generated (and maybe scored), each with its takes.
 * Built from the café spec; every call returns fresh objects.
 */

export interface TakeOptions {
	/** Drift Score's verdict; no drift report when left out. */
	route?: DriftRoute;
	/** False for a take Google's safety filter withheld. */
	clip?: boolean;
	prompt?: string;
}

export function takeFor(item: ShotItem, attempt: number, options: TakeOptions = {}): Take {
	const withClip = options.clip ?? true;
	return {
		id: takeIdFor(item.shot.id, attempt),
		attempt,
		prompt: options.prompt ?? `Take ${attempt} of ${item.shot.id}: ${item.shot.description}`,
		negativePrompt: item.bible.negativePrompt,
		model: item.model,
		requestedDurationSeconds: item.shot.durationSeconds,
		outcome: withClip ? 'generated' : 'safety_filtered',
		...(withClip
			? { clip: { binaryProperty: `clip_take${attempt}`, mimeType: 'video/mp4' } }
			: { reason: 'withheld by the safety filter' }),
		costUsd: withClip ? 1.2 : 0,
		timings: { submittedAt: '2026-03-01T10:00:00.000Z' },
		...(options.route
			? {
					drift: {
						drift: options.route === 'pass' ? 0.08 : 0.41,
						confidence: 0.9,
						dimensions: {},
						reasons: options.route === 'pass' ? [] : ['the mug looks green'],
						correctivePrompt: options.route === 'pass' ? undefined : 'Make the mug clearly blue.',
						route: options.route,
						technicalDefects: [],
						skipped: [],
						scoredAt: '2026-03-01T10:05:00.000Z',
					},
				}
			: {}),
	};
}

export interface ShotSetup extends TakeOptions {
	status: ShotStatus;
	/** Takes before the newest one (each with a clip). */
	earlierTakes?: number;
}

/** One item per setup, shots 1..n of one pipeline, each with its newest take as described. */
export function reviewBatch(setups: ShotSetup[]): ShotItem[] {
	return createShotItems(cafeSpec(setups.length), 'gemini-omni-1.2-flash').map((item, index) => {
		const setup = setups[index];
		const attempts = (setup.earlierTakes ?? 0) + 1;
		const takes = Array.from({ length: attempts }, (_, taken) =>
			takeFor(item, taken + 1, taken + 1 === attempts ? setup : {}),
		);
		return { ...item, status: setup.status, takes };
	});
}

/** What a browser posts for one clip of the board; fields left out keep the page's defaults. */
export interface ClipFields {
	decision?: string;
	note?: string;
	tags?: string[];
}

/**
 * The board's form as a browser submits it: the round, every clip's hidden id, its radio (starting
 * on "undecided"), its note (empty unless typed) and checked tags, the name field and the button.
 */
export function boardSubmission(
	entries: ReadonlyArray<{ key: string }>,
	round: string,
	perClip: ClipFields[] = [],
	{ reviewer = 'Ana', action = 'submit' }: { reviewer?: string; action?: string } = {},
): Array<[string, string]> {
	return [
		['round', round],
		['reviewer', reviewer],
		...entries.flatMap((entry, position): Array<[string, string]> => {
			const clip = perClip[position] ?? {};
			return [
				[`clip-${position}`, entry.key],
				[`decision-${position}`, clip.decision ?? 'undecided'],
				[`note-${position}`, clip.note ?? ''],
				...(clip.tags ?? []).map((tag): [string, string] => [`tags-${position}`, tag]),
			];
		}),
		['action', action],
	];
}

export interface WebhookRequest {
	method: 'GET' | 'POST';
	query: Record<string, string>;
	/** A form as a browser posts it (URL-encoded). */
	form?: Array<[string, string]>;
	/** Any other body, with its content type. */
	body?: { type: string; text: string };
	headers?: Record<string, string>;
	executionId?: string;
}

export interface SentResponse {
	status: number;
	headers: Record<string, string>;
	body: string;
}

/**
 * One request on a waiting Human Approval Wait's link, through the node's `webhook()` with n8n's
 * webhook context as the waiting webhook gives it: the body read raw (as n8n keeps it) and parsed
 * as n8n parses a form. `sent` is what the node wrote to the response itself.
 */
export function webhookCall(
	inputs: INodeExecutionData[],
	parameters: Record<string, unknown>,
	request: WebhookRequest,
): { answer: Promise<IWebhookResponseData>; sent: SentResponse } {
	const sent: SentResponse = { status: 0, headers: {}, body: '' };
	const response = {
		status: (code: number) => ((sent.status = code), response),
		setHeader: (name: string, value: string) => {
			// Node's http refuses header values with line breaks; so does this mock.
			if (/[\r\n]/.test(value)) throw new TypeError(`Invalid character in header "${name}"`);
			sent.headers[name.toLowerCase()] = value;
		},
		end: (body: unknown = '') => (sent.body = String(body)),
	};
	const text = request.form
		? new URLSearchParams(request.form).toString()
		: (request.body?.text ?? '');
	const type = request.form ? 'application/x-www-form-urlencoded' : request.body?.type;
	const raw = Buffer.from(text);
	const context = {
		getRequestObject: () => ({
			method: request.method,
			query: request.query,
			headers: { ...(type ? { 'content-type': type } : {}), ...request.headers },
			...(raw.length ? { rawBody: raw } : {}),
		}),
		getResponseObject: () => response,
		evaluateExpression: () => inputs,
		getNodeParameter: (name: string, fallback: unknown) => parameters[name] ?? fallback,
		getSignedResumeUrl: mockSignedResumeUrl,
		getBodyData: () => Object.fromEntries(new URLSearchParams(text)),
		getExecutionId: () => request.executionId ?? 'execution-1',
		getNode: () => ({ name: 'Human Approval Wait' }),
		logger: { error: () => undefined },
	} as unknown as IWebhookFunctions;
	return { answer: new HumanApprovalWait().webhook.call(context), sent };
}
