import { REVIEW_TAGS } from '../../core/types';
import { escapeHtml, page } from './html';

/** The review board: every clip that needs eyes, beside its shot, its prompt and its drift report. */

export interface EarlierTakeView {
	label: string;
	clipUrl?: string;
	notes: string[];
}

export interface BoardClipView {
	position: number;
	key: string;
	heading: string;
	description: string;
	camera?: string;
	prompt: string;
	clipUrl?: string;
	contactSheetUrl?: string;
	/** Why there is no clip (e.g. Google's safety filter withheld it). */
	missingClipReason?: string;
	drift?: {
		/** The drift as a percentage, written so that it reads on the side of the thresholds it was routed on. */
		percent: string;
		/** The confidence, written likewise ("59.8% sure" under a 60% minimum). */
		sure: string;
		confidence: number;
		route: string;
		reasons: string[];
		correctivePrompt?: string;
	};
	earlierTakes: EarlierTakeView[];
}

export interface BoardView {
	title: string;
	subtitle: string;
	/** What becomes of the clips the editor leaves undecided, shown beside the buttons. */
	undecidedNote: string;
	submitUrl: string;
	clips: BoardClipView[];
}

function choice(position: number, value: string, label: string, checked = false): string {
	return `<label><input type="radio" name="decision-${position}" value="${value}"${checked ? ' checked' : ''}> ${label}</label>`;
}

function driftBlock(drift: NonNullable<BoardClipView['drift']>): string {
	const reasons = drift.reasons.length
		? `<ul>${drift.reasons.map((reason) => `<li>${escapeHtml(reason)}</li>`).join('')}</ul>`
		: '';
	const fix = drift.correctivePrompt
		? `<div class="muted">Suggested fix: ${escapeHtml(drift.correctivePrompt)}</div>`
		: '';
	return `<div class="drift ${escapeHtml(drift.route)}"><strong>Drift ${escapeHtml(drift.percent)}</strong> <span class="muted">(${escapeHtml(drift.sure)}, automatic QA says: ${escapeHtml(drift.route)})</span>${reasons}${fix}</div>`;
}

function clipCard(clip: BoardClipView): string {
	const media = clip.clipUrl
		? `<video controls preload="metadata" playsinline src="${escapeHtml(clip.clipUrl)}"></video>`
		: `<p class="drift regenerate">No clip: ${escapeHtml(clip.missingClipReason ?? 'the take has no video')}</p>`;
	const sheet = clip.contactSheetUrl
		? `<img class="sheet" alt="Contact sheet of sampled frames" src="${escapeHtml(clip.contactSheetUrl)}">`
		: '';
	const takes = clip.earlierTakes.length
		? `<details><summary>Earlier takes (${clip.earlierTakes.length})</summary><div class="takes">${clip.earlierTakes
				.map(
					(take) =>
						`<div>${take.clipUrl ? `<video controls preload="none" src="${escapeHtml(take.clipUrl)}"></video>` : ''}<div class="muted">${escapeHtml(take.label)}</div>${take.notes.map((note) => `<div>${escapeHtml(note)}</div>`).join('')}</div>`,
				)
				.join('')}</div></details>`
		: '';
	const tags = REVIEW_TAGS.map(
		(tag) =>
			`<label><input type="checkbox" name="tags-${clip.position}" value="${tag}"> ${tag}</label>`,
	).join('');
	return `<section class="card" id="clip-${clip.position}">
<h2>${escapeHtml(clip.heading)}</h2>
<div>${escapeHtml(clip.description)}</div>${clip.camera ? `<div class="muted">Camera: ${escapeHtml(clip.camera)}</div>` : ''}
${media}${clip.drift ? driftBlock(clip.drift) : ''}${sheet}
<details><summary>Prompt sent to Veo</summary><pre>${escapeHtml(clip.prompt)}</pre></details>${takes}
<input type="hidden" name="clip-${clip.position}" value="${escapeHtml(clip.key)}">
<fieldset><legend>Decision</legend><div class="choices">${choice(clip.position, 'approve', 'Approve')}${choice(clip.position, 'reject', 'Reject')}${choice(clip.position, 'undecided', 'Leave undecided', true)}</div></fieldset>
<label class="muted" for="note-${clip.position}">Note (sent back to generation when you reject)</label>
<textarea id="note-${clip.position}" name="note-${clip.position}" rows="2" maxlength="2000" placeholder="e.g. the mug must be blue, not green"></textarea>
<fieldset><legend>What is wrong</legend><div class="choices">${tags}</div></fieldset>
</section>`;
}

/**
 * The buttons stay in reach at the bottom of the screen. "Submit decisions" comes first because
 * pressing Enter in the name field submits with the form's first button.
 */
export function renderBoard(view: BoardView, nonce: string): string {
	const body = `<form method="post" action="${escapeHtml(view.submitUrl)}">
<header><h1>${escapeHtml(view.title)}</h1><span class="meta">${escapeHtml(view.subtitle)}. ${escapeHtml(view.undecidedNote)}</span>
<input type="text" name="reviewer" placeholder="Your name" aria-label="Your name" maxlength="120" autocomplete="name" class="reviewer"></header>
<main>${view.clips.map(clipCard).join('\n')}</main>
<footer><button type="submit" name="action" value="submit">Submit decisions</button><button type="submit" name="action" value="approvePassed" class="secondary">Approve all that passed QA</button></footer></form>`;
	return page(view.title, nonce, body);
}
