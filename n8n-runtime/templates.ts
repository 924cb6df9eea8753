import type { AxiosResponse } from 'axios';
import { promises as fs } from 'fs';
import path from 'path';

import {
	REPOSITORY_ROOT,
	sleep,
	type Execution,
	type N8nApi,
	type WorkflowJson,
	type WorkflowNode,
} from './client';

/** A template with its Settings node's values replaced (the chat webhook, the output folder...). */
export function withSettings(
	workflow: WorkflowJson,
	values: Record<string, unknown>,
): WorkflowJson {
	const nodes = workflow.nodes.map((node) => {
		if (node.name !== 'Settings') return node;
		const parameters = structuredClone(node.parameters) as {
			assignments: { assignments: Array<{ name: string; value: unknown }> };
		};
		for (const assignment of parameters.assignments.assignments) {
			if (assignment.name in values) assignment.value = values[assignment.name];
		}
		return { ...node, parameters };
	});
	return { ...workflow, nodes };
}

/**
 * Running the templates in workflows/ as a user would, through their own triggers, and acting as
 * the editor on their review boards: for the queue-mode tests and benchmark. Only what the
 * templates declare is relied on: node types rather than node names, the credentials their nodes
 * name (created here with known values), the trigger's authentication if it has one.
 */

/** What the templates' Header Auth (webhooks) and Basic Auth (form) credentials are created with. */
export const TEMPLATE_TRIGGER_KEY = {
	name: 'X-Veo-Pipeline-Key',
	value: 'veo-pipeline-trigger-key',
};
export const TEMPLATE_FORM_LOGIN = { user: 'producer', password: 'veo-pipeline-form-password' };

/** The Authorization header of the film form's Basic Auth login. */
export const TEMPLATE_FORM_AUTHORIZATION = `Basic ${Buffer.from(
	`${TEMPLATE_FORM_LOGIN.user}:${TEMPLATE_FORM_LOGIN.password}`,
).toString('base64')}`;

const FORM_TRIGGER = 'n8n-nodes-base.formTrigger';
const WEBHOOK_TRIGGER = 'n8n-nodes-base.webhook';

export interface ImportedTemplate {
	id: string;
	workflow: WorkflowJson;
	trigger: { kind: 'form' | 'webhook'; path: string };
	/** Names of the template's nodes of a type ("n8n-nodes-veo-pipeline.assemble"). */
	nodesOfType(type: string): string[];
}

export interface TemplateOptions {
	/** Appended to the trigger's path and the workflow's name, so one n8n can hold several copies. */
	suffix: string;
	/** Values for the Settings node; names the template does not have are left out. */
	settings?: Record<string, unknown>;
	/** Where the Gemini API credential sends requests (the stand-in). */
	geminiBaseUrl: string;
}

/** Data for each credential type the templates name; a template naming another type is refused. */
function credentialData(type: string, geminiBaseUrl: string): Record<string, unknown> {
	switch (type) {
		case 'httpHeaderAuth':
			return TEMPLATE_TRIGGER_KEY;
		case 'httpBasicAuth':
			return TEMPLATE_FORM_LOGIN;
		case 'veoPipelineGeminiApi':
			return { apiKey: 'stand-in', baseUrl: geminiBaseUrl };
		default:
			throw new Error(
				`A template names a ${type} credential, which the template runner cannot create`,
			);
	}
}

/**
 * Creates each credential the nodes name (by type and name) that this n8n does not have yet, with
 * the stand-in as Google and the known trigger logins above.
 */
export async function ensureTemplateCredentials(
	api: N8nApi,
	nodes: WorkflowNode[],
	geminiBaseUrl: string,
): Promise<void> {
	const wanted = new Map<string, { type: string; name: string }>();
	for (const node of nodes)
		for (const [type, { name }] of Object.entries(node.credentials ?? {}))
			wanted.set(`${type}/${name}`, { type, name });
	const existing = new Set(
		(await api.listCredentials()).map((credential) => `${credential.type}/${credential.name}`),
	);
	for (const [key, { type, name }] of wanted) {
		if (!existing.has(key))
			await api.createCredential({ name, type, data: credentialData(type, geminiBaseUrl) });
	}
}

