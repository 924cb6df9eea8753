import type {
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeCredentialDescription,
	INodeListSearchResult,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';

import {
	createGoogleClient,
	type GoogleClient,
	type GoogleConnection,
} from '../../edges/google/client';
import { listModels } from '../../edges/google/gemini';
import { findVideoModel, retirementNotice, type Backend } from '../../core/models';

/** The authentication selector and credentials every Google-calling node shares. */

/**
 * The credential type each Authentication value reads. `vertexAi` is what 0.1 saved, with its
 * credential type `veoPipelineVertexAi`: both stay so those workflows and credentials keep working,
 * while new nodes take Vertex AI API (`vertexAiApi`, credential type `veoPipelineVertexAiApi`).
 */
const CREDENTIAL_TYPES = {
	geminiApi: 'veoPipelineGeminiApi',
	vertexAiApi: 'veoPipelineVertexAiApi',
	vertexAi: 'veoPipelineVertexAi',
} as const;

type Authentication = keyof typeof CREDENTIAL_TYPES;

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'Gemini API (API Key)', value: 'geminiApi' },
		{ name: 'Vertex AI', value: 'vertexAiApi' },
		{
			name: 'Vertex AI (Legacy Credential)',
			value: 'vertexAi',
			description:
				'For workflows made with version 0.1 and their saved credentials; new nodes take Vertex AI',
		},
	],
	default: 'geminiApi',
	description:
		'The Gemini API takes a key from Google AI Studio and generates with Gemini Omni; ' +
		'Vertex AI serves Gemini Omni and Veo 3.1 in a Google Cloud project',
};

/** Credentials shown for the selected authentication; `extraShow` narrows them further (e.g. only when a scorer is on). */
export function googleCredentials(
	extraShow: Record<string, Array<string | boolean>> = {},
): INodeCredentialDescription[] {
	return Object.entries(CREDENTIAL_TYPES).map(([authentication, name]) => ({
		name,
		required: true,
		displayOptions: { show: { authentication: [authentication], ...extraShow } },
	}));
}

type CredentialContext = IExecuteFunctions | ILoadOptionsFunctions | IWebhookFunctions;

export async function googleClientFor(
	context: CredentialContext,
	itemIndex = 0,
): Promise<GoogleClient> {
	const authentication = context.getNodeParameter(
		'authentication',
		itemIndex,
		'geminiApi',
	) as Authentication;
	let connection: GoogleConnection;
	if (authentication === 'vertexAiApi' || authentication === 'vertexAi') {
		const credentials = await context.getCredentials(CREDENTIAL_TYPES[authentication]);
		connection = {
			backend: 'vertex',
			authentication:
				credentials.authentication === 'expressApiKey' ? 'expressApiKey' : 'serviceAccount',
			privateKeyJson: credentials.privateKeyJson as string | undefined,
			apiKey: credentials.apiKey as string | undefined,
			project: credentials.project as string | undefined,
			location: credentials.location as string | undefined,
			baseUrl: credentials.baseUrl as string | undefined,
		};
	} else {
		const credentials = await context.getCredentials(CREDENTIAL_TYPES.geminiApi);
		connection = {
			backend: 'gemini',
			apiKey: String(credentials.apiKey ?? ''),
			baseUrl: credentials.baseUrl as string | undefined,
		};
	}
	return createGoogleClient(connection);
}

async function searchModels(
	context: ILoadOptionsFunctions,
	filter: string | undefined,
	wanted: (id: string, actions: string[], backend: Backend) => boolean,
): Promise<INodeListSearchResult> {
	const client = await googleClientFor(context);
	const models = await listModels(client);
	const needle = filter?.toLowerCase() ?? '';
	return {
		results: models
			.filter(
				(model) =>
					wanted(model.id, model.actions, client.backend) &&
					model.id.toLowerCase().includes(needle),
			)
			.map((model) => ({
				name: model.displayName === model.id ? model.id : `${model.displayName} (${model.id})`,
				value: model.id,
			})),
	};
}

/**
 * List searches for resource locators: the video models Google lists for this credential that are
 * not retired there (Google's list is what is served; the model table knows shutdowns the list
 * may still show), and the Gemini models that answer text.
 */
export const modelListSearch = {
	async videoModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		return searchModels(this, filter, (id, _actions, backend) => {
			const model = findVideoModel(id);
			return Boolean(model) && !retirementNotice(model!, backend);
		});
	},
	async geminiModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		return searchModels(
			this,
			filter,
			(id, actions) =>
				id.startsWith('gemini-') &&
				!findVideoModel(id) &&
				(actions.length === 0 || actions.includes('generateContent')),
		);
	},
};

/** A resource locator for a model: picked from the API's list, or typed by hand. */
export function modelLocator(options: {
	name: string;
	displayName: string;
	searchListMethod: keyof typeof modelListSearch;
	defaultId: string;
	description: string;
	displayOptions?: INodeProperties['displayOptions'];
}): INodeProperties {
	return {
		displayName: options.displayName,
		name: options.name,
		type: 'resourceLocator',
		default: { mode: 'id', value: options.defaultId },
		required: true,
		description: options.description,
		displayOptions: options.displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: options.searchListMethod, searchable: true },
			},
			{ displayName: 'ID', name: 'id', type: 'string', placeholder: options.defaultId },
		],
	};
}
