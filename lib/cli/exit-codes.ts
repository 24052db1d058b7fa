/**
 * Exit codes, chosen here and nowhere else: 0 success, 1 invalid input, 2 a usage error (commander's
 * own errors too), 3 a run (or backfill) that ended without succeeding — so a script can tell "my
 * command was wrong" from "the pipeline failed". User mistakes print their message, never a stack trace; anything
 * else is a bug and prints "internal error" with the stack.
 */
import { CommanderError } from '@commander-js/extra-typings';
import { GraphValidationError } from '../contract/issues';
import { OrchestraError, UsageError } from '../shared/errors';
import type { Output } from './output';

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;
export const EXIT_RUN_FAILED = 3;

/** Prints what the user needs to know about `error` and returns the exit code for it. */
export function reportError(error: unknown, output: Output): number {
  // Commander has printed its message already; help and version are "errors" in exitOverride mode but exit 0.
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  if (error instanceof GraphValidationError) {
    output.err(error.message);
    return EXIT_INVALID;
  }
  if (error instanceof OrchestraError && error.audience === 'user') {
    output.err(`error: ${error.message}`);
    return error instanceof UsageError ? EXIT_USAGE : EXIT_INVALID;
  }
  output.err(`internal error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT_INVALID;
}
