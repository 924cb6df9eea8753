import { sendJson } from '../http';
import type { StandInSettings } from '../settings';
import type { Call, Route } from './route';

/**
 * The stand-in's own routes under `/__standin/`, unauthenticated: read and change its settings,
 * read its counters. Google has nothing like them.
 */

async function config(call: Call): Promise<void> {
	const { state, response, method } = call;
	if (method === 'POST') state.configure((await call.json()) as Partial<StandInSettings>);
	sendJson(response, 200, {
		...state.settings,
		apiKey: state.settings.apiKey ? '(set)' : undefined,
		faults: state.faults.activeRules,
	});
}

function stats({ state, response }: Call): void {
	sendJson(response, 200, state.stats);
}

export const controlRoutes: Route[] = [
	{ method: 'ANY', path: /^\/__standin\/config$/, handle: config },
	{ method: 'ANY', path: /^\/__standin\/stats$/, handle: stats },
];
