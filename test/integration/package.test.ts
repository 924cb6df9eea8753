import { execFile } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import path from 'path';
import { promisify } from 'util';

/**
 * What `npm pack` puts in the tarball n8n installs: the built nodes and credentials with their light
 * and dark icons and codex files, and the templates; no sources, tests or development tools. It
 * reads dist/ as `npm test` has just built it.
 */

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	n8n: { nodes: string[]; credentials: string[] };
};

let files: Set<string>;

beforeAll(async () => {
	const { stdout } = await promisify(execFile)(
		'npm',
		['pack', '--dry-run', '--json', '--ignore-scripts'],
		{ cwd: ROOT, maxBuffer: 1 << 24 },
	);
	files = new Set(
		(JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map(
			(file) => file.path,
		),
	);
});

/** The icon files a node or credential names (`file:` paths relative to its own file). */
function iconFiles(modulePath: string): string[] {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(path.join(ROOT, modulePath)) as Record<
		string,
		new () => { description?: { icon?: unknown }; icon?: unknown }
	>;
	const instance = new (Object.values(exported)[0])();
	const icon = (instance.description?.icon ?? instance.icon) as { light: string; dark: string };
	return [icon.light, icon.dark].map((file) =>
		path.posix.join(path.posix.dirname(modulePath), file.replace(/^file:/, '')),
	);
}

it('holds only dist/ besides the package description and README', () => {
	const outside = [...files].filter(
		(file) => !file.startsWith('dist/') && !['package.json', 'README.md'].includes(file),
	);
	expect(outside).toEqual([]);
	expect(
		[...files].filter(
			(file) =>
				file.endsWith('.ts') || /^dist\/(test|bench|scripts|google-api-standin)\//.test(file),
		),
	).toEqual([]);
});

it('holds every node with its codex file and light and dark icons', () => {
	expect(packageJson.n8n.nodes.length).toBe(5);
	for (const node of packageJson.n8n.nodes) {
		expect(files).toContain(node);
		expect(files).toContain(node.replace(/\.js$/, '.json'));
		const [light, dark] = iconFiles(node);
		expect(dark).not.toBe(light);
		expect(files).toContain(light);
		expect(files).toContain(dark);
	}
});

it('holds every credential with light and dark icons, the Vertex AI type of 0.1.x included', () => {
	expect(packageJson.n8n.credentials).toEqual([
		'dist/credentials/VeoPipelineGeminiApi.credentials.js',
		'dist/credentials/VeoPipelineVertexAiApi.credentials.js',
		'dist/credentials/VeoPipelineVertexAi.credentials.js',
	]);
	for (const credential of packageJson.n8n.credentials) {
		expect(files).toContain(credential);
		for (const icon of iconFiles(credential)) expect(files).toContain(icon);
	}
});

it('holds every workflow template', () => {
	const templates = readdirSync(path.join(ROOT, 'workflows')).filter((name) =>
		name.endsWith('.json'),
	);
	expect(templates.length).toBe(3);
	for (const template of templates) expect(files).toContain(`dist/workflows/${template}`);
});
