import { promises as fs, mkdirSync } from 'fs';
import os from 'os';
import path from 'path';
import type { Page } from 'playwright-core';

import { parseDecisionLines } from '../../core/decisions';
import type { ShotItem } from '../../core/types';
import { probeMedia } from '../../edges/ffmpeg/ffmpeg';
import { skimagePhotos } from '../../google-api-standin/samplePhotos';
import { submissionsTo } from '../integration/helpers';
import { accessibilityViolations } from '../harness/accessibility';
import {
	ProductImages,
	decideBoard,
	importTemplate as importRuntimeTemplate,
	TEMPLATE_FORM_AUTHORIZATION,
	TEMPLATE_TRIGGER_KEY,
	launchChromium,
	nodeOutput,
	openBoard,
	reviewUrlOf,
	type ReviewBoard,
	REPOSITORY_ROOT,
	sleep,
	startN8n,
	TeamChat,
	type Execution,
	type RunningN8n,
	type WorkflowJson,
} from '../../n8n-runtime';

/**
 * The templates as users meet them: imported from workflows/ into real n8n (only their Settings
 * node pointed at a local team chat and output folder, and their trigger path made unique), run
 * through their own triggers, behind n8n's own authentication, against the Google API stand-in
 * with drift and faults, with real ffmpeg, and reviewed by the test acting as the editor - in
 * headless Chromium for the first run. Veo is asked for finished clips every 2 s (the templates'
 * default of 90 s is what n8n saves across a restart; one test runs with a saved wait).
 */

jest.setTimeout(25 * 60_000);

const OUTPUT_DIR = path.join(REPOSITORY_ROOT, 'test-output');
const BRIEF =
	'At dusk, Mya pours coffee into the blue mug and hands it to an old regular. She smiles as the street lights come on.';

/** The parts of Assemble's production report (core/assembly/report.ts) the tests read. */
interface ProductionReport {
	shots: Array<{
		shotId: string;
		sequence: number;
		status: string;
		inCut: { kind: string };
		takes: Array<{
			id: string;
			model: string;
			mode?: string;
			editOf?: string;
			prompt: string;
			reason?: string;
			review: { decision: string; note?: string } | null;
		}>;
	}>;
	totals: {
		shots: number;
		takesTried: number;
		clipsApprovedOnFirstTry: number;
		regenerations: number;
		humanReviews: number;
		slates: number;
	};
}

let n8n: RunningN8n;
let chat: TeamChat;
let outputFolder: string;

/** The header the webhooks' Header Auth credential expects. */
const withKey = { [TEMPLATE_TRIGGER_KEY.name]: TEMPLATE_TRIGGER_KEY.value };

beforeAll(async () => {
	outputFolder = await fs.mkdtemp(path.join(os.tmpdir(), 'veo-templates-'));
	chat = await TeamChat.start();
	// With scikit-image's photographs the stand-in draws mugs as a real cup, which Drift Score's
	// offline object check can find (and read the colour of), as it would in Veo's footage.
	const photo = await skimagePhotos();
	n8n = await startN8n({
		standIn: { latencyMs: 400, photosDir: path.dirname(photo('coffee')) },
		env: { N8N_RESTRICT_FILE_ACCESS_TO: outputFolder },
	});
});

afterAll(async () => {
	await n8n?.stop();
	await chat?.stop();
});

/**
 * A template from workflows/, pointed at the test's chat and folder, asking Veo every 2 s, its
 * trigger path suffixed; `settings` changes more of its Settings node.
 */
async function importTemplate(
	file: string,
	suffix: string,
	settings: Record<string, unknown> = {},
): Promise<{ id: string; triggerPath: string }> {
	const { id, trigger } = await importRuntimeTemplate(n8n.api, file, {
		suffix,
		settings: { chatWebhookUrl: chat.url, outputFolder, checkEverySeconds: 2, ...settings },
		geminiBaseUrl: n8n.standIn!.url,
	});
	return { id, triggerPath: trigger.path };
}

