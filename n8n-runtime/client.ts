import axios, { type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import { promises as fs } from 'fs';
import path from 'path';

/**
 * Talks to a running n8n the way a user's tooling would: the public REST API with an API key for
 * credentials, workflows and executions; the production webhook and form URLs to trigger
 * workflows; and, for the few things the public API does not offer (the list of loaded node
 * types), the editor's session API with the owner's login.
 */

export const REPOSITORY_ROOT = path.resolve(__dirname, '..');
const WORKFLOWS_DIR = path.join(REPOSITORY_ROOT, 'workflows');

/** n8n pins a login cookie to the browser that logged in; any constant id will do. */
export const BROWSER_ID = 'veo-pipeline-test-harness';

/** A webhook can answer 404 for a moment after its workflow was activated. */
const WEBHOOK_REGISTRATION_GRACE_MS = 15_000;
const POLL_INTERVAL_MS = 250;

export type ExecutionStatus =
	| 'canceled'
	| 'crashed'
	| 'error'
	| 'new'
	| 'running'
	| 'success'
	| 'unknown'
	| 'waiting';

export interface Execution {
	id: string;
	workflowId: string;
	status: ExecutionStatus;
	finished: boolean;
	mode: string;
	startedAt: string | null;
	stoppedAt: string | null;
	waitTill: string | null;
	/** Present when read with data: n8n's run data (`resultData.runData[node][run].data.main`). */
	data?: ExecutionData;
}

/** An item as n8n's run data keeps it: its JSON, and references to its binary data. */
export interface ExecutionItem {
	json: Record<string, unknown>;
	binary?: Record<string, { id?: string; mimeType: string; fileName?: string; fileSize?: string }>;
}

export interface ExecutionData {
	resumeToken?: string;
	resultData: {
		runData: Record<
			string,
			Array<{ data?: { main?: Array<ExecutionItem[] | null> }; error?: unknown }>
		>;
		lastNodeExecuted?: string;
		error?: { message?: string };
	};
}

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id?: string; name: string }>;
	webhookId?: string;
	[key: string]: unknown;
}

export interface WorkflowJson {
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface Workflow extends WorkflowJson {
	id: string;
	active: boolean;
}

export interface Credential {
	id: string;
	name: string;
	type: string;
}

export interface NodeTypeDescription {
	name: string;
	displayName: string;
	version: number | number[];
	[key: string]: unknown;
}

export interface OwnerAccount {
	email: string;
	password: string;
	apiKey: string;
}

export interface TriggerOptions {
	method?: Method;
	body?: unknown;
	query?: Record<string, string>;
	headers?: Record<string, string>;
}

/** Loaded lazily: most tests never need the session API. */
class SessionApi {
	private cookie?: string;

	constructor(
		private readonly http: AxiosInstance,
		private readonly owner: Pick<OwnerAccount, 'email' | 'password'>,
	) {}

	private async login(): Promise<string> {
		const response = await this.http.post(
			'/rest/login',
			{ emailOrLdapLoginId: this.owner.email, password: this.owner.password },
			{ headers: { 'browser-id': BROWSER_ID } },
		);
		this.cookie = authCookieOf(response);
		return this.cookie;
	}

	async get<T>(url: string): Promise<T> {
		const cookie = this.cookie ?? (await this.login());
		const response = await this.http.get<T>(url, { headers: { cookie, 'browser-id': BROWSER_ID } });
		return response.data;
	}
}

export function authCookieOf(response: AxiosResponse): string {
	const cookie = (response.headers['set-cookie'] ?? []).find((header) =>
		header.startsWith('n8n-auth='),
	);
	if (!cookie) throw new Error(`n8n answered ${response.config.url} without an n8n-auth cookie`);
	return cookie.split(';')[0];
}

/** An axios client for n8n: no proxy (n8n is on loopback), errors carry n8n's answer. */
export function httpClient(baseUrl: string): AxiosInstance {
	const http = axios.create({ baseURL: baseUrl, proxy: false, timeout: 60_000 });
	http.interceptors.response.use(undefined, (error) => {
		if (axios.isAxiosError(error) && error.response) {
			const { config, response } = error;
			const body =
				typeof response.data === 'string' ? response.data : JSON.stringify(response.data);
			error.message = `${config?.method?.toUpperCase()} ${config?.url} -> ${response.status}: ${body.slice(0, 2000)}`;
		}
		return Promise.reject(error);
	});
	return http;
}

/**
 * What the public API's create endpoint takes from an exported workflow; it rejects or ignores the
 * rest (id, active, tags, pinData, meta, versionId...).
 */
const WORKFLOW_FIELDS_ACCEPTED = [
	'name',
	'nodes',
	'connections',
	'settings',
	'staticData',
] as const;

export class N8nApi {
	readonly http: AxiosInstance;
	private readonly publicApi: AxiosInstance;
	private readonly session: SessionApi;

	constructor(
		readonly baseUrl: string,
		owner: OwnerAccount,
	) {
		this.http = httpClient(baseUrl);
		this.publicApi = httpClient(`${baseUrl}/api/v1`);
		this.publicApi.defaults.headers.common['X-N8N-API-KEY'] = owner.apiKey;
		this.session = new SessionApi(this.http, owner);
	}

