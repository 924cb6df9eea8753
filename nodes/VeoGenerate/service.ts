import type { VideoService } from '../../core/videoJobs';
import { verifyPlayableVideo } from '../../edges/ffmpeg/ffmpeg';
import type { GoogleClient } from '../../edges/google/client';
import { checkVideoOperation, downloadVideo, submitVideo } from '../../edges/google/veo';

/** Veo through the Google edge, with every download checked by ffprobe before it counts. */
export function veoService(client: GoogleClient): VideoService {
	return {
		submit: (request) => submitVideo(client, request),
		check: (operationName) => checkVideoOperation(client, operationName),
		download: (video, destinationPath) => downloadVideo(client, video, destinationPath),
		async verify(filePath, expectedDurationSeconds) {
			const verdict = await verifyPlayableVideo(filePath, expectedDurationSeconds);
			if (!verdict.ok) return verdict;
			return {
				ok: true,
				info: {
					durationSeconds: verdict.info.durationSeconds,
					width: verdict.info.video?.width,
					height: verdict.info.video?.height,
					sizeBytes: verdict.info.sizeBytes,
				},
			};
		},
	};
}
