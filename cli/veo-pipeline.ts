#!/usr/bin/env node
import { promises as fs } from 'fs';
import path from 'path';
import { parseArgs } from 'util';

import {
	describeError,
	InvalidInputError,
	NonRetryableFailure,
	RetryableFailure,
} from '../core/failures';
import { findVideoModel } from '../core/models';
import { parseSceneSpec } from '../core/schema';
import { decisionsInText } from '../core/decisions';
import { calibrate } from '../core/scoring/calibrate';
import {
	DEFAULT_THRESHOLDS,
	parseDimensionThresholds,
	type Thresholds,
} from '../core/scoring/report';
import { driftScorers, scoreDrift } from '../core/scoring/scoreDrift';
import type { ScoringSubject } from '../core/scoring/scorer';
import type { SceneBible, Shot } from '../core/types';
import { ffmpegMediaReader } from '../edges/ffmpeg/frameSampling';
import { createGoogleClient } from '../edges/google/client';
import { geminiDriftJudge } from '../edges/google/driftJudge';
import { offlineVision, type OfflineChecks } from '../edges/vision/humanModels';

/**
 * The pipeline's scoring outside n8n, for editors and scripts:
 *
 *   veo-pipeline drift --spec <shot+bible JSON> <clip.mp4> [--previous <clip>] [--reference <image>]
 *
 * prints the clip's drift report as JSON, scored exactly as the Drift Score node scores it.
 */

const THRESHOLD_DEFAULTS = `${DEFAULT_THRESHOLDS.pass}, ${DEFAULT_THRESHOLDS.fail}, ${DEFAULT_THRESHOLDS.minConfidence}`;

const USAGE = `Usage: veo-pipeline drift --spec <spec.json> <clip.mp4> [options]
       veo-pipeline calibrate <production-report.json | decisions.jsonl>... [threshold options]

drift: scores a clip against its shot and scene bible and prints the drift report as JSON.

  --spec <file>            a shot item from the pipeline, {"bible", "shot"}, or {"bible", "shots"}
  --shot <id>              which shot, when the spec has several
  --previous <clip>        the previous shot's clip, for continuity (when the shot continues it)
  --reference <[id=]image> a character's reference image (the shot's first character without id=);
                           repeat for several characters
  --look-reference <file>  an image or an approved clip with the look the scene has established
                           (otherwise the lighting is judged by the spec's words)
  --model <veo id>         the Veo model that made the clip (whether it should have sound)
  --judge <gemini model>   also ask a Gemini model (needs GEMINI_API_KEY; --base-url for another host)
  --offline-checks <on|when-available|off>  faces against the reference images and props, with the
                           vision models in the package (default: on; on: models that cannot load
                           are an error)
  --models-dir <folder>    the vision models, if not the installed @vladmandic/human's
  --pass, --fail, --min-confidence <0-1>   routing thresholds (${THRESHOLD_DEFAULTS})
  --dimension-thresholds <json>            per-dimension thresholds, e.g. '{"lighting":{"pass":0.25}}'
  --review-unverified      send to review a clip no check of look, characters or props could verify
  --contact-sheet <file.png>               write the contact sheet there
  --no-technical, --no-look                skip a scorer

calibrate: reads people's decisions (production reports from Assemble, or decision records one JSON
object a line) and prints how automatic routing agreed with them and the thresholds per dimension
that would have let at most 2% of the rejected clips pass with the least review, as JSON.`;

class UsageError extends Error {}

interface Target {
	bible: SceneBible;
	shot: Shot;
	model?: string;
}

/** The shot and bible to score against, from any of the JSON shapes the pipeline writes. */
async function readTarget(specPath: string, shotId: string | undefined): Promise<Target> {
	let json: Record<string, unknown>;
	try {
		json = JSON.parse(await fs.readFile(specPath, 'utf8'));
	} catch (error) {
		throw new UsageError(`--spec ${specPath}: ${describeError(error)}`);
	}
	const shots = (json.shot ? [json.shot] : json.shots) as Array<{ id?: string }> | undefined;
	if (!Array.isArray(shots) || !shots.length)
		throw new UsageError(`--spec ${specPath}: has no "shot" or "shots"`);
	const wanted = shotId ? shots.filter((shot) => shot.id === shotId) : shots;
	if (wanted.length !== 1) {
		throw new UsageError(
			`--spec ${specPath}: ${shotId ? `has no shot "${shotId}"` : 'has several shots; pick one with --shot'} ` +
				`(shots: ${shots.map((shot) => shot.id).join(', ')})`,
		);
	}
	const spec = parseSceneSpec({ bible: json.bible, shots: wanted }, { wholeShotList: false });
	const takes = Array.isArray(json.takes) ? (json.takes as Array<{ model?: string }>) : [];
	return {
		bible: spec.bible,
		shot: spec.shots[0],
		model: takes[takes.length - 1]?.model ?? (json.model as string | undefined),
	};
}