/** Submits the film's form as a browser would, with the form's login; waits while a fresh form registers. */
async function submitFilmForm(formPath: string, values: string[]) {
	for (let attempt = 0; ; attempt++) {
		const form = new FormData();
		values.forEach((value, index) => form.append(`field-${index}`, value));
		const response = await n8n.api.followUrl(`${n8n.baseUrl}/form/${formPath}`, {
			method: 'POST',
			body: form,
			headers: { authorization: TEMPLATE_FORM_AUTHORIZATION },
		});
		if (response.status !== 404 || attempt >= 30) return response;
		await sleep(500);
	}
}

/**
 * Acts as the editor until the execution finishes: every time it waits for review, the board
 * behind its link is decided with `decide` (by `editor` when given, for the first board).
 * Returns the finished execution and every board seen.
 */
async function reviewUntilFinished(
	workflowId: string,
	decide: (key: string, round: number) => { decision: 'approve' | 'reject'; note?: string },
	editor?: (board: ReviewBoard) => Promise<void>,
): Promise<{ execution: Execution; boards: ReviewBoard[] }> {
	const boards: ReviewBoard[] = [];
	const deadline = Date.now() + 20 * 60_000;
	let executionId: string | undefined;
	while (Date.now() < deadline) {
		const [latest] = await n8n.api.listExecutions({ workflowId, limit: 1 });
		const current = executionId
			? await n8n.api.getExecution(executionId)
			: latest
				? await n8n.api.getExecution(latest.id)
				: undefined;
		executionId ??= current?.id;
		if (current?.status === 'success') return { execution: current, boards };
		if (current && ['error', 'crashed', 'canceled'].includes(current.status)) {
			throw new Error(
				`Execution ${current.id} ended ${current.status}: ${JSON.stringify(current.data?.resultData.error ?? null)}\n${n8n.logTail(30)}`,
			);
		}
		const link = current?.status === 'waiting' ? reviewUrlOf(current) : undefined;
		if (link && !boards.some((board) => board.link === link)) {
			const board = await openBoard(n8n.api, link);
			boards.push(board);
			if (editor && boards.length === 1) await editor(board);
			else await decideBoard(n8n.api, board, (key) => decide(key, boards.length), 'Test Editor');
		}
		await sleep(1000);
	}
	throw new Error(`Workflow ${workflowId} did not finish within 20 minutes`);
}

/** Opens or closes every fold (`<details>`) of a page, as an editor clicking each. */
async function setFolds(page: Page, open: boolean): Promise<void> {
	await page
		.locator('details')
		.evaluateAll(
			(folds: Array<{ open: boolean }>, value: boolean) =>
				folds.forEach((fold) => (fold.open = value)),
			open,
		);
}

async function readReport(pipelineId: string): Promise<ProductionReport> {
	return JSON.parse(
		await fs.readFile(path.join(outputFolder, `${pipelineId}-production-report.json`), 'utf8'),
	) as ProductionReport;
}

function assembled(execution: Execution): { pipelineId: string; durationSeconds: number } {
	return nodeOutput(execution, 'Assemble')[0] as unknown as {
		pipelineId: string;
		durationSeconds: number;
	};
}

