/** `orchestra up | console | events`: the local servers, the console against a deployed API, the activity stream. */
import { Command } from '@commander-js/extra-typings';
import { DEFAULT_API_PORT, DEFAULT_CONSOLE_PORT, DEFAULT_S3_PORT, DEFAULT_SFN_PORT } from '../ports';
import { adopt, apiOption, type Cli, dataDirOption, integerIn, noIamOption, regionOption } from './shared';

const port = integerIn(0, 65_535);

export const upCommand = () =>
  new Command('up')
    .description('start the embedded S3 and the upload triggers of every pipeline in state-machines/, until Ctrl-C')
    .option('-p, --port <port>', 'S3 port (0 = any free port)', port, DEFAULT_S3_PORT)
    .option('--sfn-port <port>', 'Step Functions endpoint port (0 = any free port)', port, DEFAULT_SFN_PORT)
    .option('--api-port <port>', 'runs API port (0 = any free port)', port, DEFAULT_API_PORT)
    .option('--pipelines <dir>', 'serve the pipeline graphs in this folder (e.g. from `orchestra import products`) instead of state-machines/')
    .option('--simulate-seed <seed>', 'seed the simulate steps, so their durations and failures repeat')
    .addOption(dataDirOption())
    .addOption(noIamOption());

export const consoleCommand = () =>
  new Command('console')
    .description("serve the web console on 127.0.0.1 against a deployed stack's runs API, signing its calls with your AWS credentials (orchestra up serves the local one)")
    .option('--stack <name>', 'a deployed stack: its RunsApiUrl output')
    .addOption(apiOption('a runs API base URL'))
    .addOption(regionOption())
    .option('-p, --port <port>', 'console port (0 = any free port)', port, DEFAULT_CONSOLE_PORT);

export const eventsCommand = () =>
  new Command('events')
    .description('follow the activity of keyed pipelines on `orchestra up`: runs started, succeeded, failed; keys expired')
    .addOption(apiOption('the runs API of an `orchestra up` (default: the one serving the data folder)'))
    .option('--json', 'one JSON object per line')
    .option('-n, --count <count>', 'stop after this many events', integerIn(1, 1_000_000))
    .addOption(dataDirOption());

export function registerServers(program: Command, cli: Cli): void {
  adopt(
    program,
    consoleCommand().action(async (options) => cli.exit(await (await import('../actions/console')).serveConsoleCommand(options, cli.output))),
  );
  adopt(
    program,
    upCommand().action(async (options) => cli.exit(await (await import('../actions/up')).up(options, cli.output))),
  );
  adopt(
    program,
    eventsCommand().action(async (options) => cli.exit(await (await import('../actions/events')).followEvents(options, cli.output))),
  );
}
