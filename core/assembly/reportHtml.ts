import { DIMENSION_NAMES } from '../scoring/report';
import { fixedBeside } from '../scoring/words';
import type { DriftDimension, ReviewAnnotation } from '../types';
import type { ProductionReport, RateFigure, ReportShot, ReportTake } from './report';

/**
 * The production report as one self-contained HTML page for people. Every text that came from the
 * pipeline (titles, prompts, notes, reviewers' words) is escaped: it was written by people and
 * language models, and the page may be opened in a browser from n8n.
 */

export function escapeHtml(text: unknown): string {
	return String(text ?? '')
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

// Figures from the items are not type-checked at run time: a malformed one is shown, not thrown on.
const fixed = (value: unknown, digits: number) =>
	typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : escapeHtml(value);
const percent = (rate: number | null) =>
	rate === null ? 'not measured' : `${fixed(rate * 100, 1)}%`;
const usd = (value: number | null) => (value === null ? '-' : `$${fixed(value, 2)}`);

function rateRow(label: string, figure: RateFigure): string {
	return `<tr><th>${escapeHtml(label)}</th><td>${percent(figure.rate)}</td><td>${figure.passed} of ${figure.of}</td></tr>`;
}

function driftParagraph(drift: ReportTake['drift']): string {
	if (!drift) return '<p><b>Drift</b> not scored</p>';
	const limits = drift.thresholds ? [drift.thresholds.pass, drift.thresholds.fail] : [];
	const score =
		typeof drift.drift === 'number' ? fixedBeside(drift.drift, limits) : escapeHtml(drift.drift);
	const reasons = drift.reasons?.length ? `: ${drift.reasons.map(escapeHtml).join('; ')}` : '';
	return (
		`<p><b>Drift</b> ${score} (confidence ${fixed(drift.confidence, 2)}), ` +
		`route <b>${escapeHtml(drift.route)}</b>${reasons}</p>`
	);
}

function reviewParagraph(review: ReportTake['review']): string {
	if (!review) return '<p><b>Review</b> none</p>';
	const note = review.note ? ` - ${escapeHtml(review.note)}` : '';
	const tags = review.tags?.length ? ` [${review.tags.map(escapeHtml).join(', ')}]` : '';
	const annotations = review.annotations?.length
		? `<ul>${review.annotations.map(annotationItem).join('')}</ul>`
		: '';
	return (
		`<p><b>Review</b> ${escapeHtml(review.decision)} by ${escapeHtml(review.reviewer ?? 'unknown')} ` +
		`at ${escapeHtml(review.decidedAt)}${note}${tags}</p>${annotations}`
	);
}

function annotationItem(note: ReviewAnnotation): string {
	const at = note.atSeconds !== undefined ? `${fixed(note.atSeconds, 1)} s: ` : '';
	return `<li>${at}${escapeHtml(note.text)}</li>`;
}

function takeBlock(take: ReportTake): string {
	const badges = [
		take.usedInCut ? '<span class="used">in the cut</span>' : '',
		take.approved && !take.usedInCut ? '<span class="ok">approved</span>' : '',
	].join(' ');
	const reason = take.reason ? `: ${escapeHtml(take.reason)}` : '';
	const generation = [
		take.generationSeconds !== undefined
			? `, ${fixed(take.generationSeconds, 1)} s to generate`
			: '',
		take.outputTokens !== undefined ? `, ${take.outputTokens} output tokens billed` : '',
	].join('');
	const open = take.usedInCut ? ' open' : '';
	const summary = `${escapeHtml(take.id)} - ${escapeHtml(take.outcome)}${reason} - ${usd(take.costUsd)} ${badges}`;
	return `<details${open}><summary>${summary}</summary>
<p><b>Model</b> ${escapeHtml(take.model)}${generation}</p>
${makingOf(take)}
<pre>${escapeHtml(take.prompt)}</pre>${take.negativePrompt ? `<p><b>Negative</b> ${escapeHtml(take.negativePrompt)}</p>` : ''}
${driftParagraph(take.drift)}
${reviewParagraph(take.review)}</details>`;
}

/** How the take was made, when it was more than a fresh generation of its own prompt. */
function makingOf(take: ReportTake): string {
	const notes = [
		take.mode === 'edit' && take.editOf ? `an edit of ${escapeHtml(take.editOf)}` : '',
		take.editFallback ? `generated anew: ${escapeHtml(take.editFallback)}` : '',
		take.firstFrameFrom ? `starts from the last frame of ${escapeHtml(take.firstFrameFrom)}` : '',
	].filter(Boolean);
	return notes.length ? `<p><b>Made as</b> ${notes.join('; ')}</p>` : '';
}

function shotSection(shot: ReportShot): string {
	const placed =
		shot.inCut.kind === 'take'
			? `take ${escapeHtml(shot.inCut.takeId)} (${escapeHtml(shot.inCut.chosenBy)})`
			: `<span class="bad">slate: ${escapeHtml(shot.inCut.reason)}</span>`;
	const sequence = shot.sequence !== null ? ` (#${shot.sequence})` : '';
	const span = `${escapeHtml(shot.inCut.recordIn)} to ${escapeHtml(shot.inCut.recordOut)}`;
	return `<section><h3>${escapeHtml(shot.shotId)}${sequence} - ${span}</h3>
<p>${escapeHtml(shot.description ?? '')}</p>
<p><b>In the cut:</b> ${placed}; status ${escapeHtml(shot.status)}; ${shot.takes.length} take(s)</p>
${shot.takes.map(takeBlock).join('\n')}</section>`;
}

/** A table row: its heading cell, then its data cells. */
function row(heading: string, ...cells: Array<string | number>): string {
	return `<tr><th>${heading}</th>${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
}

/** A table's heading row. */
function headingRow(...headings: string[]): string {
	return `<tr>${headings.map((heading) => `<th>${heading}</th>`).join('')}</tr>`;
}

function agreementSection(agreement: ProductionReport['qaAgreement']): string {
	if (!agreement)
		return '<h2>Automatic QA and people</h2><p>Nobody decided on a scored clip yet.</p>';
	const rows = Object.entries(agreement.dimensions)
		.map(([dimension, figures]) =>
			row(
				escapeHtml(DIMENSION_NAMES[dimension as DriftDimension] ?? dimension),
				figures!.clips,
				figures!.approvedButFlagged,
				figures!.rejectedButPassed,
				`${figures!.current.pass} / ${figures!.current.fail}`,
				`${figures!.recommended.pass} / ${figures!.recommended.fail}`,
			),
		)
		.join('\n');
	const outcome = (label: string, figures: typeof agreement.current) =>
		row(
			label,
			figures.review,
			`${figures.rejectedPassed}${
				figures.rejectedPassedShare === null
					? ''
					: ` (${fixed(figures.rejectedPassedShare * 100, 1)}%)`
			}`,
			figures.approvedRegenerated,
		);
	const { approved, rejected } = agreement.decisions;
	const headings = headingRow(
		'Dimension',
		'Clips',
		'Approved, QA flagged',
		'Rejected, QA passed',
		'Pass / fail now',
		'Recommended',
	);
	return `<h2>Automatic QA and people</h2>
<p>${approved} clips approved and ${rejected} rejected by people. Target: ${escapeHtml(agreement.target)}.</p>
<table>${headings}
${rows}</table>
<table><tr><th>Routing</th><th>Sent to review</th><th>Rejected clips passed</th><th>Approved clips regenerated</th></tr>
${outcome('As routed', agreement.current)}
${outcome('With the recommended thresholds', agreement.recommended)}</table>
${agreement.notes.map((note) => `<p>${escapeHtml(note)}</p>`).join('')}`;
}

const REPORT_STYLES = [
	'body{font:15px/1.45 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1f1f1f}',
	'table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.25rem .6rem;text-align:left}',
	'section{border-top:1px solid #ccc;margin-top:1rem}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem}',
	'.used{background:#1a73e8;color:#fff;padding:0 .4rem;border-radius:3px}' +
		'.ok{background:#188038;color:#fff;padding:0 .4rem;border-radius:3px}.bad{color:#c5221f}',
	'',
].join('\n');

function cutRows(cut: ProductionReport['cut']): string {
	const picture = cut.video === 'copy' ? 'copied from the clips' : 're-encoded';
	const sound = cut.audio === 'copy' ? 'copied' : 're-encoded';
	const why = cut.reencodeReasons.length
		? ` (${cut.reencodeReasons.map(escapeHtml).join('; ')})`
		: '';
	const { loudness } = cut;
	const measured =
		loudness && loudness.measuredLufs !== null
			? `, measured before ${loudness.measuredLufs} LUFS`
			: '';
	const renditions = cut.renditions.map(
		(r) => `${escapeHtml(r.aspectRatio)} ${r.width}x${r.height} (${escapeHtml(r.fit)})`,
	);
	return [
		row(
			'Length',
			`${cut.durationSeconds.toFixed(2)} s (${cut.frames} frames at ${cut.frameRate} fps), ` +
				`${cut.width}x${cut.height}`,
		),
		row('Picture / sound', `${picture} / ${sound}${why}`),
		row(
			'Transitions',
			`${escapeHtml(cut.transition.kind)}${cut.transition.seconds ? `, ${cut.transition.seconds} s` : ''}`,
		),
		row('Loudness', loudness ? `target ${loudness.targetLufs} LUFS${measured}` : 'as generated'),
		row('Renditions', renditions.length ? renditions.join(', ') : 'none'),
	].join('\n');
}

function totalsRows(report: ProductionReport): string {
	const { totals, decisions } = report;
	const decisionsFile = `<a href="${escapeHtml(encodeURIComponent(decisions.fileName))}">${escapeHtml(decisions.fileName)}</a>`;
	const perApprovedSecond =
		totals.costPerApprovedSecondUsd === null
			? '-'
			: `$${fixed(totals.costPerApprovedSecondUsd, 4)}`;
	return [
		row(
			'Shots',
			`${totals.shots} (${totals.shotsWithApprovedTake} approved, ${totals.slates} slates)`,
		),
		row('Takes tried / clips generated', `${totals.takesTried} / ${totals.clipsGenerated}`),
		row('Approved on the first try', totals.clipsApprovedOnFirstTry),
		row('Regenerations', totals.regenerations),
		row(
			'Human review load',
			`${totals.humanReviews} decisions (${percent(totals.humanReviewShareOfClips)} of clips), ` +
				`${totals.annotations} annotations`,
		),
		row(
			'Decisions export',
			`${decisionsFile}: ${decisions.records} decision${decisions.records === 1 ? '' : 's'} ` +
				"of people on scored clips, one JSON line each, for Drift Score's calibration",
		),
		row(
			'Cost',
			`${usd(totals.costUsd)} in all, ${perApprovedSecond} per approved second (${totals.approvedSeconds} s)`,
		),
	].join('\n');
}

export function renderReportHtml(report: ProductionReport): string {
	const { passRates } = report;
	const notes = report.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('');
	return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(report.title)} - production report</title>
<style>
${REPORT_STYLES}</style></head><body>
<h1>${escapeHtml(report.title)}</h1>
<p>${escapeHtml(report.logline)}</p>
<p>Pipeline ${escapeHtml(report.pipelineId)}, model ${escapeHtml(report.model)}, assembled ${escapeHtml(report.generatedAt)}</p>
<h2>The cut</h2>
<table>
${cutRows(report.cut)}
</table>
<h2>Totals</h2>
<table>
${totalsRows(report)}
</table>
<h2>Reliability, measured</h2>
<table>
<tr><th>Step</th><th>Pass rate</th><th>Count</th></tr>
${rateRow('Generation', passRates.generation)}
${rateRow('Automatic QA', passRates.automaticQa)}
${rateRow('Approval', passRates.approval)}
${rateRow('Human approval (of clips people decided)', passRates.humanApproval)}
<tr><th>End to end (product)</th><td>${percent(passRates.endToEnd)}</td><td></td></tr>
${rateRow('End to end (counted)', passRates.observedEndToEnd)}
</table>
<p>${escapeHtml(passRates.explanation)}</p>
${agreementSection(report.qaAgreement)}
${report.notes.length ? `<h2>Notes</h2><ul>${notes}</ul>` : ''}
<h2>Shots</h2>
${report.shots.map(shotSection).join('\n')}
</body></html>
`;
}
