/**
 * The one error family. Every error Orchestra throws on purpose is an OrchestraError with a stable
 * `code` (for tests, `--json` output and API bodies) and the underlying `cause` kept. `audience`
 * says who can fix it: a `user` error is printed as its message, never with a stack trace; an
 * `internal` one is a bug and is reported with its stack. Exit codes are chosen by the CLI alone
 * (lib/cli/exit-codes.ts), from these fields.
 */
export type ErrorAudience = 'user' | 'internal';

export interface OrchestraErrorOptions {
  readonly cause?: unknown;
  /** @default 'user' */
  readonly audience?: ErrorAudience;
}

export class OrchestraError extends Error {
  override readonly name: string = 'OrchestraError';
  readonly audience: ErrorAudience;

  constructor(
    readonly code: string,
    message: string,
    options: OrchestraErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.audience = options.audience ?? 'user';
  }
}

/** The command line was used wrongly (a bad option value, a missing file argument): exit 2. */
export class UsageError extends OrchestraError {
  override readonly name = 'UsageError';
  constructor(message: string, options: OrchestraErrorOptions = {}) {
    super('usage', message, options);
  }
}

/** A broken internal guarantee: a bug in Orchestra, never a user mistake. */
export class InvariantError extends OrchestraError {
  override readonly name = 'InvariantError';
  constructor(message: string, options: Omit<OrchestraErrorOptions, 'audience'> = {}) {
    super('invariant', message, { ...options, audience: 'internal' });
  }
}

/** The message of anything thrown, for logs and error records. */
export const messageOf = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : String(thrown));
