import { REVIEW_FORM } from '../../core/review';
import type { BoardFlag } from '../../core/reviewWords';
import { REVIEW_TAGS } from '../../core/types';
import { escapeHtml, page } from './html';

/**
 * The review board: every clip that needs eyes, grouped by scene in shot order, each with its poster
 * frame, what automatic QA found in plain words with the pictures that show it, its prompt and its
 * earlier takes. No scripts: the filter, the counts of decided clips and the highlighted decisions
 * are CSS (`:has()`, `:checked`, counters) over ordinary form controls, so the page works with the
 * keyboard alone and under a policy that runs nothing.
 */

export interface BoardPicture {
	url: string;
	caption: string;
}

export interface EarlierTakeView {
	label: string;
	clipUrl?: string;
	posterUrl?: string;
	notes: string[];
}

export interface QaView {
	route: string;
	/** "Passed", "Check this", "Make again". */
	verdict: string;
	/** The most important reason and how sure, in plain words. */
	headline: string;
	findings: Array<{
		flag: BoardFlag;
		flagName: string;
		text: string;
		sureness: string;
		pictures: BoardPicture[];
	}>;
	/** Per measured dimension: how far from the bible (0-1) and how sure, after the words. */
	numbers: Array<{ label: string; distance: string; sure: string }>;
	/** What the checks said, in their own words, and what they could not check. */
	details: string[];
	correctivePrompt?: string;
}

export interface BoardClipView {
	position: number;
	key: string;
	/** "Shot 3 of 12, take 2". */
	heading: string;
	description: string;
	camera?: string;
	prompt: string;
	clipUrl?: string;
	/** The frame the drift report points at. */
	posterUrl?: string;
	contactSheetUrl?: string;
	/** Why there is no clip to play (Google's safety filter withheld it, say). */
	missingClipReason?: string;
	/** The longest note the shot's next prompt can hold. */
	noteLimit: number;
	qa?: QaView;
	flags: BoardFlag[];
	/** Whether automatic QA passed it: "approve all that passed" approves it when undecided. */
	passedQa: boolean;
	earlierTakes: EarlierTakeView[];
}

export interface BoardSceneView {
	index: number;
	heading: string;
	clips: BoardClipView[];
}

export interface BoardView {
	title: string;
	subtitle: string;
	/** What becomes of the clips the editor leaves undecided. */
	undecidedNote: string;
	submitUrl: string;
	round: string;
	filters: Array<{ flag: BoardFlag; name: string; count: number }>;
	scenes: BoardSceneView[];
	clipCount: number;
	passedCount: number;
}

const field = REVIEW_FORM.field;

function radio(position: number, value: string, label: string, checked = false): string {
	const name = field('decision', position);
	return `<label><input type="radio" name="${name}" value="${value}"${checked ? ' checked' : ''}> ${label}</label>`;
}

function pictures(list: BoardPicture[]): string {
	if (!list.length) return '';
	// The caption is the picture's text alternative; shown once more below it for sighted readers.
	return `<div class="pictures">${list
		.map(
			(picture) =>
				`<figure><img src="${escapeHtml(picture.url)}" alt="${escapeHtml(picture.caption)}" loading="lazy">` +
				`<figcaption aria-hidden="true">${escapeHtml(picture.caption)}</figcaption></figure>`,
		)
		.join('')}</div>`;
}

