import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { DEFAULT_CLIP_PROPERTY } from '../../core/binaryNames';
import type { ReviewScope, TimeoutPolicy, UndecidedPolicy } from '../../core/review';
import { SettingsCheck } from '../shared/settings';
import { properties } from './description';
import type { OutputSettings } from './routing';

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/** Human Approval Wait's settings, the same when the node starts to wait and when its link is used. */
export interface HumanApprovalWaitSettings extends OutputSettings {
	operation: 'sendAndWait' | 'decideTimedOut';
	reviewScope: ReviewScope;
	undecided: UndecidedPolicy;
	/** How long to wait for the editor; undefined: as long as it takes. */
	waitLimitMs?: number;
	timeoutPolicy: TimeoutPolicy;
	/** Where the newest clip is when the item lacks the property its take recorded. */
	clipProperty: string;
	notify: { webhookUrl?: string; workflowId?: string };
}

/** Reads the settings in `execute()` (from the first item: one board for the batch) or in `webhook()`. */
export function readHumanApprovalWaitSettings(
	context: IExecuteFunctions | IWebhookFunctions,
): HumanApprovalWaitSettings {
	const parameter = <T>(name: string, fallback: T): T =>
		'getRequestObject' in context
			? ((context as IWebhookFunctions).getNodeParameter(name, fallback) as T)
			: ((context as IExecuteFunctions).getNodeParameter(name, 0, fallback) as T);
	const check = new SettingsCheck(context.getNode(), properties);
	const operation = parameter<HumanApprovalWaitSettings['operation']>('operation', 'sendAndWait');
	const limitWaitTime = operation === 'sendAndWait' && parameter('limitWaitTime', false);
	const notify = parameter<HumanApprovalWaitSettings['notify']>('notify', {});
	const settings: HumanApprovalWaitSettings = {
		operation,
		routing: parameter('routing', 'split'),
		limitWaitTime,
		reviewScope: parameter<ReviewScope>('reviewScope', 'needsReview'),
		undecided: parameter<UndecidedPolicy>('undecided', 'keep'),
		waitLimitMs: limitWaitTime
			? check.number('limitAmount', parameter('limitAmount', 24), 24, {
					min: 0,
					aboveMin: true,
				}) * UNIT_MS[parameter<keyof typeof UNIT_MS>('limitUnit', 'hours')]
			: undefined,
		timeoutPolicy: parameter<TimeoutPolicy>('timeoutPolicy', 'approvePassed'),
		clipProperty: String(parameter('clipProperty', '')).trim() || DEFAULT_CLIP_PROPERTY,
		notify: {
			webhookUrl: notify.webhookUrl?.trim() || undefined,
			workflowId: notify.workflowId?.trim() || undefined,
		},
	};
	check.done();
	return settings;
}
