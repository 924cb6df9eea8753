import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { evidenceProperty, posterProperty } from '../../core/binaryNames';
import { describeError } from '../../core/failures';
import { gatherEvidence, type EvidenceOptions } from '../../core/scoring/evidence';
import type { ScoringSubject } from '../../core/scoring/scorer';
import type { DriftReport, Take } from '../../core/types';

/**
 * The review board's pictures for one scored take (core/scoring/evidence.ts): each stored as a
 * binary of the item (`drift_take<N>_poster`, `drift_take<N>_<i>`) and named in the report, which
 * the board reads them from. Pictures that cannot be made never fail the clip: the report says
 * so and keeps its words.
 */
export async function withEvidence(
	context: IExecuteFunctions,
	subject: ScoringSubject,
	report: DriftReport,
	take: Take,
	binary: Record<string, IBinaryData>,
	options: EvidenceOptions,
): Promise<DriftReport> {
	try {
		const { poster, pictures } = await gatherEvidence(subject, report, options);
		const posterName = posterProperty(take.attempt);
		binary[posterName] = await context.helpers.prepareBinaryData(
			poster.bytes,
			`${take.id}-poster.jpg`,
			'image/jpeg',
		);
		const evidence: NonNullable<DriftReport['evidence']> = [];
		for (const [index, picture] of pictures.entries()) {
			const name = evidenceProperty(take.attempt, index);
			binary[name] = await context.helpers.prepareBinaryData(
				picture.bytes,
				`${take.id}-${picture.dimension}-${index + 1}.${picture.mimeType === 'image/png' ? 'png' : 'jpg'}`,
				picture.mimeType,
			);
			evidence.push({
				dimension: picture.dimension,
				binaryProperty: name,
				caption: picture.caption,
				...(picture.atSeconds === undefined ? {} : { atSeconds: picture.atSeconds }),
			});
		}
		return {
			...report,
			poster: { binaryProperty: posterName, atSeconds: poster.atSeconds },
			...(evidence.length ? { evidence } : {}),
		};
	} catch (error) {
		return {
			...report,
			skipped: [
				...report.skipped,
				{
					scorer: 'review pictures',
					reason: `the pictures for the review board could not be made: ${describeError(error)}`,
				},
			],
		};
	}
}
