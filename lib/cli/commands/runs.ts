/**
 * `orchestra runs | logs | status | why | start | cancel | redrive`: runs read from the data folder or a
 * runs API (one source, one shape), and started, cancelled and redriven through the runs API.
 */
import { Command } from '@commander-js/extra-typings';
import { adopt, type Cli, integerIn, remoteOptions, sourceOptions } from './shared';

export const runsCommand = () =>
  sourceOptions(
    new Command('runs')
      .description('list runs, newest first: local ones from the data folder, or through a runs API with --api / --stack')
      .option('--json', "print run summaries as JSON (the runs API's RunSummary, whichever the source)")
      .option('-n, --limit <count>', 'how many', integerIn(1, 1_000_000), 20)
      .option('--pipeline <name>', 'only this pipeline')
      .option('--status <status>', 'only runs in this status'),
  );

export const logsCommand = () =>
  sourceOptions(
    new Command('logs')
      .description("show one run's logs, step by step: a local run from the data folder, or through a runs API with --api / --stack")
      .argument('<run-id>', 'as printed by `orchestra run` or `orchestra runs`')
      .option('-s, --step <step>', 'only this step')
      .option('--pipeline <name>', "the run's pipeline (needed with --api / --stack)"),
  );

export const statusCommand = () =>
  sourceOptions(
    new Command('status')
      .description("a run's status and steps: a local run from the data folder, or through a runs API with --api / --stack")
      .argument('<pipeline>')
      .argument('<run-id>')
      .option('--json', "print the run as JSON (the runs API's RunDetail, whichever the source)"),
  );

export const whyCommand = () =>
  sourceOptions(
    new Command('why')
      .description('say why a step of a run was reused or computed: the finished run it reused, or the parts that changed (a file, a parameter, the code)')
      .argument('<run-id>', 'as printed by `orchestra run` or `orchestra runs`')
      .argument('<step>', 'a step of its pipeline')
      .option('--pipeline <name>', "the run's pipeline (needed with --api / --stack)")
      .option('--json', "print the decision as JSON (the runs API's ReuseDecision)"),
  );

export const startCommand = () =>
  remoteOptions(
    new Command('start')
      .description('start a run through the runs API (202 Accepted; --wait follows it to the end)')
      .argument('<pipeline>', 'pipeline name')
      .option('-i, --input <json>', 'run input: a JSON object, or @file.json')
      .option('--run-id <id>', 'the run id (used once); default: a new one')
      .option('--idempotency-key <key>', 'the same key returns the same run instead of starting another')
      .option('--dry-run', 'check the request and start nothing')
      .option('-w, --wait', 'follow the run until it ends; exit 3 unless it succeeded'),
  );

export const cancelCommand = () =>
  remoteOptions(new Command('cancel').description('cancel a run (its running steps stop), through the runs API').argument('<pipeline>').argument('<run-id>'));

export const redriveCommand = () =>
  remoteOptions(
    new Command('redrive')
      .description('run again the steps of a FAILED, TIMED_OUT or ABORTED run that did not succeed, through the runs API')
      .argument('<pipeline>')
      .argument('<run-id>')
      .option('-w, --wait', 'follow the run until it ends; exit 3 unless it succeeded'),
  );

export function registerRuns(program: Command, cli: Cli): void {
  adopt(
    program,
    runsCommand().action(async (options) => cli.exit(await (await import('../actions/runs')).listRuns(options, cli.output))),
  );
  adopt(
    program,
    logsCommand().action(async (runId, options) => cli.exit(await (await import('../actions/runs')).showLogs(runId, options, cli.output))),
  );
  adopt(
    program,
    statusCommand().action(async (pipeline, runId, options) => cli.exit(await (await import('../actions/runs')).showStatus(pipeline, runId, options, cli.output))),
  );
  adopt(
    program,
    whyCommand().action(async (runId, step, options) => cli.exit(await (await import('../actions/runs')).explainStep(runId, step, options, cli.output))),
  );
  adopt(
    program,
    startCommand().action(async (pipeline, options) => cli.exit(await (await import('../actions/remote-runs')).start(pipeline, options, cli.output))),
  );
  adopt(
    program,
    cancelCommand().action(async (pipeline, runId, options) => cli.exit(await (await import('../actions/remote-runs')).cancel(pipeline, runId, options, cli.output))),
  );
  adopt(
    program,
    redriveCommand().action(async (pipeline, runId, options) => cli.exit(await (await import('../actions/remote-runs')).redrive(pipeline, runId, options, cli.output))),
  );
}
