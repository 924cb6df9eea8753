import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { track, untrack, type Stoppable } from './lifecycle';

/**
 * A stand-in for a Slack or Teams incoming webhook: it records (and, for the demo, prints) what
 * the templates announce, such as review links and finished cuts. Tracked until stopped, like
 * every server the runtime starts.
 */
export class TeamChat implements Stoppable {
	readonly messages: string[] = [];
	private waiters: Array<{ pattern: RegExp; resolve: (match: RegExpExecArray) => void }> = [];
	private constructor(
		private readonly server: Server,
		readonly url: string,
	) {}

	static async start(onMessage?: (text: string) => void): Promise<TeamChat> {
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
		const chat = new TeamChat(
			server,
			`http://127.0.0.1:${(server.address() as AddressInfo).port}/team-chat`,
		);
		server.on('request', (request, response) => {
			let body = '';
			request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
			request.on('end', () => {
				let text = body;
				try {
					text = (JSON.parse(body) as { text?: string }).text ?? body;
				} catch {
					// Not JSON: keep it as it came.
				}
				chat.receive(text);
				onMessage?.(text);
				response.end('ok');
			});
		});
		track(chat);
		return chat;
	}

	describe(): string {
		return `a team chat at ${this.url}`;
	}

	private receive(text: string): void {
		this.messages.push(text);
		for (const waiter of [...this.waiters]) {
			const match = waiter.pattern.exec(text);
			if (match) {
				this.waiters.splice(this.waiters.indexOf(waiter), 1);
				waiter.resolve(match);
			}
		}
	}

	/** The first message from now on that matches, or a timeout error naming what was seen. */
	async next(pattern: RegExp, timeoutMs = 120_000): Promise<RegExpExecArray> {
		return await new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.waiters = this.waiters.filter((waiter) => waiter.resolve !== resolve);
				reject(
					new Error(
						`No team-chat message matching ${pattern} within ${timeoutMs / 1000} s (seen: ${JSON.stringify(this.messages.slice(-5))})`,
					),
				);
			}, timeoutMs);
			this.waiters.push({
				pattern,
				resolve: (match) => {
					clearTimeout(timer);
					resolve(match);
				},
			});
		});
	}

	/** Stops listening; a second call does nothing. */
	async stop(): Promise<void> {
		untrack(this);
		if (!this.server.listening) return;
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		// A keep-alive connection from n8n would otherwise hold the server open.
		this.server.closeAllConnections();
		await closed;
	}
}

/** A review link in a message: the Human Approval Wait node's signed board link. */
export const REVIEW_LINK = /https?:\/\/\S+\/webhook-waiting\/\S+/;
