import {
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
} from 'n8n-workflow';

import { createShotItems } from '../../../core/shotItems';
import { Assemble } from '../../../nodes/Assemble/Assemble.node';
import { DriftScore } from '../../../nodes/DriftScore/DriftScore.node';
import { HumanApprovalWait } from '../../../nodes/HumanApprovalWait/HumanApprovalWait.node';
import { SceneSpec } from '../../../nodes/SceneSpec/SceneSpec.node';
import { VeoGenerate } from '../../../nodes/VeoGenerate/VeoGenerate.node';
import { pipelineItems } from '../../helpers/assembly';
import { FakeVeo } from '../../helpers/fakeVeo';
import { mockNodeContext } from '../../helpers/mockNodeContext';
import { DRIFT_SCORE, SCENE_SPEC_FROM_BRIEF, VEO_GENERATE } from '../../helpers/nodeParameters';
import { reviewBatch } from '../../helpers/reviewItems';
import { cafeSpec } from '../../helpers/specs';

/**
 * Every numeric option of every node, set to something that is not a number (as an expression
 * or an imported workflow can), stops the node with an error naming the node, the option and
 * what to enter, before anything is paid for or waited on. The list of options comes from the
 * node descriptions, so a numeric option added later must be covered here too.
 */

let mockVeo: FakeVeo;
jest.mock('../../../nodes/VeoGenerate/service', () => ({ videoService: () => mockVeo }));
beforeEach(() => (mockVeo = new FakeVeo({ now: Date.now, fileBytes: 64 })));

/** `options.concurrency`, `renditions.rendition.shortSide`...: where each number option sits. */
function numericOptions(properties: INodeProperties[], prefix = ''): string[] {
	return properties.flatMap((property) => {
		const path = `${prefix}${property.name}`;
		if (property.type === 'number') return [path];
		if (property.type === 'collection')
			return numericOptions(property.options as INodeProperties[], `${path}.`);
		if (property.type === 'fixedCollection')
			return (property.options as Array<{ name: string; values: INodeProperties[] }>).flatMap(
				(group) => numericOptions(group.values, `${path}.${group.name}.`),
			);
		return [];
	});
}

/** The numeric options of a node as the cases name them: Scene Spec's per mode ("fromJson:"). */
function describedOptions(node: INodeType): Array<[string, string]> {
	const { displayName, properties } = node.description;
	if (displayName !== 'Scene Spec')
		return numericOptions(properties).map((path) => [displayName, path]);
	return properties.flatMap((property) =>
		numericOptions([property]).map((path): [string, string] => [
			`${property.displayOptions!.show!.operation![0]}:`,
			path,
		]),
	);
}

/** Sets `value` at a dotted path of the parameters; in a list of values, on its first entry. */
function withValue(parameters: IDataObject, path: string, value: IDataObject[string]): IDataObject {
	const [key, ...rest] = path.split('.');
	if (!rest.length) return { ...parameters, [key]: value };
	const inner = parameters[key];
	if (Array.isArray(inner))
		return { ...parameters, [key]: [withValue(inner[0] as IDataObject, rest.join('.'), value)] };
	return { ...parameters, [key]: withValue((inner ?? {}) as IDataObject, rest.join('.'), value) };
}

interface NodeUnderTest {
	node: INodeType;
	name: string;
	parameters: IDataObject;
	items: () => INodeExecutionData[];
}

const pendingShot = (): INodeExecutionData[] =>
	createShotItems(cafeSpec(1), 'gemini-omni-1.2-flash').map((json) => ({
		json: json as never,
	}));

const withClip = (status: 'generated' | 'needs_review') => (): INodeExecutionData[] =>
	reviewBatch([{ status, route: status === 'generated' ? undefined : 'review' }]).map((json) => ({
		json: json as never,
		binary: { clip_take1: { data: 'AAAA', mimeType: 'video/mp4' } },
	}));

