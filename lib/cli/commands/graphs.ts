/** `orchestra validate | compile | build | graph`: a pipeline graph checked, compiled, drawn. */
import { Command, Option } from '@commander-js/extra-typings';
import { adopt, type Cli } from './shared';

export const validateCommand = () =>
  new Command('validate')
    .description('check a pipeline graph and print every problem found')
    .argument('<file>', 'pipeline graph (JSON)')
    .option('--json', 'print the issues as JSON on stdout');

export const compileCommand = () =>
  new Command('compile')
    .description('compile a pipeline graph to an Amazon States Language definition')
    .argument('<file>', 'pipeline graph (JSON)')
    .option('-o, --output <file>', 'write the definition here instead of stdout')
    .addOption(new Option('--target <target>', 'where it will run: AWS quotas apply to "aws" only').choices(['aws', 'local'] as const).default('aws' as const));

export const buildCommand = () =>
  new Command('build')
    .description('compile every <name>.graph.json in a folder to <name>.asl.json beside it')
    .argument('[dir]', 'folder of pipeline graphs', 'state-machines')
    .option('--check', 'only check that the committed .asl.json files are up to date');

export const graphCommand = () =>
  new Command('graph')
    .description('print a picture of the pipeline')
    .argument('<file>', 'pipeline graph (JSON)')
    .addOption(new Option('--format <format>', 'picture format').choices(['mermaid'] as const).default('mermaid' as const));

export function registerGraphs(program: Command, cli: Cli): void {
  adopt(
    program,
    validateCommand().action(async (file, options) => cli.exit((await import('../actions/validate')).validate(file, options, cli.output))),
  );
  adopt(
    program,
    compileCommand().action(async (file, options) => cli.exit((await import('../actions/compile')).compile(file, options, cli.output))),
  );
  adopt(
    program,
    buildCommand().action(async (dir, options) => cli.exit(await (await import('../actions/build')).build(dir, options, cli.output))),
  );
  adopt(
    program,
    graphCommand().action(async (file, options) => cli.exit((await import('../actions/graph')).graph(file, options, cli.output))),
  );
}
