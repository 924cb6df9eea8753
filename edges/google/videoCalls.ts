import { getVideoModel } from '../../core/models';
import type { VideoService } from '../../core/videoJobs';
import type { GoogleClient } from './client';
import { downloadVideo } from './download';
import { checkInteraction, isInteractionId, submitInteraction } from './omni';
import { checkVideoOperation, submitVideo } from './veo';

/**
 * Google's half of a video service: each model through its own API (Omni's interactions, Veo's
 * long-running predict), chosen by the model table on submission and by the shape of the
 * operation name when checking, so one batch (and a Check and Fetch after a restart) can hold
 * takes of both.
 */
export function googleVideoCalls(client: GoogleClient): Omit<VideoService, 'verify'> {
	return {
		submit: async (request) =>
			getVideoModel(request.model).api === 'interactions'
				? await submitInteraction(client, request)
				: { operationName: await submitVideo(client, request), mode: 'generate' },
		check: (operationName) =>
			isInteractionId(operationName)
				? checkInteraction(client, operationName)
				: checkVideoOperation(client, operationName),
		download: (video, destinationPath) => downloadVideo(client, video, destinationPath),
	};
}
