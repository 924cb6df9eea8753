import { InvalidInputError } from '../../core/failures';

/** The input error `call` throws (failing the test when it throws none, or another kind). */
export function inputErrorOf<T extends InvalidInputError = InvalidInputError>(
	call: () => unknown,
	kind: new (...args: never[]) => T = InvalidInputError as never,
): T {
	try {
		call();
	} catch (error) {
		if (error instanceof kind) return error;
		throw error;
	}
	throw new Error('nothing was thrown');
}
