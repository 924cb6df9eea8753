import {
	NodeOperationError,
	WAIT_INDEFINITELY,
	type IDataObject,
	type INodeExecutionData,
} from 'n8n-workflow';

import { applyReview, boardEntries, reviewRoundId } from '../../../core/review';
import * as shotItems from '../../../core/shotItems';
import type { ShotItem, ShotStatus } from '../../../core/types';
import { HumanApprovalWait } from '../../../nodes/HumanApprovalWait/HumanApprovalWait.node';
import { outputsFor, routeToOutputs } from '../../../nodes/HumanApprovalWait/routing';
import { MOCK_RESUME_URL, mockNodeContext } from '../../helpers/mockNodeContext';
import {
	boardSubmission,
	reviewBatch,
	webhookCall,
	type ShotSetup,
} from '../../helpers/reviewItems';

const WAITING = {
	operation: 'sendAndWait',
	reviewScope: 'needsReview',
	routing: 'split',
	undecided: 'keep',
	limitWaitTime: false,
	clipProperty: 'clip',
	notify: {},
};

/** Items as Veo Generate and Drift Score hand them on: the shot JSON plus a clip per take. */
function inputItems(setups: ShotSetup[]): INodeExecutionData[] {
	return reviewBatch(setups).map((item) => ({
		json: item as unknown as IDataObject,
		binary: Object.fromEntries(
			item.takes
				.filter((take) => take.clip)
				.map((take) => [
					take.clip!.binaryProperty,
					{ data: Buffer.from(take.id).toString('base64'), mimeType: 'video/mp4' },
				]),
		),
	}));
}

type RunOptions = { continueOnFail?: boolean; httpRequest?: () => Promise<unknown> };

async function run(
	items: INodeExecutionData[],
	parameters: Record<string, unknown> = {},
	options: RunOptions = {},
) {
	const mock = mockNodeContext({
		items,
		parameters: { ...WAITING, ...parameters },
		nodeName: 'Human Approval Wait',
		...options,
	});
	const outputs = await new HumanApprovalWait().execute
		.call(mock.context)
		.catch((error: unknown) => {
			throw Object.assign(error as Error, { mock });
		});
	return { outputs, mock };
}

/** The error the node stopped with, and what it did before. */
async function failureOf(
	items: INodeExecutionData[],
	parameters: Record<string, unknown> = {},
	options: RunOptions = {},
) {
	const error = await run(items, parameters, options).then(
		() => {
			throw new Error('the node did not fail');
		},
		(thrown: NodeOperationError & { mock: ReturnType<typeof mockNodeContext> }) => thrown,
	);
	expect(error).toBeInstanceOf(NodeOperationError);
	return error;
}

const shotIds = (output: INodeExecutionData[]) =>
	output.map((entry) => (entry.json as unknown as ShotItem).shot?.id ?? 'error');
const statuses = (output: INodeExecutionData[]) =>
	output.map((entry) => (entry.json as unknown as ShotItem).status);

