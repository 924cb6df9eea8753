import type { VideoService } from '../../core/videoJobs';
import { verifyPlayableVideo } from '../../edges/ffmpeg/ffmpeg';
import type { GoogleClient } from '../../edges/google/client';
import { googleVideoCalls } from '../../edges/google/videoCalls';

/** Omni and Veo through the Google edge, with every download checked by ffprobe before it counts. */
export function videoService(client: GoogleClient): VideoService {
	return {
		...googleVideoCalls(client),
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