describe('importing', () => {
	it('every template names only node types and versions, and credential types, that this n8n knows', async () => {
		// n8n lists a versioned node once per group of versions.
		const nodeVersions = new Map<string, number[]>();
		for (const type of await n8n.api.nodeTypes())
			nodeVersions.set(type.name, [
				...(nodeVersions.get(type.name) ?? []),
				...([] as number[]).concat(type.version),
			]);
		const credentialTypes = new Set((await n8n.api.credentialTypes()).map((type) => type.name));
		const files = (await fs.readdir(path.join(REPOSITORY_ROOT, 'workflows'))).filter((file) =>
			file.endsWith('.json'),
		);
		expect(files).toHaveLength(3);
		for (const file of files) {
			const template = JSON.parse(
				await fs.readFile(path.join(REPOSITORY_ROOT, 'workflows', file), 'utf8'),
			) as WorkflowJson;
			const unknown = template.nodes
				.filter((node) => !nodeVersions.get(node.type)?.includes(node.typeVersion))
				.map((node) => `${file}: ${node.name} (${node.type} v${node.typeVersion})`);
			const unknownCredentials = template.nodes.flatMap((node) =>
				Object.keys(node.credentials ?? {}).filter((type) => !credentialTypes.has(type)),
			);
			expect({ unknown, unknownCredentials }).toEqual({ unknown: [], unknownCredentials: [] });
			// Every connection joins nodes that exist: nothing dangles on the canvas.
			const names = new Set(template.nodes.map((node) => node.name));
			const connections = template.connections as Record<
				string,
				Record<string, Array<Array<{ node: string }>>>
			>;
			const targets = Object.entries(connections).flatMap(([from, outputs]) => [
				from,
				...Object.values(outputs)
					.flat(2)
					.map((link) => link.node),
			]);
			expect(targets.filter((name) => !names.has(name))).toEqual([]);
		}
	});
});

describe('who can start paid work', () => {
	it('refuses anonymous callers, requests over the caps and private image addresses, before anything is paid or fetched', async () => {
		const before = { ...n8n.standIn!.stats };
		const draft = await importTemplate('auto-qa-drafts.json', 'guard');
		const film = await importTemplate('coordinated-film-pipeline.json', 'guard');
		const ads = await importTemplate('social-ads-batch.json', 'guard');

		const body = { title: 'Too Long', brief: BRIEF, seconds: 1600 };
		expect((await n8n.api.callWebhook(draft.triggerPath, { body })).status).toBe(403);
		const guessed = { [TEMPLATE_TRIGGER_KEY.name]: 'a-guess' };
		expect((await n8n.api.callWebhook(draft.triggerPath, { body, headers: guessed })).status).toBe(
			403,
		);
		const tooLong = await n8n.api.callWebhook(draft.triggerPath, { body, headers: withKey });
		expect(tooLong.status).toBe(400);
		expect(String(tooLong.data)).toMatch(/"seconds" must be a number from 1 to 120/);

		const formPage = await n8n.api.followUrl(`${n8n.baseUrl}/form/${film.triggerPath}`);
		expect(formPage.status).toBe(401);
		const epic = await submitFilmForm(film.triggerPath, ['Epic', BRIEF, '1600', '16:9']);
		expect(epic.status).toBe(200);
		let refused: Execution | undefined;
		for (let attempt = 0; attempt < 60 && refused?.status !== 'error'; attempt++) {
			await sleep(500);
			const [latest] = await n8n.api.listExecutions({ workflowId: film.id, limit: 1 });
			refused = latest && (await n8n.api.getExecution(latest.id));
		}
		expect(refused?.data?.resultData.error?.message).toMatch(
			/Refused: a target length of 1600 s is outside 1 to 120 s/,
		);

		const privateImage = await n8n.api.callWebhook(ads.triggerPath, {
			body: {
				products: [{ name: 'Bottle', message: 'Cold', imageUrl: 'http://127.0.0.1:9/bottle.png' }],
			},
			headers: withKey,
		});
		expect(privateImage.status).toBe(400);
		expect(String(privateImage.data)).toMatch(
			/products\[0\]\.imageUrl points at a private, loopback or link-local address/,
		);

		expect(submissionsTo(n8n.standIn!)).toBe(before.predictRequests + before.interactionCreates);
		expect(n8n.standIn!.stats.generateContentRequests).toBe(before.generateContentRequests);
	});
});