describe('Human Approval Wait outputs', () => {
	it.each([
		[{ routing: 'split' }, ['Approved', 'Rejected']],
		[{ routing: 'single' }, ['Reviewed']],
		[{ routing: 'split', limitWaitTime: true }, ['Timed Out', 'Approved', 'Rejected']],
		[{ routing: 'single', limitWaitTime: true }, ['Reviewed']],
		// A hidden, stale wait limit does not give the timed-out decision a third output.
		[
			{ operation: 'decideTimedOut', routing: 'single', limitWaitTime: true },
			['Approved', 'Rejected'],
		],
	])('%j gives the outputs %j, also when n8n evaluates the description', (parameters, names) => {
		expect(
			outputsFor({ operation: 'sendAndWait', ...parameters }).map((output) => output.displayName),
		).toEqual(names);

		// n8n evaluates `outputs` as an expression on its own: the function must not reach for imports.
		const expression = new HumanApprovalWait().description.outputs as string;
		const evaluate = new Function(
			'$parameter',
			`return ${expression.replace(/^=\{\{/, '').replace(/\}\}$/, '')}`,
		);
		expect(evaluate({ operation: 'sendAndWait', ...parameters })).toEqual(
			outputsFor({ operation: 'sendAndWait', ...parameters }),
		);
	});

	it('keeps the input order on one output, with binaries, pairing and error items in place', () => {
		const items = reviewBatch([
			{ status: 'needs_review' },
			{ status: 'approved' },
			{ status: 'needs_review' },
			{ status: 'approved' },
		]);
		const entries = boardEntries(items, 'needsReview');
		const routed = applyReview(
			items,
			entries,
			{ decisions: new Map([[entries[0].key, { decision: 'rejected', note: 'x', tags: [] }]]) },
			{ undecided: 'keep' },
		);
		const errorItem = { json: { error: 'unreadable' }, pairedItem: { item: 4 } };
		const binaryOf = (itemIndex: number) => ({
			clip: { data: String(itemIndex), mimeType: 'video/mp4' },
		});

		const [reviewed] = routeToOutputs(
			routed,
			{ operation: 'sendAndWait', routing: 'single' },
			binaryOf,
			[errorItem],
		);
		expect(reviewed.map((entry) => entry.pairedItem)).toEqual(
			[0, 1, 2, 3, 4].map((item) => ({ item })),
		);
		expect(statuses(reviewed.slice(0, 4))).toEqual([
			'needs_regeneration',
			'approved',
			'needs_review',
			'approved',
		]);
		expect(reviewed[2].binary?.clip.data).toBe('2');

		const split = routeToOutputs(
			routed,
			{ operation: 'sendAndWait', routing: 'split', limitWaitTime: true },
			binaryOf,
			[errorItem],
		);
		expect(
			split.map((output) => output.map((entry) => (entry.pairedItem as { item: number }).item)),
		).toEqual([[], [1, 3], [0, 2, 4]]);
	});
});

