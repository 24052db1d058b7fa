/** `orchestra run | invoke`: a pipeline, or one step, on the embedded local runtime. */
import { Command } from '@commander-js/extra-typings';
import { adopt, type Cli, dataDirOption, noIamOption } from './shared';

export const runCommand = () =>
  new Command('run')
    .description('run a pipeline on the embedded local runtime and wait for it')
    .argument('<pipeline>', 'a pipeline name in state-machines/ or any graph file')
    .option('-i, --input <dir>', 'dataset folder: uploaded to the ingest prefix, whose trigger starts the run')
    .option('--json', 'print only a JSON summary of the run on stdout')
    .option('--out <dir>', 'where to copy the run outputs')
    .option('--no-reuse', 'run every step, even one a finished run could give (its result is still saved for later runs)')
    .addOption(dataDirOption())
    .addOption(noIamOption());

export const invokeCommand = () =>
  new Command('invoke')
    .description('run one step alone, in-process, with the event its graph gives it, and print its result')
    .argument('<pipeline>', 'a pipeline name in state-machines/ or any graph file')
    .argument('<step>', 'the step id')
    .option('-e, --event <file>', 'JSON with any of input, dependencies, item, itemIndex, runId ("-" reads stdin)')
    .addOption(noIamOption());

export function registerLocalRuns(program: Command, cli: Cli): void {
  adopt(
    program,
    runCommand().action(async (pipeline, options) => cli.exit(await (await import('../actions/run')).run(pipeline, options, cli.output))),
  );
  adopt(
    program,
    invokeCommand().action(async (pipeline, step, options) => cli.exit(await (await import('../actions/invoke')).invoke(pipeline, step, options, cli.output))),
  );
}
