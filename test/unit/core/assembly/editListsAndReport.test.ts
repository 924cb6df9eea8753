import { decisionsOfCut, decisionsText } from '../../../../core/assembly/decisionsExport';
import { buildCmx3600, buildOtio, type EditSource } from '../../../../core/assembly/editLists';
import { planCut } from '../../../../core/assembly/plan';
import { buildProductionReport } from '../../../../core/assembly/report';
import { renderReportHtml } from '../../../../core/assembly/reportHtml';
import { selectTakes } from '../../../../core/assembly/selection';
import { buildTimeline } from '../../../../core/assembly/timeline';
import type { AssemblyOptions, ClipFacts } from '../../../../core/assembly/types';
import { parseDecisionLines } from '../../../../core/decisions';
import { decisionRecordOf, WAIT_LIMIT_REVIEWER } from '../../../../core/review';
import type { ShotItem } from '../../../../core/types';
import { assemblyOptions, pipelineItems } from '../../../helpers/assembly';
import { edlShots, parseCmx3600, readOtioVideoTrack } from '../../../helpers/editLists';

const SOURCES: EditSource[] = [
	{ shotId: 'shot-01', takeId: 'shot-01-take-1', name: 'pl-1-shot-01-take1.mp4' },
	{ shotId: 'shot-02', name: 'slate-shot-02', slateReason: 'status failed;\nperson detected' },
	{ shotId: 'shot-03', takeId: 'shot-03-take-2', name: 'pl-1-shot-03-take2.mp4' },
];

describe('edit lists', () => {
	it('writes a CMX 3600 EDL of cuts that lists every shot in order, end to end', () => {
		const timeline = buildTimeline([8, 6, 4], ['a', 'b', 'c'], 24, {
			kind: 'cut',
			durationSeconds: 0,
		});
		const edl = parseCmx3600(buildCmx3600('Morning\nRitual', timeline, SOURCES, true), 24);
		expect(edl.title).toBe('Morning Ritual');
		expect(edlShots(edl.events)).toEqual(['shot-01', 'shot-02', 'shot-03']);
		expect(edl.events.map((event) => [event.lines[0].recordIn, event.lines[0].recordOut])).toEqual([
			[0, 192],
			[192, 336],
			[336, 432],
		]);
		expect(edl.events[0].lines[0].channels).toBe('AA/V');
		expect(edl.events[1].comments).toEqual([
			'FROM CLIP NAME: slate-shot-02',
			'SHOT: shot-02  SLATE',
			'SLATE: status failed; person detected',
		]);
	});

	it('writes crossfades as CMX dissolves: a zero-length cut on the outgoing clip, then D with the frames', () => {
		const timeline = buildTimeline([8, 6, 4], ['a', 'b', 'c'], 24, {
			kind: 'crossfade',
			durationSeconds: 0.5,
		});
		const edl = parseCmx3600(buildCmx3600('T', timeline, SOURCES, false), 24);
		const [first, second, third] = edl.events;
		expect(first.lines).toEqual([
			expect.objectContaining({
				transition: 'C',
				sourceIn: 0,
				sourceOut: 180,
				recordIn: 0,
				recordOut: 180,
				channels: 'V',
			}),
		]);
		expect(second.lines).toEqual([
			expect.objectContaining({
				transition: 'C',
				sourceIn: 180,
				sourceOut: 180,
				recordIn: 180,
				recordOut: 180,
			}),
			expect.objectContaining({
				transition: 'D',
				transitionFrames: 12,
				sourceIn: 0,
				sourceOut: 132,
				recordIn: 180,
				recordOut: 312,
			}),
		]);
		expect(third.lines[1]).toMatchObject({
			transition: 'D',
			recordIn: 312,
			recordOut: timeline.totalFrames,
		});
		expect(edlShots(edl.events)).toEqual(['shot-01', 'shot-02', 'shot-03']);
	});

	it('writes an OTIO timeline whose clips and transitions add up to the cut', () => {
		const timeline = buildTimeline([8, 6, 4], ['a', 'b', 'c'], 24, {
			kind: 'crossfade',
			durationSeconds: 0.5,
		});
		const track = readOtioVideoTrack(
			JSON.stringify(buildOtio('T', timeline, SOURCES, { name: 'music.mp3' })),
		);
		expect(track.durationFrames).toBe(timeline.totalFrames);
		expect(track.items.map((item) => item.kind)).toEqual([
			'clip',
			'transition',
			'clip',
			'transition',
			'clip',
		]);
		expect(
			track.items
				.filter((item) => item.kind === 'clip')
				.map((item) => [item.shotId, item.takeId, item.targetUrl]),
		).toEqual([
			['shot-01', 'shot-01-take-1', 'pl-1-shot-01-take1.mp4'],
			['shot-02', null, undefined],
			['shot-03', 'shot-03-take-2', 'pl-1-shot-03-take2.mp4'],
		]);
		for (const transition of track.items.filter((item) => item.kind === 'transition'))
			expect(transition.inOffset! + transition.outOffset!).toBe(12);
		// The second clip starts 6 frames into its media: the first half of the dissolve belongs to the first clip.
		expect(track.items[2]).toMatchObject({ start: 6, duration: 144 - 12 });
	});
});