describe('Human Approval Wait: Wait for Approval', () => {
	it('routes at once, without waiting or sending a link, when no clip needs review', async () => {
		const items = inputItems([
			{ status: 'approved', route: 'pass' },
			{ status: 'needs_regeneration', route: 'regenerate' },
			{ status: 'approved', route: 'pass', earlierTakes: 1 },
		]);
		const { outputs, mock } = await run(items, {
			notify: { webhookUrl: 'https://hooks.example/chat', workflowId: 'wf-1' },
		});

		expect(mock.waits).toEqual([]);
		expect(mock.customData.size).toBe(0);
		expect(mock.requests).toEqual([]);
		expect(mock.workflowRuns).toEqual([]);
		expect(outputs.map(shotIds)).toEqual([['shot-01', 'shot-03'], ['shot-02']]);
		expect(outputs[0].map((entry) => entry.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(outputs[0][1].binary).toBe(items[2].binary);
		expect(outputs[0][1].json).toEqual(items[2].json);
	});

	it('with a wait limit and nothing to review, leaves Timed Out empty', async () => {
		const { outputs, mock } = await run(inputItems([{ status: 'approved' }]), {
			limitWaitTime: true,
			limitAmount: 1,
			limitUnit: 'hours',
		});
		expect(mock.waits).toEqual([]);
		expect(outputs.map(shotIds)).toEqual([[], ['shot-01'], []]);
	});

	it('puts the clips that need review on one board, sends its signed link and waits indefinitely', async () => {
		const items = inputItems([
			{ status: 'needs_review', route: 'review' },
			{ status: 'approved', route: 'pass' },
			{ status: 'needs_review', route: 'review' },
		]);
		const { outputs, mock } = await run(items, {
			notify: { webhookUrl: ' https://hooks.example/chat ', workflowId: 'wf-42' },
		});

		expect(mock.waits).toEqual([WAIT_INDEFINITELY]);
		// While waiting, n8n keeps the input items as they are; webhook() routes them later.
		expect(outputs).toEqual([items]);

		const round = reviewRoundId(
			boardEntries(
				reviewBatch([
					{ status: 'needs_review' },
					{ status: 'approved' },
					{ status: 'needs_review' },
				]),
				'needsReview',
			),
		);
		const link = mock.customData.get('reviewUrl');
		expect(link).toBe(`${MOCK_RESUME_URL}?round=${round}&signature=mock-signature`);

		expect(mock.requests).toHaveLength(1);
		expect(mock.requests[0]).toMatchObject({
			method: 'POST',
			url: 'https://hooks.example/chat',
			json: true,
		});
		expect(mock.requests[0].body).toEqual({
			text: `2 clips of "Morning Ritual" need review: ${link}`,
		});

		expect(mock.workflowRuns).toEqual([
			{
				workflow: { id: 'wf-42' },
				items: [
					{
						json: {
							reviewUrl: link,
							text: `2 clips of "Morning Ritual" need review: ${link}`,
							clipsToReview: 2,
							titles: 'Morning Ritual',
						},
					},
				],
				options: { doNotWaitToFinish: true },
			},
		]);
	});

	it('reviews every clip when asked to, and waits until the wait limit', async () => {
		const before = Date.now();
		const { mock } = await run(inputItems([{ status: 'generated' }, { status: 'generated' }]), {
			reviewScope: 'all',
			limitWaitTime: true,
			limitAmount: 0.01,
			limitUnit: 'minutes',
		});
		expect(mock.waits).toHaveLength(1);
		expect(mock.waits[0].getTime() - before).toBeGreaterThanOrEqual(600);
		expect(mock.waits[0].getTime() - Date.now()).toBeLessThanOrEqual(600);

		const { mock: days } = await run(inputItems([{ status: 'needs_review' }]), {
			limitWaitTime: true,
			limitAmount: 2,
			limitUnit: 'days',
		});
		expect(Math.round((days.waits[0].getTime() - Date.now()) / 3_600_000)).toBe(48);
	});

	it('stops with an error naming the channel when the link cannot be delivered, and does not wait', async () => {
		const refused = () => Promise.reject(new Error('Request failed with status code 404'));
		const error = await failureOf(
			inputItems([{ status: 'needs_review' }]),
			{ notify: { webhookUrl: 'https://hooks.example/gone' } },
			{ httpRequest: refused, continueOnFail: true },
		);
		expect(error.message).toBe(
			'Could not send the review link (Send the Review Link > Chat Webhook URL (Slack or Teams)): Request failed with status code 404',
		);
		expect(error.description).toMatch(/Check "Chat Webhook URL/);
		expect(error.mock.requests).toHaveLength(1);
		expect(error.mock.waits).toEqual([]);
	});

	describe('with an item that is not a shot item', () => {
		const withBadItem = (status: ShotStatus) => {
			const items = inputItems([{ status: 'needs_review' }, { status }]);
			return [items[0], { json: { hello: 'world' } }, items[1]];
		};

		it('stops with an error naming the item and the missing fields', async () => {
			const error = await failureOf(withBadItem('approved'));
			expect(error.message).toBe(
				'Item 1: pipelineId: is missing; bible: is missing; shot: is missing; status: is missing',
			);
			expect(error.description).toMatch(/Connect it after Scene Spec/);
			expect(error.mock.waits).toEqual([]);
		});

		it('with Continue On Fail, still waits for the others; unreadable items do not stop the board', async () => {
			const items = withBadItem('approved');
			const { outputs, mock } = await run(items, {}, { continueOnFail: true });
			expect(mock.waits).toEqual([WAIT_INDEFINITELY]);
			expect(outputs).toEqual([items]);
			expect(mock.customData.get('reviewUrl')).toContain('round=');
		});

		it('with Continue On Fail and nothing to review, puts the error item on the last output', async () => {
			const items = withBadItem('approved');
			const { outputs } = await run([items[1], items[2]], {}, { continueOnFail: true });
			expect(outputs[0].map((entry) => entry.pairedItem)).toEqual([{ item: 1 }]);
			expect(outputs[1]).toHaveLength(1);
			expect(outputs[1][0]).toMatchObject({
				json: {
					hello: 'world',
					error:
						'Item 0: pipelineId: is missing; bible: is missing; shot: is missing; status: is missing',
				},
				pairedItem: { item: 0 },
			});
		});
	});
});

/** The waiting node's webhook context for one request, and what it sent back itself. */
function webhookRequest(
	inputs: INodeExecutionData[],
	request: {
		method: 'GET' | 'POST';
		query: Record<string, string>;
		/** A form as the browser posts it (URL-encoded), or any other body with its type. */
		form?: Array<[string, string]>;
		body?: { type: string; text: string };
	},
) {
	return webhookCall(inputs, WAITING, request);
}

describe('Human Approval Wait: malformed items', () => {
	/** Shot 2's drift report was edited by hand: its reasons became one string. */
	function withStringReasons(): INodeExecutionData[] {
		const items = inputItems([
			{ status: 'needs_review', route: 'review' },
			{ status: 'needs_review', route: 'review' },
		]);
		const shot = items[1].json as unknown as ShotItem;
		(shot.takes[0].drift as unknown as { reasons: string }).reasons = 'the mug looks green';
		return items;
	}

	it('stops with an error naming the item and the field', async () => {
		const error = await failureOf(withStringReasons());
		expect(error.message).toBe('Item 1: takes[0].drift.reasons: must be array');
		expect(error.mock.waits).toEqual([]);
	});

	it('serves the board of the readable clips when Continue On Fail let the item through', async () => {
		const items = withStringReasons();
		const { mock } = await run(items, {}, { continueOnFail: true });
		const round = new URL(mock.customData.get('reviewUrl')!).searchParams.get('round')!;
		const { sent, answer } = webhookRequest(items, { method: 'GET', query: { round } });
		expect(await answer).toEqual({ noWebhookResponse: true });
		expect(sent.status).toBe(200);
		expect(sent.body.match(/<article class="card/g)).toHaveLength(1);
	});
});

describe('Human Approval Wait: Decide Timed-Out Clips', () => {
	it('approves the clips that passed QA, or rejects every clip still waiting, without waiting', async () => {
		const items = inputItems([
			{ status: 'needs_review', route: 'pass' },
			{ status: 'needs_review', route: 'review' },
			{ status: 'approved', route: 'pass' },
		]);

		const approvePassed = await run(items, {
			operation: 'decideTimedOut',
			timeoutPolicy: 'approvePassed',
		});
		expect(approvePassed.mock.waits).toEqual([]);
		expect(approvePassed.outputs.map(shotIds)).toEqual([['shot-01', 'shot-03'], ['shot-02']]);
		expect(approvePassed.outputs[0][0].binary).toBe(items[0].binary);

		const rejectAll = await run(items, { operation: 'decideTimedOut', timeoutPolicy: 'rejectAll' });
		expect(rejectAll.outputs.map(shotIds)).toEqual([['shot-03'], ['shot-01', 'shot-02']]);
		expect(statuses(rejectAll.outputs[1])).toEqual(['needs_regeneration', 'needs_regeneration']);
		expect(rejectAll.outputs[1].map((entry) => entry.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
		]);
	});
});

describe("Human Approval Wait: the review link's webhook", () => {
	// Continue On Fail let the unreadable item through when the execution started to wait.
	const inputs: INodeExecutionData[] = [
		...inputItems([
			{ status: 'needs_review', route: 'review' },
			{ status: 'needs_review', route: 'review' },
		]),
		{ json: { hello: 'world' } },
	];
	const entries = boardEntries(
		inputs.map((input) =>
			input.json.pipelineId ? (input.json as unknown as ShotItem) : undefined,
		),
		'needsReview',
	);
	const round = reviewRoundId(entries);

	it('serves the board under its strict policy, and answers a stale round without resuming', async () => {
		const page = webhookRequest(inputs, { method: 'GET', query: { round } });
		expect(await page.answer).toEqual({ noWebhookResponse: true });
		expect(page.sent.status).toBe(200);
		expect(page.sent.headers['content-security-policy']).toMatch(
			/^default-src 'none'; style-src 'nonce-[^']+'/,
		);
		expect(page.sent.body.match(/<article class="card/g)).toHaveLength(2);

		const stale = webhookRequest(inputs, {
			method: 'POST',
			query: { round: 'an-earlier-round', view: 'submit' },
			form: boardSubmission(entries, 'an-earlier-round', [{ decision: 'approve' }]),
		});
		expect(await stale.answer).toEqual({ noWebhookResponse: true });
		expect(stale.sent.body).toContain('Already decided');
	});

	it("shows no clip for a take Google's filter withheld, though the item still carries the earlier clip", async () => {
		const [filtered] = inputItems([{ status: 'needs_review', clip: false, earlierTakes: 1 }]);
		filtered.binary = { ...filtered.binary, clip: filtered.binary!.clip_take1 };
		const filteredRound = reviewRoundId(
			boardEntries([filtered.json as unknown as ShotItem], 'needsReview'),
		);
		const page = webhookRequest([filtered], { method: 'GET', query: { round: filteredRound } });
		await page.answer;
		expect(page.sent.body).toContain('withheld by the safety filter');
		expect(page.sent.body).toContain('property=clip_take1');
		expect(page.sent.body).not.toMatch(/property=clip[^_]/);
	});

	it('reads only the item whose clip is asked for on a media request, and the batch once otherwise', async () => {
		const parse = jest.spyOn(shotItems, 'parseShotItem');
		try {
			const media = webhookRequest(inputs, {
				method: 'GET',
				query: { round, view: 'media', item: '1', property: 'clip_take1' },
			});
			await media.answer;
			expect(media.sent.status).toBe(200);
			expect(String(media.sent.body)).toBe('shot-02-take-1');
			expect(parse.mock.calls.map(([json]) => json)).toEqual([inputs[1].json]);

			parse.mockClear();
			await webhookRequest(inputs, { method: 'GET', query: { round } }).answer;
			expect(parse).toHaveBeenCalledTimes(inputs.length);

			parse.mockClear();
			const stale = webhookRequest(inputs, {
				method: 'GET',
				query: { round: 'an-earlier-round', view: 'media', item: '1', property: 'clip_take1' },
			});
			await stale.answer;
			expect(stale.sent.body).toContain('Already decided');
			expect(parse).not.toHaveBeenCalled();

			parse.mockClear();
			const offBoard = webhookRequest(inputs, {
				method: 'GET',
				query: { round, view: 'media', item: '2', property: 'clip_take1' },
			});
			await offBoard.answer;
			expect(offBoard.sent.status).toBe(404);
		} finally {
			parse.mockRestore();
		}
	});

	it('refuses a foreign clip with a 400 page and does not resume', async () => {
		const form = boardSubmission(entries, round, [{ decision: 'approve' }]).map(
			([name, value]): [string, string] =>
				name === 'clip-0' ? [name, 'someone-else.shot-01-take-1'] : [name, value],
		);
		const refused = webhookRequest(inputs, {
			method: 'POST',
			query: { round, view: 'submit' },
			form,
		});
		expect(await refused.answer).toEqual({ noWebhookResponse: true });
		expect(refused.sent.status).toBe(400);
		expect(refused.sent.body).toContain(
			'clip-0: names &quot;someone-else.shot-01-take-1&quot;, not the clip shown at this place on the board',
		);
	});

	it('resumes with each item on its output, and the unreadable item as an error on the last', async () => {
		const form = boardSubmission(entries, round, [
			{ decision: 'approve' },
			{ decision: 'reject', note: 'bluer mug' },
		]);
		const resumed = await webhookRequest(inputs, {
			method: 'POST',
			query: { round, view: 'submit' },
			form,
		}).answer;
		expect(resumed.webhookResponse).toContain('1 of 2 clips approved');
		const [approved, rejected] = resumed.workflowData!;
		expect(shotIds(approved)).toEqual(['shot-01']);
		expect(approved[0].binary).toBe(inputs[0].binary);
		expect(shotIds(rejected)).toEqual(['shot-02', 'error']);
		expect(rejected[0].json).toMatchObject({
			status: 'needs_regeneration',
			correctiveNotes: [{ text: 'bluer mug' }],
		});
		expect(rejected[1]).toMatchObject({
			json: { hello: 'world', error: expect.stringMatching(/^Item 2: pipelineId: is missing/) },
			pairedItem: { item: 2 },
		});
	});
});
