import { readFileSync } from 'fs';
import type { Page } from 'playwright-core';

/**
 * Accessibility checks of a page in Chromium: axe-core's WCAG 2.2 A and AA rules (labels,
 * contrast, landmarks, names of controls), and reaching a control with the keyboard alone.
 */

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface AxeViolation {
	id: string;
	impact: string | null;
	help: string;
	nodes: Array<{ target: string[] }>;
}

/** Each WCAG A/AA violation axe-core finds on the page as it is now, in one line. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
	// Evaluated through the DevTools protocol, so the page's CSP (no scripts at all) still holds
	// for the page itself.
	await page.evaluate(AXE_SOURCE);
	// Strings, as this project compiles without the DOM's types.
	const violations = await page.evaluate<AxeViolation[]>(
		`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG_AA)} } })
			.then(({ violations }) => violations.map(({ id, impact, help, nodes }) =>
				({ id, impact, help, nodes: nodes.map(({ target }) => ({ target })) })))`,
	);
	return violations.map(
		({ id, impact, help, nodes }) =>
			`${id} (${impact}): ${help}: ${nodes.map((node) => node.target.join(' ')).join(', ')}`,
	);
}

/**
 * Presses Tab until the control `selector` has the focus, and says how many presses it took and
 * how the focus shows (the focused control's outline). Fails when Tab never reaches it.
 */
export async function tabTo(
	page: Page,
	selector: string,
	maxPresses = 200,
): Promise<{ presses: number; outline: string }> {
	for (let presses = 1; presses <= maxPresses; presses++) {
		await page.keyboard.press('Tab');
		const focused = await page.evaluate<string | null>(
			`(() => {
				const active = document.activeElement;
				if (!active || !active.matches(${JSON.stringify(selector)})) return null;
				const style = getComputedStyle(active);
				return style.outlineStyle + ' ' + style.outlineWidth;
			})()`,
		);
		if (focused) return { presses, outline: focused };
	}
	throw new Error(`Tab never reached ${selector} in ${maxPresses} presses`);
}
