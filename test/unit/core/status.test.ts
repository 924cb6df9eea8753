import { InvalidInputError } from '../../../core/failures';
import { inputErrorOf } from '../../helpers/errors';
import { parseSceneSpec } from '../../../core/schema';
import { createShotItems } from '../../../core/shotItems';
import { allShotsFinal, canTransition, isFinal, transition } from '../../../core/status';
import { SHOT_STATUSES, type ShotItem, type ShotStatus } from '../../../core/types';
import { rawSpec } from '../../fixtures/sceneSpec';

function firstItem(status: ShotStatus = 'pending'): ShotItem {
	const [item] = createShotItems(parseSceneSpec(rawSpec()), 'gemini-omni-1.2-flash');
	return { ...item, status };
}

describe('the shot status machine', () => {
	it('starts every shot as pending with an empty history', () => {
		const items = createShotItems(parseSceneSpec(rawSpec()), 'gemini-omni-1.2-flash');
		expect(items.map((item) => item.status)).toEqual(['pending', 'pending', 'pending']);
		expect(items.every((item) => item.statusHistory.length === 0)).toBe(true);
	});

	it('walks a shot through regeneration to approval, recording every step in order', () => {
		const path: Array<[ShotStatus, string]> = [
			['generated', 'take 1 downloaded'],
			['scored', 'drift 0.41'],
			['needs_review', 'between thresholds'],
			['needs_regeneration', 'editor: mug is green'],
			['generated', 'take 2 downloaded'],
			['scored', 'drift 0.08'],
			['approved', 'under the pass threshold'],
		];
		let item = firstItem();
		path.forEach(([to, reason], index) => {
			item = transition(item, to, reason, new Date(Date.UTC(2026, 0, 1, 0, 0, index)));
		});

		expect(item.status).toBe('approved');
		expect(item.statusReason).toBe('under the pass threshold');
		expect(item.statusHistory).toHaveLength(path.length);
		expect(item.statusHistory.map((change) => [change.to, change.reason])).toEqual(path);
		const froms = item.statusHistory.map((change) => change.from);
		expect(froms).toEqual(['pending', ...path.slice(0, -1).map(([to]) => to)]);
		expect(item.statusHistory[3].at).toBe('2026-01-01T00:00:03.000Z');
	});

	it('returns a new item and leaves the old one as it was', () => {
		const before = firstItem();
		const after = transition(before, 'generated');
		expect(before.status).toBe('pending');
		expect(before.statusHistory).toHaveLength(0);
		expect(after.status).toBe('generated');
		expect(after.shot).toBe(before.shot);
	});

	it('lets an editor reopen an approved shot', () => {
		expect(transition(firstItem('approved'), 'needs_regeneration').status).toBe(
			'needs_regeneration',
		);
	});

	it('refuses pending -> approved, naming the shot and where it can go', () => {
		const error = inputErrorOf(() => transition(firstItem('pending'), 'approved'));
		expect(error.firstPath).toBe('status');
		expect(error.message).toContain('shot "shot-01"');
		expect(error.message).toContain('from pending to approved');
		expect(error.message).toContain('it can go to generated, needs_review, failed');
		expect(error.hint).toMatch(/order of the nodes/);
	});

	it('refuses every step out of failed, saying it is final', () => {
		for (const to of SHOT_STATUSES) {
			const error = inputErrorOf(() => transition(firstItem('failed'), to));
			expect(error.message).toContain(`from failed to ${to}`);
			expect(error.message).toContain('it is final');
		}
	});

	it('refuses skipping the generation (pending -> scored) and going back (scored -> pending)', () => {
		expect(() => transition(firstItem('pending'), 'scored')).toThrow(/it can go to generated/);
		expect(() => transition(firstItem('scored'), 'pending')).toThrow(
			/cannot go from scored to pending/,
		);
	});

	it('agrees with canTransition for every pair of statuses', () => {
		for (const from of SHOT_STATUSES) {
			for (const to of SHOT_STATUSES) {
				const call = () => transition(firstItem(from), to);
				if (canTransition(from, to)) expect(call).not.toThrow();
				else expect(call).toThrow(InvalidInputError);
			}
		}
	});

	it('treats approved and failed as final, everything else as open', () => {
		expect(SHOT_STATUSES.filter(isFinal)).toEqual(['approved', 'failed']);
	});

	it('allShotsFinal is true only when every shot is approved or failed', () => {
		expect(
			allShotsFinal([{ status: 'approved' }, { status: 'failed' }, { status: 'approved' }]),
		).toBe(true);
		expect(allShotsFinal([{ status: 'approved' }, { status: 'needs_review' }])).toBe(false);
		expect(allShotsFinal([{ status: 'failed' }, { status: 'pending' }])).toBe(false);
		for (const open of SHOT_STATUSES.filter((status) => !isFinal(status))) {
			expect(allShotsFinal([{ status: 'approved' }, { status: open }])).toBe(false);
		}
	});
});