/** Imports and activates a template from workflows/, its trigger path made unique. */
export async function importTemplate(
	api: N8nApi,
	file: string,
	options: TemplateOptions,
): Promise<ImportedTemplate> {
	const template = JSON.parse(
		await fs.readFile(path.join(REPOSITORY_ROOT, 'workflows', file), 'utf8'),
	) as WorkflowJson;
	const workflow = withSettings(template, options.settings ?? {});
	let trigger: ImportedTemplate['trigger'] | undefined;
	for (const node of workflow.nodes) {
		const parameters = node.parameters as { path?: string; options?: { path?: string } };
		if (node.type === FORM_TRIGGER) {
			parameters.options!.path = `${parameters.options!.path}-${options.suffix}`;
			trigger = { kind: 'form', path: parameters.options!.path };
		}
		if (node.type === WEBHOOK_TRIGGER) {
			parameters.path = `${parameters.path}-${options.suffix}`;
			trigger = { kind: 'webhook', path: parameters.path };
		}
	}
	if (!trigger) throw new Error(`${file} has no form or webhook trigger`);
	workflow.name = `${workflow.name} (${options.suffix})`;
	await ensureTemplateCredentials(api, workflow.nodes, options.geminiBaseUrl);
	const created = await api.importWorkflow(workflow, { activate: true });
	return {
		id: created.id,
		workflow,
		trigger,
		nodesOfType: (type) =>
			workflow.nodes.filter((node) => node.type === type).map((node) => node.name),
	};
}

/**
 * Starts a template through its trigger: the form's fields in order, or the webhook's JSON body,
 * with the credentials the trigger may ask for (a trigger without authentication ignores them).
 */
export async function startTemplate(
	api: N8nApi,
	template: ImportedTemplate,
	input: { fields: string[] } | { body: unknown },
): Promise<AxiosResponse> {
	if (template.trigger.kind === 'form') {
		if (!('fields' in input)) throw new Error('A form trigger takes fields');
		return await api.submitForm(template.trigger.path, input.fields, {
			authorization: TEMPLATE_FORM_AUTHORIZATION,
		});
	}
	if (!('body' in input)) throw new Error('A webhook trigger takes a body');
	return await api.callWebhook(template.trigger.path, {
		body: input.body,
		headers: { [TEMPLATE_TRIGGER_KEY.name]: TEMPLATE_TRIGGER_KEY.value },
	});
}

// Review boards ------------------------------------------------------------------------------

export interface ReviewBoard {
	link: string;
	/** The page, whose form a submission sends whole, as a browser does. */
	html: string;
	/** Where the board's form posts. */
	action: string;
	clips: Array<{ position: string; key: string }>;
	/** The clips' video addresses, as the page's video elements load them. */
	videos: string[];
}

export type Decision = { decision: 'approve' | 'reject'; note?: string };

const ENTITIES: Record<string, string> = {
	'&amp;': '&',
	'&quot;': '"',
	'&lt;': '<',
	'&gt;': '>',
	'&#39;': "'",
};
const unescapeHtml = (text: string) =>
	text.replace(/&(amp|quot|lt|gt|#39);/g, (entity) => ENTITIES[entity]);

/**
 * The fields a browser submits from a review board's form as served, before anyone touches it:
 * hidden inputs, checked radios and checkboxes, text fields and textareas (the pressed button's
 * `action` is added by whoever submits). Controls outside the form (the filter) are not sent.
 */
export function boardFormFields(html: string): Array<[string, string]> {
	const form = /<form [^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1] ?? '';
	const attribute = (tag: string, name: string) =>
		new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
	const fields: Array<[string, string]> = [];
	for (const [tag, textareaBody] of [
		...form.matchAll(/<input [^>]*>|<textarea [^>]*>([\s\S]*?)<\/textarea>/g),
	].map((match) => [match[0], match[1]] as const)) {
		const name = attribute(tag, 'name');
		if (!name) continue;
		if (tag.startsWith('<textarea')) {
			fields.push([name, unescapeHtml(textareaBody ?? '')]);
			continue;
		}
		const type = attribute(tag, 'type') ?? 'text';
		if ((type === 'radio' || type === 'checkbox') && !/\schecked[\s>]/.test(tag)) continue;
		fields.push([name, unescapeHtml(attribute(tag, 'value') ?? '')]);
	}
	return fields;
}

/**
 * The board's form as a browser submits it after an editor's changes: `set` replaces a field's
 * value (`decision-0`, `note-1`, `reviewer`), `tags` checks quick tags, `action` is the button.
 */
export function editedBoardForm(
	html: string,
	set: Record<string, string>,
	{ tags = {}, action = 'submit' }: { tags?: Record<string, string[]>; action?: string } = {},
): Array<[string, string]> {
	const fields = boardFormFields(html).map(([name, value]): [string, string] => [
		name,
		set[name] ?? value,
	]);
	for (const [name, values] of Object.entries(tags))
		for (const value of values) fields.push([name, value]);
	return [...fields, ['action', action]];
}

/** The review link Human Approval Wait publishes on its waiting execution. */
export function reviewUrlOf(execution: Execution): string | undefined {
	return (execution as Execution & { customData?: Record<string, string> }).customData?.reviewUrl;
}

/** Reads the board behind a review link: its form, the clips to decide and their videos. */
export async function openBoard(api: N8nApi, link: string): Promise<ReviewBoard> {
	const page = await api.followUrl(link);
	if (page.status !== 200) throw new Error(`The review board at ${link} answered ${page.status}`);
	const html = String(page.data);
	const action = /<form[^>]*method="post"[^>]*action="([^"]+)"/.exec(html)?.[1];
	if (!action) throw new Error(`The review board at ${link} has no form:\n${html.slice(0, 2000)}`);
	const clips = [...html.matchAll(/<input[^>]*name="clip-(\d+)"[^>]*value="([^"]+)"/g)].map(
		([, position, key]) => ({ position, key: unescapeHtml(key) }),
	);
	const videos = [...html.matchAll(/<video[^>]*src="([^"]+)"/g)].map(([, src]) =>
		new URL(unescapeHtml(src), link).toString(),
	);
	return { link, html, action: new URL(unescapeHtml(action), link).toString(), clips, videos };
}