	// Credentials ------------------------------------------------------------------------------

	async createCredential(credential: {
		name: string;
		type: string;
		data: Record<string, unknown>;
	}): Promise<Credential> {
		const { data } = await this.publicApi.post<Credential>('/credentials', credential);
		return data;
	}

	async listCredentials(): Promise<Credential[]> {
		const { data } = await this.publicApi.get<{ data: Credential[] }>('/credentials', {
			params: { limit: 250 },
		});
		return data.data;
	}

	// Workflows --------------------------------------------------------------------------------

	/**
	 * Creates a workflow from an object or a JSON file (a name resolves in the repository's
	 * `workflows/` folder). Credential references are matched by name to the credentials that
	 * exist in this n8n, because ids in an exported file belong to the n8n it was exported from.
	 */
	async importWorkflow(
		source: WorkflowJson | string,
		options: { activate?: boolean } = {},
	): Promise<Workflow> {
		const workflow = typeof source === 'string' ? await readWorkflowFile(source) : source;
		const body: Record<string, unknown> = { settings: { executionOrder: 'v1' } };
		for (const field of WORKFLOW_FIELDS_ACCEPTED)
			if (workflow[field] !== undefined) body[field] = workflow[field];
		body.nodes = await this.withLocalCredentialIds(workflow.nodes);
		const { data: created } = await this.publicApi.post<Workflow>('/workflows', body);
		return options.activate ? await this.activateWorkflow(created.id) : created;
	}

	private async withLocalCredentialIds(nodes: WorkflowNode[]): Promise<WorkflowNode[]> {
		if (!nodes.some((node) => node.credentials)) return nodes;
		const existing = await this.listCredentials();
		return nodes.map((node) => {
			if (!node.credentials) return node;
			const credentials = Object.fromEntries(
				Object.entries(node.credentials).map(([type, reference]) => {
					const match = existing.find(
						(credential) => credential.type === type && credential.name === reference.name,
					);
					if (!match)
						throw new Error(
							`Node "${node.name}" uses a ${type} credential named "${reference.name}", which this n8n does not have: create it first`,
						);
					return [type, { id: match.id, name: match.name }];
				}),
			);
			return { ...node, credentials };
		});
	}

	/** Activation is called publishing in n8n 2.x (`/activate` is a deprecated alias of `/publish`). */
	async activateWorkflow(id: string): Promise<Workflow> {
		const { data } = await this.publicApi.post<Workflow>(`/workflows/${id}/publish`, {});
		return data;
	}

	async deactivateWorkflow(id: string): Promise<Workflow> {
		const { data } = await this.publicApi.post<Workflow>(`/workflows/${id}/unpublish`, {});
		return data;
	}

	async getWorkflow(id: string): Promise<Workflow> {
		const { data } = await this.publicApi.get<Workflow>(`/workflows/${id}`);
		return data;
	}

	// Triggers ---------------------------------------------------------------------------------

	/**
	 * Calls a production webhook (`/webhook/<path>`). A 404 is retried for a few seconds, since a
	 * freshly activated (or restarted) workflow's webhook takes a moment to register.
	 */
	async callWebhook(webhookPath: string, options: TriggerOptions = {}): Promise<AxiosResponse> {
		return await this.untilRegistered(() =>
			this.http.request({
				url: `/webhook/${webhookPath}`,
				method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
				data: options.body,
				params: options.query,
				headers: options.headers,
				validateStatus: () => true,
			}),
		);
	}

	/**
	 * Submits an n8n Form Trigger (`/form/<path>`) as a browser would: multipart/form-data, which
	 * the trigger insists on, with fields named `field-<index>` in the order the form defines them,
	 * and `headers` such as the login of a form behind Basic Auth.
	 */
	async submitForm(
		formPath: string,
		values: string[],
		headers: Record<string, string> = {},
	): Promise<AxiosResponse> {
		return await this.untilRegistered(() => {
			const form = new FormData();
			values.forEach((value, index) => form.append(`field-${index}`, value));
			return this.http.post(`/form/${formPath}`, form, { headers, validateStatus: () => true });
		});
	}

	/** Opens a link n8n handed out (a resume or approval link), by GET or POST. */
	async followUrl(
		url: string,
		options: Omit<TriggerOptions, 'query'> = {},
	): Promise<AxiosResponse> {
		return await this.http.request({
			url,
			method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
			data: options.body,
			headers: options.headers,
			validateStatus: () => true,
		});
	}

	private async untilRegistered(send: () => Promise<AxiosResponse>): Promise<AxiosResponse> {
		const deadline = Date.now() + WEBHOOK_REGISTRATION_GRACE_MS;
		for (;;) {
			const response = await send();
			if (response.status !== 404 || Date.now() > deadline) return response;
			await sleep(POLL_INTERVAL_MS);
		}
	}

	// Executions -------------------------------------------------------------------------------

