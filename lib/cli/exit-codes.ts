/** Exit codes: 0 success, 1 invalid input or failed run, 2 usage error (commander's own errors use 2 too). */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** A user-facing failure: printed as its message, never with a stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT_INVALID,
  ) {
    super(message);
  }
}
