import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { boardEntries, noteLimitOf, reviewRoundId } from '../../core/review';
import type { ShotItem } from '../../core/types';
import {
	boardSubmission,
	reviewBatch,
	webhookCall,
	type WebhookRequest,
} from '../helpers/reviewItems';

/**
 * What a review link allows (issue 15, points 3, 8, 11 and 13), tried as a careless user and an
 * attacker would, through the node's waiting webhook: only a well-formed submission of this
 * round's board form resumes the execution, once; anything else gets a short 400 page and leaves
 * it waiting; the media link serves clips and pictures only, never as a page; notes are limited
 * to what the next prompt can hold; a refusal never repeats unbounded input.
 */

const WAITING = {
	operation: 'sendAndWait',
	reviewScope: 'needsReview',
	routing: 'split',
	limitWaitTime: false,
	clipProperty: 'clip',
	notify: {},
};

function waitingBatch(): INodeExecutionData[] {
	return reviewBatch([
		{ status: 'needs_review', route: 'review' },
		{ status: 'needs_review', route: 'review' },
	]).map((item) => ({
		json: item as unknown as IDataObject,
		binary: {
			clip_take1: { data: Buffer.from(item.shot.id).toString('base64'), mimeType: 'video/mp4' },
		},
	}));
}

const inputs = waitingBatch();
const entries = boardEntries(
	inputs.map((input) => input.json as unknown as ShotItem),
	'needsReview',
);
const round = reviewRoundId(entries);
const SUBMIT = { round, view: 'submit' };
let executions = 0;

/** A request on the link of a fresh waiting execution, with the node set to `undecided`. */
function call(request: WebhookRequest, undecided: 'keep' | 'reject' = 'keep') {
	return webhookCall(
		inputs,
		{ ...WAITING, undecided },
		{
			executionId: `execution-${++executions}`,
			...request,
		},
	);
}

/** What a request did: resumed the execution (with the items per output) or answered a page. */
async function outcome(request: WebhookRequest, undecided: 'keep' | 'reject' = 'keep') {
	const { answer, sent } = call(request, undecided);
	const answered = await answer;
	return { resumed: answered.workflowData !== undefined, answered, sent };
}

