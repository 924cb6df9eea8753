import { createReadStream, createWriteStream } from 'fs';
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';

import { InvalidInputError } from '../../core/failures';

/**
 * Binary data in and out of n8n's binary-data store as streams, so clips are never held whole in
 * memory when n8n stores binaries on disk.
 */

export function requireBinary(
	context: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	field: string,
): IBinaryData {
	const binary = context.getInputData()[itemIndex]?.binary?.[propertyName];
	if (!binary) {
		const available = Object.keys(context.getInputData()[itemIndex]?.binary ?? {});
		throw new InvalidInputError(
			[
				{
					path: field,
					message:
						`names the binary property "${propertyName}", which item ${itemIndex} does not have ` +
						`(it has ${available.length ? available.map((name) => `"${name}"`).join(', ') : 'no binary data'})`,
				},
			],
			'Check the property name, or attach the file in an earlier node (e.g. Read/Write Files from Disk or HTTP Request).',
		);
	}
	return binary;
}

/** Copies a binary property to a file, streaming from n8n's store. */
export async function writeBinaryToFile(
	context: IExecuteFunctions,
	binary: IBinaryData,
	destinationPath: string,
): Promise<void> {
	const source = binary.id
		? await context.helpers.getBinaryStream(binary.id)
		: Readable.from(Buffer.from(binary.data, 'base64'));
	await pipeline(source, createWriteStream(destinationPath));
}

/** Small binaries (reference images) as base64, for inline request parts. */
export async function binaryToBase64(
	context: IExecuteFunctions,
	binary: IBinaryData,
): Promise<string> {
	if (!binary.id) return binary.data;
	const stream = await context.helpers.getBinaryStream(binary.id);
	return (await context.helpers.binaryToBuffer(stream)).toString('base64');
}

/** Streams a file into n8n's binary-data store. */
export async function fileToBinary(
	context: IExecuteFunctions,
	filePath: string,
	fileName: string,
	mimeType: string,
): Promise<IBinaryData> {
	return context.helpers.prepareBinaryData(createReadStream(filePath), fileName, mimeType);
}
