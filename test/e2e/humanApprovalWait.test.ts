import { createHash, randomUUID } from 'crypto';
import { mkdirSync } from 'fs';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import path from 'path';

import type { ShotItem } from '../../core/types';
import {
	editedBoardForm,
	launchChromium,
	nodeOutput,
	REPOSITORY_ROOT,
	sleep,
	startN8n,
	type Execution,
	type RunningN8n,
	type WorkflowJson,
} from '../../n8n-runtime';
import {
	chainWorkflow,
	sceneSpecFromBodyNode,
	veoGenerateNode,
	webhookNode,
	type NodeSpec,
} from '../harness/workflows';
import { accessibilityViolations, tabTo } from '../harness/accessibility';

/**
 * Human Approval Wait in real n8n, with clips Veo Generate fetched from the Google API stand-in:
 * the board behind the signed link, clip streaming, decisions routed to the outputs, the guards
 * against tampered, repeated, simultaneous and foreign submissions, a restart while waiting, the
 * wait limit, and an editor's session in headless Chromium. One n8n serves every test.
 */

jest.setTimeout(10 * 60_000);

const NODE = 'Human Approval Wait';
const OUTPUT_DIR = path.join(REPOSITORY_ROOT, 'test-output');

/** Two 4-second shots: small clips, quick to render. */
function sceneSpec(title: string) {
	return {
		bible: {
			title,
			style: { look: 'cinematic', lighting: 'warm dusk', aspectRatio: '16:9', resolution: '720p' },
			characters: [],
			props: [],
		},
		shots: [
			{ id: 'shot-01', sequence: 1, description: 'Mya walks into the kitchen', durationSeconds: 4 },
			{
				id: 'shot-02',
				sequence: 2,
				description: 'Mya pours coffee into the blue mug',
				durationSeconds: 4,
			},
		],
	};
}

const noOp = (name: string): NodeSpec => ({
	name,
	type: 'n8n-nodes-base.noOp',
	typeVersion: 1,
	parameters: {},
});
const connect = (...targets: string[]) => ({
	main: targets.map((node) => [{ node, type: 'main', index: 0 }]),
});

/**
 * Webhook -> Scene Spec -> Veo Generate -> Human Approval Wait, whose outputs go to `outputs`
 * (NoOps Approved and Rejected, and `extra`).
 */
function reviewWorkflow(
	name: string,
	webhookPath: string,
	review: Record<string, unknown>,
	outputs: string[],
	extra: NodeSpec[] = [],
): WorkflowJson {
	const workflow = chainWorkflow(name, [
		webhookNode(webhookPath, { responseMode: 'onReceived' }),
		sceneSpecFromBodyNode(),
		veoGenerateNode('Stand-in Gemini'),
		{
			name: NODE,
			type: 'n8n-nodes-veo-pipeline.humanApprovalWait',
			typeVersion: 1,
			parameters: review,
		},
	]);
	[noOp('Approved'), noOp('Rejected'), ...extra].forEach((spec, index) =>
		workflow.nodes.push({ id: randomUUID(), position: [1100, index * 160], ...spec }),
	);
	workflow.connections[NODE] = connect(...outputs);
	return workflow;
}

/** The part of a video element the browser test uses (the test code has no DOM types). */
interface VideoElement {
	muted: boolean;
	currentTime: number;
	duration: number;
	videoWidth: number;
	error: { message: string } | null;
	canPlayType(type: string): string;
	play(): Promise<void>;
	pause(): void;
}

interface ReviewItem {
	json: ShotItem;
	binary?: Record<string, { mimeType: string; fileName?: string }>;
}

/** The items a node put on one output in its last run. */
function outputOf(execution: Execution, nodeName: string, outputIndex: number): ReviewItem[] {
	const runs = execution.data?.resultData.runData[nodeName];
	if (!runs?.length) throw new Error(`Node "${nodeName}" did not run in execution ${execution.id}`);
	return (runs[runs.length - 1].data?.main?.[outputIndex] ?? []) as unknown as ReviewItem[];
}

const shotsOf = (items: ReviewItem[]) => items.map((item) => [item.json.shot.id, item.json.status]);