function referencesFor(target: Target, values: string[]): ScoringSubject['references'] {
	if (values.length && !target.shot.characters.length)
		throw new UsageError(
			`--reference: shot "${target.shot.id}" has no characters, ` +
				'so no reference image can be compared (give the shot its characters in the spec, or leave --reference out)',
		);
	return values.map((value) => {
		const [id, file] = value.includes('=')
			? [value.slice(0, value.indexOf('=')), value.slice(value.indexOf('=') + 1)]
			: [target.shot.characters[0], value];
		const character = target.bible.characters.find((candidate) => candidate.id === id);
		if (!character)
			throw new UsageError(
				`--reference ${value}: the bible has no character "${id ?? ''}" ` +
					`(characters: ${target.bible.characters.map((c) => c.id).join(', ') || 'none'})`,
			);
		return { path: file, name: file, characterId: character.id, characterName: character.name };
	});
}

function threshold(value: string | undefined, fallback: number, flag: string): number {
	if (value === undefined) return fallback;
	const number = Number(value);
	if (!(number >= 0 && number <= 1))
		throw new UsageError(`${flag} must be a number from 0 to 1 (got ${value})`);
	return number;
}

const VIDEO_TYPES: Record<string, string> = {
	'.mp4': 'video/mp4',
	'.mov': 'video/quicktime',
	'.webm': 'video/webm',
	'.mkv': 'video/x-matroska',
};

async function drift(args: string[]): Promise<void> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: {
			'look-reference': { type: 'string' },
			'dimension-thresholds': { type: 'string' },
			'review-unverified': { type: 'boolean', default: false },
			spec: { type: 'string' },
			shot: { type: 'string' },
			previous: { type: 'string' },
			reference: { type: 'string', multiple: true, default: [] },
			model: { type: 'string' },
			judge: { type: 'string' },
			'base-url': { type: 'string' },
			pass: { type: 'string' },
			fail: { type: 'string' },
			'min-confidence': { type: 'string' },
			'contact-sheet': { type: 'string' },
			'offline-checks': { type: 'string', default: 'on' },
			'models-dir': { type: 'string' },
			'no-technical': { type: 'boolean', default: false },
			'no-look': { type: 'boolean', default: false },
		},
	});
	if (!values.spec || positionals.length !== 1)
		throw new UsageError('give --spec and exactly one clip');
	const clipPath = positionals[0];
	const target = await readTarget(values.spec, values.shot);
	const model = values.model ?? target.model;
	let judge;
	if (values.judge) {
		const apiKey = process.env.GEMINI_API_KEY ?? process.env.GOOGLE_API_KEY ?? '';
		if (!apiKey) throw new UsageError('--judge needs an API key in GEMINI_API_KEY');
		const client = createGoogleClient({ backend: 'gemini', apiKey, baseUrl: values['base-url'] });
		judge = geminiDriftJudge(
			client,
			values.judge,
			(ms) => new Promise((resolve) => setTimeout(resolve, ms)),
		);
	}
	const offlineMode = ({ on: 'on', 'when-available': 'whenAvailable', off: 'off' } as const)[
		values['offline-checks'] as string
	] as OfflineChecks | undefined;
	if (!offlineMode)
		throw new UsageError(
			`--offline-checks must be on, when-available or off (got ${values['offline-checks']})`,
		);
	const thresholds = thresholdsFrom(values);
	if (values.previous && !target.shot.continuousWithPrevious)
		process.stderr.write(
			'veo-pipeline drift: warning: --previous is ignored: ' +
				`shot "${target.shot.id}" does not continue the previous shot (continuousWithPrevious is false in the spec)\n`,
		);
	const lookReference = values['look-reference'];
	const { report, contactSheet } = await scoreDrift(
		{
			bible: target.bible,
			shot: target.shot,
			clip: {
				path: clipPath,
				name: clipPath,
				mimeType: VIDEO_TYPES[path.extname(clipPath).toLowerCase()],
			},
			expectAudio: Boolean(model && findVideoModel(model)?.nativeAudio),
			previousClip:
				values.previous && target.shot.continuousWithPrevious
					? { path: values.previous, name: values.previous }
					: undefined,
			// A clip an editor names as the previous shot is the settled one to continue.
			previousSettled: true,
			references: referencesFor(target, values.reference ?? []),
			look: lookReference
				? {
						file: { path: lookReference, name: lookReference },
						kind: VIDEO_TYPES[path.extname(lookReference).toLowerCase()] ? 'clip' : 'image',
						description: `the look reference ${path.basename(lookReference)}`,
					}
				: undefined,
		},
		{
			scorers: driftScorers({
				technical: !values['no-technical'],
				look: !values['no-look'],
				judge,
				offline: offlineVision(offlineMode, 'switched off (--offline-checks off)', {
					modelsDir: values['models-dir'],
				}),
			}),
			media: ffmpegMediaReader(),
			thresholds,
			contactSheet: Boolean(values['contact-sheet']),
		},
	);
	if (contactSheet && values['contact-sheet'])
		await fs.writeFile(values['contact-sheet'], contactSheet);
	process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