describe('Coordinated film pipeline', () => {
	it('runs to a cut: automatic QA, an editor in Chromium rejecting a clip with a note, that shot regenerated with it', async () => {
		n8n.standIn!.configure({
			faults: [{ on: 'predict', effect: 'drift_lighting', match: 'Shot 2 of 6', times: 1 }],
		});
		const { id, triggerPath } = await importTemplate('coordinated-film-pipeline.json', 'main');
		// A freshly activated form takes a moment to register.
		let formPage = '';
		for (
			let attempt = 0;
			attempt < 30 && !formPage.includes('Make a film with Gemini Omni');
			attempt++
		) {
			formPage = String(
				(
					await n8n.api.followUrl(`${n8n.baseUrl}/form/${triggerPath}`, {
						headers: { authorization: TEMPLATE_FORM_AUTHORIZATION },
					})
				).data,
			);
			await sleep(500);
		}
		expect(formPage).toContain('The pipeline has started');
		const form = await submitFilmForm(triggerPath, ['Morning Ritual', BRIEF, '48', '16:9']);
		// The form answers at once (the page then shows the text above), not after the pipeline.
		expect(form.status).toBe(200);
		const [running] = await n8n.api.listExecutions({ workflowId: id, status: 'running' });
		expect(running).toBeDefined();

		const note = 'Keep the warm dusk light of shot 1 (NOTE-7731)';
		let rejectedKey = '';
		const { execution, boards } = await reviewUntilFinished(
			id,
			() => ({ decision: 'approve' }),
			async (board) => {
				rejectedKey = board.clips[0].key;
				mkdirSync(OUTPUT_DIR, { recursive: true });
				const browser = await launchChromium();
				try {
					const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
					await page.goto(board.link);
					const currentTime = await page
						.locator('video')
						.first()
						.evaluate(
							async (video: { muted: boolean; currentTime: number; play(): Promise<void> }) => {
								video.muted = true;
								await video.play();
								const until = Date.now() + 20_000;
								while (video.currentTime < 0.5 && Date.now() < until)
									await new Promise((resolve) => setTimeout(resolve, 100));
								return video.currentTime;
							},
						);
					expect(currentTime).toBeGreaterThanOrEqual(0.5);
					// Every picture on the board (posters aside, which are video attributes) loads
					// through the media link: with every fold opened (the contact sheet sits in one) and
					// scrolled into view, as lazy images load.
					await setFolds(page, true);
					for (const picture of await page.locator('img').all()) {
						await picture.scrollIntoViewIfNeeded();
						const width = () =>
							picture.evaluate((image: { complete: boolean; naturalWidth: number }) =>
								image.complete ? image.naturalWidth : -1,
							);
						let loaded = await width();
						for (let tries = 0; loaded < 0 && tries < 100; tries++) {
							await sleep(100);
							loaded = await width();
						}
						expect([await picture.getAttribute('alt'), loaded > 0]).toEqual([
							await picture.getAttribute('alt'),
							true,
						]);
					}
					await setFolds(page, false);
					await page.fill('input[name=reviewer]', 'Chromium Editor');
					await page.check('input[name=decision-0][value=reject]');
					await page.fill('#note-0', note);
					for (const clip of board.clips.slice(1))
						await page.check(`input[name=decision-${clip.position}][value=approve]`);
					await page.screenshot({
						path: path.join(OUTPUT_DIR, 'film-template-review.png'),
						fullPage: true,
					});
					// A board with Drift Score's findings and pictures: accessible on a laptop in light
					// mode and on a phone in dark mode, without scrolling sideways.
					expect(await accessibilityViolations(page)).toEqual([]);
					const phone = await browser.newPage({
						viewport: { width: 390, height: 844 },
						isMobile: true,
						colorScheme: 'dark',
					});
					await phone.goto(board.link);
					expect(await accessibilityViolations(phone)).toEqual([]);
					expect(
						await phone
							.locator('html')
							.evaluate((root: { scrollWidth: number }) => root.scrollWidth),
					).toBeLessThanOrEqual(390);
					await phone.screenshot({
						path: path.join(OUTPUT_DIR, 'film-template-review-phone.png'),
						fullPage: true,
					});
					await phone.close();
					await Promise.all([
						page.waitForURL(/view=submit/),
						page.click('footer button[value=submit]'),
					]);
					expect(await page.textContent('body')).toContain('Decisions recorded');
				} finally {
					await browser.close();
				}
			},
		);
		// Some clips passed automatic QA; the drifted shot went back without a person, and the shot
		// after it (no longer continuing a matching clip) went to the editor.
		expect(boards[0].clips.length).toBeGreaterThanOrEqual(1);
		expect(boards[0].clips.length).toBeLessThan(6);

		const { pipelineId, durationSeconds } = assembled(execution);
		const cut = await probeMedia(path.join(outputFolder, `${pipelineId}-cut.mp4`));
		expect(cut.durationSeconds).toBeCloseTo(48, 0);
		expect([cut.video?.width, cut.video?.height]).toEqual([1280, 720]);
		expect(cut.audio).toBeDefined();
		expect(durationSeconds).toBeCloseTo(48, 0);
		for (const file of ['edit.edl', 'timeline.otio', 'production-report.html', 'poster.jpg']) {
			expect(
				(await fs.stat(path.join(outputFolder, `${pipelineId}-${file}`))).size,
			).toBeGreaterThan(0);
		}

		const report = await readReport(pipelineId);
		expect(report.shots.map((shot) => [shot.sequence, shot.status])).toEqual(
			[1, 2, 3, 4, 5, 6].map((sequence) => [sequence, 'approved']),
		);
		const rejectedShot = report.shots.find((shot) =>
			rejectedKey.endsWith(`${shot.shotId}-take-1`),
		)!;
		expect(rejectedShot.takes[0].review).toMatchObject({ decision: 'rejected', note });
		expect(rejectedShot.takes.at(-1)!.prompt).toContain(note);
		// On Gemini Omni the rejected clip came back as an edit of itself, which was approved.
		expect(rejectedShot.takes[0].model).toBe('gemini-omni-1.2-flash');
		expect(rejectedShot.takes.at(-1)).toMatchObject({
			mode: 'edit',
			editOf: rejectedShot.takes[0].id,
		});
		expect(n8n.standIn!.stats.interactionEdits).toBeGreaterThanOrEqual(1);
		// The decisions export beside the report, as Drift Score's calibration reads it: every
		// decision the editor made on a scored clip, the rejection with its note among them.
		const decisions = parseDecisionLines(
			await fs.readFile(path.join(outputFolder, `${pipelineId}-decisions.jsonl`), 'utf8'),
			'decisions export',
		);
		expect(decisions.length).toBeGreaterThanOrEqual(1);
		expect(decisions).toContainEqual(
			expect.objectContaining({
				shotId: rejectedShot.shotId,
				takeId: rejectedShot.takes[0].id,
				decision: 'rejected',
				note,
				reviewer: 'Chromium Editor',
			}),
		);
		const takes = report.shots.reduce((sum, shot) => sum + shot.takes.length, 0);
		expect(report.totals).toMatchObject({
			shots: 6,
			takesTried: takes,
			regenerations: takes - 6,
			clipsApprovedOnFirstTry: report.shots.filter((shot) => shot.takes.length === 1).length,
			humanReviews: boards.reduce((sum, board) => sum + board.clips.length, 0),
			slates: 0,
		});
		expect(
			chat.messages.some((message) => message.startsWith('The cut of "Morning Ritual" is ready')),
		).toBe(true);
	});

	it('survives n8n restarting while it waits for Veo (paying for no clip twice) and while it waits for review', async () => {
		n8n.standIn!.configure({
			faults: [{ on: 'predict', effect: 'drift_lighting', match: 'Shot 1 of 3', times: 1 }],
		});
		// From 65 s on, n8n saves a wait in its database: the templates' default path.
		const { id, triggerPath } = await importTemplate('coordinated-film-pipeline.json', 'restart', {
			checkEverySeconds: 65,
		});
		const predictsBefore = submissionsTo(n8n.standIn!);
		await submitFilmForm(triggerPath, ['Across a Restart', BRIEF, '24', '16:9']);
		for (let waited = 0; ; waited += 1000) {
			const [latest] = await n8n.api.listExecutions({ workflowId: id, limit: 1 });
			const execution = latest && (await n8n.api.getExecution(latest.id));
			if (execution?.data?.resultData.lastNodeExecuted === 'Wait for Clips') break;
			if (waited > 120_000) throw new Error('the film never waited for Veo');
			await sleep(1000);
		}
		const submittedBeforeRestart = submissionsTo(n8n.standIn!) - predictsBefore;
		expect(submittedBeforeRestart).toBe(3);
		console.log(`n8n restarted while waiting for Veo in ${await n8n.restart()} ms`);
		let restarted = false;
		const { execution } = await reviewUntilFinished(
			id,
			() => ({ decision: 'approve' }),
			async (board) => {
				console.log(`n8n restarted in ${await n8n.restart()} ms`);
				restarted = true;
				const reopened = await openBoard(n8n.api, board.link);
				expect(reopened.clips.map((clip) => clip.key)).toEqual(board.clips.map((clip) => clip.key));
				await decideBoard(n8n.api, reopened, () => ({ decision: 'approve' }), 'Test Editor');
			},
		);
		expect(restarted).toBe(true);
		const { pipelineId } = assembled(execution);
		expect(
			(await probeMedia(path.join(outputFolder, `${pipelineId}-cut.mp4`))).durationSeconds,
		).toBeCloseTo(24, 0);
		const report = await readReport(pipelineId);
		expect(report.shots.every((shot) => shot.status === 'approved')).toBe(true);
		// One submission per take: the three submitted before the restart were fetched, not sent again.
		expect(submissionsTo(n8n.standIn!) - predictsBefore).toBe(report.totals.takesTried);
	});

	it('ends with a clear report when a shot keeps failing: it reaches the attempt cap, no endless loop', async () => {
		n8n.standIn!.configure({
			faults: [{ on: 'predict', effect: 'operation_failed', match: 'Shot 2 of 3' }],
		});
		const { id, triggerPath } = await importTemplate('coordinated-film-pipeline.json', 'cap');
		await submitFilmForm(triggerPath, ['Stubborn Shot', BRIEF, '24', '16:9']);
		const { execution } = await reviewUntilFinished(id, () => ({ decision: 'approve' }));
		const { pipelineId } = assembled(execution);
		const report = await readReport(pipelineId);
		const failed = report.shots.find((shot) => shot.sequence === 2)!;
		expect(failed.status).toBe('failed');
		expect(failed.takes).toHaveLength(3);
		expect(failed.inCut.kind).toBe('slate');
		expect(failed.takes.at(-1)!.reason).toMatch(/Google reported a failed generation/);
		expect(report.totals.slates).toBe(1);
		// The cut keeps its length: a slate stands in for the failed shot.
		expect(
			(await probeMedia(path.join(outputFolder, `${pipelineId}-cut.mp4`))).durationSeconds,
		).toBeCloseTo(24, 0);
		n8n.standIn!.configure({ faults: [] });
	});
});