/** What the page's form and media links say, read the way a browser would (entities decoded). */
interface Board {
	nonce: string;
	submitPath: string;
	clips: Array<{ key: string; heading: string; videoPath: string }>;
	/** The page, whose form a submission sends whole, as a browser does. */
	html: string;
}

function readBoard(html: string): Board {
	const decode = (text: string) => text.replace(/&amp;/g, '&');
	const clips = [
		...html.matchAll(/<article class="card[^"]*" id="clip-\d+"[\s\S]*?<\/article>/g),
	].map(([card]) => ({
		key: /name="clip-\d+" value="([^"]+)"/.exec(card)![1],
		heading: /<h3 id="clip-\d+-title">([^<]+)<\/h3>/.exec(card)![1],
		videoPath: decode(/<video [^>]*\ssrc="([^"]+)"/.exec(card)![1]),
	}));
	return {
		nonce: /<style nonce="([^"]+)">/.exec(html)![1],
		submitPath: decode(/<form method="post" action="([^"]+)"/.exec(html)![1]),
		clips,
		html,
	};
}

/** An incoming-webhook endpoint like Slack's: records the JSON bodies posted to it. */
class ChatRecorder {
	readonly messages: Array<{ text: string }> = [];
	private readonly server: Server = createServer((request, response) => {
		let body = '';
		request.on('data', (chunk: Buffer) => (body += chunk.toString()));
		request.on('end', () => {
			this.messages.push(JSON.parse(body) as { text: string });
			response.end('ok');
		});
	});

