import {
	NodeHelpers,
	type ICredentialType,
	type IHttpRequestOptions,
	type INode,
	type INodeParameters,
	type INodeType,
} from 'n8n-workflow';

import { VeoPipelineGeminiApi } from '../../../credentials/VeoPipelineGeminiApi.credentials';
import { VeoPipelineVertexAi } from '../../../credentials/VeoPipelineVertexAi.credentials';
import { VeoPipelineVertexAiApi } from '../../../credentials/VeoPipelineVertexAiApi.credentials';
import { DriftScore } from '../../../nodes/DriftScore/DriftScore.node';
import { SceneSpec } from '../../../nodes/SceneSpec/SceneSpec.node';
import { googleClientFor } from '../../../nodes/shared/google';
import { VeoGenerate } from '../../../nodes/VeoGenerate/VeoGenerate.node';
import { mockNodeContext } from '../../helpers/mockNodeContext';

/**
 * The Vertex AI credential type was renamed `veoPipelineVertexAi` -> `veoPipelineVertexAiApi` for
 * n8n's naming rules. n8n keeps a credential's type name with it and a node's credentials under
 * their type names, so the 0.1.x type stays: these tests hold a workflow saved by 0.1.x (Authentication
 * `vertexAi`, a `veoPipelineVertexAi` credential) to what n8n checks before it hands a node its
 * credential, while new nodes get the renamed type.
 */

const SAVED_KEY = { authentication: 'expressApiKey', apiKey: 'vertex-key' };

/** Each Authentication value and the one credential type n8n must offer and hand over for it. */
const CREDENTIAL_OF = [
	['geminiApi', 'veoPipelineGeminiApi'],
	['vertexAiApi', 'veoPipelineVertexAiApi'],
	['vertexAi', 'veoPipelineVertexAi'],
] as const;

/** The nodes that call Google, with the parameters under which they show their credentials. */
const GOOGLE_NODES: Array<[string, INodeType, INodeParameters]> = [
	['Scene Spec', new SceneSpec(), { operation: 'fromBrief' }],
	['Veo Generate', new VeoGenerate(), { operation: 'generateAndWait' }],
	['Drift Score', new DriftScore(), { judge: true }],
];

/**
 * The credential types n8n shows and hands to a node with these saved parameters: it fills in the
 * defaults (as n8n's Workflow does on load), then asks each credential's displayOptions (as
 * `getCredentials` does before decrypting).
 */
function credentialTypesShown(nodeType: INodeType, saved: INodeParameters): string[] {
	const { description } = nodeType;
	const node: Pick<INode, 'typeVersion'> = { typeVersion: 1 };
	const parameters = NodeHelpers.getNodeParameters(
		description.properties,
		saved,
		true,
		false,
		node,
		description,
	)!;
	return (description.credentials ?? [])
		.filter((credential) =>
			NodeHelpers.displayParameter(parameters, credential, node, description, parameters),
		)
		.map((credential) => credential.name);
}

describe('The Vertex AI credential type of 0.1.x, kept beside its renamed successor', () => {
	const legacy: ICredentialType = new VeoPipelineVertexAi();
	const current: ICredentialType = new VeoPipelineVertexAiApi();

	it('keeps its type name, and takes the same fields, icon and connection test as the new type', () => {
		expect([legacy.name, current.name]).toEqual(['veoPipelineVertexAi', 'veoPipelineVertexAiApi']);
		expect(legacy.properties).toEqual(current.properties);
		expect(legacy.test).toEqual(current.test);
		expect(legacy.icon).toEqual(current.icon);
		expect(legacy.documentationUrl).toBe(current.documentationUrl);
	});

	it("is hidden from n8n's new-credential list and says it is the legacy type; the new type is not", () => {
		expect(legacy.hidden).toBe(true);
		expect(legacy.displayName).toMatch(/Legacy/);
		expect(current.hidden).toBeUndefined();
		expect(current.displayName).toBe('Veo Pipeline: Vertex AI API');
		expect((new VeoPipelineGeminiApi() as ICredentialType).hidden).toBeUndefined();
	});

	it('signs requests as the new type does', async () => {
		const request: IHttpRequestOptions = { url: '/v1beta1/publishers/google/models' };
		const authenticate = (type: ICredentialType) =>
			(type.authenticate as (c: typeof SAVED_KEY, r: IHttpRequestOptions) => Promise<unknown>)(
				SAVED_KEY,
				request,
			);
		const signed = await authenticate(legacy);
		expect(signed).toEqual({ ...request, headers: { 'x-goog-api-key': 'vertex-key' } });
		expect(signed).toEqual(await authenticate(current));
	});
});

describe.each(GOOGLE_NODES)(
	'%s: the credential each Authentication takes',
	(_name, node, shown) => {
		it.each(CREDENTIAL_OF)(
			'Authentication %s shows exactly the %s credential',
			(authentication, type) => {
				expect(credentialTypesShown(node, { ...shown, authentication })).toEqual([type]);
			},
		);

		it('offers Vertex AI on the renamed type first, and the 0.1.x value as the legacy one', () => {
			const property = node.description.properties.find(
				(candidate) => candidate.name === 'authentication',
			)!;
			expect(property.default).toBe('geminiApi');
			expect(property.options).toEqual([
				expect.objectContaining({ name: 'Gemini API (API Key)', value: 'geminiApi' }),
				expect.objectContaining({ name: 'Vertex AI', value: 'vertexAiApi' }),
				expect.objectContaining({ name: 'Vertex AI (Legacy Credential)', value: 'vertexAi' }),
			]);
		});
	},
);

describe('googleClientFor', () => {
	it.each(CREDENTIAL_OF)(
		'with Authentication %s reads the %s credential and nothing else',
		async (authentication, type) => {
			const { context } = mockNodeContext({
				items: [],
				parameters: { authentication },
				credentials: { [type]: type === 'veoPipelineGeminiApi' ? { apiKey: 'key' } : SAVED_KEY },
			});
			const client = await googleClientFor(context);
			expect(client.backend).toBe(type === 'veoPipelineGeminiApi' ? 'gemini' : 'vertex');
		},
	);
});
