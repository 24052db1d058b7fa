/**
 * What the command files share: the context a command's action runs in, option parsers that make a
 * malformed number a usage error naming the option, and the options several nouns take. Options are
 * declared once, with commander's extra typings: each command's options type is read from its
 * declaration (`OptionsOf`), and its action module takes that type.
 */
import { type Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import type { Output } from '../output';

/** Where a command prints, and how it sets the exit code (only lib/cli/main.ts turns errors into codes). */
export interface Cli {
  readonly output: Output;
  exit(code: number): void;
}

/**
 * Adds `command` under `parent` with the parent's settings — exitOverride, output, suggestions — as
 * `parent.command()` would give them (`addCommand` alone does not: a usage error would exit 1 from
 * inside commander instead of 2 from lib/cli/main.ts).
 */
// biome-ignore lint/suspicious/noExplicitAny: any command, whatever its arguments and options
export function adopt(parent: Command<any, any, any>, command: Command<any, any, any>): void {
  parent.addCommand(command.copyInheritedSettings(parent));
}

/** The options a command declares, as its action receives them: `OptionsOf<typeof runCommand>`. */
// biome-ignore lint/suspicious/noExplicitAny: any command's declaration, whatever its arguments
export type OptionsOf<Declare extends () => Command<any, any, any>> = ReturnType<ReturnType<Declare>['opts']>;

/** A whole number from `min` to `max`. */
export const integerIn =
  (min: number, max: number) =>
  (value: string): number => {
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${value}".`);
    return parsed;
  };

/** A number from `min` to `max`. */
export const numberIn =
  (min: number, max: number) =>
  (value: string): number => {
    const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
    if (!(parsed >= min && parsed <= max)) throw new InvalidArgumentError(`expected a number from ${min} to ${max}, got "${value}".`);
    return parsed;
  };

export const dataDirOption = () => new Option('--data-dir <dir>', 'where the local S3 objects and run records live (default: $ORCHESTRA_DATA_DIR or .orchestra/)');
export const noIamOption = () => new Option('--no-iam', 'do not hold steps to the IAM the stack deploys (a warning says the run no longer predicts AWS)');
export const apiOption = (description = 'a runs API base URL (default: the `orchestra up` serving the data folder)') => new Option('--api <url>', description);
export const stackOption = () => new Option('--stack <name>', 'a deployed stack: its RunsApiUrl output, requests signed with your AWS credentials');
export const regionOption = () => new Option('--region <region>', 'AWS region of --stack (default: AWS_REGION)');

/** Where runs are read: a runs API with --api / --stack (--region), else the data folder. */
export const sourceOptions = <Args extends unknown[], Opts extends Record<string, unknown>>(command: Command<Args, Opts>) =>
  command.addOption(apiOption('a runs API base URL (default: the data folder)')).addOption(stackOption()).addOption(regionOption()).addOption(dataDirOption());

/** A command of the runs API: --api / --stack (default: the `orchestra up` serving the data folder), --json for the answer. */
export const remoteOptions = <Args extends unknown[], Opts extends Record<string, unknown>>(command: Command<Args, Opts>) =>
  command.addOption(apiOption()).addOption(stackOption()).addOption(regionOption()).option('--json', 'print the API answer as JSON').addOption(dataDirOption());
