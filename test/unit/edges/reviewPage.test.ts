import { boardEntries, noteLimitOf } from '../../../core/review';
import type { ShotItem } from '../../../core/types';
import { renderBoard } from '../../../edges/review-page/board';
import { escapeHtml, renderNotice, reviewPageCsp } from '../../../edges/review-page/html';
import { buildBoardView } from '../../../nodes/HumanApprovalWait/boardView';
import { reviewBatch } from '../../helpers/reviewItems';

const SCRIPT = '<script>alert(1)</script>';
const BREAKOUT = '"><img src=x onerror=alert(2)>';
const HOSTILE = `${SCRIPT}${BREAKOUT}'`;
const NONCE = 'bm9uY2UtZm9yLXRlc3Q=';

/** Every tag the page may contain; anything else came from text that escaped escaping. */
const PAGE_TAGS = new Set(
	(
		'html head meta title style body nav form header h1 h2 h3 span input main section article div video img ' +
		'figure figcaption details summary pre fieldset legend label textarea table thead tbody tr th td ul li strong ' +
		'footer button p'
	).split(' '),
);

function tagsOf(html: string): string[] {
	return [...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((match) => match[1].toLowerCase());
}

/** A link signed the way n8n does: its own parameters plus a signature. */
const sign = (parameters: Record<string, string>) =>
	`http://n8n.example/webhook-waiting/7/node?${new URLSearchParams({ ...parameters, signature: 'sig' })}`;

/** Two clips on the board, every text the pipeline carries made hostile. */
function hostileBoard(): { items: ShotItem[]; html: string } {
	const items = reviewBatch([
		{ status: 'needs_review', route: 'review', earlierTakes: 1, prompt: `Prompt ${HOSTILE}` },
		{ status: 'needs_review', clip: false },
	]).map((item) => ({
		...item,
		bible: { ...item.bible, title: `Title ${HOSTILE}` },
		shot: { ...item.shot, description: `Description ${HOSTILE}`, camera: `Camera ${HOSTILE}` },
		statusReason: `Reason ${HOSTILE}`,
	}));
	const [first] = items;
	first.takes[0] = {
		...first.takes[0],
		review: {
			decision: 'rejected',
			note: `Note ${HOSTILE}`,
			tags: ['props'],
			annotations: [],
			reviewer: `Reviewer ${HOSTILE}`,
			decidedAt: '2026-03-01T11:00:00.000Z',
		},
	};
	first.takes[1].drift!.reasons = [`Drift reason ${HOSTILE}`];
	first.takes[1].drift!.correctivePrompt = `Fix ${HOSTILE}`;
	const inputs = items.map((item, index) => ({
		json: {},
		binary: {
			...Object.fromEntries(
				item.takes
					.filter((take) => take.clip)
					.map((take) => [take.clip!.binaryProperty, { data: '', mimeType: 'video/mp4' }]),
			),
			...(index === 0 ? { contactSheet: { data: '', mimeType: 'image/png' } } : {}),
		},
	}));
	const view = buildBoardView(
		boardEntries(items, 'needsReview'),
		inputs,
		'clip',
		'round-1',
		'keep',
		sign,
	);
	return { items, html: renderBoard(view, NONCE) };
}

describe('the review page', () => {
	it('escapes every text from the pipeline: prompts, notes, names, descriptions, titles, reasons', () => {
		const { html } = hostileBoard();
		expect(html).not.toContain('<script');
		expect(html).not.toContain('<img src=x');
		expect(tagsOf(html).filter((tag) => !PAGE_TAGS.has(tag))).toEqual([]);
		// No attribute was opened by text: event handlers appear nowhere inside a tag.
		expect(html).not.toMatch(/<[^>]*\son\w+=/i);
		const escaped = escapeHtml(HOSTILE);
		expect(escaped).toBe(
			'&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&#39;',
		);
		for (const label of [
			'Prompt',
			'Note',
			'Reviewer',
			'Description',
			'Camera: Camera',
			'Title',
			'Drift reason',
			'Suggested fix for the next take: Fix',
			'No clip to play: withheld',
		]) {
			expect(html).toContain(label);
		}
		for (const text of [
			`Prompt ${escaped}`,
			`Note ${escaped}`,
			`Reviewer ${escaped}`,
			`Description ${escaped}`,
			`Title ${escaped}`,
			`Drift reason ${escaped}`,
			`Fix ${escaped}`,
		]) {
			expect(html).toContain(text);
		}
		expect(html).toContain(`<title>Review: Title ${escaped}</title>`);
		expect(html).toContain(`<h2 id="scene-0-title">The café - shots 1 to 2</h2>`);
	});

	it('plays each clip and its earlier takes from signed, relative links, and shows the contact sheet', () => {
		const { items, html } = hostileBoard();
		const media = (item: number, property: string) =>
			escapeHtml(
				`/webhook-waiting/7/node?round=round-1&view=media&item=${item}&property=${property}&signature=sig`,
			);
		expect(html).toContain(
			`<video controls playsinline preload="metadata" src="${media(0, 'clip_take2')}" aria-label="Clip of Shot 1 of 2, take 2"></video>`,
		);
		expect(html).toContain(
			`<video controls preload="none" src="${media(0, 'clip_take1')}" aria-label="Take 1 (generated), Shot 1 of 2, take 2"></video>`,
		);
		expect(html).toContain(`src="${media(0, 'contactSheet')}" loading="lazy">`);
		expect(html.match(/<video/g)).toHaveLength(2);
		expect(html).toContain(
			`<form method="post" action="${escapeHtml('/webhook-waiting/7/node?round=round-1&view=submit&signature=sig')}">`,
		);
		expect(html).toContain('<input type="hidden" name="round" value="round-1">');
		expect(html).toContain('<h3 id="clip-0-title">Shot 1 of 2, take 2</h3>');
		expect(html).toContain(
			`<input type="hidden" name="clip-1" value="${items[1].pipelineId}.shot-02-take-1">`,
		);
	});

	it('asks for a decision, a note sized to the prompt and tags per clip, with nothing decided in advance', () => {
		const { items, html } = hostileBoard();
		for (const position of [0, 1]) {
			expect(html).toContain(
				`<input type="radio" name="decision-${position}" value="approve"> Approve`,
			);
			expect(html).toContain(
				`<input type="radio" name="decision-${position}" value="reject"> Reject`,
			);
			expect(html).toContain(
				`<input type="radio" name="decision-${position}" value="undecided" checked> Leave undecided`,
			);
			const limit = noteLimitOf(items[position]);
			expect(html).toContain(
				`<textarea id="note-${position}" name="note-${position}" rows="2" maxlength="${limit}"`,
			);
			expect(html).toContain(`(up to ${limit} characters)</label>`);
			for (const tag of ['character', 'lighting', 'props', 'motion', 'other']) {
				expect(html).toContain(
					`<input type="checkbox" name="tags-${position}" value="${tag}"> ${tag}</label>`,
				);
			}
		}
		expect(html).toContain(
			'<label for="reviewer" class="who">Your name</label><input type="text" id="reviewer" name="reviewer"',
		);
		expect(html).toContain('Clips left undecided come back in the next review round.');
		// Enter in a field submits a form with its first button: that one is disabled, so only a
		// button the editor presses sends the board.
		const buttons = [...html.matchAll(/<button type="submit"([^>]*)>/g)].map((match) => match[1]);
		expect(buttons[0]).toBe(' disabled hidden aria-hidden="true" tabindex="-1"');
		expect(buttons.slice(1)).toEqual([' name="action" value="submit"']);
	});

	it('styles itself only through the nonce the policy names, and allows no script at all', () => {
		const csp = reviewPageCsp(NONCE);
		const directives = Object.fromEntries(
			csp
				.split('; ')
				.map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1).join(' ')]),
		);
		expect(directives).toEqual({
			'default-src': "'none'",
			'style-src': `'nonce-${NONCE}'`,
			'img-src': "'self'",
			'media-src': "'self'",
			'form-action': "'self'",
			'base-uri': "'none'",
			'frame-ancestors': "'none'",
		});
		expect(csp).not.toMatch(/script-src|unsafe-inline|unsafe-eval|\*/);

		const { html } = hostileBoard();
		expect(html.match(/<style nonce="([^"]+)">/)?.[1]).toBe(NONCE);
		expect(html.match(/<style/g)).toHaveLength(1);
		expect(html).not.toMatch(/\sstyle=/);
	});

	it('escapes notices too (a refused submission repeats what was posted)', () => {
		const notice = renderNotice(
			'Submission refused',
			`clip-0: names a clip that is not on this board (${BREAKOUT})`,
			NONCE,
		);
		expect(notice).not.toContain('<img');
		expect(notice).toContain(escapeHtml(BREAKOUT));
		expect(notice).toContain(`<style nonce="${NONCE}">`);
	});
});