const sceneSpec = (operation: string, parameters: IDataObject): NodeUnderTest => ({
	node: new SceneSpec(),
	name: 'Scene Spec',
	parameters: { operation, output: 'perShot', maxShots: 200, ...parameters },
	items: () => [{ json: {} }],
});

const NODES: Record<string, NodeUnderTest> = {
	'fromBrief:': sceneSpec('fromBrief', SCENE_SPEC_FROM_BRIEF),
	'fromJson:': sceneSpec('fromJson', {
		specJson: cafeSpec(1),
		model: 'gemini-omni-1.2-flash',
		targetDurationSeconds: 0,
	}),
	'defineInNode:': sceneSpec('defineInNode', {
		title: 'Morning Ritual',
		model: 'gemini-omni-1.2-flash',
		aspectRatio: '16:9',
		resolution: '720p',
		shots: { shot: [{ description: 'Mya pours coffee', durationSeconds: 8 }] },
	}),
	'Veo Generate': {
		node: new VeoGenerate(),
		name: 'Veo Generate',
		parameters: VEO_GENERATE,
		items: pendingShot,
	},
	'Drift Score': {
		node: new DriftScore(),
		name: 'Drift Score',
		parameters: DRIFT_SCORE,
		items: withClip('generated'),
	},
	'Human Approval Wait': {
		node: new HumanApprovalWait(),
		name: 'Human Approval Wait',
		parameters: {
			operation: 'sendAndWait',
			reviewScope: 'needsReview',
			routing: 'split',
			undecided: 'keep',
			limitWaitTime: true,
			limitAmount: 2,
			limitUnit: 'hours',
			clipProperty: 'clip',
			notify: {},
		},
		items: withClip('needs_review'),
	},
	Assemble: {
		node: new Assemble(),
		name: 'Assemble',
		parameters: {
			missingShots: 'fail',
			transition: 'crossfade',
			transitionDuration: 0.5,
			loudness: 'custom',
			loudnessTarget: -16,
			captions: 'none',
			audioTrack: { track: { binaryProperty: 'music', role: 'music', levelDb: -12, loop: true } },
			renditions: { rendition: [{ aspectRatio: '9:16', fit: 'crop', shortSide: 1080 }] },
			options: { frameRate: 24, outputWidth: 1280, outputHeight: 720, posterAtSeconds: 0 },
		},
		items: () =>
			pipelineItems([[{}]]).map((json) => ({
				json: json as never,
				binary: { clip_take1: { data: 'AAAA', mimeType: 'video/mp4' } },
			})),
	},
};

const CASES: Array<[string, string]> = [
	['fromBrief:', 'targetDurationSeconds'],
	['fromBrief:', 'shotCount'],
	['fromBrief:', 'maxShots'],
	['fromJson:', 'targetDurationSeconds'],
	['fromJson:', 'maxShots'],
	['defineInNode:', 'shots.shot.durationSeconds'],
	['defineInNode:', 'maxShots'],
	['Veo Generate', 'options.maxAttempts'],
	['Veo Generate', 'options.budgetUsd'],
	['Veo Generate', 'options.concurrency'],
	['Veo Generate', 'options.durationSeconds'],
	['Veo Generate', 'options.clipTimeoutMinutes'],
	['Veo Generate', 'options.numberOfVideos'],
	['Veo Generate', 'options.pollMaxSeconds'],
	['Veo Generate', 'options.pollMinSeconds'],
	['Veo Generate', 'options.seed'],
	['Drift Score', 'passThreshold'],
	['Drift Score', 'failThreshold'],
	['Drift Score', 'minConfidence'],
	['Drift Score', 'options.concurrency'],
	['Human Approval Wait', 'limitAmount'],
	['Assemble', 'transitionDuration'],
	['Assemble', 'loudnessTarget'],
	['Assemble', 'audioTrack.track.levelDb'],
	['Assemble', 'renditions.rendition.shortSide'],
	['Assemble', 'options.frameRate'],
	['Assemble', 'options.outputHeight'],
	['Assemble', 'options.outputWidth'],
	['Assemble', 'options.posterAtSeconds'],
];