/**
 * Submits a decision for every clip on the board, as an editor pressing "Submit decisions": the
 * whole form, as the browser sends it (the board takes nothing less).
 */
export async function decideBoard(
	api: N8nApi,
	board: ReviewBoard,
	decide: (key: string) => Decision,
	reviewer = 'Template Runner',
): Promise<void> {
	const changes: Record<string, string> = { reviewer };
	for (const clip of board.clips) {
		const { decision, note } = decide(clip.key);
		changes[`decision-${clip.position}`] = decision;
		if (note) changes[`note-${clip.position}`] = note;
	}
	const form = new URLSearchParams(editedBoardForm(board.html, changes));
	const response = await api.followUrl(board.action, {
		method: 'POST',
		body: form.toString(),
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
	});
	if (response.status !== 200)
		throw new Error(`Submitting the board at ${board.link} answered ${response.status}`);
}

export interface RunToEndOptions {
	/** How many executions of the workflow must finish. */
	expected: number;
	/** Acts on each new board (default: approves every clip); it must submit it. */
	review?: (board: ReviewBoard, execution: Execution) => Promise<void>;
	timeoutMs?: number;
	/** Added to the error when an execution fails (e.g. the n8n logs). */
	context?: () => string;
}

/**
 * Acts as the editor until `expected` executions of the workflow have finished: every board a
 * waiting execution publishes is reviewed once. Fails at once when an execution ends otherwise.
 */
export async function runToEnd(
	api: N8nApi,
	workflowId: string,
	options: RunToEndOptions,
): Promise<{ executions: Execution[]; boards: ReviewBoard[] }> {
	const review =
		options.review ??
		((board: ReviewBoard) => decideBoard(api, board, () => ({ decision: 'approve' })));
	const boards: ReviewBoard[] = [];
	const deadline = Date.now() + (options.timeoutMs ?? 20 * 60_000);
	while (Date.now() < deadline) {
		// n8n leaves running executions out of a listing unless asked for them.
		const listed = [
			...(await api.listExecutions({ workflowId })),
			...(await api.listExecutions({ workflowId, status: 'running' })),
		];
		const finished = listed.filter((execution) => execution.status === 'success');
		const failed = listed.find((execution) =>
			['error', 'crashed', 'canceled'].includes(execution.status),
		);
		if (failed) {
			const { data } = await api.getExecution(failed.id);
			throw new Error(
				`Execution ${failed.id} ended ${failed.status}: ` +
					`${JSON.stringify(data?.resultData.error ?? null)}${options.context ? `\n${options.context()}` : ''}`,
			);
		}
		if (finished.length >= options.expected)
			return {
				executions: await Promise.all(finished.map((execution) => api.getExecution(execution.id))),
				boards,
			};
		for (const waiting of listed.filter((execution) => execution.status === 'waiting')) {
			const execution = await api.getExecution(waiting.id);
			const link = reviewUrlOf(execution);
			if (!link || boards.some((board) => board.link === link)) continue;
			const board = await openBoard(api, link);
			boards.push(board);
			await review(board, execution);
		}
		await sleep(1000);
	}
	throw new Error(
		`${options.expected} executions of workflow ${workflowId} did not finish in time`,
	);
}