/** The routing thresholds from the command line. */
function thresholdsFrom(values: {
	pass?: string;
	fail?: string;
	'min-confidence'?: string;
	'dimension-thresholds'?: string;
	'review-unverified'?: boolean;
}): Thresholds {
	const thresholds: Thresholds = {
		pass: threshold(values.pass, DEFAULT_THRESHOLDS.pass, '--pass'),
		fail: threshold(values.fail, DEFAULT_THRESHOLDS.fail, '--fail'),
		minConfidence: threshold(
			values['min-confidence'],
			DEFAULT_THRESHOLDS.minConfidence,
			'--min-confidence',
		),
		reviewUnverified: Boolean(values['review-unverified']),
	};
	if (values['dimension-thresholds'])
		thresholds.dimensions = parseDimensionThresholds(
			values['dimension-thresholds'],
			'--dimension-thresholds',
		);
	if (thresholds.pass > thresholds.fail)
		throw new UsageError(`--pass (${thresholds.pass}) is above --fail (${thresholds.fail})`);
	return thresholds;
}

async function calibrateCommand(args: string[]): Promise<void> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: {
			pass: { type: 'string' },
			fail: { type: 'string' },
			'min-confidence': { type: 'string' },
			'dimension-thresholds': { type: 'string' },
		},
	});
	if (!positionals.length)
		throw new UsageError('give one or more production reports or decisions exports');
	const records = [];
	for (const file of positionals) {
		let text: string;
		try {
			text = await fs.readFile(file, 'utf8');
		} catch (error) {
			throw new UsageError(`${file}: ${describeError(error)}`);
		}
		records.push(...decisionsInText(text, file));
	}
	const calibration = calibrate(records, thresholdsFrom(values));
	process.stdout.write(`${JSON.stringify(calibration, null, 2)}\n`);
}

async function main(argv: string[]): Promise<number> {
	const [command, ...args] = argv;
	try {
		if (command === 'drift') {
			await drift(args);
			return 0;
		}
		if (command === 'calibrate') {
			await calibrateCommand(args);
			return 0;
		}
		process.stderr.write(
			`${command && command !== '--help' ? `Unknown command "${command}".\n\n` : ''}${USAGE}\n`,
		);
		return command === '--help' ? 0 : 2;
	} catch (error) {
		if (
			error instanceof UsageError ||
			(error instanceof TypeError &&
				(error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS'))
		) {
			process.stderr.write(`veo-pipeline ${command}: ${error.message}\n\n${USAGE}\n`);
			return 2;
		}
		const hint =
			error instanceof InvalidInputError ||
			error instanceof NonRetryableFailure ||
			error instanceof RetryableFailure
				? error.hint
				: undefined;
		process.stderr.write(
			`veo-pipeline ${command}: ${describeError(error)}\n${hint ? `${hint}\n` : ''}`,
		);
		return 1;
	}
}

main(process.argv.slice(2)).then((code) => {
	process.exitCode = code;
});