function qaBlock(qa: QaView): string {
	// The headline says the first finding; the others follow it, each with its pictures.
	const [first, ...others] = qa.findings;
	const more = others.length
		? `<ul class="findings">${others
				.map(
					(finding) =>
						`<li><span class="flag">${escapeHtml(finding.flagName)}:</span> ${escapeHtml(finding.text)} ` +
						`<span class="sure">${escapeHtml(finding.sureness)}</span>${pictures(finding.pictures)}</li>`,
				)
				.join('')}</ul>`
		: '';
	const rows = qa.numbers.map(
		(row) =>
			`<tr><th scope="row">${escapeHtml(row.label)}</th>` +
			`<td>${escapeHtml(row.distance)}</td><td>${escapeHtml(row.sure)}</td></tr>`,
	);
	const table = qa.numbers.length
		? '<table><thead><tr><th scope="col">Check</th><th scope="col">Distance from the bible</th>' +
			`<th scope="col">How sure</th></tr></thead><tbody>${rows.join('')}</tbody></table>` +
			'<p class="muted">A distance of 0 is exactly what the bible asks for, 1 nothing like it.</p>'
		: '';
	const said = qa.details.length
		? `<ul>${qa.details.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`
		: '';
	const numbers =
		table || said
			? `<details><summary>The numbers and the checks' own words</summary>${table}${said}</details>`
			: '';
	const fix = qa.correctivePrompt
		? `<p class="muted">Suggested fix for the next take: ${escapeHtml(qa.correctivePrompt)}</p>`
		: '';
	const verdict = `<strong>${escapeHtml(qa.verdict)}.</strong> ${escapeHtml(qa.headline)}`;
	const firstPictures = first ? pictures(first.pictures) : '';
	return `<div class="qa ${escapeHtml(qa.route)}"><p class="verdict">${verdict}</p>${firstPictures}${more}${numbers}${fix}</div>`;
}

function earlierTakes(clip: BoardClipView): string {
	if (!clip.earlierTakes.length) return '';
	const takes = clip.earlierTakes.map((take) => {
		const poster = take.posterUrl ? ` poster="${escapeHtml(take.posterUrl)}"` : '';
		const video = take.clipUrl
			? `<video controls preload="none"${poster} src="${escapeHtml(take.clipUrl)}" ` +
				`aria-label="${escapeHtml(`${take.label}, ${clip.heading}`)}"></video>`
			: '';
		const notes = take.notes.map((note) => `<p>${escapeHtml(note)}</p>`).join('');
		return `<div>${video}<p class="muted">${escapeHtml(take.label)}</p>${notes}</div>`;
	});
	return (
		`<details><summary>Earlier takes (${clip.earlierTakes.length})</summary>` +
		`<div class="takes">${takes.join('')}</div></details>`
	);
}

function clipCard(clip: BoardClipView): string {
	const { position } = clip;
	const titleId = `clip-${position}-title`;
	const poster = clip.posterUrl ? ` poster="${escapeHtml(clip.posterUrl)}"` : '';
	const media = clip.clipUrl
		? `<video controls playsinline preload="${clip.posterUrl ? 'none' : 'metadata'}"${poster} ` +
			`src="${escapeHtml(clip.clipUrl)}" aria-label="Clip of ${escapeHtml(clip.heading)}"></video>`
		: `<p class="qa regenerate">No clip to play: ${escapeHtml(clip.missingClipReason ?? 'the take has no video')}</p>`;
	const sheet = clip.contactSheetUrl
		? '<details><summary>Every sampled frame (contact sheet)</summary>' +
			`<img class="sheet" alt="Frames sampled across the clip, with each check's verdict" ` +
			`src="${escapeHtml(clip.contactSheetUrl)}" loading="lazy"></details>`
		: '';
	const decision =
		radio(position, 'approve', 'Approve') +
		radio(position, 'reject', 'Reject') +
		radio(position, 'undecided', 'Leave undecided', true);
	const tags = REVIEW_TAGS.map(
		(tag) =>
			`<label><input type="checkbox" name="${field('tags', position)}" value="${tag}"> ${tag}</label>`,
	).join('');
	const noteBox =
		`<textarea id="note-${position}" name="${field('note', position)}" rows="2" maxlength="${clip.noteLimit}" ` +
		'placeholder="e.g. the mug must be blue, not green"></textarea>';
	const classes = ['card', ...clip.flags.map((flag) => `flag-${flag}`)].join(' ');
	return `<article class="${classes}" id="clip-${position}" aria-labelledby="${titleId}">
<h3 id="${titleId}">${escapeHtml(clip.heading)}</h3>
<p>${escapeHtml(clip.description)}</p>${clip.camera ? `<p class="muted">Camera: ${escapeHtml(clip.camera)}</p>` : ''}
${media}${clip.qa ? qaBlock(clip.qa) : ''}${sheet}
<details><summary>Prompt sent to the model</summary><pre>${escapeHtml(clip.prompt)}</pre></details>${earlierTakes(clip)}
<input type="hidden" name="${field('clip', position)}" value="${escapeHtml(clip.key)}">
<fieldset class="decision"><legend>Decision on ${escapeHtml(clip.heading)}</legend><div class="choices">${decision}</div></fieldset>
<label for="note-${position}">Note for the next take, sent when you reject (up to ${clip.noteLimit} characters)</label>
${noteBox}
<fieldset><legend>What is wrong</legend><div class="choices">${tags}</div></fieldset>
</article>`;
}

