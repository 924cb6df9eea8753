import { randomUUID } from 'crypto';
import { createReadStream, createWriteStream, mkdtempSync, promises as fs } from 'fs';
import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IExecuteWorkflowInfo,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	NodeExecutionHint,
} from 'n8n-workflow';
import { tmpdir } from 'os';
import path from 'path';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';

/**
 * A stand-in for n8n's execute context, for unit tests of the nodes. Binary data behaves as in
 * n8n's filesystem mode: `prepareBinaryData` stores the stream in a folder and returns an id, and
 * `getBinaryStream` streams it back. A parameter may be a function of the item index, the way an
 * expression is evaluated per item. What a waiting node asks of n8n (waits, custom data, signed
 * resume links) and its outgoing calls (HTTP requests, sub-workflow runs) are recorded.
 */

type ParameterValue = unknown | ((itemIndex: number) => unknown);

export interface MockContextOptions {
	parameters: Record<string, ParameterValue>;
	items: INodeExecutionData[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	nodeName?: string;
	nodeType?: string;
	/** Answers `helpers.httpRequest`; by default every request gets `{}`. */
	httpRequest?: (request: IHttpRequestOptions) => Promise<unknown>;
	/** Another mock's binary store, so a node reads what an earlier node wrote, as in one n8n execution. */
	binaryDir?: string;
}

/** A workflow the node started with `executeWorkflow`. */
export interface WorkflowRun {
	workflow: IExecuteWorkflowInfo;
	items: INodeExecutionData[];
	options?: { doNotWaitToFinish?: boolean };
}

export interface MockContext {
	context: IExecuteFunctions;
	hints: NodeExecutionHint[];
	binaryDir: string;
	/** Reads a binary the node produced, whole (tests only). */
	readBinary(binary: IBinaryData): Promise<Buffer>;
	/** Every `putExecutionToWait` date, in order. */
	waits: Date[];
	/** The execution's custom data as the node set it. */
	customData: Map<string, string>;
	/** Every `helpers.httpRequest`, in order. */
	requests: IHttpRequestOptions[];
	workflowRuns: WorkflowRun[];
}

/** The origin of the links `getSignedResumeUrl` gives; the signature is a fixed fake. */
export const MOCK_RESUME_URL =
	'http://localhost:5678/webhook-waiting/mock-execution/node-under-test';

/** `getSignedResumeUrl` as the mock gives it, for mocks of a waiting node's webhook context too. */
export function mockSignedResumeUrl(parameters: Record<string, string> = {}): string {
	return `${MOCK_RESUME_URL}?${new URLSearchParams({ ...parameters, signature: 'mock-signature' })}`;
}

export function mockNodeContext(options: MockContextOptions): MockContext {
	const binaryDir = options.binaryDir ?? mkdtempSync(path.join(tmpdir(), 'mock-n8n-binary-'));
	const hints: NodeExecutionHint[] = [];
	const waits: Date[] = [];
	const customData = new Map<string, string>();
	const requests: IHttpRequestOptions[] = [];
	const workflowRuns: WorkflowRun[] = [];
	const node: INode = {
		id: 'node-under-test',
		name: options.nodeName ?? 'Node Under Test',
		type: options.nodeType ?? 'n8n-nodes-veo-pipeline.test',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const binaryPath = (id: string) => path.join(binaryDir, id.replace(/^mock:/, ''));

	const getNodeParameter = (
		name: string,
		itemIndex: number,
		fallback?: unknown,
		extra?: { extractValue?: boolean },
	) => {
		const parts = name.split('.');
		let value: unknown = options.parameters[parts[0]];
		if (typeof value === 'function') value = (value as (i: number) => unknown)(itemIndex);
		for (const part of parts.slice(1))
			value = (value as Record<string, unknown> | undefined)?.[part];
		if (value === undefined) {
			if (fallback !== undefined) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		}
		if (extra?.extractValue && value && typeof value === 'object' && '__rl' in (value as object)) {
			return (value as { value: unknown }).value;
		}
		return value;
	};

	const helpers = {
		async prepareBinaryData(
			data: Buffer | Readable,
			fileName?: string,
			mimeType?: string,
		): Promise<IBinaryData> {
			const id = `mock:${randomUUID()}`;
			const target = binaryPath(id);
			if (Buffer.isBuffer(data)) await fs.writeFile(target, data);
			else await pipeline(data, createWriteStream(target));
			const { size } = await fs.stat(target);
			return {
				id,
				data: 'filesystem-v2',
				mimeType: mimeType ?? 'application/octet-stream',
				fileName,
				fileSize: `${size}`,
				bytes: size,
			} as unknown as IBinaryData;
		},
		async getBinaryStream(id: string) {
			return createReadStream(binaryPath(id));
		},
		async binaryToBuffer(stream: Readable) {
			const chunks: Buffer[] = [];
			for await (const chunk of stream) chunks.push(chunk as Buffer);
			return Buffer.concat(chunks);
		},
		async getBinaryMetadata(id: string) {
			const { size } = await fs.stat(binaryPath(id));
			return { fileSize: size };
		},
		getBinaryPath(id: string) {
			return binaryPath(id);
		},
		async httpRequest(request: IHttpRequestOptions) {
			requests.push(request);
			return options.httpRequest ? options.httpRequest(request) : {};
		},
	};

	const context = {
		getInputData: () => options.items,
		getNodeParameter,
		getNode: () => node,
		continueOnFail: () => options.continueOnFail ?? false,
		async getCredentials(type: string) {
			const credentials = options.credentials?.[type];
			if (!credentials) throw new Error(`Node does not have any credentials set for "${type}"`);
			return credentials;
		},
		addExecutionHints: (...added: NodeExecutionHint[]) => hints.push(...added),
		getSignedResumeUrl: mockSignedResumeUrl,
		async putExecutionToWait(waitTill: Date) {
			waits.push(waitTill);
		},
		customData: {
			set: (key: string, value: string) => customData.set(key, value),
			get: (key: string) => customData.get(key),
			getAll: () => Object.fromEntries(customData),
			setAll: (values: Record<string, string>) =>
				Object.entries(values).forEach(([key, value]) => customData.set(key, value)),
		},
		async executeWorkflow(
			workflow: IExecuteWorkflowInfo,
			items: INodeExecutionData[] = [],
			_callbacks?: unknown,
			runOptions?: WorkflowRun['options'],
		) {
			workflowRuns.push({ workflow, items, options: runOptions });
			return { executionId: `mock-run-${workflowRuns.length}`, data: [] };
		},
		helpers,
		logger: { debug() {}, info() {}, warn() {}, error() {} },
	} as unknown as IExecuteFunctions;

	return {
		context,
		hints,
		binaryDir,
		waits,
		customData,
		requests,
		workflowRuns,
		async readBinary(binary) {
			if (binary.id) return fs.readFile(binaryPath(binary.id));
			return Buffer.from(binary.data, 'base64');
		},
	};
}

/** A resource-locator value as n8n stores it. */
export function locator(value: string): { __rl: true; mode: 'id'; value: string } {
	return { __rl: true, mode: 'id', value };
}
