/** `orchestra schedules`: when each pipeline's schedule fires next. */
import { Command } from '@commander-js/extra-typings';
import { adopt, type Cli } from './shared';

export const schedulesCommand = () =>
  new Command('schedules')
    .description("when each pipeline's schedule fires next, as EventBridge Scheduler and `orchestra up` fire it")
    .argument('[pipeline]', 'a pipeline name in state-machines/ or any graph file (default: every pipeline)')
    .option('-n, --next <count>', 'how many fire times', '5')
    .option('--from <time>', 'list fires after this ISO 8601 time (default: now)')
    .option('--json', 'print [{"pipeline", "expression", "timezone", "next": [ISO…]}]');

export const registerSchedules = (program: Command, cli: Cli) =>
  adopt(
    program,
    schedulesCommand().action(async (pipeline, options) => cli.exit((await import('../actions/schedules')).schedules(pipeline, options, cli.output))),
  );
