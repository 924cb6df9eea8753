import { readdirSync } from 'fs';
import { NodeOperationError, type IBinaryData, type INodeExecutionData } from 'n8n-workflow';
import { tmpdir } from 'os';

import type { ShotItem } from '../../../core/types';
import { Assemble } from '../../../nodes/Assemble/Assemble.node';
import { pipelineItems, type TakeSpec } from '../../helpers/assembly';
import { mockNodeContext, type MockContext } from '../../helpers/mockNodeContext';

/**
 * The Assemble node with a mocked n8n context, on inputs it must refuse before any clip is probed
 * or rendered (no processes start here; rendering is covered by the integration tests).
 */

const PARAMETERS = {
	missingShots: 'fail',
	transition: 'cut',
	transitionDuration: 0.5,
	loudness: 'none',
	captions: 'none',
	audioTrack: {},
	renditions: {},
	options: {},
};

async function withClips(
	mock: MockContext,
	items: ShotItem[],
	extra: Record<string, Buffer> = {},
): Promise<INodeExecutionData[]> {
	const entries: INodeExecutionData[] = [];
	for (const item of items) {
		const binary: Record<string, IBinaryData> = {};
		for (const take of item.takes.filter((candidate) => candidate.clip)) {
			binary[take.clip!.binaryProperty] = await mock.context.helpers.prepareBinaryData(
				Buffer.from(`clip of ${take.id}`),
				`${take.id}.mp4`,
				'video/mp4',
			);
		}
		for (const [name, content] of Object.entries(extra))
			binary[name] = await mock.context.helpers.prepareBinaryData(content, `${name}.bin`);
		entries.push({ json: item as never, binary });
	}
	return entries;
}

async function run(
	items: ShotItem[],
	parameters: Record<string, unknown> = {},
	options: {
		continueOnFail?: boolean;
		extra?: Record<string, Buffer>;
		dropBinaries?: boolean;
	} = {},
) {
	const input: INodeExecutionData[] = [];
	const mock = mockNodeContext({
		items: input,
		parameters: { ...PARAMETERS, ...parameters },
		continueOnFail: options.continueOnFail,
		nodeName: 'Assemble',
	});
	input.push(
		...(options.dropBinaries
			? items.map((item) => ({ json: item as never }))
			: await withClips(mock, items, options.extra)),
	);
	const [output] = await new Assemble().execute.call(mock.context);
	return output;
}

const approvedPipeline = (takes: TakeSpec[][] = [[{}], [{}]], title?: string) =>
	pipelineItems(takes, { title });

const workFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith('veo-assemble-'));

describe('Assemble refuses what cannot become a cut', () => {
	it('fails listing the missing shot with its status and reason, pointing at its item', async () => {
		const error = await run(approvedPipeline([[{}], [{ route: 'regenerate' }]])).catch(
			(caught) => caught,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(
			/^Item 1: shot-02 \(item 1\): has no approved take: status needs_regeneration; drift too high$/,
		);
		expect(error.description).toMatch(/1 of 2 shots .*"Missing Shots" to "Insert a Slate"/);
		expect(error.context.itemIndex).toBe(1);
	});

	it('names the item and the properties when an approved take has no clip', async () => {
		await expect(run(approvedPipeline(), {}, { dropBinaries: true })).rejects.toThrow(
			new RegExp(
				String.raw`^Item 0: takes\[0\]\.clip: take shot-01-take-1 of shot-01 has no clip here: ` +
					String.raw`neither binary property "clip_take1" \(recorded by the take\) nor "clip" \(the clip property\) ` +
					String.raw`is on the item \(it has no binary data\)$`,
			),
		);
	});

	it('names the rendition whose size is 0', async () => {
		await expect(
			run(approvedPipeline(), {
				renditions: { rendition: [{ aspectRatio: '9:16', fit: 'crop', shortSide: 0 }] },
			}),
		).rejects.toThrow(
			/renditions\[0\]\.shortSide: must be a positive even number of pixels up to 8192 \(found 0\)/,
		);
	});

	it('refuses a LUT that is not a .cube, and removes its working folder', async () => {
		const before = workFolders();
		await expect(
			run(
				approvedPipeline(),
				{ options: { lutProperty: 'grade' } },
				{ extra: { grade: Buffer.from('LUT_3D_SIZE 2\n0 0 0\n1 1 oops\n') } },
			),
		).rejects.toThrow(
			/^Item 0: options\.lutProperty \(line 3\): expected three numbers \(red green blue\), found "1 1 oops"/,
		);
		expect(workFolders()).toEqual(before);
	});

	it('refuses SRT captions with bad timecodes, naming the cue and line', async () => {
		await expect(
			run(approvedPipeline(), {
				captions: 'srtText',
				srtText: '1\n00:00:1,000 --> 00:00:02,000\nHello\n',
			}),
		).rejects.toThrow(/srtText \(cue 1, line 2\): "00:00:1,000" is not a timecode/);
	});

	it('says which binary property no item has', async () => {
		await expect(
			run(approvedPipeline(), {
				audioTrack: { track: { binaryProperty: 'music', role: 'music', levelDb: -12, loop: true } },
			}),
		).rejects.toThrow(
			/audioTrack\.binaryProperty: names binary property "music", which no item of pipeline pl-\w+ has \(item 0 has "clip_take1"\)/,
		);
	});

	it('refuses a take id in "Takes to Use" that no item has', async () => {
		await expect(
			run(approvedPipeline(), { options: { takeOverrides: 'shot-01-take-1, shot-9-take-1' } }),
		).rejects.toThrow(/takeOverrides: "shot-9-take-1" is not a take of any item/);
	});

	it('with Continue On Fail, gives each failed pipeline an error item paired with all its items', async () => {
		const missing = approvedPipeline([[{}], [{ route: 'regenerate' }]], 'Product A');
		const unreadable = { json: { hello: 'world' } };
		const input: INodeExecutionData[] = [];
		const mock = mockNodeContext({ items: input, parameters: PARAMETERS, continueOnFail: true });
		input.push(unreadable, ...(await withClips(mock, missing)));
		const [output] = await new Assemble().execute.call(mock.context);
		expect(output).toHaveLength(2);
		expect(output[0]).toMatchObject({
			json: { hello: 'world', error: expect.stringMatching(/^Item 0: pipelineId: is missing/) },
			pairedItem: { item: 0 },
		});
		expect(output[1]).toMatchObject({
			json: {
				pipelineId: missing[0].pipelineId,
				error: expect.stringMatching(/^Item 2: shot-02 \(item 2\): has no approved take/),
			},
		});
		expect(output[1].pairedItem).toEqual([{ item: 1 }, { item: 2 }]);
	});
});
