import type { SceneSpec } from '../../core/types';

/** A small, valid spec in the shape people write by hand (ids may be left out). */
export function cafeSpec(shotCount = 3, durationSeconds = 8): SceneSpec {
	return {
		bible: {
			title: 'Morning Ritual',
			logline: 'A barista opens the café at dusk',
			style: {
				look: 'cinematic, 35mm',
				palette: ['amber', 'teal'],
				lighting: 'warm dusk',
				aspectRatio: '16:9',
				resolution: '720p',
			},
			characters: [
				{
					id: 'mya',
					name: 'Mya',
					description: 'a barista in her thirties, short black hair, green apron',
				},
			],
			locations: [
				{ id: 'cafe', name: 'The café', description: 'a small corner café with large windows' },
			],
			props: [
				{
					id: 'mug',
					name: 'mug',
					description: 'a ceramic mug',
					color: 'blue',
					constraints: ['always full'],
				},
			],
			rules: ['No text on screen'],
			negativePrompt: 'text, watermark',
		},
		shots: Array.from({ length: shotCount }, (_, index) => ({
			id: `shot-${String(index + 1).padStart(2, '0')}`,
			sequence: index + 1,
			description: `Beat ${index + 1}: Mya pours coffee into the mug`,
			camera: 'medium shot',
			durationSeconds,
			characters: ['mya'],
			props: ['mug'],
			location: 'cafe',
			continuousWithPrevious: index > 0,
			constraints: [{ id: 'c1', text: 'The mug is blue', dimension: 'props' as const }],
		})),
	};
}
