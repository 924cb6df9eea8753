import { promises as fs } from 'fs';
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import path from 'path';

import { cutFileBase } from '../../core/assembly/decisionsExport';
import { groupPipelines, selectTakes, unknownOverrides } from '../../core/assembly/selection';
import {
	AssemblyInputError,
	type AssemblyInput,
	type PipelineCut,
} from '../../core/assembly/types';
import { InvalidInputError } from '../../core/failures';
import { parseShotItem } from '../../core/shotItems';
import { assembleCut, type AssembledCut } from '../../edges/ffmpeg/assembly';
import { fileToBinary, writeBinaryToFile } from '../shared/binary';
import { toNodeError } from '../shared/errors';
import { errorItem } from '../shared/items';
import { makeWorkFolder } from '../shared/workFolders';
import { readAssembleSettings, type AssembleSettings } from './settings';

/**
 * Assemble over a whole batch: items are grouped by pipeline and each pipeline becomes one output
 * item with its cut. Binaries are streamed from n8n's store into a working folder that is removed
 * whatever happens, and the results are streamed back.
 */

/** An extension from the binary's own file name when it is plain, so ffmpeg's format guess has a hint. */
function extensionOf(binary: IBinaryData, fallback: string): string {
	const extension = path.extname(binary.fileName ?? '').toLowerCase();
	return /^\.[a-z0-9]{1,5}$/.test(extension) ? extension : fallback;
}

/** The first item of the pipeline carrying `property` (LUT, captions, music may sit on any of them). */
function pipelineBinary(
	context: IExecuteFunctions,
	cut: PipelineCut,
	property: string,
	field: string,
): IBinaryData {
	for (const input of cut.inputs) {
		const binary = context.getInputData()[input.itemIndex].binary?.[property];
		if (binary) return binary;
	}
	const first = cut.inputs[0];
	const has = first.binaryProperties;
	throw new AssemblyInputError(
		[
			{
				path: field,
				message:
					`names binary property "${property}", which no item of pipeline ${cut.pipelineId} has ` +
					`(item ${first.itemIndex} has ${has.length ? has.map((name) => `"${name}"`).join(', ') : 'no binary data'})`,
			},
		],
		'Attach the file to the items before Assemble (e.g. with Read/Write Files from Disk and a Merge node), or correct the property name.',
		first.itemIndex,
	);
}

async function stage(
	context: IExecuteFunctions,
	binary: IBinaryData,
	workDir: string,
	file: string,
): Promise<string> {
	await writeBinaryToFile(context, binary, path.join(workDir, file));
	return file;
}

async function outputBinaries(
	context: IExecuteFunctions,
	assembled: AssembledCut,
	settings: AssembleSettings,
	title: string,
	workDir: string,
) {
	const base = cutFileBase(title);
	const { files } = assembled;
	const fromFile = (file: string, name: string, mimeType: string) =>
		fileToBinary(context, path.join(workDir, file), name, mimeType);
	const binary: Record<string, IBinaryData> = {};
	const names: IDataObject = { video: settings.outputProperty };
	binary[settings.outputProperty] = await fromFile(files.master, `${base}.mp4`, 'video/mp4');
	const renditions: IDataObject = {};
	for (const rendition of files.renditions) {
		const property = `${settings.outputProperty}_${rendition.suffix}`;
		binary[property] = await fromFile(
			rendition.file,
			`${base}-${rendition.suffix}.mp4`,
			'video/mp4',
		);
		renditions[rendition.suffix.replace('x', ':')] = property;
	}
	names.renditions = renditions;
	const documents: Array<[string, string, string, string]> = [
		['poster', files.poster, `${base}-poster.jpg`, 'image/jpeg'],
		['edl', files.edl, `${base}.edl`, 'text/plain'],
		['otio', files.otio, `${base}.otio`, 'application/json'],
		['report', files.reportJson, `${base}-report.json`, 'application/json'],
		['reportHtml', files.reportHtml, `${base}-report.html`, 'text/html'],
		['decisions', files.decisions, assembled.report.decisions.fileName, 'application/x-ndjson'],
	];
	for (const [property, file, name, mimeType] of documents) {
		binary[property] = await fromFile(file, name, mimeType);
		names[property] = property;
	}
	return { binary, names };
}

