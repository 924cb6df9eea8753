import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { encodePng } from '../core/scoring/png';
import { track, untrack, type Stoppable } from './lifecycle';

/**
 * A shop's image server for the Social Ads template: one plain-coloured 512 px PNG per product at
 * `<url>/<name>.png`, everything else 404. Tracked until stopped, like every server the runtime
 * starts. The colours are ffmpeg's (and CSS's) colours of those names.
 */

const COLOURS: Record<string, [number, number, number]> = {
	blue: [0, 0, 255],
	red: [255, 0, 0],
	green: [0, 128, 0],
	yellow: [255, 255, 0],
	purple: [128, 0, 128],
	orange: [255, 165, 0],
	cyan: [0, 255, 255],
	magenta: [255, 0, 255],
	white: [255, 255, 255],
	brown: [165, 42, 42],
};
export const PRODUCT_COLOURS = Object.keys(COLOURS);
const SIDE = 512;

function solidPng([red, green, blue]: [number, number, number]): Buffer {
	const rgb = new Uint8Array(SIDE * SIDE * 3);
	for (let index = 0; index < rgb.length; index += 3) rgb.set([red, green, blue], index);
	return encodePng(SIDE, SIDE, rgb);
}

export class ProductImages implements Stoppable {
	private constructor(
		private readonly server: Server,
		readonly url: string,
	) {}

	/** Serves a picture for each product, named to its colour (`{ bottle: 'blue' }`). */
	static async start(colourOf: Record<string, string>): Promise<ProductImages> {
		const pictures = new Map(
			Object.entries(colourOf).map(([name, colour]) => {
				const rgb = COLOURS[colour];
				if (!rgb) throw new Error(`No product colour "${colour}": use one of ${PRODUCT_COLOURS}`);
				return [`/${name}.png`, solidPng(rgb)];
			}),
		);
		const server = createServer((request, response) => {
			const picture = pictures.get(request.url ?? '');
			if (picture) response.writeHead(200, { 'content-type': 'image/png' }).end(picture);
			else response.writeHead(404).end();
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
		const images = new ProductImages(
			server,
			`http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		);
		track(images);
		return images;
	}

	/** Host and port, as the templates' `trustedImageHosts` lists it. */
	get host(): string {
		return new URL(this.url).host;
	}

	imageUrl(name: string): string {
		return `${this.url}/${name}.png`;
	}

	describe(): string {
		return `product images at ${this.url}`;
	}

	async stop(): Promise<void> {
		untrack(this);
		await new Promise((resolve) => this.server.close(resolve));
	}
}