describe('a board an editor decides forty clips on', () => {
	/** Shots 1-5: 1-2 in the kitchen, 3 in the garden, 4-5 in the kitchen again. */
	function sceneBoard() {
		const items = reviewBatch([
			{ status: 'needs_review', route: 'pass' },
			{ status: 'needs_review', route: 'review' },
			{ status: 'needs_review', route: 'pass' },
			{ status: 'needs_review', route: 'regenerate' },
			{ status: 'needs_review', route: 'pass' },
		]).map((item, index) => ({
			...item,
			bible: {
				...item.bible,
				locations: [
					{ id: 'kitchen', name: 'Kitchen', description: '' },
					{ id: 'garden', name: 'Garden', description: '' },
				],
			},
			shot: { ...item.shot, location: index === 2 ? 'garden' : 'kitchen' },
		}));
		const second = items[1].takes[0];
		second.drift = {
			...second.drift!,
			drift: 0.9,
			confidence: 0.75,
			dimensions: {
				props: {
					drift: 0.9,
					confidence: 0.75,
					reasons: ['the mug reads orange-brown, the bible asks for blue'],
					measures: { propColor_mug: 'orange-brown', propColorAsked_mug: 'blue' },
				},
			},
			poster: { binaryProperty: 'drift_take1_poster', atSeconds: 2.5 },
			evidence: [
				{ dimension: 'props', binaryProperty: 'drift_take1_1', caption: 'The mug at 2.5 s' },
				{ dimension: 'props', binaryProperty: 'drift_take1_2', caption: 'Blue, as the bible asks' },
				{ dimension: 'props', binaryProperty: 'drift_take1_3', caption: 'Typed as a web page' },
			],
		};
		const inputs = items.map((_, index) => ({
			json: {},
			binary: {
				clip_take1: { data: '', mimeType: 'video/mp4' },
				...(index === 1
					? {
							drift_take1_poster: { data: '', mimeType: 'image/jpeg' },
							drift_take1_1: { data: '', mimeType: 'image/jpeg' },
							drift_take1_2: { data: '', mimeType: 'image/png' },
							drift_take1_3: { data: '', mimeType: 'text/html' },
						}
					: {}),
			},
		}));
		const view = buildBoardView(
			boardEntries(items, 'needsReview'),
			inputs,
			'clip',
			'r',
			'keep',
			sign,
		);
		return renderBoard(view, NONCE);
	}

	it('groups the clips by scene in shot order, with "approve all that passed" per scene', () => {
		const html = sceneBoard();
		expect([...html.matchAll(/<h2 id="scene-\d+-title">([^<]+)<\/h2>/g)].map((m) => m[1])).toEqual([
			'Kitchen - shots 1 to 2',
			'Garden - shot 3',
			'Kitchen - shots 4 to 5',
		]);
		expect([...html.matchAll(/<h3 id="clip-\d+-title">([^<]+)<\/h3>/g)].map((m) => m[1])).toEqual(
			[1, 2, 3, 4, 5].map((shot) => `Shot ${shot} of 5, take 1`),
		);
		expect(
			[...html.matchAll(/<button type="submit" name="action" value="([\w-]+)"[^>]*>([^<]+)</g)].map(
				(m) => [m[1], m[2]],
			),
		).toEqual([
			['approvePassed-0', 'Approve the 1 that passed QA in this scene'],
			['approvePassed-1', 'Approve the 1 that passed QA in this scene'],
			['approvePassed-2', 'Approve the 1 that passed QA in this scene'],
			['submit', 'Submit decisions'],
			['approvePassed', 'Approve all 3 that passed QA'],
		]);
		expect(html).toContain('5 clips in 3 scenes; 3 passed automatic QA.');
	});

	it('leads each flagged clip with its verdict in plain words, then its pictures, then the numbers', () => {
		const html = sceneBoard();
		expect(html).toContain(
			'<p class="verdict"><strong>Check this.</strong> The mug looks orange-brown; the bible says blue. Fairly sure.</p>',
		);
		expect(html).not.toMatch(/Drift \d+%/);
		const link = (property: string) =>
			escapeHtml(
				`/webhook-waiting/7/node?round=r&view=media&item=1&property=${property}&signature=sig`,
			);
		expect(html).toContain(
			`<img src="${link('drift_take1_1')}" alt="The mug at 2.5 s" loading="lazy">`,
		);
		expect(html).toContain(
			`<img src="${link('drift_take1_2')}" alt="Blue, as the bible asks" loading="lazy">`,
		);
		// A picture the media link would refuse is not linked.
		expect(html).not.toContain('Typed as a web page');
		expect(html).toContain(`preload="none" poster="${link('drift_take1_poster')}"`);
		const verdictAt = html.indexOf('class="verdict"');
		expect(html.indexOf('The numbers', verdictAt)).toBeGreaterThan(
			html.indexOf('alt="The mug at 2.5 s"'),
		);
		expect(html).toContain('<tr><th scope="row">Props</th><td>0.90</td><td>75%</td></tr>');
	});

	it('filters by what is flagged and counts what is decided with CSS alone, outside the form', () => {
		const html = sceneBoard();
		const [beforeForm] = html.split('<form');
		for (const [id, label] of [
			['all', 'Every clip (5)'],
			['undecided', 'Not decided yet'],
			['character', 'Character (0)'],
			['lighting', 'Lighting and colour (0)'],
			['props', 'Props (1)'],
			['continuity', 'Continuity (0)'],
			['technical', 'Technical (0)'],
		])
			expect(beforeForm).toMatch(
				new RegExp(
					`<input type="radio" name="show" id="show-${id}"( checked)?> ${label.replace(/[()]/g, '\\$&')}</label>`,
				),
			);
		expect(beforeForm).toContain('Props (1)</label>');
		expect(html).toContain('<article class="card flag-props" id="clip-1"');
		expect(html).toContain('body:has(#show-props:checked) .card:not(.flag-props)');
		expect(html).toContain(
			'body:has(#show-undecided:checked) .card:not(:has(.decision input[value=undecided]:checked))',
		);
		expect(html).toContain('.tally .decided::before{content:counter(decided)}');
		expect(html).toContain(
			'<p class="tally"><span class="decided"></span> decided, <span class="undecided"></span> to decide</p>',
		);
		expect(
			html.match(
				/<p class="scene-tally"><span class="count"><\/span> of \d decided in this scene<\/p>/g,
			),
		).toHaveLength(3);
		expect(html).not.toContain('<script');
	});
});

describe('the numbers on the board', () => {
	it('read on the side of the thresholds the clip was routed on', () => {
		const [item] = reviewBatch([{ status: 'needs_review', route: 'review' }]);
		const take = item.takes[item.takes.length - 1];
		take.drift = {
			...take.drift!,
			drift: 0.149,
			confidence: 0.598,
			dimensions: {
				lighting: { drift: 0.149, confidence: 0.598, reasons: ['a little cooler than the scene'] },
			},
			thresholds: { pass: 0.15, fail: 0.5, minConfidence: 0.6 },
		};
		const inputs = [
			{
				json: {},
				binary: { [take.clip!.binaryProperty]: { data: '', mimeType: 'video/mp4' } },
			},
		];
		const view = buildBoardView(
			boardEntries([item], 'needsReview'),
			inputs,
			'clip',
			'r',
			'keep',
			sign,
		);
		// Rounded to 0.15 and 60%, the row would read as failing both limits it was routed under.
		expect(renderBoard(view, NONCE)).toContain(
			'<tr><th scope="row">Lighting</th><td>0.149</td><td>59.8%</td></tr>',
		);
	});
});
