import { existsSync } from 'fs';
import { parseArgs } from 'util';

import { PHOTOS_DIR } from './samplePhotos';
import { startStandIn } from './server';

/**
 * `npm run emulator`: the Google API stand-in on its own, for rehearsing pipelines against a
 * local n8n. Point a credential's Base URL at the printed address (any API key is accepted).
 */
async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			port: { type: 'string', default: process.env.STANDIN_PORT ?? '8765' },
			latency: { type: 'string', default: '3000' },
			quota: { type: 'string', default: '10' },
			drift: { type: 'string', default: '0' },
			photos: { type: 'string', default: existsSync(PHOTOS_DIR) ? PHOTOS_DIR : undefined },
		},
	});
	const standIn = await startStandIn(
		{
			latencyMs: Number(values.latency),
			maxConcurrentOperations: Number(values.quota),
			driftRate: Number(values.drift),
			photosDir: values.photos,
		},
		Number(values.port),
	);
	console.log(`Google API stand-in listening on ${standIn.url}`);
	console.log("  A local stand-in for rehearsing pipelines for free - not Google's model.");
	console.log(`  Credential Base URL: ${standIn.url}  (any API key works)`);
	console.log(
		`  Props drawn as photographs: ${values.photos ?? 'no (pass --photos <scikit-image data folder>)'}`,
	);
	console.log('  Serves:');
	for (const line of [
		'Gemini Omni (Interactions API): POST /v1beta/interactions (and /v1/interactions),',
		'  GET .../interactions/{id}, POST .../{id}/cancel, DELETE .../{id};',
		'  Vertex AI: /v1beta1/projects/{p}/locations/global/interactions, /v1beta1/interactions',
		'Veo on Vertex AI: .../publishers/google/models/{m}:predictLongRunning, :fetchPredictOperation',
		'  (on the Gemini API Veo answers 404 "no longer available", as Google does)',
		'Gemini: models/{m}:generateContent, GET /v1beta/models, GET /v1beta1/publishers/google/models',
		'Files: POST /upload/v1beta/files, GET|DELETE /v1beta/files/{id}, GET .../{id}:download',
	])
		console.log(`    ${line}`);
	console.log(
		`  Settings: GET/POST ${standIn.url}/__standin/config   Counters: GET ${standIn.url}/__standin/stats`,
	);
	const stop = async () => {
		await standIn.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
