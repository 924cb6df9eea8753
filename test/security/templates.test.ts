import { readdirSync, readFileSync } from 'fs';
import path from 'path';
import { runInNewContext } from 'vm';

/**
 * The templates as shipped (issue 15, points 2 and 4): who may start paid work, how much one
 * request may order, what Social Ads may fetch, and that a crash after Veo accepted a clip never
 * pays for it again. Read from workflows/ without n8n; test/e2e/templates.test.ts runs them in n8n.
 */

interface TemplateNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { name: string }>;
}

interface Template {
	name: string;
	nodes: TemplateNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
}

const WORKFLOWS = path.join(__dirname, '..', '..', 'workflows');
const templates: Array<[string, Template]> = readdirSync(WORKFLOWS)
	.filter((file) => file.endsWith('.json'))
	.map((file) => [file, JSON.parse(readFileSync(path.join(WORKFLOWS, file), 'utf8')) as Template]);

const TRIGGERS = new Set(['n8n-nodes-base.webhook', 'n8n-nodes-base.formTrigger']);
const PACKAGE = 'n8n-nodes-veo-pipeline.';
/** Nodes that spend money or fetch on a request's behalf. */
const PAID = new Set([
	`${PACKAGE}sceneSpec`,
	`${PACKAGE}veoGenerate`,
	'n8n-nodes-base.httpRequest',
]);

const nodeNamed = (template: Template, name: string) =>
	template.nodes.find((node) => node.name === name)!;
const next = (template: Template, name: string, output = 0) =>
	(template.connections[name]?.main[output] ?? []).map((link) => link.node);

/** Every node reachable from `from` without passing through `through`. */
function reachableAvoiding(template: Template, from: string, through: Set<string>): Set<string> {
	const seen = new Set<string>();
	const queue = [from];
	while (queue.length) {
		const name = queue.shift()!;
		if (seen.has(name) || through.has(name)) continue;
		seen.add(name);
		for (const output of template.connections[name]?.main ?? [])
			queue.push(...output.map((link) => link.node));
	}
	return seen;
}

const settingsOf = (template: Template) =>
	Object.fromEntries(
		(
			nodeNamed(template, 'Settings').parameters.assignments as {
				assignments: Array<{ name: string; value: unknown }>;
			}
		).assignments.map((entry) => [entry.name, entry.value]),
	);

describe.each(templates)('%s', (_file, template) => {
	const trigger = template.nodes.find((node) => TRIGGERS.has(node.type))!;

	it("starts only for callers that pass n8n's own authentication", () => {
		if (trigger.type === 'n8n-nodes-base.formTrigger') {
			expect(trigger.parameters.authentication).toBe('basicAuth');
			expect(trigger.credentials).toEqual({ httpBasicAuth: { name: 'Veo Pipeline Form Login' } });
		} else {
			expect(trigger.parameters.authentication).toBe('headerAuth');
			expect(trigger.credentials).toEqual({
				httpHeaderAuth: { name: 'Veo Pipeline Trigger Key' },
			});
		}
	});

	it('checks the request against the caps in Settings before any paid or fetching node', () => {
		const settings = settingsOf(template);
		const caps =
			'maxProducts' in settings ? ['maxProducts', 'maxImageBytes'] : ['maxSeconds', 'maxShots'];
		for (const cap of caps) expect(Number(settings[cap])).toBeGreaterThan(0);
		const guards = new Set(
			template.nodes
				.filter((node) => ['Within Limits?', 'Check Request'].includes(node.name))
				.map((node) => node.name),
		);
		expect(guards.size).toBe(1);
		const unguarded = [...reachableAvoiding(template, trigger.name, guards)].filter((name) =>
			PAID.has(nodeNamed(template, name).type),
		);
		expect(unguarded).toEqual([]);
		const sceneSpec = nodeNamed(template, 'Scene Spec');
		if ('maxShots' in settings)
			expect(sceneSpec.parameters.maxShots).toBe("={{ $('Settings').first().json.maxShots }}");
	});

	it('submits, waits in a Wait node n8n saves, then checks: nothing submitted is paid for again after a crash', () => {
		const veoNodes = template.nodes.filter((node) => node.type === `${PACKAGE}veoGenerate`);
		expect(veoNodes.map((node) => node.parameters.operation).sort()).toEqual([
			'checkAndFetch',
			'submitOnly',
		]);
		const submit = veoNodes.find((node) => node.parameters.operation === 'submitOnly')!;
		const [waitName] = next(template, submit.name);
		const wait = nodeNamed(template, waitName);
		expect(wait.type).toBe('n8n-nodes-base.wait');
		expect(wait.parameters).toMatchObject({
			amount: "={{ $('Settings').first().json.checkEverySeconds }}",
			unit: 'seconds',
		});
		// n8n keeps a wait under 65 s in memory only (its Wait node); from 65 s on it is saved.
		expect(Number(settingsOf(template).checkEverySeconds)).toBeGreaterThanOrEqual(65);
		const [checkName] = next(template, waitName);
		expect(nodeNamed(template, checkName).parameters.operation).toBe('checkAndFetch');
		// Until every clip is in, the batch goes back to Submit Only (which fills freed slots only).
		const [readyName] = next(template, checkName);
		expect(next(template, readyName, 1)).toEqual([submit.name]);
		expect(settingsOf(template).maxChecks).toBeGreaterThan(0);
	});
});

