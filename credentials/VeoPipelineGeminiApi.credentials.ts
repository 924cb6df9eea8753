import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * An API key for Google's Gemini Developer API (Veo and Gemini). The key travels only in the
 * `x-goog-api-key` header, never in a URL.
 */
export class VeoPipelineGeminiApi implements ICredentialType {
	name = 'veoPipelineGeminiApi';

	displayName = 'Veo Pipeline: Gemini API';

	icon = { light: 'file:icons/gemini.svg', dark: 'file:icons/gemini.dark.svg' } as const;

	documentationUrl = 'https://ai.google.dev/gemini-api/docs/api-key';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'A key from Google AI Studio (aistudio.google.com/apikey). Veo needs a project with billing enabled.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://generativelanguage.googleapis.com',
			description:
				"Where Google's API answers. Change it only for a proxy, or to rehearse against the package's local stand-in (npm run emulator).",
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'x-goog-api-key': '={{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1beta/models',
			qs: { pageSize: 1 },
		},
	};
}