describe('Social ads batch', () => {
	let images: ProductImages;

	beforeAll(async () => {
		images = await ProductImages.start({ bottle: 'blue', sneaker: 'red', watch: 'green' });
	});

	afterAll(() => images?.stop());

	it('gives every product a 9:16 and a 1:1 ad with the product image as a reference, and a delivery list', async () => {
		n8n.standIn!.configure({ faults: [] });
		// The test's image server is on this machine: Settings must trust it by name and port.
		const { id, triggerPath } = await importTemplate('social-ads-batch.json', 'three', {
			trustedImageHosts: images.host,
		});
		const products = [
			{
				name: 'Aqua Bottle',
				message: 'Stay cold for 24 hours',
				imageUrl: images.imageUrl('bottle'),
			},
			{
				name: 'Dash Sneaker',
				message: 'Light on every step',
				imageUrl: images.imageUrl('sneaker'),
			},
			{
				name: 'Tide Watch',
				message: 'Waterproof to 100 metres',
				imageUrl: images.imageUrl('watch'),
			},
		];
		const referenceRequestsBefore = n8n.standIn!.stats.interactionsWithReferenceImages;
		const accepted = await n8n.api.callWebhook(triggerPath, {
			body: { products },
			headers: withKey,
		});
		expect(accepted.status).toBe(200);
		const { execution } = await reviewUntilFinished(id, () => ({ decision: 'approve' }));

		const shots = nodeOutput(execution, 'Check and Fetch') as unknown as ShotItem[];
		expect(shots.map((shot) => shot.bible.title).sort()).toEqual(
			products.map((product) => product.name).sort(),
		);
		// Each product photo went to Gemini Omni as a reference image, bound by name in the prompt.
		expect(
			n8n.standIn!.stats.interactionsWithReferenceImages - referenceRequestsBefore,
		).toBeGreaterThanOrEqual(3);

		const [list] = nodeOutput(execution, 'Delivery List') as Array<{
			deliveries: Array<{ product: string; vertical: string; square: string; error: string }>;
		}>;
		const { deliveries } = list;
		expect(deliveries.map((delivery) => delivery.product).sort()).toEqual(
			products.map((product) => product.name).sort(),
		);
		for (const delivery of deliveries) {
			expect(delivery.error).toBe('');
			const vertical = await probeMedia(delivery.vertical);
			const square = await probeMedia(delivery.square);
			expect([vertical.video?.width, vertical.video?.height]).toEqual([720, 1280]);
			expect([square.video?.width, square.video?.height]).toEqual([720, 720]);
			expect(vertical.durationSeconds).toBeCloseTo(8, 0);
		}
		expect(chat.messages.some((message) => message.startsWith('Ads ready:'))).toBe(true);
	});
});