/** The option as the editor shows it, e.g. "Options > Clips at Once". */
function labelOf(properties: INodeProperties[], path: string): string {
	const [name, ...rest] = path.split('.');
	const property = properties.find((candidate) => candidate.name === name)!;
	if (!rest.length) return property.displayName;
	if (property.type === 'fixedCollection') {
		const group = (property.options as Array<{ name: string; values: INodeProperties[] }>).find(
			(candidate) => candidate.name === rest[0],
		)!;
		return `${property.displayName} > ${labelOf(group.values, rest.slice(1).join('.'))}`;
	}
	return `${property.displayName} > ${labelOf(property.options as INodeProperties[], rest.join('.'))}`;
}

describe('every numeric option is checked when the settings are read', () => {
	it('the cases cover every numeric option of every node', () => {
		const nodes = [SceneSpec, VeoGenerate, DriftScore, HumanApprovalWait, Assemble];
		const described = nodes.flatMap((Node) => describedOptions(new Node()));
		expect([...CASES].sort()).toEqual(described.sort());
	});

	it.each(CASES)(
		'%s %s: "abc" is refused, naming the node, the option and what to enter',
		async (key, path) => {
			const { node, name, parameters, items } = NODES[key];
			const mock = mockNodeContext({
				items: items(),
				parameters: withValue(parameters, path, 'abc'),
				nodeName: name,
				credentials: { veoPipelineGeminiApi: { apiKey: 'k', baseUrl: 'http://127.0.0.1:9' } },
			});
			const error = await node.execute!.call(mock.context).then(
				() => undefined,
				(thrown: unknown) => thrown,
			);
			expect(error).toBeInstanceOf(NodeOperationError);
			const { message, description } = error as NodeOperationError;
			const parameterPath = path.replace(/^(renditions\.rendition|shots\.shot)\./, '$1[0].');
			const label = labelOf(node.description.properties, path);
			expect(message).toContain(`${parameterPath}: ${label} is "abc": enter `);
			expect(description).toContain(`"${name}"`);
			expect(mock.waits).toEqual([]);
			expect(mockVeo.submissions).toEqual([]);
		},
	);

	it.each([
		['Veo Generate', 'options.concurrency', 0, 'a whole number of 1 or more'],
		['Veo Generate', 'options.maxAttempts', 2.5, 'a whole number of 1 or more'],
		['Veo Generate', 'options.clipTimeoutMinutes', -1, 'a number above 0'],
		['Drift Score', 'passThreshold', 1.5, 'a number from 0 to 1'],
		['Human Approval Wait', 'limitAmount', 0, 'a number above 0'],
		['fromJson:', 'maxShots', 0, 'a whole number of 1 or more'],
	])('%s %s: %j is out of range: %s', async (key, path, value, expected) => {
		const { node, name, parameters, items } = NODES[key];
		const mock = mockNodeContext({
			items: items(),
			parameters: withValue(parameters, path, value),
			nodeName: name,
		});
		await expect(node.execute!.call(mock.context)).rejects.toThrow(
			`is ${value}: enter ${expected}`,
		);
		expect(mockVeo.submissions).toEqual([]);
	});

	it('takes numbers given as text, as expressions often give them', async () => {
		const { node, parameters } = NODES['Veo Generate'];
		const mock = mockNodeContext({
			items: pendingShot(),
			parameters: withValue(
				withValue(parameters, 'options.concurrency', ' 2 '),
				'options.maxAttempts',
				'1',
			),
			credentials: { veoPipelineGeminiApi: { apiKey: 'k' } },
		});
		const [output] = (await node.execute!.call(mock.context)) as INodeExecutionData[][];
		expect(output.map((entry) => entry.json.status)).toEqual(['generated']);
	});
});
