import { VeoPipelineVertexAiApi } from './VeoPipelineVertexAiApi.credentials';

/**
 * The Vertex AI credential under its 0.1 type name. n8n stores a credential's type name with it and
 * offers no migration for a community package's types, so this type stays registered: credentials
 * saved under it still load and decrypt, and a node whose Authentication is "Vertex AI (Legacy
 * Credential)" (the value `vertexAi` that 0.1 saved) keeps using them. It is hidden from n8n's
 * new-credential list; new work uses Vertex AI API (`veoPipelineVertexAiApi`), the same fields.
 */
export class VeoPipelineVertexAi extends VeoPipelineVertexAiApi {
	// Without the `Api` suffix n8n's rules ask for: the saved credentials carry this name.
	name = 'veoPipelineVertexAi';

	displayName = 'Veo Pipeline: Legacy Vertex AI API';

	hidden = true;
}