describe('only a well-formed submission of this round resumes the execution', () => {
	it.each<[string, WebhookRequest]>([
		['an empty POST', { method: 'POST', query: SUBMIT }],
		['an empty form', { method: 'POST', query: SUBMIT, form: [] }],
		[
			'a text/plain body',
			{ method: 'POST', query: SUBMIT, body: { type: 'text/plain', text: 'hello' } },
		],
		[
			'a JSON body with the fields',
			{
				method: 'POST',
				query: SUBMIT,
				body: {
					type: 'application/json',
					text: JSON.stringify(Object.fromEntries(boardSubmission(entries, round))),
				},
			},
		],
		[
			"the whole form posted to a clip's media link",
			{
				method: 'POST',
				query: { round, view: 'media', item: '0', property: 'clip_take1' },
				form: boardSubmission(entries, round, [{ decision: 'approve' }, { decision: 'approve' }]),
			},
		],
		[
			'the whole form posted to the board link itself',
			{ method: 'POST', query: { round }, form: boardSubmission(entries, round) },
		],
		[
			'clip-0 sent twice',
			{
				method: 'POST',
				query: SUBMIT,
				form: [
					...boardSubmission(entries, round, [{ decision: 'reject' }]),
					['clip-0', entries[1].key],
				],
			},
		],
		[
			'the clips swapped',
			{
				method: 'POST',
				query: SUBMIT,
				form: boardSubmission(entries, round, [{ decision: 'reject' }]).map(([name, value]) => [
					name,
					name === 'clip-0' ? entries[1].key : name === 'clip-1' ? entries[0].key : value,
				]),
			},
		],
		[
			'an old round id in the form',
			{ method: 'POST', query: SUBMIT, form: boardSubmission(entries, 'an-earlier-round') },
		],
		[
			'a clip without its note field',
			{
				method: 'POST',
				query: SUBMIT,
				form: boardSubmission(entries, round).filter(([name]) => name !== 'note-1'),
			},
		],
	])('refuses %s with a short 400 page and keeps waiting', async (_, request) => {
		for (const undecided of ['keep', 'reject'] as const) {
			const { resumed, answered, sent } = await outcome(request, undecided);
			expect(resumed).toBe(false);
			expect(answered).toEqual({ noWebhookResponse: true });
			expect(sent.status).toBe(400);
			expect(sent.headers['content-security-policy']).toMatch(/^default-src 'none'/);
			expect(sent.body.length).toBeLessThan(10_000);
		}
	});

	it('with "undecided = reject", an empty body rejects nothing', async () => {
		const { resumed, sent } = await outcome({ method: 'POST', query: SUBMIT }, 'reject');
		expect(resumed).toBe(false);
		expect(sent.body).toContain('Nothing was decided; the review is still open.');
		expect(sent.body).toContain('the request: is not the review board&#39;s form');
	});

	it("resumes with the board's whole form, its decisions on the clips they were shown beside", async () => {
		const { resumed, answered } = await outcome({
			method: 'POST',
			query: SUBMIT,
			form: boardSubmission(entries, round, [
				{ decision: 'reject', note: 'bluer mug' },
				{ decision: 'approve' },
			]),
		});
		expect(resumed).toBe(true);
		const [approved, rejected] = answered.workflowData!;
		expect(approved.map((entry) => (entry.json as unknown as ShotItem).shot.id)).toEqual([
			'shot-02',
		]);
		expect(rejected.map((entry) => (entry.json as unknown as ShotItem).shot.id)).toEqual([
			'shot-01',
		]);
	});

	it('resumes once when four submissions arrive at once: the others get a calm "already decided"', async () => {
		const form = boardSubmission(entries, round, [
			{ decision: 'approve' },
			{ decision: 'approve' },
		]);
		const calls = Array.from({ length: 4 }, () =>
			webhookCall(
				inputs,
				{ ...WAITING, undecided: 'keep' },
				{
					method: 'POST',
					query: SUBMIT,
					form,
					executionId: 'execution-simultaneous',
				},
			),
		);
		const answers = await Promise.all(calls.map((request) => request.answer));
		expect(answers.filter((answer) => answer.workflowData)).toHaveLength(1);
		const others = calls.filter((_, index) => !answers[index].workflowData);
		expect(others.map(({ sent }) => sent.status)).toEqual([200, 200, 200]);
		for (const { sent } of others) expect(sent.body).toContain('Already decided');

		// Another execution waiting on the same board is decided on its own.
		const elsewhere = await outcome({ method: 'POST', query: SUBMIT, form });
		expect(elsewhere.resumed).toBe(true);
	});

	it('never throws out of the webhook (n8n would end the review in error): a failure is a 500 page', async () => {
		const unreadable = [
			{
				get json(): IDataObject {
					throw new Error('the binary store is unavailable');
				},
			},
		] as INodeExecutionData[];
		const broken = webhookCall(unreadable, WAITING, {
			method: 'POST',
			query: SUBMIT,
			form: boardSubmission(entries, round),
		});
		await expect(broken.answer).resolves.toEqual({ noWebhookResponse: true });
		expect(broken.sent.status).toBe(500);
		expect(broken.sent.body).toContain('Nothing was decided and the review is still open');
		expect(broken.sent.body).not.toContain('binary store');
	});
});

describe('the refusal page is bounded', () => {
	it('answers a 249 KB request of bad fields with a page of a few KB that lists five problems', async () => {
		const form: Array<[string, string]> = [
			...boardSubmission(entries, round),
			...Array.from({ length: 2000 }, (_, index): [string, string] => [
				`<b>field-${index}</b>`.padEnd(60, 'x'),
				'"><script>alert(1)</script>'.repeat(2),
			]),
		];
		const size = new URLSearchParams(form).toString().length;
		expect(size).toBeGreaterThan(240_000);
		const { resumed, sent } = await outcome({ method: 'POST', query: SUBMIT, form });
		expect(resumed).toBe(false);
		expect(sent.status).toBe(400);
		expect(sent.body.length).toBeLessThan(10_000);
		expect(sent.body).toContain('is not a field of this board (nor are 1999 more)');
		expect(sent.body).not.toContain('<script>');
		expect(sent.body).not.toContain('<b>');

		const manyProblems = boardSubmission(entries, round).map(([name, value]): [string, string] =>
			name.startsWith('decision-') || name.startsWith('clip-')
				? [name, 'y'.repeat(50_000)]
				: [name, value],
		);
		const refused = await outcome({ method: 'POST', query: SUBMIT, form: manyProblems });
		expect(refused.sent.body.length).toBeLessThan(10_000);
		expect(refused.sent.body.match(/<li>/g)).toHaveLength(4);
	});
});