async function assemblePipeline(
	context: IExecuteFunctions,
	inputs: AssemblyInput[],
	settings: AssembleSettings,
): Promise<INodeExecutionData> {
	const { assembly } = settings;
	const cut = selectTakes(inputs, assembly);
	const workDir = await makeWorkFolder('veo-assemble');
	try {
		const lutFile = assembly.lutProperty
			? await stage(
					context,
					pipelineBinary(context, cut, assembly.lutProperty, 'options.lutProperty'),
					workDir,
					'grade.cube',
				)
			: undefined;
		let captionsText: string | undefined;
		if (assembly.captions?.source === 'srtText') captionsText = assembly.captions.text;
		if (assembly.captions?.source === 'srtBinary') {
			const file = await stage(
				context,
				pipelineBinary(context, cut, assembly.captions.binaryProperty, 'srtProperty'),
				workDir,
				'captions-input.srt',
			);
			captionsText = await fs.readFile(path.join(workDir, file), 'utf8');
		}
		let audioTrack: { file: string; name: string } | undefined;
		if (assembly.audioTrack) {
			const binary = pipelineBinary(
				context,
				cut,
				assembly.audioTrack.binaryProperty,
				'audioTrack.binaryProperty',
			);
			audioTrack = {
				file: await stage(context, binary, workDir, `track${extensionOf(binary, '.audio')}`),
				name: binary.fileName ?? 'audio-track',
			};
		}
		const clipFiles: Array<string | undefined> = [];
		const clipNames: string[] = [];
		for (const [index, slot] of cut.slots.entries()) {
			if (slot.kind === 'slate') {
				clipFiles.push(undefined);
				clipNames.push(`slate-${slot.shotId}`);
				continue;
			}
			const binary = context.getInputData()[slot.itemIndex].binary![slot.binaryProperty];
			clipFiles.push(
				await stage(
					context,
					binary,
					workDir,
					`clip-${String(index + 1).padStart(4, '0')}${extensionOf(binary, '.mp4')}`,
				),
			);
			clipNames.push(binary.fileName ?? `${slot.take.id}.mp4`);
		}

		const assembled = await assembleCut({
			cut,
			options: assembly,
			workDir,
			clipFiles,
			clipNames,
			lutFile,
			captionsText,
			audioTrack,
		});
		const { binary, names } = await outputBinaries(
			context,
			assembled,
			settings,
			cut.bible.title,
			workDir,
		);
		const { report } = assembled;
		return {
			json: {
				pipelineId: cut.pipelineId,
				title: cut.bible.title,
				durationSeconds: report.cut.durationSeconds,
				width: report.cut.width,
				height: report.cut.height,
				path: report.cut.video === 'copy' ? 'fast' : 'finishing',
				binaryProperties: names,
				report: report as unknown as IDataObject,
			},
			binary,
			pairedItem: inputs.map((input) => ({ item: input.itemIndex })),
		};
	} finally {
		await fs.rm(workDir, { recursive: true, force: true });
	}
}

/** A failed pipeline when the user chose to continue: its error, paired with all of its items. */
function pipelineErrorItem(
	context: IExecuteFunctions,
	inputs: AssemblyInput[],
	error: unknown,
	itemIndex: number,
): INodeExecutionData {
	const nodeError = toNodeError(context.getNode(), error, itemIndex);
	return {
		json: {
			pipelineId: inputs[0].item.pipelineId,
			error: nodeError.message,
			errorDescription: nodeError.description ?? undefined,
		},
		pairedItem: inputs.map((input) => ({ item: input.itemIndex })),
	};
}

export async function assembleBatch(context: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const settings = readAssembleSettings(context);
	const output: INodeExecutionData[] = [];
	const inputs: AssemblyInput[] = [];
	context.getInputData().forEach((entry, itemIndex) => {
		try {
			inputs.push({
				itemIndex,
				item: parseShotItem(entry.json),
				binaryProperties: Object.keys(entry.binary ?? {}),
			});
		} catch (error) {
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, itemIndex);
			output.push(errorItem(context, error, itemIndex));
		}
	});
	const typos = unknownOverrides(inputs, settings.assembly.takeOverrides);
	if (typos.length)
		throw new InvalidInputError(
			typos,
			'Take ids are on the items (takes[].id); copy the one you want.',
		);

	for (const pipeline of groupPipelines(inputs)) {
		try {
			output.push(await assemblePipeline(context, pipeline, settings));
		} catch (error) {
			const itemIndex =
				error instanceof AssemblyInputError && error.itemIndex !== undefined
					? error.itemIndex
					: pipeline[0].itemIndex;
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, itemIndex);
			output.push(pipelineErrorItem(context, pipeline, error, itemIndex));
		}
	}
	return output;
}
