import { promises as fs } from 'fs';
import path from 'path';

import { HttpError, newId, parseJson, readBody, sendJson, sha256 } from '../http';
import type { StandInState, StoredFile } from '../state';
import type { Call, Route } from './route';

/** The Gemini API's Files service: resumable upload, metadata, delete, and download of clips. */

/** A file's metadata; its `uri` names the host the client reached, so following it comes here. */
export function describeFile(
	state: StandInState,
	file: StoredFile,
	origin: string,
): Record<string, unknown> {
	const processing = Date.now() - file.createdAt < state.settings.fileProcessingMs;
	return {
		name: `files/${file.id}`,
		displayName: file.displayName,
		mimeType: file.mimeType,
		sizeBytes: String(file.sizeBytes),
		createTime: new Date(file.createdAt).toISOString(),
		expirationTime: new Date(file.createdAt + 48 * 3600_000).toISOString(),
		sha256Hash: Buffer.from(file.sha256, 'hex').toString('base64'),
		uri: `${origin}/v1beta/files/${file.id}`,
		state: processing ? 'PROCESSING' : 'ACTIVE',
		source: 'UPLOADED',
	};
}

async function upload({ state, request, response, url, origin }: Call): Promise<void> {
	const command = String(request.headers['x-goog-upload-command'] ?? '');
	const uploadId = url.searchParams.get('upload_id');
	if (!uploadId) {
		if (command !== 'start') throw new HttpError(400, 'X-Goog-Upload-Command must be start');
		const body = parseJson(await readBody(request));
		const fileInfo = (body.file as Record<string, unknown>) ?? {};
		const id = newId();
		state.uploadsInProgress.set(id, {
			chunks: [],
			mimeType: String(
				request.headers['x-goog-upload-header-content-type'] ??
					fileInfo.mimeType ??
					'application/octet-stream',
			),
			displayName: String(fileInfo.displayName ?? request.headers['x-goog-upload-file-name'] ?? id),
		});
		response.writeHead(200, {
			'x-goog-upload-url': `${origin}/upload/v1beta/files?upload_id=${id}&upload_protocol=resumable`,
			'x-goog-upload-status': 'active',
			'content-type': 'application/json',
		});
		response.end('{}');
		return;
	}
	const inProgress = state.uploadsInProgress.get(uploadId);
	if (!inProgress) throw new HttpError(404, 'Upload session not found.');
	inProgress.chunks.push(await readBody(request));
	if (!command.includes('finalize')) {
		response.writeHead(200, { 'x-goog-upload-status': 'active' });
		response.end();
		return;
	}
	state.strikeFault('upload', inProgress.displayName);
	state.uploadsInProgress.delete(uploadId);
	state.stats.uploads += 1;
	const bytes = Buffer.concat(inProgress.chunks);
	const id = newId();
	const filePath = path.join(state.workDir, `upload-${id}`);
	await fs.writeFile(filePath, bytes);
	const file: StoredFile = {
		id,
		mimeType: inProgress.mimeType,
		displayName: inProgress.displayName,
		path: filePath,
		sizeBytes: bytes.length,
		createdAt: Date.now(),
		sha256: sha256(bytes),
	};
	state.files.set(id, file);
	response.writeHead(200, {
		'x-goog-upload-status': 'final',
		'content-type': 'application/json',
	});
	response.end(JSON.stringify({ file: describeFile(state, file, origin) }));
}

async function download({ state, response, params }: Call): Promise<void> {
	const [, fileId] = params;
	state.stats.downloads += 1;
	const file = state.files.get(fileId);
	if (!file) throw new HttpError(404, `File ${fileId} not found.`);
	const job = state.jobOfFile(fileId);
	const fault = state.strikeFault('download', job?.prompt ?? '');
	let bytes = await fs.readFile(file.path);
	if (fault?.effect === 'cut_download') {
		response.writeHead(200, { 'content-type': file.mimeType, 'content-length': bytes.length });
		response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () =>
			response.socket?.destroy(),
		);
		return;
	}
	if (fault?.effect === 'truncated_download' || job?.truncated)
		bytes = bytes.subarray(0, Math.floor(bytes.length / 2));
	response.writeHead(200, { 'content-type': file.mimeType, 'content-length': bytes.length });
	response.end(bytes);
}

function getOrDelete({ state, response, method, params, origin }: Call): void {
	const [, fileId] = params;
	const file = state.files.get(fileId);
	if (!file) throw new HttpError(404, `File ${fileId} not found.`);
	if (method === 'DELETE') {
		state.files.delete(fileId);
		return sendJson(response, 200, {});
	}
	return sendJson(response, 200, describeFile(state, file, origin));
}

export const fileRoutes: Route[] = [
	{ method: 'POST', path: /^\/upload\/(v1beta|v1)\/files$/, handle: upload },
	{ method: 'GET', path: /^\/(v1beta|v1alpha|v1)\/files\/([a-z0-9]+):download$/, handle: download },
	{ method: 'ANY', path: /^\/(v1beta|v1alpha|v1)\/files\/([a-z0-9]+)$/, handle: getOrDelete },
];
