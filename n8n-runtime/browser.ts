import { chromium, type Browser } from 'playwright-core';

import { track, untrack } from './lifecycle';

/**
 * Headless Chromium (the Debian package scripts/setup installs), for the review board's browser
 * tests and the README's pictures of the templates. Tracked like n8n, so a test that fails or
 * times out before closing it leaves no browser running.
 */

const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	// Nothing here reaches the internet: no QUIC probes, updates, sync or first-run pages.
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
	// Playwright gives every launch a fresh, temporary user data dir.
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: CHROMIUM_ARGS,
	});
	const tracked = {
		describe: () => `Chromium ${browser.version()}`,
		stop: () => browser.close(),
	};
	track(tracked);
	browser.on('disconnected', () => untrack(tracked));
	return browser;
}
