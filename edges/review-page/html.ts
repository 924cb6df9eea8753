/** Plain server-rendered HTML for the review board: no scripts, no external assets. */

const ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;',
};

/** Every text from the pipeline (prompts, notes, names) goes through this before it reaches a page. */
export function escapeHtml(text: unknown): string {
	return String(text ?? '').replace(/[&<>"']/g, (character) => ESCAPES[character]);
}

/**
 * Only the page's own styles (by nonce), images and clips from the same origin, and forms that post
 * back to it. No scripts at all, so injected text cannot run even if escaping were missed.
 */
export function reviewPageCsp(nonce: string): string {
	return [
		"default-src 'none'",
		`style-src 'nonce-${nonce}'`,
		"img-src 'self'",
		"media-src 'self'",
		"form-action 'self'",
		"base-uri 'none'",
		"frame-ancestors 'none'",
	].join('; ');
}

/** The style sheet, a line an entry (a long line split where its rules or declarations end). */
const STYLES = [
	'',
	':root{color-scheme:light dark;--fg:#1d1d1f;--muted:#51565c;--bg:#f4f5f7;--card:#fff;--line:#c4c7cc;' +
		'--ok:#137333;--bad:#b3261e;--warn:#8a4b00;--accent:#1a5fb4;--on-accent:#fff;--focus:#1a5fb4}',
	'@media (prefers-color-scheme:dark){:root{--fg:#e8eaed;--muted:#b4b9bf;--bg:#1b1b1d;--card:#2a2a2d;' +
		'--line:#5f6368;--ok:#81c995;--bad:#f28b82;--warn:#fdd663;--accent:#8ab4f8;--on-accent:#1b1b1d;' +
		'--focus:#8ab4f8}}',
	'*{box-sizing:border-box}' +
		'body{margin:0;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;' +
		'color:var(--fg);background:var(--bg);overflow-wrap:anywhere}',
	':focus-visible{outline:3px solid var(--focus);outline-offset:2px}',
	'header{background:var(--card);border-bottom:1px solid var(--line);padding:12px 16px}',
	'h1{font-size:20px;margin:0}.meta,.muted{color:var(--muted);font-size:14px;margin:4px 0 0}',
	'nav{max-width:1240px;margin:0 auto;padding:8px 16px 0}',
	'main{max-width:1240px;margin:0 auto;padding:8px 16px 16px}',
	'.scene{margin:16px 0 24px}.scene h2{font-size:18px;margin:0 0 8px}',
	'.cards{display:grid;gap:16px;grid-template-columns:repeat(auto-fill,minmax(min(360px,100%),1fr))}',
	'.scene-end{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin-top:10px}.scene-tally{margin:0;color:var(--muted)}',
	'footer{position:sticky;bottom:0;background:var(--card);border-top:1px solid var(--line);' +
		'padding:8px 16px;display:flex;flex-wrap:wrap;gap:8px 12px;align-items:center;justify-content:center}',
	'.tally{margin:0;font-weight:600}label.who{font-size:14px}input.reviewer{flex:0 1 200px}',
	'@media (max-width:600px){header,nav,main{padding-left:10px;padding-right:10px}' +
		'footer{padding:6px 8px;gap:6px}footer button{flex:1 1 auto;padding:8px 10px}' +
		'input.reviewer{flex:1 1 120px}}',
	'.card{background:var(--card);border:2px solid var(--line);border-radius:10px;padding:12px;' +
		'display:flex;flex-direction:column;gap:8px;min-width:0}',
	'.card:has(.decision input[value=approve]:checked){border-color:var(--ok)}' +
		'.card:has(.decision input[value=reject]:checked){border-color:var(--bad)}',
	'.card h3{font-size:16px;margin:0}.card p{margin:0}',
	'video,img{display:block;max-width:100%;border-radius:6px}video{width:100%;aspect-ratio:16/9;background:#000}img.sheet{width:100%}',
	'.qa{border-left:4px solid var(--warn);padding:2px 8px;display:flex;flex-direction:column;gap:6px}' +
		'.qa.pass{border-color:var(--ok)}.qa.regenerate{border-color:var(--bad)}',
	'.verdict strong{font-weight:700}.sure{color:var(--muted)}.flag{font-weight:600}',
	'.findings{margin:0;padding-left:18px;display:flex;flex-direction:column;gap:6px}',
	'.pictures{display:grid;gap:6px;grid-template-columns:repeat(auto-fit,minmax(120px,1fr));margin-top:4px}',
	'figure{margin:0}figure img{width:100%;background:var(--bg)}figcaption{font-size:13px;color:var(--muted)}',
	'table{border-collapse:collapse;font-size:14px;width:100%}th,td{text-align:left;padding:2px 6px;border-bottom:1px solid var(--line)}',
	'details summary{cursor:pointer;color:var(--accent);min-height:32px;display:flex;align-items:center}' +
		'pre{white-space:pre-wrap;font-size:13px;margin:4px 0}',
	'fieldset{border:1px solid var(--line);border-radius:8px;margin:0;padding:4px 8px 6px;min-width:0}' +
		'legend{font-size:14px;color:var(--muted);padding:0 4px}',
	'.choices{display:flex;flex-wrap:wrap;gap:0 16px}.choices label{display:flex;gap:8px;align-items:center;min-height:44px}',
	'input[type=radio],input[type=checkbox]{width:22px;height:22px;margin:0;accent-color:var(--accent)}',
	'textarea,input[type=text]{width:100%;font:inherit;padding:8px;border:1px solid var(--muted);' +
		'border-radius:6px;background:var(--card);color:var(--fg)}',
	'button{font:inherit;min-height:44px;padding:8px 16px;border-radius:6px;' +
		'border:2px solid var(--accent);background:var(--accent);color:var(--on-accent);cursor:pointer}',
	'button.secondary{background:var(--card);color:var(--accent)}',
	'.takes{display:grid;gap:8px;grid-template-columns:repeat(auto-fill,minmax(160px,1fr))}' +
		'.notice{max-width:640px;margin:12vh auto;padding:24px}',
	'form{counter-reset:decided undecided}.scene{counter-reset:scene-decided}',
	'.card:has(.decision input[value=approve]:checked),.card:has(.decision input[value=reject]:checked){' +
		'counter-increment:decided scene-decided}',
	'.card:has(.decision input[value=undecided]:checked){counter-increment:undecided}',
	'.tally .decided::before{content:counter(decided)}' +
		'.tally .undecided::before{content:counter(undecided)}' +
		'.scene-tally .count::before{content:counter(scene-decided)}',
	'body:has(#show-character:checked) .card:not(.flag-character),',
	'body:has(#show-lighting:checked) .card:not(.flag-lighting),',
	'body:has(#show-props:checked) .card:not(.flag-props),',
	'body:has(#show-continuity:checked) .card:not(.flag-continuity),',
	'body:has(#show-technical:checked) .card:not(.flag-technical),',
	'body:has(#show-undecided:checked) .card:not(:has(.decision input[value=undecided]:checked)),',
	'body:has(#show-character:checked) .scene:not(:has(.flag-character)),',
	'body:has(#show-lighting:checked) .scene:not(:has(.flag-lighting)),',
	'body:has(#show-props:checked) .scene:not(:has(.flag-props)),',
	'body:has(#show-continuity:checked) .scene:not(:has(.flag-continuity)),',
	'body:has(#show-technical:checked) .scene:not(:has(.flag-technical)),',
	'body:has(#show-undecided:checked) .scene:not(:has(.decision input[value=undecided]:checked)){' +
		'visibility:hidden;position:absolute;width:1px;height:1px;overflow:hidden}',
	'',
].join('\n');

export function page(title: string, nonce: string, body: string): string {
	return (
		'<!doctype html><html lang="en"><head><meta charset="utf-8">' +
		'<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer">' +
		`<title>${escapeHtml(title)}</title><style nonce="${nonce}">${STYLES}</style></head>` +
		`<body>${body}</body></html>`
	);
}

/** A short page with one message (decisions recorded, already decided, refused submission). */
export function renderNotice(title: string, message: string, nonce: string): string {
	return page(
		title,
		nonce,
		`<main class="notice card"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main>`,
	);
}

/** A refused submission lists at most this many problems, each cut to this many characters. */
const MAX_PROBLEMS_SHOWN = 5;
const MAX_PROBLEM_CHARS = 200;

/**
 * The page for a refused submission: what was wrong, bounded whatever was posted (a 249 KB
 * request once gave a 1.17 MB page listing every bad field), and that nothing was decided.
 */
export function renderRefusal(
	problems: ReadonlyArray<{ path: string; message: string }>,
	hint: string,
	nonce: string,
): string {
	const cut = (text: string) =>
		text.length > MAX_PROBLEM_CHARS ? `${text.slice(0, MAX_PROBLEM_CHARS - 1)}\u2026` : text;
	const listed = problems
		.slice(0, MAX_PROBLEMS_SHOWN)
		.map((problem) => `<li>${escapeHtml(cut(`${problem.path}: ${problem.message}`))}</li>`)
		.join('');
	const more =
		problems.length > MAX_PROBLEMS_SHOWN
			? `<p>and ${problems.length - MAX_PROBLEMS_SHOWN} more.</p>`
			: '';
	return page(
		'Submission refused',
		nonce,
		'<main class="notice card"><h1>Submission refused</h1>' +
			'<p>Nothing was decided; the review is still open.</p>' +
			`<ul>${listed}</ul>${more}<p>${escapeHtml(hint)}</p></main>`,
	);
}
