/**
 * The `orchestra` command line. Each noun's command file (./commands) declares its commands and their
 * typed options and loads its action module (./actions) only when the command runs, so `--help` and
 * light commands start without loading the engine, the AWS SDK or zod. Only this module turns errors
 * into exit codes.
 */
import { Command } from '@commander-js/extra-typings';
import { orchestraVersion } from '../shared/package-root';
import { registerConversions } from './commands/conversions';
import { registerCost } from './commands/cost';
import { registerGraphs } from './commands/graphs';
import { registerInit } from './commands/init';
import { registerKeys } from './commands/keys';
import { registerLocalRuns } from './commands/local-runs';
import { registerRuns } from './commands/runs';
import { registerSchedules } from './commands/schedules';
import { registerServers } from './commands/servers';
import type { Cli } from './commands/shared';
import { EXIT_USAGE, reportError } from './exit-codes';
import { type Output, processOutput } from './output';

/** The nouns, in the order `--help` lists them. */
const NOUNS: ReadonlyArray<(program: Command, cli: Cli) => void> = [
  registerInit,
  registerGraphs,
  registerConversions,
  registerSchedules,
  registerLocalRuns,
  registerCost,
  registerServers,
  registerRuns,
  registerKeys,
];

export function buildProgram(output: Output, setExitCode: (code: number) => void): Command {
  const program = new Command('orchestra')
    .description('Compile pipeline graphs to AWS Step Functions and run them locally or on AWS.')
    .exitOverride()
    .configureOutput({ writeOut: (text) => output.out(text), writeErr: (text) => output.err(text) })
    .showSuggestionAfterError(true)
    .version(orchestraVersion(), '-V, --version', 'print the version');
  const cli: Cli = { output, exit: setExitCode };
  for (const register of NOUNS) register(program, cli);
  return program;
}

/** Runs the CLI and returns the exit code; never throws for user mistakes. */
export async function runCli(argv: readonly string[], output: Output = processOutput): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(output, (code) => {
    exitCode = code;
  });
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, output);
  }
}