const OPTIONS = assemblyOptions({ missingShots: 'slate' });
const FACTS: ClipFacts = {
	durationSeconds: 2,
	video: { codec: 'h264', width: 320, height: 180, frameRate: 24, configKey: 'k' },
	audio: { codec: 'aac', channels: 2, sampleRate: 48000, configKey: 'a' },
};

function reportFor(items: ShotItem[], options: AssemblyOptions = OPTIONS) {
	const cut = selectTakes(
		items.map((item, itemIndex) => ({ itemIndex, item, binaryProperties: ['clip'] })),
		options,
	);
	const plan = planCut(cut, options, {
		facts: cut.slots.map((slot) => (slot.kind === 'clip' ? FACTS : undefined)),
		clipNames: cut.slots.map((_, index) => `c${index}.mp4`),
	});
	return buildProductionReport({
		cut,
		plan,
		options,
		renderNotes: [],
		generatedAt: new Date('2026-11-26T12:00:00Z'),
	});
}

describe('the production report', () => {
	// shot-01: approved first time by QA. shot-02: sent back by QA, then approved by a person.
	// shot-03: failed once, rejected by a person, then approved by QA. shot-04: filtered by safety, failed.
	const items = pipelineItems([
		[{ route: 'pass', costUsd: 0.8 }],
		[
			{ route: 'regenerate', costUsd: 0.8 },
			{ route: 'review', review: 'approved', costUsd: 0.8 },
		],
		[
			{ outcome: 'failed', reason: 'HTTP 500', costUsd: 0 },
			{ route: 'review', review: 'rejected', costUsd: 0.8 },
			{ route: 'pass', costUsd: 0.8 },
		],
		[{ outcome: 'safety_filtered', reason: 'person detected', costUsd: 0 }],
	]);

	it('counts what happened to every take', () => {
		const report = reportFor(items);
		expect(report.totals).toEqual({
			shots: 4,
			shotsWithApprovedTake: 3,
			slates: 1,
			takesTried: 7,
			clipsGenerated: 5,
			clipsApprovedOnFirstTry: 1,
			regenerations: 3,
			humanReviews: 2,
			humanReviewShareOfClips: 0.4,
			annotations: 1,
			costUsd: 4,
			approvedSeconds: 6,
			costPerApprovedSecondUsd: 0.6667,
		});
		expect(report.shots.map((shot) => [shot.shotId, shot.inCut.kind, shot.takes.length])).toEqual([
			['shot-01', 'take', 1],
			['shot-02', 'take', 2],
			['shot-03', 'take', 3],
			['shot-04', 'slate', 1],
		]);
		expect(
			report.shots[2].takes.map((take) => [take.id, take.usedInCut, take.review?.decision ?? null]),
		).toEqual([
			['shot-03-take-1', false, null],
			['shot-03-take-2', false, 'rejected'],
			['shot-03-take-3', true, null],
		]);
		expect(report.shots[1].takes[1].drift?.route).toBe('review');
	});

	it('measures each step and the end-to-end rate they multiply to', () => {
		const { passRates } = reportFor(items);
		// 5 of 7 attempts delivered a clip; QA sent 1 of 5 back; of the 4 that reached approval 3 were approved, 1 rejected.
		expect(passRates.generation).toEqual({ passed: 5, of: 7, rate: 0.7143 });
		expect(passRates.automaticQa).toEqual({ passed: 4, of: 5, rate: 0.8 });
		expect(passRates.approval).toEqual({ passed: 3, of: 4, rate: 0.75 });
		expect(passRates.humanApproval).toEqual({ passed: 1, of: 2, rate: 0.5 });
		expect(passRates.endToEnd).toBeCloseTo((5 / 7) * 0.8 * 0.75, 4);
		expect(passRates.observedEndToEnd).toEqual({ passed: 3, of: 7, rate: 0.4286 });
	});

	it('shows how automatic QA agreed with the people who decided, per dimension, in JSON and HTML', () => {
		const decided = pipelineItems([
			[{ route: 'review', review: 'approved' }],
			[{ route: 'review', review: 'rejected' }],
		]);
		// The approved clip drifted a little on lighting; the rejected one a lot on props.
		decided[0].takes[0].drift!.dimensions = {
			lighting: { drift: 0.3, confidence: 0.7, reasons: [] },
		};
		decided[1].takes[0].drift!.dimensions = { props: { drift: 0.6, confidence: 0.5, reasons: [] } };
		const report = reportFor(decided);
		expect(report.qaAgreement).toMatchObject({
			decisions: { approved: 1, rejected: 1, undecided: 0 },
			dimensions: {
				lighting: { clips: 1, approvedButFlagged: 1, rejectedButPassed: 0 },
				props: { clips: 1, approvedButFlagged: 0, rejectedButPassed: 0 },
			},
			current: { review: 2, rejectedPassed: 0 },
			recommended: { review: 1, rejectedPassed: 0 },
		});
		expect(report.qaAgreement!.thresholds.lighting!.pass).toBeGreaterThan(0.3);
		const html = renderReportHtml(report);
		expect(html).toContain('<h2>Automatic QA and people</h2>');
		expect(html).toMatch(/<tr><th>lighting<\/th><td>1<\/td><td>1<\/td><td>0<\/td>/);
		expect(reportFor(pipelineItems([[{ route: 'pass' }]])).qaAgreement).toBeNull();
	});

	it('leaves a step unmeasured, not passed, when nothing reached it', () => {
		const { passRates } = reportFor(pipelineItems([[{}], [{}]]));
		expect(passRates.automaticQa).toEqual({ passed: 0, of: 0, rate: null });
		expect(passRates.endToEnd).toBe(1);
	});

	it('says how each take was made: an edit of which take, billed tokens, its first frame', () => {
		const edited = pipelineItems([
			[{ route: 'regenerate' }, { route: 'pass' }],
			[{ route: 'pass' }],
		]);
		edited[0].takes[0].operationName = 'interaction-7';
		Object.assign(edited[0].takes[1], {
			mode: 'edit',
			editOf: 'shot-01-take-1',
			outputTokens: 46_336,
		});
		Object.assign(edited[1].takes[0], {
			mode: 'generate',
			editFallback: 'shot-01-take-9 was made by veo-3.1-generate-001, which <b> cannot edit',
			firstFrameFrom: 'shot-01-take-2',
		});
		const report = reportFor(edited);
		expect(report.shots[0].takes[1]).toMatchObject({
			mode: 'edit',
			editOf: 'shot-01-take-1',
			outputTokens: 46_336,
		});
		expect(report.shots[0].takes[0].operationName).toBe('interaction-7');
		const html = renderReportHtml(report);
		expect(html).toContain('<p><b>Made as</b> an edit of shot-01-take-1</p>');
		expect(html).toContain('46336 output tokens billed');
		expect(html).toContain(
			'<p><b>Made as</b> generated anew: shot-01-take-9 was made by veo-3.1-generate-001, which &lt;b&gt; ' +
				'cannot edit; starts from the last frame of shot-01-take-2</p>',
		);
	});

	it('escapes every text from the pipeline in the HTML page', () => {
		const hostile = pipelineItems([[{ route: 'review', review: 'rejected' }, { route: 'pass' }]], {
			title: '<script>alert(1)</script>',
		});
		hostile[0].takes[0].prompt = 'A mug <img src=x onerror=alert(2)> & "quotes"';
		hostile[0].takes[0].review!.annotations = [
			{ atSeconds: 1, text: '</details><script>alert(3)</script>' },
		];
		const html = renderReportHtml(reportFor(hostile));
		expect(html).not.toMatch(/<script>|<img/);
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(html).toContain('A mug &lt;img src=x onerror=alert(2)&gt; &amp; &quot;quotes&quot;');
		expect(html).toContain('&lt;/details&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
	});
});

describe('the decisions export', () => {
	it("holds every person's decision on a scored clip, once, as JSON lines the calibration reads; the report links it", () => {
		const items = pipelineItems([
			[{ route: 'pass' }],
			[{ route: 'regenerate' }, { route: 'review', review: 'approved' }],
			[{ route: 'review', review: 'rejected' }, { route: 'pass' }],
			// Decided, but never scored: nothing to calibrate against.
			[{ review: 'approved' }],
		]);
		// The same shot twice in the batch (a loop's duplicate) is one record per take.
		const cut = selectTakes(
			[...items, items[1]].map((item, itemIndex) => ({
				itemIndex,
				item,
				binaryProperties: ['clip'],
			})),
			OPTIONS,
		);
		const records = decisionsOfCut(cut);
		expect(records.map((record) => [record.shotId, record.takeId, record.decision])).toEqual([
			['shot-02', 'shot-02-take-2', 'approved'],
			['shot-03', 'shot-03-take-1', 'rejected'],
		]);
		expect(records[1]).toEqual({
			pipelineId: items[2].pipelineId,
			shotId: 'shot-03',
			takeId: 'shot-03-take-1',
			clipId: 'clip_take1',
			drift: items[2].takes[0].drift,
			decision: 'rejected',
			tags: ['props'],
			note: 'the mug is green',
			reviewer: 'editor@example.com',
			decidedAt: items[2].takes[0].review!.decidedAt,
		});
		const text = decisionsText(records);
		expect(text.split('\n')).toHaveLength(3);
		expect(parseDecisionLines(text, 'decisions.jsonl')).toEqual(records);

		const report = reportFor(items);
		const fileName = `${items[0].pipelineId}-decisions.jsonl`;
		expect(report.decisions).toEqual({ fileName, records: 2 });
		expect(renderReportHtml(report)).toContain(
			`<a href="${fileName}">${fileName}</a>: 2 decisions of people on scored clips`,
		);
	});

	it("leaves out the clips the wait limit decided: they are nobody's judgement", () => {
		const [item] = pipelineItems([[{ route: 'review', review: 'approved' }]]);
		item.takes[0].review!.reviewer = WAIT_LIMIT_REVIEWER;
		expect(decisionRecordOf(item, item.takes[0])).toBeUndefined();
	});
});