	/** Newest first. n8n leaves running executions out unless asked for status `running`. */
	async listExecutions(
		filter: { workflowId?: string; status?: ExecutionStatus; limit?: number } = {},
	): Promise<Execution[]> {
		const { data } = await this.publicApi.get<{ data: Execution[] }>('/executions', {
			params: { limit: 100, ...filter },
		});
		return data.data;
	}

	async getExecution(id: string): Promise<Execution> {
		const { data } = await this.publicApi.get<Execution>(`/executions/${id}`, {
			params: { includeData: true, ignoreDataSizeLimit: true },
		});
		return data;
	}

	/**
	 * Retries a failed or crashed execution from the last state n8n saved of it (with
	 * EXECUTIONS_DATA_SAVE_ON_PROGRESS, after its last finished node). n8n answers once the new
	 * execution has finished or waits, so this takes as long as that run: no client timeout.
	 */
	async retryExecution(id: string, options: { loadWorkflow?: boolean } = {}): Promise<Execution> {
		const { data } = await this.publicApi.post<Execution>(`/executions/${id}/retry`, options, {
			timeout: 0,
		});
		return data;
	}

	/**
	 * Waits until an execution of the workflow (or the given execution) has the status, and returns
	 * it with its data. A finished execution with another status fails at once rather than at the timeout.
	 */
	async waitForExecution(
		target: { workflowId: string } | { executionId: string },
		status: ExecutionStatus,
		timeoutMs = 60_000,
	): Promise<Execution> {
		const deadline = Date.now() + timeoutMs;
		let seen: Execution | undefined;
		for (;;) {
			seen =
				'executionId' in target
					? await this.getExecution(target.executionId)
					: (await this.listExecutions({ workflowId: target.workflowId, limit: 1 }))[0];
			if (seen?.status === status) return await this.getExecution(seen.id);
			if (seen && isFinal(seen.status) && 'executionId' in target) {
				throw new Error(
					`Execution ${seen.id} ended with status ${seen.status}, not ${status}: ${JSON.stringify(seen.data?.resultData.error ?? null)}`,
				);
			}
			if (Date.now() > deadline) {
				throw new Error(
					`No execution of ${JSON.stringify(target)} reached status ${status} within ${timeoutMs / 1000} s ` +
						`(last seen: ${seen ? `${seen.id} ${seen.status}` : 'none'})`,
				);
			}
			await sleep(POLL_INTERVAL_MS);
		}
	}

	/**
	 * `$execution.resumeUrl` of a waiting execution: what n8n's Wait node (resume on webhook call)
	 * listens on. Nodes that sign their own per-node links publish them in their data: see linksIn.
	 */
	resumeUrlOf(execution: Execution): string {
		if (!execution.data?.resumeToken)
			throw new Error(`Execution ${execution.id} was read without data or has no resume token`);
		return `${this.baseUrl}/webhook-waiting/${execution.id}?signature=${execution.data.resumeToken}`;
	}

	// Node types (session API) -----------------------------------------------------------------

	/** Every node type this n8n loaded, as the editor gets them. */
	async nodeTypes(): Promise<NodeTypeDescription[]> {
		return await this.session.get<NodeTypeDescription[]>('/types/nodes.json');
	}

	async credentialTypes(): Promise<Array<{ name: string; displayName: string }>> {
		return await this.session.get('/types/credentials.json');
	}
}

/** Every link into this n8n's waiting executions found anywhere in `data` (approval links, resume links). */
export function linksIn(data: unknown, pattern: RegExp = /\/(webhook|form)-waiting\//): string[] {
	const found = new Set<string>();
	const visit = (value: unknown): void => {
		if (typeof value === 'string') {
			for (const match of value.match(/https?:\/\/[^\s"'<>]+/g) ?? [])
				if (pattern.test(match)) found.add(match.replace(/&amp;/g, '&'));
		} else if (value && typeof value === 'object') {
			for (const child of Object.values(value)) visit(child);
		}
	};
	visit(data);
	return [...found];
}

/** The items a node output on its first output in its last run. */
export function nodeOutput(execution: Execution, nodeName: string): Array<Record<string, unknown>> {
	const runs = execution.data?.resultData.runData[nodeName];
	if (!runs?.length) throw new Error(`Node "${nodeName}" did not run in execution ${execution.id}`);
	return (runs[runs.length - 1].data?.main?.[0] ?? []).map((item) => item.json);
}

/** The items, with their binaries, a node output on its first output in each run (a node in a loop runs more than once). */
export function nodeRuns(execution: Execution, nodeName: string): ExecutionItem[][] {
	return (execution.data?.resultData.runData[nodeName] ?? []).map(
		(run) => run.data?.main?.[0] ?? [],
	);
}

function isFinal(status: ExecutionStatus): boolean {
	return ['success', 'error', 'crashed', 'canceled'].includes(status);
}

async function readWorkflowFile(file: string): Promise<WorkflowJson> {
	const resolved = path.isAbsolute(file) ? file : path.join(WORKFLOWS_DIR, file);
	return JSON.parse(await fs.readFile(resolved, 'utf8')) as WorkflowJson;
}

export async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}