describe('Auto QA drafts', () => {
	it('generates, scores, regenerates failures and assembles without waiting for anyone', async () => {
		n8n.standIn!.configure({
			faults: [{ on: 'predict', effect: 'drift_lighting', match: 'Shot 1 of 3', times: 1 }],
		});
		const { id, triggerPath } = await importTemplate('auto-qa-drafts.json', 'draft');
		const accepted = await n8n.api.callWebhook(triggerPath, {
			body: { title: 'Draft Ritual', brief: BRIEF, seconds: 24 },
			headers: withKey,
		});
		expect(accepted.status).toBe(200);
		const { execution, boards } = await reviewUntilFinished(id, () => {
			throw new Error('The auto-QA template must never wait for a person');
		});
		expect(boards).toEqual([]);
		expect(execution.data!.resultData.runData['Human Approval Wait']).toBeUndefined();
		const { pipelineId } = assembled(execution);
		expect(
			(await probeMedia(path.join(outputFolder, `${pipelineId}-draft.mp4`))).durationSeconds,
		).toBeCloseTo(24, 0);
		// Shot 1 came back with the wrong light the first time and was generated again, untouched by a person.
		const shot1 = (
			nodeOutput(execution, 'Assemble')[0] as {
				report: { shots: Array<{ sequence: number; takes: unknown[] }> };
			}
		).report.shots.find((shot) => shot.sequence === 1)!;
		expect(shot1.takes.length).toBeGreaterThanOrEqual(2);
	});
});
