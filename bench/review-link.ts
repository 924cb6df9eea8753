import type { INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import { reviewRoundOf } from '../core/review';
import { reviewWebhook } from '../nodes/HumanApprovalWait/reviewWebhook';
import { mockSignedResumeUrl } from '../test/helpers/mockNodeContext';
import { reviewBatch } from '../test/helpers/reviewItems';

/**
 * What one request on a review link costs as the waiting batch grows. A video element sends a
 * range request for every seek, each a webhook call: serving one clip must not cost a reading of
 * every shot of the batch. Prints the median time of a clip's range request and of the board
 * page for batches of 10 to 1,000 shots. Run: npx tsx bench/review-link.ts [requests per figure]
 */

const REQUESTS = Number(process.argv[2] ?? 20);

function waitingBatch(shots: number): INodeExecutionData[] {
	return reviewBatch(
		Array.from({ length: shots }, () => ({
			status: 'needs_review' as const,
			route: 'review' as const,
		})),
	).map((item) => ({
		json: JSON.parse(JSON.stringify(item)),
		binary: { clip_take1: { data: Buffer.alloc(1024).toString('base64'), mimeType: 'video/mp4' } },
	}));
}

/** One webhook call on the waiting node, answered into a discarded response. */
async function request(inputs: INodeExecutionData[], query: Record<string, string>): Promise<void> {
	const response = {
		status: () => response,
		setHeader: () => undefined,
		end: () => undefined,
	};
	const context = {
		getRequestObject: () => ({ method: 'GET', query, headers: { range: 'bytes=0-511' } }),
		getResponseObject: () => response,
		evaluateExpression: () => inputs,
		getNodeParameter: (_name: string, fallback: unknown) => fallback,
		getSignedResumeUrl: mockSignedResumeUrl,
		getBodyData: () => ({}),
		getNode: () => ({ name: 'Human Approval Wait' }),
	} as unknown as IWebhookFunctions;
	await reviewWebhook(context);
}

async function medianMs(call: () => Promise<void>): Promise<number> {
	const times: number[] = [];
	for (let index = 0; index < REQUESTS; index++) {
		const start = process.hrtime.bigint();
		await call();
		times.push(Number(process.hrtime.bigint() - start) / 1e6);
	}
	return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

async function main(): Promise<void> {
	console.log(`median of ${REQUESTS} requests per figure`);
	for (const shots of [10, 100, 1000]) {
		const inputs = waitingBatch(shots);
		const round = reviewRoundOf(
			inputs.map((input) => input.json),
			'needsReview',
		);
		const media = { round, view: 'media', item: String(shots - 1), property: 'clip_take1' };
		const clipMs = await medianMs(() => request(inputs, media));
		const boardMs = await medianMs(() => request(inputs, { round }));
		console.log(
			`${String(shots).padStart(5)} shots: clip range request ${clipMs.toFixed(2)} ms, board page ${boardMs.toFixed(1)} ms`,
		);
	}
}

void main();