describe('notes are limited to what the next prompt can hold', () => {
	it("refuses a note longer than the shot's limit, and takes one as long as it, line breaks as the page counts them", async () => {
		const limit = noteLimitOf(entries[0].item);
		const tooLong = await outcome({
			method: 'POST',
			query: SUBMIT,
			form: boardSubmission(entries, round, [{ decision: 'reject', note: 'n'.repeat(limit + 1) }]),
		});
		expect(tooLong.resumed).toBe(false);
		expect(tooLong.sent.body).toContain(`note-0: is ${limit + 1} characters`);

		const browserNote = `${'a'.repeat(limit / 2 - 1)}\r\n${'b'.repeat(limit / 2)}`;
		const fits = await outcome({
			method: 'POST',
			query: SUBMIT,
			form: boardSubmission(entries, round, [{ decision: 'reject', note: browserNote }]),
		});
		expect(fits.resumed).toBe(true);
		const board = call({ method: 'GET', query: { round } });
		await board.answer;
		expect(board.sent.body).toContain(`name="note-0" rows="2" maxlength="${limit}"`);
	});
});

describe('the media link serves clips and pictures only', () => {
	/** The board's first item with one more binary, typed as given. */
	function withBinary(mimeType: string, data = '<html><script>alert(1)</script></html>') {
		const batch = waitingBatch();
		batch[0].binary!.extra = { data: Buffer.from(data).toString('base64'), mimeType };
		return batch;
	}
	const media = (batch: INodeExecutionData[], property: string) =>
		webhookCall(batch, WAITING, {
			method: 'GET',
			query: { round, view: 'media', item: '0', property },
		});

	it.each([
		['video/mp4', 'video/mp4'],
		['image/png', 'image/png'],
		['IMAGE/JPEG; charset=binary', 'image/jpeg'],
		['image/webp', 'image/webp'],
	])('serves %s as %s, unsniffed, under a policy that runs nothing', async (stored, served) => {
		const { answer, sent } = media(withBinary(stored), 'extra');
		await answer;
		expect(sent.status).toBe(200);
		expect(sent.headers).toMatchObject({
			'content-type': served,
			'x-content-type-options': 'nosniff',
			'content-security-policy': "default-src 'none'; sandbox",
		});
	});

	it.each([
		'text/html',
		'image/svg+xml',
		'application/xhtml+xml',
		'text/plain',
		'application/octet-stream',
		'video/mp4\r\nContent-Type: text/html',
		'video/mp4\r\n\r\n<script>',
		'',
	])('refuses a binary stored as %j with a 415 page, never serving its bytes', async (stored) => {
		const { answer, sent } = media(withBinary(stored), 'extra');
		await expect(answer).resolves.toEqual({ noWebhookResponse: true });
		expect(sent.status).toBe(415);
		expect(sent.headers['content-type']).toBe('text/html; charset=utf-8');
		expect(sent.headers['content-security-policy']).toMatch(/^default-src 'none'/);
		expect(sent.body).not.toContain('<script>alert(1)');
		expect(sent.body).toContain('MP4 video, PNG, JPEG or WebP');
	});

	it('links no clip or picture on the board that the media link would refuse', async () => {
		const batch = waitingBatch();
		batch[1].binary!.clip_take1.mimeType = 'text/html';
		const { answer, sent } = webhookCall(batch, WAITING, { method: 'GET', query: { round } });
		await answer;
		expect(sent.body).toContain('No clip to play: its file is not an MP4 video the board can play');
		expect(sent.body).not.toContain('item=1&amp;property=clip_take1');
	});
});
