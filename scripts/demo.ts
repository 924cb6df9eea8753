import { promises as fs, readFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { parseArgs } from 'util';

import {
	ensureTemplateCredentials,
	REPOSITORY_ROOT,
	REVIEW_LINK,
	StartAbandonedError,
	startN8n,
	stopEverything,
	TEMPLATE_FORM_AUTHORIZATION,
	TEMPLATE_FORM_LOGIN,
	TEMPLATE_TRIGGER_KEY,
	TeamChat,
	withSettings,
	type RunningN8n,
	type WorkflowJson,
} from '../n8n-runtime';
import { skimagePhotos } from '../google-api-standin/samplePhotos';
import { isPortFree } from '../n8n-runtime/process';

/**
 * `npm run demo`: the package's main job on one machine. Real n8n with this package installed as
 * a community package, every template imported and active, a Gemini credential pointed at the
 * local Google API stand-in (or at Google, when GEMINI_API_KEY is set), and a local "team chat"
 * that prints the review links and finished cuts the templates announce. Runs until Ctrl-C, which
 * stops all of it, n8n included even while it is still starting.
 * `--run` also starts the film template once and prints its review link.
 */

const CREDENTIAL_NAME = 'Gemini API';
const DEMO_BRIEF = {
	title: 'Morning Ritual',
	brief:
		'At dusk, Mya, a barista with short black hair and a green apron, opens the corner café. ' +
		'She pours the first coffee of the evening into the blue mug, hands it to an old regular, ' +
		'and smiles as the street lights come on.',
	seconds: '48',
	aspectRatio: '16:9',
};

async function createCredentials(n8n: RunningN8n): Promise<string> {
	const key = process.env.GEMINI_API_KEY?.trim();
	await n8n.api.createCredential({
		name: CREDENTIAL_NAME,
		type: 'veoPipelineGeminiApi',
		data: key
			? { apiKey: key, baseUrl: 'https://generativelanguage.googleapis.com' }
			: { apiKey: 'stand-in', baseUrl: n8n.standIn!.url },
	});
	const vertexKey = process.env.VERTEX_API_KEY?.trim();
	const serviceAccountFile = process.env.GOOGLE_APPLICATION_CREDENTIALS?.trim();
	if (vertexKey || serviceAccountFile) {
		await n8n.api.createCredential({
			name: 'Vertex AI',
			type: 'veoPipelineVertexAiApi',
			data: vertexKey
				? { authentication: 'expressApiKey', apiKey: vertexKey, baseUrl: '' }
				: {
						authentication: 'serviceAccount',
						privateKeyJson: readFileSync(serviceAccountFile!, 'utf8'),
						project: process.env.VERTEX_PROJECT ?? '',
						location: process.env.VERTEX_LOCATION ?? 'us-central1',
						baseUrl: '',
					},
		});
	}
	if (key) return "Google's Gemini API (GEMINI_API_KEY): real generations, real costs";
	return `the local Google API stand-in at ${n8n.standIn!.url} (a rehearsal: clips drawn by ffmpeg, not Google's model)`;
}

function triggerUrl(n8n: RunningN8n, workflow: WorkflowJson): string | undefined {
	for (const node of workflow.nodes) {
		const parameters = node.parameters as {
			path?: string;
			options?: { path?: string };
			httpMethod?: string;
		};
		if (node.type === 'n8n-nodes-base.formTrigger')
			return `${n8n.baseUrl}/form/${parameters.options?.path ?? node.webhookId}`;
		if (node.type === 'n8n-nodes-base.webhook')
			return `${parameters.httpMethod ?? 'GET'} ${n8n.baseUrl}/webhook/${parameters.path}`;
	}
	return undefined;
}

/**
 * The stand-in draws mugs as a photographed cup when it has scikit-image's sample photographs
 * (fetched from Debian once), so Drift Score's offline checks see what they would in Veo's footage.
 */
async function samplePhotosDir(): Promise<string | undefined> {
	try {
		return path.dirname((await skimagePhotos())('coffee'));
	} catch (error) {
		console.log(`Rehearsing with drawn props only: ${(error as Error).message}`);
		return undefined;
	}
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: { run: { type: 'boolean', default: false }, port: { type: 'string' } },
	});
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n, the stand-in and the team chat...');
		await stopEverything();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());

	const useGoogle = Boolean(process.env.GEMINI_API_KEY?.trim());
	const outputFolder = await fs.mkdtemp(path.join(os.tmpdir(), 'veo-pipeline-demo-'));
	const chat = await TeamChat.start((text) => console.log(`\n[team chat] ${text}\n`));
	const port = values.port ? Number(values.port) : (await isPortFree(5678)) ? 5678 : undefined;

	const photosDir = useGoogle ? undefined : await samplePhotosDir();
	console.log('Starting n8n with n8n-nodes-veo-pipeline...');
	const n8n = await startN8n({
		standIn: useGoogle
			? false
			: {
					latencyMs: 6000,
					maxConcurrentOperations: 4,
					driftRate: 0.35,
					driftKinds: ['prop_color', 'lighting'],
					photosDir,
				},
		env: { N8N_RESTRICT_FILE_ACCESS_TO: outputFolder },
		ports: port ? { port } : undefined,
	});
	const google = await createCredentials(n8n);
	const templateFiles = (await fs.readdir(path.join(REPOSITORY_ROOT, 'workflows')))
		.filter((file) => file.endsWith('.json'))
		.sort();
	const templates: Array<{ name: string; url?: string }> = [];
	for (const file of templateFiles) {
		const template = JSON.parse(
			await fs.readFile(path.join(REPOSITORY_ROOT, 'workflows', file), 'utf8'),
		) as WorkflowJson;
		const workflow = withSettings(template, { chatWebhookUrl: chat.url, outputFolder });
		// The triggers' logins (Header Auth, Basic Auth), with the values printed below.
		await ensureTemplateCredentials(n8n.api, workflow.nodes, n8n.standIn?.url ?? '');
		await n8n.api.importWorkflow(workflow, { activate: true });
		templates.push({ name: workflow.name, url: triggerUrl(n8n, workflow) });
	}

	console.log(`
n8n-nodes-veo-pipeline demo is running.
  n8n editor:  ${n8n.baseUrl}
  Login:       ${n8n.owner.email} / ${n8n.owner.password}
  Google:      ${google}
  Output:      ${outputFolder}
  Team chat:   review links and finished cuts are printed here
  Templates (imported and active):
${templates.map((template) => `    - ${template.name}${template.url ? `: ${template.url}` : ''}`).join('\n')}
  The film form's login: ${TEMPLATE_FORM_LOGIN.user} / ${TEMPLATE_FORM_LOGIN.password}
  The webhooks' header:  ${TEMPLATE_TRIGGER_KEY.name}: ${TEMPLATE_TRIGGER_KEY.value}

Run the film template: open its form above, describe a film, and submit; or restart with
\`npm run demo -- --run\` to start it with a sample brief. Ctrl-C stops everything.`);

	if (values.run) {
		const film = templates.find((template) => template.url?.includes('/form/'));
		if (!film?.url) throw new Error('No template with a form trigger was found in workflows/');
		const reviewLink = chat.next(REVIEW_LINK, 15 * 60_000);
		const formPath = film.url.split('/form/')[1];
		const response = await n8n.api.submitForm(
			formPath,
			[DEMO_BRIEF.title, DEMO_BRIEF.brief, DEMO_BRIEF.seconds, DEMO_BRIEF.aspectRatio],
			{ authorization: TEMPLATE_FORM_AUTHORIZATION },
		);
		if (response.status !== 200)
			throw new Error(`The film form answered ${response.status}: ${String(response.data)}`);
		console.log(
			`\nStarted "${film.name}" with a sample brief (form answered ${response.status}). Waiting for the review link...`,
		);
		console.log(
			`\nReview link: ${(await reviewLink)[0]}\nOpen it in a browser, decide the clips, and submit; the cut will be announced here.`,
		);
	}
}

main().catch((error) => {
	// Ctrl-C during the start: stop() is ending everything and exits.
	if (error instanceof StartAbandonedError) return;
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
