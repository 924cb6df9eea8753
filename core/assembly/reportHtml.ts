import { DIMENSION_NAMES } from '../scoring/report';
import { fixedBeside } from '../scoring/words';
import type { DriftDimension } from '../types';
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

function takeBlock(take: ReportTake): string {
	const limits = take.drift?.thresholds
		? [take.drift.thresholds.pass, take.drift.thresholds.fail]
		: [];
	const drift = take.drift
		? `<p><b>Drift</b> ${typeof take.drift.drift === 'number' ? fixedBeside(take.drift.drift, limits) : escapeHtml(take.drift.drift)} (confidence ${fixed(take.drift.confidence, 2)}), route <b>${escapeHtml(take.drift.route)}</b>${
				take.drift.reasons?.length ? `: ${take.drift.reasons.map(escapeHtml).join('; ')}` : ''
			}</p>`
		: '<p><b>Drift</b> not scored</p>';
	const review = take.review
		? `<p><b>Review</b> ${escapeHtml(take.review.decision)} by ${escapeHtml(take.review.reviewer ?? 'unknown')} at ${escapeHtml(take.review.decidedAt)}${
				take.review.note ? ` - ${escapeHtml(take.review.note)}` : ''
			}${take.review.tags?.length ? ` [${take.review.tags.map(escapeHtml).join(', ')}]` : ''}</p>${
				take.review.annotations?.length
					? `<ul>${take.review.annotations.map((note) => `<li>${note.atSeconds !== undefined ? `${fixed(note.atSeconds, 1)} s: ` : ''}${escapeHtml(note.text)}</li>`).join('')}</ul>`
					: ''
			}`
		: '<p><b>Review</b> none</p>';
	const badges = [
		take.usedInCut ? '<span class="used">in the cut</span>' : '',
		take.approved && !take.usedInCut ? '<span class="ok">approved</span>' : '',
	].join(' ');
	return `<details${take.usedInCut ? ' open' : ''}><summary>${escapeHtml(take.id)} - ${escapeHtml(take.outcome)}${take.reason ? `: ${escapeHtml(take.reason)}` : ''} - ${usd(take.costUsd)} ${badges}</summary>
<p><b>Model</b> ${escapeHtml(take.model)}${take.generationSeconds !== undefined ? `, ${fixed(take.generationSeconds, 1)} s to generate` : ''}${take.outputTokens !== undefined ? `, ${take.outputTokens} output tokens billed` : ''}</p>
${makingOf(take)}
<pre>${escapeHtml(take.prompt)}</pre>${take.negativePrompt ? `<p><b>Negative</b> ${escapeHtml(take.negativePrompt)}</p>` : ''}
${drift}
${review}</details>`;
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
	return `<section><h3>${escapeHtml(shot.shotId)}${shot.sequence !== null ? ` (#${shot.sequence})` : ''} - ${escapeHtml(shot.inCut.recordIn)} to ${escapeHtml(shot.inCut.recordOut)}</h3>
<p>${escapeHtml(shot.description ?? '')}</p>
<p><b>In the cut:</b> ${placed}; status ${escapeHtml(shot.status)}; ${shot.takes.length} take(s)</p>
${shot.takes.map(takeBlock).join('\n')}</section>`;
}

function agreementSection(agreement: ProductionReport['qaAgreement']): string {
	if (!agreement)
		return '<h2>Automatic QA and people</h2><p>Nobody decided on a scored clip yet.</p>';
	const rows = Object.entries(agreement.dimensions)
		.map(
			([dimension, figures]) =>
				`<tr><th>${escapeHtml(DIMENSION_NAMES[dimension as DriftDimension] ?? dimension)}</th><td>${figures!.clips}</td><td>${figures!.approvedButFlagged}</td><td>${figures!.rejectedButPassed}</td><td>${figures!.current.pass} / ${figures!.current.fail}</td><td>${figures!.recommended.pass} / ${figures!.recommended.fail}</td></tr>`,
		)
		.join('\n');
	const outcome = (label: string, figures: typeof agreement.current) =>
		`<tr><th>${label}</th><td>${figures.review}</td><td>${figures.rejectedPassed}${figures.rejectedPassedShare === null ? '' : ` (${fixed(figures.rejectedPassedShare * 100, 1)}%)`}</td><td>${figures.approvedRegenerated}</td></tr>`;
	return `<h2>Automatic QA and people</h2>
<p>${agreement.decisions.approved} clips approved and ${agreement.decisions.rejected} rejected by people. Target: ${escapeHtml(agreement.target)}.</p>
<table><tr><th>Dimension</th><th>Clips</th><th>Approved, QA flagged</th><th>Rejected, QA passed</th><th>Pass / fail now</th><th>Recommended</th></tr>
${rows}</table>
<table><tr><th>Routing</th><th>Sent to review</th><th>Rejected clips passed</th><th>Approved clips regenerated</th></tr>
${outcome('As routed', agreement.current)}
${outcome('With the recommended thresholds', agreement.recommended)}</table>
${agreement.notes.map((note) => `<p>${escapeHtml(note)}</p>`).join('')}`;
}

export function renderReportHtml(report: ProductionReport): string {
	const { cut, totals, passRates } = report;
	return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(report.title)} - production report</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1f1f1f}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.25rem .6rem;text-align:left}
section{border-top:1px solid #ccc;margin-top:1rem}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem}
.used{background:#1a73e8;color:#fff;padding:0 .4rem;border-radius:3px}.ok{background:#188038;color:#fff;padding:0 .4rem;border-radius:3px}.bad{color:#c5221f}
</style></head><body>
<h1>${escapeHtml(report.title)}</h1>
<p>${escapeHtml(report.logline)}</p>
<p>Pipeline ${escapeHtml(report.pipelineId)}, model ${escapeHtml(report.model)}, assembled ${escapeHtml(report.generatedAt)}</p>
<h2>The cut</h2>
<table>
<tr><th>Length</th><td>${cut.durationSeconds.toFixed(2)} s (${cut.frames} frames at ${cut.frameRate} fps), ${cut.width}x${cut.height}</td></tr>
<tr><th>Picture / sound</th><td>${cut.video === 'copy' ? 'copied from the clips' : 're-encoded'} / ${cut.audio === 'copy' ? 'copied' : 're-encoded'}${cut.reencodeReasons.length ? ` (${cut.reencodeReasons.map(escapeHtml).join('; ')})` : ''}</td></tr>
<tr><th>Transitions</th><td>${escapeHtml(cut.transition.kind)}${cut.transition.seconds ? `, ${cut.transition.seconds} s` : ''}</td></tr>
<tr><th>Loudness</th><td>${cut.loudness ? `target ${cut.loudness.targetLufs} LUFS${cut.loudness.measuredLufs !== null ? `, measured before ${cut.loudness.measuredLufs} LUFS` : ''}` : 'as generated'}</td></tr>
<tr><th>Renditions</th><td>${cut.renditions.length ? cut.renditions.map((r) => `${escapeHtml(r.aspectRatio)} ${r.width}x${r.height} (${escapeHtml(r.fit)})`).join(', ') : 'none'}</td></tr>
</table>
<h2>Totals</h2>
<table>
<tr><th>Shots</th><td>${totals.shots} (${totals.shotsWithApprovedTake} approved, ${totals.slates} slates)</td></tr>
<tr><th>Takes tried / clips generated</th><td>${totals.takesTried} / ${totals.clipsGenerated}</td></tr>
<tr><th>Approved on the first try</th><td>${totals.clipsApprovedOnFirstTry}</td></tr>
<tr><th>Regenerations</th><td>${totals.regenerations}</td></tr>
<tr><th>Human review load</th><td>${totals.humanReviews} decisions (${percent(totals.humanReviewShareOfClips)} of clips), ${totals.annotations} annotations</td></tr>
<tr><th>Decisions export</th><td><a href="${escapeHtml(encodeURIComponent(report.decisions.fileName))}">${escapeHtml(report.decisions.fileName)}</a>: ${report.decisions.records} decision${report.decisions.records === 1 ? '' : 's'} of people on scored clips, one JSON line each, for Drift Score's calibration</td></tr>
<tr><th>Cost</th><td>${usd(totals.costUsd)} in all, ${totals.costPerApprovedSecondUsd === null ? '-' : `$${fixed(totals.costPerApprovedSecondUsd, 4)}`} per approved second (${totals.approvedSeconds} s)</td></tr>
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
${report.notes.length ? `<h2>Notes</h2><ul>${report.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>` : ''}
<h2>Shots</h2>
${report.shots.map(shotSection).join('\n')}
</body></html>
`;
}
