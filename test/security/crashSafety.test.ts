import type { INodeExecutionData } from 'n8n-workflow';

import { createShotItems } from '../../core/shotItems';
import type { ShotItem } from '../../core/types';
import { VeoGenerate } from '../../nodes/VeoGenerate/VeoGenerate.node';
import { FakeVeo } from '../helpers/fakeVeo';
import { locator, mockNodeContext } from '../helpers/mockNodeContext';
import { cafeSpec } from '../helpers/specs';

/**
 * A crash after Veo accepted a clip never pays for it again (issue 15, point 4). With Generate and
 * Wait the operation names reach the items only when the node ends, so a process killed while it
 * waits loses them and a rerun submits every shot again. The templates now run Submit Only, then
 * n8n's Wait node (whose waiting execution n8n saves with the items), then Check and Fetch: after a
 * kill, n8n resumes from the saved items, and whichever node runs next submits nothing already
 * recorded. What remains is the moment between Google accepting a submission and n8n saving Submit
 * Only's output (see the README's Security section).
 */

let veo: FakeVeo;
jest.mock('../../nodes/VeoGenerate/service', () => ({ videoService: () => veo }));

const SHOTS = 6;

async function run(
	operation: 'submitOnly' | 'checkAndFetch' | 'generateAndWait',
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const mock = mockNodeContext({
		items,
		nodeType: 'n8n-nodes-veo-pipeline.veoGenerate',
		parameters: {
			operation,
			model: locator('gemini-omni-1.2-flash'),
			options: { pollMinSeconds: 0.05, maxAttempts: 3 },
		},
		credentials: { veoPipelineGeminiApi: { apiKey: 'test-key' } },
	});
	const [output] = await new VeoGenerate().execute.call(mock.context);
	return output;
}

/** What n8n keeps of a node's output across a restart: the JSON (binaries stay in its store). */
const saved = (output: INodeExecutionData[]): INodeExecutionData[] =>
	output.map((entry) => ({ json: JSON.parse(JSON.stringify(entry.json)), binary: entry.binary }));

const shots = (output: INodeExecutionData[]) =>
	output.map((entry) => entry.json as unknown as ShotItem);

describe('after a kill while the template waits for Veo', () => {
	let submitted: INodeExecutionData[];

	beforeEach(async () => {
		// Operations take 200 ms: not done when Submit Only ends, done when the run resumes.
		veo = new FakeVeo({ now: Date.now, latencyMs: 200, fileBytes: 64 });
		const items = createShotItems(cafeSpec(SHOTS), 'gemini-omni-1.2-flash').map((item) => ({
			json: item as never,
		}));
		submitted = saved(await run('submitOnly', items));
		expect(veo.accepted).toHaveLength(SHOTS);
		expect(shots(submitted).map((shot) => shot.takes.map((take) => take.outcome))).toEqual(
			Array(SHOTS).fill(['submitted']),
		);
		// The process is killed here; n8n saved the waiting execution with Submit Only's output.
		await new Promise((resolve) => setTimeout(resolve, 250));
	});

	it('Check and Fetch, which the template runs next, fetches every clip and submits nothing', async () => {
		const fetched = shots(await run('checkAndFetch', submitted));
		expect(veo.accepted).toHaveLength(SHOTS);
		expect(fetched.map((shot) => [shot.status, shot.takes.length])).toEqual(
			Array(SHOTS).fill(['generated', 1]),
		);
	});

	it('Submit Only run again (a retried execution) counts the recorded operations and submits nothing', async () => {
		const again = shots(await run('submitOnly', submitted));
		expect(veo.accepted).toHaveLength(SHOTS);
		expect(again.map((shot) => shot.takes.length)).toEqual(Array(SHOTS).fill(1));
	});

	it('Generate and Wait on the saved items resumes the recorded operations and submits nothing', async () => {
		const resumed = shots(await run('generateAndWait', submitted));
		expect(veo.accepted).toHaveLength(SHOTS);
		expect(resumed.map((shot) => shot.status)).toEqual(Array(SHOTS).fill('generated'));
	});
});
