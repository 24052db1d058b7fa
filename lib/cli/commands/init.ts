/** `orchestra init <dir>`: a project of the lab's own, with Orchestra as a dependency. */
import { Command } from '@commander-js/extra-typings';
import { adopt, type Cli } from './shared';

export const initCommand = () =>
  new Command('init')
    .description('create a project for your own pipelines, with Orchestra as a dependency: an example pipeline, its test, the CDK app')
    .argument('<dir>', 'a new or empty folder')
    .option('--orchestra <spec>', 'how the project depends on Orchestra: a version, a tarball path, a git URL (default: what npx ran, else this version)');

export const registerInit = (program: Command, cli: Cli) =>
  adopt(
    program,
    initCommand().action(async (dir, options) => cli.exit(await (await import('../actions/init')).init(dir, options, cli.output))),
  );
