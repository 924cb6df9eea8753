import { promises as fs } from 'fs';
import path from 'path';

import {
	ensureTemplateCredentials,
	launchChromium,
	REPOSITORY_ROOT,
	startN8n,
	type WorkflowJson,
} from '../n8n-runtime';

/**
 * `npx tsx scripts/template-pictures.ts`: imports every template into real n8n and photographs it
 * on the canvas, in headless Chromium, for the README (docs/templates/<template>.png).
 */

const PICTURES_DIR = path.join(REPOSITORY_ROOT, 'docs', 'templates');

async function main(): Promise<void> {
	const n8n = await startN8n({ standIn: true });
	const browser = await launchChromium();
	try {
		const page = await browser.newPage({
			viewport: { width: 1800, height: 900 },
			deviceScaleFactor: 1,
		});
		await page.goto(`${n8n.baseUrl}/signin`);
		await page.fill('input[type=email]', n8n.owner.email);
		await page.fill('input[type=password]', n8n.owner.password);
		await page.keyboard.press('Enter');
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
		await fs.mkdir(PICTURES_DIR, { recursive: true });
		const files = (await fs.readdir(path.join(REPOSITORY_ROOT, 'workflows'))).filter((file) =>
			file.endsWith('.json'),
		);
		for (const file of files) {
			const template = JSON.parse(
				await fs.readFile(path.join(REPOSITORY_ROOT, 'workflows', file), 'utf8'),
			) as WorkflowJson;
			await ensureTemplateCredentials(n8n.api, template.nodes, n8n.standIn!.url);
			const workflow = await n8n.api.importWorkflow(template);
			await page.goto(`${n8n.baseUrl}/workflow/${workflow.id}`);
			await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60_000 });
			// Let the canvas settle, then fit every node (and sticky note) into view.
			await page.waitForTimeout(1500);
			await page.keyboard.press('1');
			await page.waitForTimeout(800);
			const picture = path.join(PICTURES_DIR, file.replace(/\.json$/, '.png'));
			await page.screenshot({ path: picture });
			console.log(`${template.name}: ${path.relative(REPOSITORY_ROOT, picture)}`);
		}
	} finally {
		await browser.close();
		await n8n.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
