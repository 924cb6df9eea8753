import type { IncomingMessage, ServerResponse } from 'http';

import { parseJson, readBody } from '../http';
import type { StandInState } from '../state';

/** One request as a route sees it. */
export interface Call {
	state: StandInState;
	request: IncomingMessage;
	response: ServerResponse;
	url: URL;
	method: string;
	/** The capture groups of the route's path. */
	params: string[];
	/**
	 * The address the client reached the stand-in at (its Host header), for URIs handed out: a
	 * client that follows them as given comes back here.
	 */
	origin: string;
	/** The request body, parsed as JSON. */
	json(): Promise<Record<string, unknown>>;
}

export interface Route {
	method: 'GET' | 'POST' | 'DELETE' | 'ANY';
	path: RegExp;
	handle(call: Call): Promise<void> | void;
}

export function callOf(
	state: StandInState,
	request: IncomingMessage,
	response: ServerResponse,
	url: URL,
	params: string[],
): Call {
	return {
		state,
		request,
		response,
		url,
		method: request.method ?? 'GET',
		params,
		origin: request.headers.host ? `http://${request.headers.host}` : state.url,
		json: async () => parseJson(await readBody(request)),
	};
}
