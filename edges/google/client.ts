import { GoogleGenAI, type HttpOptions } from '@google/genai';

import { InvalidInputError } from '../../core/failures';
import type { Backend } from '../../core/models';
import { fetchWithTypedFailures } from './failures';

/**
 * The one place that builds `@google/genai` clients. Every node, the command-line scorer and the
 * tests get their client here, so authentication, base URLs and error typing are decided once.
 */

export interface GeminiApiConnection {
	backend: 'gemini';
	apiKey: string;
	/** Another host speaking Google's wire format (a proxy, or the local stand-in). */
	baseUrl?: string;
}

export interface VertexConnection {
	backend: 'vertex';
	/** Service-account JSON (the key file's contents), or an Express-mode API key. */
	authentication: 'serviceAccount' | 'expressApiKey';
	privateKeyJson?: string;
	apiKey?: string;
	project?: string;
	location?: string;
	baseUrl?: string;
}

export type GoogleConnection = GeminiApiConnection | VertexConnection;

export interface GoogleClient {
	backend: Backend;
	sdk: GoogleGenAI;
	/**
	 * The client for Gemini Omni's interactions. The same as `sdk` except on Vertex AI with a
	 * project, where Omni is served in location `global` only (Google's Omni model cards) while
	 * Veo and Gemini text are regional.
	 */
	interactionsSdk: GoogleGenAI;
}

/** Vertex AI serves Gemini Omni only here. */
export const OMNI_VERTEX_LOCATION = 'global';

interface ServiceAccountKey {
	client_email: string;
	private_key: string;
	project_id?: string;
}

function parseServiceAccount(json: string | undefined): ServiceAccountKey {
	let parsed: Partial<ServiceAccountKey>;
	try {
		parsed = JSON.parse(json ?? '');
	} catch {
		throw new InvalidInputError(
			[{ path: 'credentials.privateKeyJson', message: 'is not valid JSON' }],
			'Paste the whole key file that Google Cloud gives when you create a service-account key.',
		);
	}
	if (!parsed.client_email || !parsed.private_key) {
		throw new InvalidInputError(
			[{ path: 'credentials.privateKeyJson', message: 'has no client_email or private_key' }],
			'Paste the whole key file that Google Cloud gives when you create a service-account key.',
		);
	}
	return parsed as ServiceAccountKey;
}

function httpOptionsFor(baseUrl: string | undefined): HttpOptions {
	const options: HttpOptions = { fetch: fetchWithTypedFailures } as HttpOptions;
	if (baseUrl?.trim()) options.baseUrl = baseUrl.trim().replace(/\/+$/, '');
	return options;
}

export function createGoogleClient(connection: GoogleConnection): GoogleClient {
	if (connection.backend === 'gemini') {
		if (!connection.apiKey?.trim()) {
			throw new InvalidInputError(
				[{ path: 'credentials.apiKey', message: 'is empty' }],
				'Create a key at https://aistudio.google.com/apikey and paste it into the credential.',
			);
		}
		const sdk = new GoogleGenAI({
			apiKey: connection.apiKey.trim(),
			httpOptions: httpOptionsFor(connection.baseUrl),
		});
		return { backend: 'gemini', sdk, interactionsSdk: sdk };
	}

	const httpOptions = httpOptionsFor(connection.baseUrl);
	if (connection.authentication === 'expressApiKey') {
		if (!connection.apiKey?.trim()) {
			throw new InvalidInputError([{ path: 'credentials.apiKey', message: 'is empty' }]);
		}
		// Express mode names no location: Google routes it.
		const sdk = new GoogleGenAI({ vertexai: true, apiKey: connection.apiKey.trim(), httpOptions });
		return { backend: 'vertex', sdk, interactionsSdk: sdk };
	}
	const key = parseServiceAccount(connection.privateKeyJson);
	const project = connection.project?.trim() || key.project_id;
	if (!project) {
		throw new InvalidInputError([
			{ path: 'credentials.project', message: 'is empty and the key file names no project' },
		]);
	}
	const inLocation = (location: string) =>
		new GoogleGenAI({
			vertexai: true,
			project,
			location,
			googleAuthOptions: {
				credentials: { client_email: key.client_email, private_key: key.private_key },
				scopes: ['https://www.googleapis.com/auth/cloud-platform'],
			},
			httpOptions,
		});
	const location = connection.location?.trim() || 'us-central1';
	const sdk = inLocation(location);
	return {
		backend: 'vertex',
		sdk,
		interactionsSdk: location === OMNI_VERTEX_LOCATION ? sdk : inLocation(OMNI_VERTEX_LOCATION),
	};
}
