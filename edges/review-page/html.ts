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

const STYLES = `
:root{color-scheme:light dark;--fg:#1d1d1f;--muted:#5f6368;--bg:#f6f7f9;--card:#fff;--line:#dadce0;--ok:#137333;--bad:#c5221f;--warn:#b06000;--accent:#1a73e8}
@media (prefers-color-scheme:dark){:root{--fg:#e8eaed;--muted:#9aa0a6;--bg:#1f1f1f;--card:#2a2a2a;--line:#3c4043;--ok:#81c995;--bad:#f28b82;--warn:#fdd663;--accent:#8ab4f8}}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{background:var(--card);border-bottom:1px solid var(--line);padding:12px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}
header h1{font-size:18px;margin:0;flex:1 1 240px}header .meta{color:var(--muted);font-size:13px;flex:0 1 auto}
main{max-width:1180px;margin:0 auto;padding:16px;display:grid;gap:16px;grid-template-columns:repeat(auto-fill,minmax(min(340px,100%),1fr))}
footer{position:sticky;bottom:0;background:var(--card);border-top:1px solid var(--line);padding:8px 16px;display:flex;flex-wrap:wrap;gap:8px;justify-content:center}
@media (max-width:600px){header{padding:10px 12px}main{padding:12px 8px;gap:12px}footer{padding:8px}footer button{flex:1 1 auto;font-size:14px;padding:8px 10px}}
.card{background:var(--card);border:2px solid var(--line);border-radius:10px;padding:12px;display:flex;flex-direction:column;gap:8px;min-width:0}
.card:has(input[value=approve]:checked){border-color:var(--ok)}.card:has(input[value=reject]:checked){border-color:var(--bad)}
.card h2{font-size:16px;margin:0}.muted{color:var(--muted);font-size:13px}
video,img{display:block;width:100%;border-radius:6px;background:#000}video{aspect-ratio:16/9}img.sheet{background:none}
.drift{border-left:4px solid var(--warn);padding:4px 8px}.drift.pass{border-color:var(--ok)}.drift.regenerate{border-color:var(--bad)}
.drift ul{margin:4px 0;padding-left:18px}details summary{cursor:pointer;color:var(--accent)}pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px;margin:4px 0}
fieldset{border:1px solid var(--line);border-radius:8px;margin:0;padding:4px 8px 8px}legend{font-size:13px;color:var(--muted)}
.choices{display:flex;flex-wrap:wrap;gap:0 14px}.choices label{display:flex;gap:6px;align-items:center;min-height:40px}
textarea,input[type=text]{width:100%;font:inherit;padding:8px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
button{font:inherit;min-height:40px;padding:8px 16px;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
input.reviewer{flex:0 1 220px}button.secondary{background:transparent;color:var(--accent)}
.takes{display:grid;gap:6px;grid-template-columns:repeat(auto-fill,minmax(140px,1fr))}.notice{max-width:640px;margin:12vh auto;padding:24px}
`;

export function page(title: string, nonce: string, body: string): string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style nonce="${nonce}">${STYLES}</style></head><body>${body}</body></html>`;
}

/** A short page with one message (decisions recorded, already decided, refused submission). */
export function renderNotice(title: string, message: string, nonce: string): string {
	return page(
		title,
		nonce,
		`<div class="notice card"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></div>`,
	);
}