describe('Social Ads: Check Request', () => {
	const template = templates.find(([file]) => file === 'social-ads-batch.json')![1];
	const code = nodeNamed(template, 'Check Request').parameters.jsCode as string;

	/** The Code node's script, run as n8n runs it, on one request. */
	function check(
		products: unknown,
		settings: Record<string, unknown> = {},
	): { accepted: boolean; reason?: string } {
		const request = { body: { products }, ...settingsOf(template), ...settings };
		const [result] = runInNewContext(`(function () {\n${code}\n})()`, {
			$input: { first: () => ({ json: request }) },
		}) as Array<{ json: { accepted: boolean; reason?: string } }>;
		return result.json;
	}

	const product = (imageUrl: string) => ({ name: 'Aqua Bottle', message: 'Cold', imageUrl });

	it.each([
		'http://127.0.0.1:8080/bottle.png',
		'http://localhost/bottle.png',
		'http://LOCALHOST./bottle.png',
		'http://10.1.2.3/bottle.png',
		'http://172.20.0.1/bottle.png',
		'http://192.168.1.10/bottle.png',
		'http://169.254.169.254/latest/meta-data/',
		'http://100.64.0.1/bottle.png',
		'http://0.0.0.0/bottle.png',
		'http://[::1]/bottle.png',
		'http://[fd00::1]/bottle.png',
		'http://2130706433/bottle.png',
		'http://0x7f.0.0.1/bottle.png',
		'http://0177.0.0.1/bottle.png',
		'http://127.1/bottle.png',
		'http://images.example.com@127.0.0.1/bottle.png',
		'http://127.0.0.1\\@images.example.com/bottle.png',
		'http://metadata.google.internal/computeMetadata/v1/',
		'http://printer.local/bottle.png',
		'http://intranet/bottle.png',
		'file:///etc/passwd',
		'ftp://images.example.com/bottle.png',
		'gopher://images.example.com/',
		' http://images.example.com/bottle.png',
	])('refuses %s before anything is fetched', (url) => {
		const result = check([product('https://images.example.com/ok.png'), product(url)]);
		expect(result.accepted).toBe(false);
		expect(result.reason).toMatch(/^products\[1\]\.imageUrl /);
	});

	it.each([
		'https://images.example.com/bottle.png',
		'http://cdn.shop.example.co.uk:8080/p/1.jpg?size=large',
		'https://203.0.113.7/bottle.webp',
	])('accepts %s', (url) => {
		expect(check([product(url)])).toEqual({ accepted: true, products: [product(url)] });
	});

	it('fetches from a host of the network only when Settings trusts it by name and port', () => {
		const intranet = 'http://127.0.0.1:8931/bottle.png';
		expect(check([product(intranet)]).accepted).toBe(false);
		expect(check([product(intranet)], { trustedImageHosts: '127.0.0.1:8931' }).accepted).toBe(true);
		expect(check([product(intranet)], { trustedImageHosts: '127.0.0.1:9000' }).accepted).toBe(
			false,
		);
	});

	it('refuses more products than Settings allows, and a request that is not a product list', () => {
		const many = Array.from({ length: 11 }, () => product('https://images.example.com/a.png'));
		expect(check(many)).toEqual({
			accepted: false,
			reason: "11 products is over the limit of 10 set in the workflow's Settings node",
		});
		expect(check(undefined).accepted).toBe(false);
		expect(check([{ message: 'no name', imageUrl: 'https://images.example.com/a.png' }])).toEqual({
			accepted: false,
			reason: 'products[0].name is missing',
		});
	});

	it('fetches images with a timeout, without following redirects, and checks their size and type', () => {
		const download = nodeNamed(template, 'Download Product Image');
		expect(download.parameters.options).toMatchObject({
			timeout: 20_000,
			redirect: { redirect: { followRedirects: false } },
		});
		const [imageCheck] = next(template, download.name);
		const condition = JSON.stringify(nodeNamed(template, imageCheck).parameters);
		expect(condition).toContain('maxImageBytes');
		expect(condition).toContain('image/png');
		expect(next(template, imageCheck, 0)).toEqual(['Scene Spec']);
	});
});