	async start(): Promise<string> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/chat`;
	}

	async stop(): Promise<void> {
		await new Promise((resolve) => this.server.close(resolve));
	}

	/** The review link of the first message after `seen` messages. */
	async linkAfter(seen: number, timeoutMs = 120_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		while (this.messages.length <= seen) {
			if (Date.now() > deadline) throw new Error('No review link was posted to the chat webhook');
			await sleep(250);
		}
		return /https?:\/\/\S+/.exec(this.messages[seen].text)![0];
	}
}

describe('Human Approval Wait in n8n', () => {
	let n8n: RunningN8n;
	const chat = new ChatRecorder();
	let timedOutExecutionId: Promise<string>;
	let timedOutWaitingSince: number;
	let linkReceiverId: string;

	interface Review {
		link: string;
		executionId: string;
		/** The link's path and query: what the board's own links are relative to. */
		path: string;
	}

	/** Triggers a workflow and waits until its execution waits for review. */
	async function startReview(webhookPath: string, title: string): Promise<Review> {
		const seen = chat.messages.length;
		expect((await n8n.api.callWebhook(webhookPath, { body: sceneSpec(title) })).status).toBe(200);
		const link = await chat.linkAfter(seen);
		const executionId = /\/webhook-waiting\/(\d+)\//.exec(link)![1];
		await n8n.api.waitForExecution({ executionId }, 'waiting', 120_000);
		const url = new URL(link);
		return { link, executionId, path: `${url.pathname}${url.search}` };
	}

	async function openBoard(review: Review): Promise<{ board: Board; html: string; csp: string }> {
		const response = await n8n.api.followUrl(review.path);
		expect(response.status).toBe(200);
		return {
			board: readBoard(response.data as string),
			html: response.data as string,
			csp: String(response.headers['content-security-policy']),
		};
	}

	/** Submits the board's whole form as a browser would, after the editor's `changes`. */
	async function submit(board: Board, changes: Array<[string, string]>) {
		const set: Record<string, string> = {};
		const tags: Record<string, string[]> = {};
		let action = 'submit';
		for (const [name, value] of changes) {
			if (name === 'action') action = value;
			else if (name.startsWith('tags-')) (tags[name] ??= []).push(value);
			else set[name] = value;
		}
		const body = new URLSearchParams(editedBoardForm(board.html, set, { tags, action }));
		return n8n.api.followUrl(board.submitPath, { method: 'POST', body });
	}

	async function download(pathAndQuery: string, headers: Record<string, string> = {}) {
		return n8n.api.http.get<Buffer>(pathAndQuery, {
			responseType: 'arraybuffer',
			headers,
			validateStatus: () => true,
		});
	}

	beforeAll(async () => {
		const chatUrl = await chat.start();
		n8n = await startN8n({ standIn: { latencyMs: 300 } });
		console.log(`n8n started; timings (ms): ${JSON.stringify(n8n.timings)}`);
		await n8n.api.createCredential({
			name: 'Stand-in Gemini',
			type: 'veoPipelineGeminiApi',
			data: { apiKey: 'k', baseUrl: n8n.standIn!.url },
		});
		const linkReceiver = await n8n.api.importWorkflow(
			chainWorkflow('Receives the review link', [
				{
					name: 'When Called',
					type: 'n8n-nodes-base.executeWorkflowTrigger',
					typeVersion: 1.1,
					parameters: { inputSource: 'passthrough' },
				},
				noOp('Deliver'),
			]),
			{ activate: true },
		);
		linkReceiverId = linkReceiver.id;
		await n8n.api.importWorkflow(
			reviewWorkflow(
				'Review',
				'haw-review',
				{ reviewScope: 'all', notify: { webhookUrl: chatUrl, workflowId: linkReceiverId } },
				['Approved', 'Rejected'],
			),
			{
				activate: true,
			},
		);
		const decide: NodeSpec = {
			name: 'Decide Timed-Out Clips',
			type: 'n8n-nodes-veo-pipeline.humanApprovalWait',
			typeVersion: 1,
			parameters: { operation: 'decideTimedOut', timeoutPolicy: 'rejectAll' },
		};
		const limited = reviewWorkflow(
			'Review with a wait limit',
			'haw-limit',
			{
				reviewScope: 'all',
				limitWaitTime: true,
				limitAmount: 0.01,
				limitUnit: 'minutes',
				notify: { webhookUrl: chatUrl },
			},
			['Decide Timed-Out Clips', 'Approved', 'Rejected'],
			[decide],
		);
		limited.connections['Decide Timed-Out Clips'] = connect('Approved', 'Rejected');
		await n8n.api.importWorkflow(limited, { activate: true });
		// n8n looks for expired waits once a minute: start this one now, check it last.
		timedOutExecutionId = startReview('haw-limit', 'Timed out').then(
			(review) => review.executionId,
		);
		await timedOutExecutionId;
		timedOutWaitingSince = Date.now();
	});

	afterAll(async () => {
		await n8n?.stop();
		await chat.stop();
	});

	describe('an editor reviewing a batch', () => {
		let review: Review;
		let board: Board;

		beforeAll(async () => {
			review = await startReview('haw-review', 'Morning Ritual');
			board = (await openBoard(review)).board;
		});

		it('waits with every clip on one board behind the signed link, sent to chat and to a workflow, and in custom data', async () => {
			const waiting = (await n8n.api.getExecution(review.executionId)) as Execution & {
				customData?: Record<string, string>;
			};
			expect(waiting.status).toBe('waiting');
			const text = `2 clips of "Morning Ritual" need review: ${review.link}`;
			expect(chat.messages.find((message) => message.text.includes(review.link))?.text).toBe(text);
			expect(waiting.customData?.reviewUrl).toBe(review.link);
			// The workflow runs on its own (the node does not wait for it): give it a moment.
			const deliveredTo = async () =>
				Promise.all(
					(await n8n.api.listExecutions({ workflowId: linkReceiverId, status: 'success' })).map(
						async (run) => nodeOutput(await n8n.api.getExecution(run.id), 'Deliver'),
					),
				);
			const expected = [
				{ reviewUrl: review.link, text, clipsToReview: 2, titles: 'Morning Ritual' },
			];
			let delivered = await deliveredTo();
			for (
				let attempt = 0;
				attempt < 40 &&
				!delivered.some((items) => JSON.stringify(items) === JSON.stringify(expected));
				attempt++
			) {
				await sleep(250);
				delivered = await deliveredTo();
			}
			expect(delivered).toContainEqual(expected);

			const page = await openBoard(review);
			expect(page.board.clips).toEqual(board.clips);
			expect(page.board.submitPath).toBe(board.submitPath);
			// A fresh nonce for every response, named by its policy.
			expect(page.board.nonce).not.toBe(board.nonce);
			expect(page.csp).toBe(
				`default-src 'none'; style-src 'nonce-${page.board.nonce}'; img-src 'self'; ` +
					"media-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
			);
			expect(board.clips.map((clip) => clip.heading)).toEqual([
				'Shot 1 of 2, take 1',
				'Shot 2 of 2, take 1',
			]);
			expect(page.html).toContain('<h1>Review: Morning Ritual</h1>');
			expect(page.html).toContain('Mya walks into the kitchen');
			expect(page.html).toContain('Mya pours coffee into the blue mug');
			expect(
				board.clips.map((clip) =>
					new URLSearchParams(clip.videoPath.split('?')[1]).get('property'),
				),
			).toEqual(['clip_take1', 'clip_take1']);
		});

		it('streams a clip whole and by byte ranges, so the player can seek', async () => {
			const whole = await download(board.clips[1].videoPath);
			expect(whole.status).toBe(200);
			expect(whole.headers['content-type']).toBe('video/mp4');
			expect(whole.headers['accept-ranges']).toBe('bytes');
			const size = whole.data.length;
			expect(Number(whole.headers['content-length'])).toBe(size);
			expect(whole.data.subarray(4, 8).toString()).toBe('ftyp');

			const head = await download(board.clips[1].videoPath, { Range: 'bytes=0-99' });
			expect(head.status).toBe(206);
			expect(head.headers['content-range']).toBe(`bytes 0-99/${size}`);
			expect(head.data.equals(whole.data.subarray(0, 100))).toBe(true);

			const tail = await download(board.clips[1].videoPath, { Range: `bytes=${size - 1000}-` });
			expect(tail.status).toBe(206);
			expect(tail.headers['content-range']).toBe(`bytes ${size - 1000}-${size - 1}/${size}`);
			expect(tail.data.equals(whole.data.subarray(size - 1000))).toBe(true);

			expect((await download(board.clips[1].videoPath, { Range: `bytes=${size}-` })).status).toBe(
				416,
			);
			// Each take's clip differs (the stand-in gives each prompt its own tone).
			expect((await download(board.clips[0].videoPath)).data.equals(whole.data)).toBe(false);
		});

		it("answers a tampered link with n8n's own 401", async () => {
			const post = {
				method: 'POST' as const,
				body: new URLSearchParams({ 'clip-0': board.clips[0].key, 'decision-0': 'approve' }),
			};
			const tampered: Array<[string, typeof post | object]> = [
				[
					review.path.replace(
						/round=([0-9a-f])/,
						(_, first: string) => `round=${first === 'a' ? 'b' : 'a'}`,
					),
					{},
				],
				[board.clips[0].videoPath.replace('item=0', 'item=1'), {}],
				[`${review.path}&view=media`, {}],
				[board.submitPath.replace(/signature=[^&]+/, 'signature=forged'), post],
			];
			for (const [link, options] of tampered) {
				const response = await n8n.api.followUrl(link, options);
				expect([link, response.status]).toEqual([link, 401]);
			}
			expect((await n8n.api.getExecution(review.executionId)).status).toBe('waiting');
		});

		it('resumes with a mixed decision: approved and rejected clips on their outputs with note, tags, reviewer', async () => {
			const response = await submit(board, [
				['decision-0', 'approve'],
				['decision-1', 'reject'],
				['note-1', 'the mug must be blue'],
				['tags-1', 'props'],
				['tags-1', 'lighting'],
				['reviewer', 'Ana Editor'],
				['action', 'submit'],
			]);
			expect(response.status).toBe(200);
			expect(response.data).toContain('Decisions recorded');
			expect(response.data).toContain('1 of 2 clips approved');

			const done = await n8n.api.waitForExecution({ executionId: review.executionId }, 'success');
			const [approved, rejected] = [outputOf(done, NODE, 0), outputOf(done, NODE, 1)];
			expect(shotsOf(approved)).toEqual([['shot-01', 'approved']]);
			expect(shotsOf(rejected)).toEqual([['shot-02', 'needs_regeneration']]);
			expect(shotsOf(outputOf(done, 'Approved', 0))).toEqual([['shot-01', 'approved']]);
			expect(shotsOf(outputOf(done, 'Rejected', 0))).toEqual([['shot-02', 'needs_regeneration']]);

			const approvedTake = approved[0].json.takes.at(-1)!;
			expect(approvedTake.review).toMatchObject({
				decision: 'approved',
				tags: [],
				reviewer: 'Ana Editor',
			});
			const rejectedItem = rejected[0].json;
			const review2 = rejectedItem.takes.at(-1)!.review!;
			expect(review2).toMatchObject({
				decision: 'rejected',
				note: 'the mug must be blue',
				tags: ['props', 'lighting'],
				reviewer: 'Ana Editor',
			});
			expect(Date.now() - Date.parse(review2.decidedAt)).toBeLessThan(5 * 60_000);
			expect(rejectedItem.correctiveNotes).toEqual([
				{
					source: 'review',
					text: 'the mug must be blue (editor flagged: props, lighting)',
					takeId: 'shot-02-take-1',
					tags: ['props', 'lighting'],
					at: review2.decidedAt,
				},
			]);
			expect(rejectedItem.statusHistory.at(-1)).toMatchObject({
				from: 'generated',
				to: 'needs_regeneration',
				reason: 'rejected by Ana Editor',
			});
			// The clips travel on with their items.
			for (const item of [...approved, ...rejected])
				expect(Object.keys(item.binary ?? {}).sort()).toEqual(['clip', 'clip_take1']);
		});

		it('lets a second submit change nothing', async () => {
			const before = await n8n.api.getExecution(review.executionId);
			const again = await submit(board, [
				['decision-0', 'reject'],
				['decision-1', 'approve'],
				['action', 'submit'],
			]);
			expect(again.status).toBe(200);
			expect(again.data).toContain('No action required');
			const after = await n8n.api.getExecution(review.executionId);
			expect(after.stoppedAt).toBe(before.stoppedAt);
			expect(after.data?.resultData.runData).toEqual(before.data?.resultData.runData);
			expect(
				await n8n.api.listExecutions({ workflowId: after.workflowId, status: 'waiting' }),
			).not.toContainEqual(expect.objectContaining({ id: review.executionId }));
		});
	});

	it('resumes once when four submits arrive at the same moment; the others get a calm page', async () => {
		const review = await startReview('haw-review', 'Four submits');
		const { board } = await openBoard(review);
		const everyClip = (decision: string, note: string): Array<[string, string]> =>
			board.clips.flatMap(
				(_, position): Array<[string, string]> => [
					[`decision-${position}`, decision],
					[`note-${position}`, note],
				],
			);
		const responses = await Promise.all([
			submit(board, everyClip('approve', 'first')),
			submit(board, everyClip('reject', 'second')),
			submit(board, everyClip('approve', 'third')),
			submit(board, everyClip('reject', 'fourth')),
		]);
		// The first to arrive resumes the execution; the others are told so and change nothing:
		// our "Already decided" page, or n8n's own answer once the execution no longer waits.
		const recorded = responses.filter((response) =>
			String(response.data).includes('Decisions recorded'),
		);
		expect(recorded).toHaveLength(1);
		for (const other of responses.filter((response) => !recorded.includes(response))) {
			expect(other.status).toBeLessThan(500);
			expect(String(other.data)).toMatch(/Already decided|No action required/);
		}

		const done = await n8n.api.waitForExecution({ executionId: review.executionId }, 'success');
		expect(done.data?.resultData.runData[NODE]).toHaveLength(1);
		expect(done.data?.resultData.runData.Approved?.length ?? 0).toBeLessThanOrEqual(1);
		expect(done.data?.resultData.runData.Rejected?.length ?? 0).toBeLessThanOrEqual(1);
		// One submission's decisions, whole: both clips decided as one of the four said.
		const items = [...outputOf(done, NODE, 0), ...outputOf(done, NODE, 1)];
		expect(items).toHaveLength(2);
		const decisions = new Set(
			items.map((item) => `${item.json.status}:${item.json.takes.at(-1)!.review!.note}`),
		);
		expect([
			['approved:first'],
			['needs_regeneration:second'],
			['approved:third'],
			['needs_regeneration:fourth'],
		]).toContainEqual([...decisions]);
		expect(recorded[0].data).toContain(
			[...decisions][0].startsWith('approved') ? '2 of 2 clips approved' : '0 of 2 clips approved',
		);
	});

	it('refuses a decision for a clip that is not on the board, and keeps waiting', async () => {
		const review = await startReview('haw-review', 'Foreign clip');
		const { board } = await openBoard(review);
		const foreign = await submit(board, [
			['clip-0', 'another-pipeline.shot-09-take-1'],
			['decision-0', 'approve'],
			['decision-1', 'approve'],
		]);
		expect(foreign.status).toBe(400);
		expect(foreign.data).toMatch(
			/clip-0: names &quot;another-pipeline\.shot-09-take-1&quot;, not the clip shown at this place on the board/,
		);
		expect(foreign.data).toContain('Reload the review page and submit again.');
		expect((await n8n.api.getExecution(review.executionId)).status).toBe('waiting');

		// The same board still takes a proper submission.
		expect((await submit(board, [['action', 'approvePassed']])).status).toBe(200);
		const done = await n8n.api.waitForExecution({ executionId: review.executionId }, 'success');
		// No Drift Score ran, so nothing passed QA: both stay for the next round.
		expect(shotsOf(outputOf(done, NODE, 1))).toEqual([
			['shot-01', 'generated'],
			['shot-02', 'generated'],
		]);
	});

	it('an editor in Chromium plays, rejects with a note, decides by keyboard; axe-clean on laptop and phone, light and dark', async () => {
		const review = await startReview('haw-review', 'In the browser');
		mkdirSync(OUTPUT_DIR, { recursive: true });
		const browser = await launchChromium();
		try {
			const laptop = await browser.newPage({ viewport: { width: 1366, height: 800 } });
			const violations: string[] = [];
			laptop.on('console', (message) => {
				if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
			});
			const opened = await laptop.goto(review.link);
			expect(opened?.status()).toBe(200);
			expect(await opened?.headerValue('content-security-policy')).toMatch(
				/^default-src 'none'; style-src 'nonce-/,
			);
			// The nonce lets the page's own styles in: the buttons stick to the bottom of the screen.
			const footer = await laptop.locator('footer').boundingBox();
			expect(footer!.y + footer!.height).toBeCloseTo(800, 0);

			const video = laptop.locator('video').first();
			const codec = await video.evaluate((element: VideoElement) =>
				element.canPlayType('video/mp4; codecs="avc1.640028"'),
			);
			expect(codec).toBe('probably');
			const played = await video.evaluate(async (element: VideoElement) => {
				element.muted = true;
				await element.play();
				const deadline = Date.now() + 20_000;
				while (element.currentTime < 0.5 && Date.now() < deadline)
					await new Promise((resolve) => setTimeout(resolve, 100));
				element.pause();
				return {
					currentTime: element.currentTime,
					duration: element.duration,
					width: element.videoWidth,
					error: element.error?.message ?? null,
				};
			});
			expect(played).toMatchObject({ width: 1280, error: null });
			expect(played.currentTime).toBeGreaterThanOrEqual(0.5);
			expect(played.duration).toBeCloseTo(4, 0);

			await laptop.fill('input[name=reviewer]', 'Browser Editor');
			await laptop.check('input[name=decision-0][value=reject]');
			await laptop.fill('#note-0', 'Mya should carry the mug <b>in her left hand</b>');
			await laptop.check('input[name=tags-0][value=character]');
			// The second clip by keyboard alone: Tab into its decision (on "Leave undecided"), the
			// arrow keys to Approve; the focus shows as the board's own 3 px outline.
			const reached = await tabTo(laptop, 'input[name=decision-1]');
			expect(reached.outline).toBe('solid 3px');
			await laptop.keyboard.press('ArrowUp');
			await laptop.keyboard.press('ArrowUp');
			expect(await laptop.isChecked('input[name=decision-1][value=approve]')).toBe(true);
			expect(await accessibilityViolations(laptop)).toEqual([]);
			await laptop.screenshot({ path: path.join(OUTPUT_DIR, 'review-page.png') });

			// The phone in dark mode: the other palette's contrast is checked too.
			const phone = await browser.newPage({
				viewport: { width: 390, height: 844 },
				isMobile: true,
				hasTouch: true,
				colorScheme: 'dark',
			});
			await phone.goto(review.link);
			expect(await accessibilityViolations(phone)).toEqual([]);
			expect(
				await phone.locator('html').evaluate((root: { scrollWidth: number }) => root.scrollWidth),
			).toBeLessThanOrEqual(390);
			const submitBox = await phone.locator('footer button[value=submit]').boundingBox();
			expect(submitBox!.y + submitBox!.height).toBeLessThanOrEqual(844);
			await phone.screenshot({ path: path.join(OUTPUT_DIR, 'review-page-phone.png') });
			await phone.close();

			// Submitted from the keyboard too: Tab to the button, Enter.
			await tabTo(laptop, 'footer button[value=submit]');
			await Promise.all([laptop.waitForURL(/view=submit/), laptop.keyboard.press('Enter')]);
			expect(await laptop.textContent('body')).toContain('Decisions recorded');
			expect(violations).toEqual([]);
		} finally {
			await browser.close();
		}

		const done = await n8n.api.waitForExecution({ executionId: review.executionId }, 'success');
		const [rejected] = outputOf(done, NODE, 1);
		expect(rejected.json.shot.id).toBe('shot-01');
		expect(rejected.json.takes.at(-1)!.review).toMatchObject({
			decision: 'rejected',
			note: 'Mya should carry the mug <b>in her left hand</b>',
			tags: ['character'],
			reviewer: 'Browser Editor',
		});
		expect(rejected.json.correctiveNotes.map((note) => note.text)).toEqual([
			'Mya should carry the mug <b>in her left hand</b> (editor flagged: character)',
		]);
		expect(shotsOf(outputOf(done, NODE, 0))).toEqual([['shot-02', 'approved']]);
	});

	it('still resumes after n8n restarted while waiting, with the same clip bytes', async () => {
		const review = await startReview('haw-review', 'Across a restart');
		const { board } = await openBoard(review);
		const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
		const before = await Promise.all(
			board.clips.map(async (clip) => sha256((await download(clip.videoPath)).data)),
		);

		console.log(`n8n restarted in ${await n8n.restart()} ms`);
		expect((await n8n.api.getExecution(review.executionId)).status).toBe('waiting');
		const { board: reopened } = await openBoard(review);
		expect(reopened.clips.map((clip) => clip.key)).toEqual(board.clips.map((clip) => clip.key));
		const after = await Promise.all(
			reopened.clips.map(async (clip) => {
				const response = await download(clip.videoPath);
				expect(response.status).toBe(200);
				return sha256(response.data);
			}),
		);
		expect(after).toEqual(before);

		expect(
			(
				await submit(reopened, [
					['decision-0', 'approve'],
					['decision-1', 'approve'],
				])
			).status,
		).toBe(200);
		const done = await n8n.api.waitForExecution({ executionId: review.executionId }, 'success');
		expect(shotsOf(outputOf(done, NODE, 0))).toEqual([
			['shot-01', 'approved'],
			['shot-02', 'approved'],
		]);
	});

	it('at the wait limit hands every clip to Timed Out, where Decide Timed-Out Clips rejects them', async () => {
		const done = await n8n.api.waitForExecution(
			{ executionId: await timedOutExecutionId },
			'success',
			120_000,
		);
		console.log(
			`A 0.6 s wait limit was acted on ${(Date.parse(done.stoppedAt!) - timedOutWaitingSince) / 1000} s after the wait began`,
		);
		expect(shotsOf(outputOf(done, NODE, 0))).toEqual([
			['shot-01', 'generated'],
			['shot-02', 'generated'],
		]);
		expect(outputOf(done, NODE, 1)).toEqual([]);
		expect(outputOf(done, NODE, 2)).toEqual([]);
		const rejected = outputOf(done, 'Decide Timed-Out Clips', 1);
		expect(shotsOf(rejected)).toEqual([
			['shot-01', 'needs_regeneration'],
			['shot-02', 'needs_regeneration'],
		]);
		expect(rejected[0].json.correctiveNotes.map((note) => note.text)).toEqual([
			'The review ran out of time; generate another take.',
		]);
		expect(rejected[0].json.takes.at(-1)!.review).toMatchObject({
			decision: 'rejected',
			reviewer: 'wait limit',
		});
		expect(Object.keys(rejected[0].binary ?? {}).sort()).toEqual(['clip', 'clip_take1']);
	});
});