function scene(view: BoardSceneView): string {
	const titleId = `scene-${view.index}-title`;
	const passed = view.clips.filter((clip) => clip.passedQa).length;
	const approve = passed
		? `<button type="submit" name="${REVIEW_FORM.action}" value="${REVIEW_FORM.approvePassedIn(view.index)}" ` +
			`class="secondary">Approve the ${passed} that passed QA in this scene</button>`
		: '';
	const tally = `<span class="count"></span> of ${view.clips.length} decided in this scene`;
	return `<section class="scene" aria-labelledby="${titleId}">
<h2 id="${titleId}">${escapeHtml(view.heading)}</h2>
<div class="cards">${view.clips.map(clipCard).join('\n')}</div>
<div class="scene-end"><p class="scene-tally">${tally}</p>${approve}</div>
</section>`;
}

function filter(view: BoardView): string {
	const option = (id: string, label: string, checked = false) =>
		`<label><input type="radio" name="show" id="show-${id}"${checked ? ' checked' : ''}> ${escapeHtml(label)}</label>`;
	const options = [
		option('all', `Every clip (${view.clipCount})`, true),
		option('undecided', 'Not decided yet'),
		...view.filters.map((entry) => option(entry.flag, `${entry.name} (${entry.count})`)),
	];
	return (
		'<nav aria-label="Filter the board"><fieldset class="filter"><legend>Show</legend>' +
		`<div class="choices">${options.join('')}</div></fieldset></nav>`
	);
}

/**
 * The page. The filter sits outside the form, so it is never submitted. The form's first submit
 * button is a disabled one: pressing Enter in a field (or on a radio button) submits a form with
 * its first button, and a half-decided board should only go when the editor presses a button.
 */
export function renderBoard(view: BoardView, nonce: string): string {
	const meta = `${escapeHtml(view.subtitle)}. ${escapeHtml(view.undecidedNote)}`;
	const approveAll = view.passedCount
		? `<button type="submit" name="${REVIEW_FORM.action}" value="${REVIEW_FORM.approvePassed}" class="secondary">` +
			`Approve all ${view.passedCount} that passed QA</button>`
		: '';
	const reviewer =
		'<label for="reviewer" class="who">Your name</label>' +
		`<input type="text" id="reviewer" name="${REVIEW_FORM.reviewer}" maxlength="120" autocomplete="name" class="reviewer">`;
	const body = `<header><h1>${escapeHtml(view.title)}</h1><p class="meta">${meta}</p></header>
${filter(view)}
<form method="post" action="${escapeHtml(view.submitUrl)}">
<button type="submit" disabled hidden aria-hidden="true" tabindex="-1">Nothing</button>
<input type="hidden" name="${REVIEW_FORM.round}" value="${escapeHtml(view.round)}">
<main>${view.scenes.map(scene).join('\n')}</main>
<footer><p class="tally"><span class="decided"></span> decided, <span class="undecided"></span> to decide</p>
${reviewer}
<button type="submit" name="${REVIEW_FORM.action}" value="${REVIEW_FORM.submit}">Submit decisions</button>${approveAll}</footer></form>`;
	return page(view.title, nonce, body);
}
