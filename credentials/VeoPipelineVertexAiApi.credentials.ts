import { createSign } from 'crypto';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

function base64Url(text: string | Buffer): string {
	return Buffer.from(text).toString('base64url');
}

/**
 * A self-signed JWT for the service account (Google accepts these in place of an OAuth access
 * token), so the credential test needs no token exchange.
 */
function selfSignedJwt(privateKeyJson: string): string {
	const key = JSON.parse(privateKeyJson) as {
		client_email: string;
		private_key: string;
		private_key_id?: string;
	};
	const now = Math.floor(Date.now() / 1000);
	const header = base64Url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.private_key_id }));
	const payload = base64Url(
		JSON.stringify({
			iss: key.client_email,
			sub: key.client_email,
			scope: CLOUD_PLATFORM_SCOPE,
			iat: now,
			exp: now + 3600,
		}),
	);
	const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(key.private_key);
	return `${header}.${payload}.${base64Url(signature)}`;
}

/**
 * Vertex AI (Veo GA models), with a service-account key file or an Express-mode API key. In 0.1.x
 * this was the type `veoPipelineVertexAi`, which stays registered for the credentials saved under it
 * (see VeoPipelineVertexAi.credentials.ts).
 */
export class VeoPipelineVertexAiApi implements ICredentialType {
	name = 'veoPipelineVertexAiApi';

	displayName = 'Veo Pipeline: Vertex AI API';

	icon = { light: 'file:icons/vertexAi.svg', dark: 'file:icons/vertexAi.dark.svg' } as const;

	documentationUrl =
		'https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/veo-video-generation';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{
					name: 'Service Account',
					value: 'serviceAccount',
					description: 'A JSON key file of a service account with the Vertex AI User role',
				},
				{
					name: 'Express Mode API Key',
					value: 'expressApiKey',
					description: 'An API key from Vertex AI Express mode',
				},
			],
			default: 'serviceAccount',
		},
		{
			displayName: 'Service Account Key File (JSON)',
			name: 'privateKeyJson',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			default: '',
			required: true,
			description:
				'The whole JSON key file Google Cloud gives when you create a key for the service account',
			displayOptions: { show: { authentication: ['serviceAccount'] } },
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authentication: ['expressApiKey'] } },
		},
		{
			displayName: 'Project ID',
			name: 'project',
			type: 'string',
			default: '',
			placeholder: 'my-project',
			description: "Leave empty to use the key file's project",
			displayOptions: { show: { authentication: ['serviceAccount'] } },
		},
		{
			displayName: 'Location',
			name: 'location',
			type: 'string',
			default: 'us-central1',
			description: 'The region that serves Veo (us-central1 serves the GA Veo models)',
			displayOptions: { show: { authentication: ['serviceAccount'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://us-central1-aiplatform.googleapis.com',
			description:
				"Leave empty for Google's own endpoint. Set it for a proxy or the package's local stand-in.",
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers: Record<string, string> =
			credentials.authentication === 'expressApiKey'
				? { 'x-goog-api-key': String(credentials.apiKey) }
				: { Authorization: `Bearer ${selfSignedJwt(String(credentials.privateKeyJson))}` };
		return { ...requestOptions, headers: { ...requestOptions.headers, ...headers } };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ ($credentials.baseUrl || ($credentials.authentication === "expressApiKey" ? ' +
				'"https://aiplatform.googleapis.com" : "https://" + $credentials.location + ' +
				'"-aiplatform.googleapis.com")).replace(/\\/+$/, "") }}',
			url: '/v1beta1/publishers/google/models',
			qs: { pageSize: 1 },
		},
	};
}
