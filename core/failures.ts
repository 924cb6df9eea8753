/**
 * The failure family of the pipeline. Whether a failure may be retried, and after how long, is
 * part of its type rather than a flag buried in a message, so schedulers decide without parsing text.
 */

export interface Problem {
	/** Where the problem is, as a path a person can follow: `shots[3].characters[0]`. */
	path: string;
	message: string;
}

export function formatProblems(problems: Problem[]): string {
	return problems
		.map((problem) => (problem.path ? `${problem.path}: ${problem.message}` : problem.message))
		.join('; ');
}

/** Input that can never succeed as it is: the message names the field and what to change. */
export class InvalidInputError extends Error {
	readonly retryable = false;
	constructor(
		readonly problems: Problem[],
		readonly hint?: string,
	) {
		super(formatProblems(problems));
		this.name = 'InvalidInputError';
	}

	get firstPath(): string {
		return this.problems[0]?.path ?? '';
	}
}

interface FailureOptions {
	status?: number;
	cause?: unknown;
	/** What the person running the workflow can do about it. */
	hint?: string;
	/**
	 * The refusal is about the setup (credential, project, model), not this one request: every
	 * other request would be refused too, so a batch stops rather than failing shot by shot.
	 */
	aboutSetup?: boolean;
}

/** A failure that may succeed when tried again, after `retryAfterMs` when the server said so. */
export class RetryableFailure extends Error {
	readonly retryable = true;
	readonly status?: number;
	readonly hint?: string;
	constructor(
		message: string,
		readonly retryAfterMs: number | undefined,
		options: FailureOptions = {},
	) {
		super(message, { cause: options.cause });
		this.name = 'RetryableFailure';
		this.status = options.status;
		this.hint = options.hint;
	}
}

/** A failure that will happen again on retry; the hint says what must change first. */
export class NonRetryableFailure extends Error {
	readonly retryable = false;
	readonly status?: number;
	readonly hint?: string;
	readonly aboutSetup: boolean;
	constructor(message: string, options: FailureOptions = {}) {
		super(message, { cause: options.cause });
		this.name = 'NonRetryableFailure';
		this.status = options.status;
		this.hint = options.hint;
		this.aboutSetup = options.aboutSetup ?? false;
	}
}

export function isRetryable(error: unknown): error is RetryableFailure {
	return error instanceof RetryableFailure;
}

/** Absolute paths of two or more parts (POSIX), not inside a URL or a relative name; Windows drive paths. */
const SERVER_PATH = /(?<![\w.~/\\-])(?:\/[^\s'"/:,;()[\]]+){2,}\/?|\b[A-Za-z]:\\[^\s'"]+/g;
const QUOTED_SERVER_PATH = /(['"])(?:\/[^'"\n/]+){2,}\/?\1/g;

/**
 * The text with every server path (a temporary folder, n8n's user folder, the package's own)
 * replaced by "[file]": reasons reach the review board, the production report and node errors,
 * which people outside the server read. Callers name files by their role instead.
 */
export function withoutServerPaths(text: string): string {
	return text.replace(QUOTED_SERVER_PATH, '$1[file]$1').replace(SERVER_PATH, '[file]');
}

/** An error in words for a reason or a message, without server paths. */
export function describeError(error: unknown): string {
	return withoutServerPaths(error instanceof Error ? error.message : String(error));
}
