/**
 * The `orchestra` command line. Only this module turns errors into exit codes. Each command's module is
 * imported when that command runs, so `--help` and light commands start without loading the engine,
 * the AWS SDK or zod (the package's CLI starts in a tenth of a second).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { orchestraVersion } from '../shared/package-root';
import type { ConsoleOptions } from './commands/console';
import type { EventsOptions } from './commands/events';
import type { BackfillOptions, RemoteOptions, startCommand } from './commands/remote-runs';
import { EXIT_USAGE, reportError } from './exit-codes';
import { type Output, processOutput } from './output';
import { DEFAULT_API_PORT, DEFAULT_CONSOLE_PORT, DEFAULT_S3_PORT, DEFAULT_SFN_PORT } from './ports';
import type { ApiTargetOptions } from './runs-api-client';

/** Commander argument parsers: a malformed number is a usage error (exit 2) naming the option, never a silent NaN. */
const integerIn =
  (min: number, max: number) =>
  (value: string): number => {
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${value}".`);
    return parsed;
  };

const numberIn =
  (min: number, max: number) =>
  (value: string): number => {
    const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
    if (!(parsed >= min && parsed <= max)) throw new InvalidArgumentError(`expected a number from ${min} to ${max}, got "${value}".`);
    return parsed;
  };

export function buildProgram(output: Output, setExitCode: (code: number) => void): Command {
  const program = new Command('orchestra')
    .description('Compile pipeline graphs to AWS Step Functions and run them locally or on AWS.')
    .exitOverride()
    .configureOutput({ writeOut: (text) => output.out(text), writeErr: (text) => output.err(text) })
    .showSuggestionAfterError(true)
    .version(orchestraVersion(), '-V, --version', 'print the version');

  program
    .command('init')
    .description('create a project for your own pipelines, with Orchestra as a dependency: an example pipeline, its test, the CDK app')
    .argument('<dir>', 'a new or empty folder')
    .option('--orchestra <spec>', 'how the project depends on Orchestra: a version, a tarball path, a git URL (default: what npx ran, else this version)')
    .action(async (dir: string, options: { orchestra?: string }) => setExitCode((await import('./commands/init')).initCommand(dir, options, output)));

  program
    .command('validate')
    .description('check a pipeline graph and print every problem found')
    .argument('<file>', 'pipeline graph (JSON)')
    .option('--json', 'print the issues as JSON on stdout')
    .action(async (file: string, options: { json?: boolean }) => setExitCode(await (await import('./commands/validate')).validateCommand(file, options, output)));

  program
    .command('compile')
    .description('compile a pipeline graph to an Amazon States Language definition')
    .argument('<file>', 'pipeline graph (JSON)')
    .option('-o, --output <file>', 'write the definition here instead of stdout')
    .addOption(new Option('--target <target>', 'where it will run: AWS quotas apply to "aws" only').choices(['aws', 'local']).default('aws'))
    .action(async (file: string, options: { output?: string; target?: 'aws' | 'local' }) =>
      setExitCode(await (await import('./commands/compile')).compileCommand(file, options, output)),
    );

  program
    .command('build')
    .description('compile every <name>.graph.json in a folder to <name>.asl.json beside it')
    .argument('[dir]', 'folder of pipeline graphs', 'state-machines')
    .option('--check', 'only check that the committed .asl.json files are up to date')
    .action(async (dir: string, options: { check?: boolean }) => setExitCode(await (await import('./commands/build')).buildCommand(dir, options, output)));

  program
    .command('graph')
    .description('print a picture of the pipeline')
    .argument('<file>', 'pipeline graph (JSON)')
    .addOption(new Option('--format <format>', 'picture format').choices(['mermaid']).default('mermaid'))
    .action(async (file: string, options: { format: string }) => setExitCode(await (await import('./commands/graph')).graphCommand(file, options, output)));

  const importCommand = program.command('import').description('turn graphs from other systems into Orchestra pipelines');
  importCommand
    .command('products')
    .description("a mission's product graph → one keyed pipeline per product (graph + compiled ASL), for `orchestra up --pipelines <dir>`")
    .argument('<file>', 'product graph (JSON): {"inputs": [...], "products": {"<name>": {"m_input", "o_input", "provider", "url"}}}')
    .requiredOption('-o, --out <dir>', 'folder to write the pipelines to')
    .option('--simulate', 'give every product the built-in simulated provider (1–5 s, fails with probability 0.2, retried)')
    .option('--data-prefix <prefix>', 'where data items live: <prefix><type>/<key>/…', 'data/')
    .action(async (file: string, options: { out: string; simulate?: boolean; dataPrefix?: string }) =>
      setExitCode(await (await import('./commands/import')).importProductsCommand(file, options, output)),
    );

  importCommand
    .command('diastema')
    .description('a DIASTEMA analysis graph → one pipeline graph; each kind of job runs as `simulate`, or the Lambda handler --handlers names for it')
    .argument('<file>', 'analysis graph (JSON): {"analysis-id", "database-id", "metadata", "jobs": [{"step", "id", "title", "from", "next", …}]}')
    .option('-o, --out <graph.json>', 'write the pipeline graph here (default: print it)')
    .option('--handlers <kinds.json>', 'a handler file per kind: {"cleaning": "functions/cleaning/index.ts", …}')
    .option('--name <pipeline>', 'the pipeline name (default: analysis-<analysis-id>)')
    .action(async (file: string, options: { out?: string; handlers?: string; name?: string }) =>
      setExitCode(await (await import('./commands/import-diastema')).importDiastemaCommand(file, options, output)),
    );

  program
    .command('export')
    .description('write a pipeline for another system')
    .command('airflow')
    .description('an Airflow 3 DAG equivalent to the pipeline: Lambda and ECS operators on the deployed functions and tasks, dependencies, retries, timeouts, schedule')
    .argument('<pipeline>', 'a pipeline name in state-machines/ or any graph file')
    .option('-o, --out <dag.py>', 'write the DAG here (default: print it)')
    .option('--stack <name>', "read function names, task definitions and the cluster from this deployed stack's outputs (default: placeholders)")
    .option('--region <region>', "the stack's region (default: AWS_REGION)")
    .action(async (pipeline: string, options: { out?: string; stack?: string; region?: string }) =>
      setExitCode(await (await import('./commands/export')).exportAirflowCommand(pipeline, options, output)),
    );

  program
    .command('schedules')
    .description("when each pipeline's schedule fires next, as EventBridge Scheduler and `orchestra up` fire it")
    .argument('[pipeline]', 'a pipeline name in state-machines/ or any graph file (default: every pipeline)')
    .option('-n, --next <count>', 'how many fire times', '5')
    .option('--from <time>', 'list fires after this ISO 8601 time (default: now)')
    .option('--json', 'print [{"pipeline", "expression", "timezone", "next": [ISO…]}]')
    .action(async (pipeline: string | undefined, options: { next?: string; from?: string; json?: boolean }) =>
      setExitCode(await (await import('./commands/schedules')).schedulesCommand(pipeline, options, output)),
    );

  const dataDir = () => new Option('--data-dir <dir>', 'where the local S3 objects and run records live (default: $ORCHESTRA_DATA_DIR or .orchestra/)');
  const noIam = () => new Option('--no-iam', 'do not hold steps to the IAM the stack deploys (a warning says the run no longer predicts AWS)');

  program
    .command('run')
    .description('run a pipeline on the embedded local runtime and wait for it')
    .argument('<pipeline>', 'a pipeline name in state-machines/ or any graph file')
    .option('-i, --input <dir>', 'dataset folder: uploaded to the ingest prefix, whose trigger starts the run')
    .option('--json', 'print only a JSON summary of the run on stdout')
    .option('--out <dir>', 'where to copy the run outputs', undefined)
    .addOption(dataDir())
    .addOption(noIam())
    .action(async (pipeline: string, options: { input?: string; json?: boolean; out?: string; dataDir?: string; iam?: boolean }) =>
      setExitCode(await (await import('./commands/run')).runCommand(pipeline, options, output)),
    );

  program
    .command('invoke')
    .description('run one step alone, in-process, with the event its graph gives it, and print its result')
    .argument('<pipeline>', 'a pipeline name in state-machines/ or any graph file')
    .argument('<step>', 'the step id')
    .option('-e, --event <file>', 'JSON with any of input, dependencies, item, itemIndex, runId ("-" reads stdin)')
    .addOption(noIam())
    .action(async (pipeline: string, step: string, options: { event?: string; iam?: boolean }) =>
      setExitCode(await (await import('./commands/invoke')).invokeCommand(pipeline, step, options, output)),
    );

  program
    .command('console')
    .description("serve the web console on 127.0.0.1 against a deployed stack's runs API, signing its calls with your AWS credentials (orchestra up serves the local one)")
    .option('--stack <name>', 'a deployed stack: its RunsApiUrl output')
    .option('--api <url>', 'a runs API base URL')
    .option('--region <region>', 'AWS region of --stack (default: AWS_REGION)')
    .option('-p, --port <port>', 'console port (0 = any free port)', integerIn(0, 65_535), DEFAULT_CONSOLE_PORT)
    .action(async (options: ConsoleOptions) => setExitCode(await (await import('./commands/console')).consoleCommand(options, output)));

  program
    .command('up')
    .description('start the embedded S3 and the upload triggers of every pipeline in state-machines/, until Ctrl-C')
    .option('-p, --port <port>', 'S3 port (0 = any free port)', integerIn(0, 65_535), DEFAULT_S3_PORT)
    .option('--sfn-port <port>', 'Step Functions endpoint port (0 = any free port)', integerIn(0, 65_535), DEFAULT_SFN_PORT)
    .option('--api-port <port>', 'runs API port (0 = any free port)', integerIn(0, 65_535), DEFAULT_API_PORT)
    .option('--pipelines <dir>', 'serve the pipeline graphs in this folder (e.g. from `orchestra import products`) instead of state-machines/')
    .option('--simulate-seed <seed>', 'seed the simulate steps, so their durations and failures repeat')
    .addOption(dataDir())
    .addOption(noIam())
    .action(async (options: { port?: number; sfnPort?: number; apiPort?: number; dataDir?: string; pipelines?: string; simulateSeed?: string; iam?: boolean }) =>
      setExitCode(await (await import('./commands/up')).upCommand(options, output)),
    );

  const viaApi = (options: ApiTargetOptions): boolean => options.api !== undefined || options.stack !== undefined;

  program
    .command('runs')
    .description('list runs, newest first: local ones from the data folder, or through a runs API with --api / --stack')
    .option('--json', 'print run summaries as JSON')
    .option('-n, --limit <count>', 'how many', integerIn(1, 1_000_000), 20)
    .option('--pipeline <name>', 'only this pipeline (with --api / --stack)')
    .option('--status <status>', 'only runs in this status (with --api / --stack)')
    .option('--api <url>', 'a runs API base URL')
    .option('--stack <name>', 'a deployed stack: its RunsApiUrl output, requests signed with your AWS credentials')
    .option('--region <region>', 'AWS region of --stack')
    .addOption(dataDir())
    .action(async (options: RemoteOptions & { limit?: number; pipeline?: string; status?: string }) =>
      setExitCode(
        viaApi(options) ? await (await import('./commands/remote-runs')).remoteRunsCommand(options, output) : (await import('./commands/runs')).runsCommand(options, output),
      ),
    );

  program
    .command('logs')
    .description("show one run's logs, step by step: a local run from the data folder, or through a runs API with --api / --stack")
    .argument('<run-id>', 'as printed by `orchestra run` or `orchestra runs`')
    .option('-s, --step <step>', 'only this step')
    .option('--pipeline <name>', "the run's pipeline (needed with --api / --stack)")
    .option('--api <url>', 'a runs API base URL')
    .option('--stack <name>', 'a deployed stack: its RunsApiUrl output, requests signed with your AWS credentials')
    .option('--region <region>', 'AWS region of --stack')
    .addOption(dataDir())
    .action(async (runId: string, options: RemoteOptions & { step?: string; pipeline?: string }) =>
      setExitCode(
        viaApi(options)
          ? await (await import('./commands/remote-runs')).remoteLogsCommand(runId, options, output)
          : (await import('./commands/runs')).logsCommand(runId, options, output),
      ),
    );

  const remote = (command: Command): Command =>
    command
      .option('--api <url>', 'a runs API base URL (default: the `orchestra up` serving the data folder)')
      .option('--stack <name>', 'a deployed stack: its RunsApiUrl output, requests signed with your AWS credentials')
      .option('--region <region>', 'AWS region of --stack (default: AWS_REGION)')
      .option('--json', 'print the API answer as JSON')
      .addOption(dataDir());

  program
    .command('events')
    .description('follow the activity of keyed pipelines on `orchestra up`: runs started, succeeded, failed; keys expired')
    .option('--api <url>', 'the runs API of an `orchestra up` (default: the one serving the data folder)')
    .option('--json', 'one JSON object per line')
    .option('-n, --count <count>', 'stop after this many events', integerIn(1, 1_000_000))
    .addOption(dataDir())
    .action(async (options: EventsOptions) => setExitCode(await (await import('./commands/events')).eventsCommand(options, output)));

  remote(
    program
      .command('keys')
      .description('what the keyed triggers recorded for a key (e.g. an observation id): per pipeline, types arrived, types missing, runs started')
      .argument('<key>', 'the key, e.g. obs-001234'),
  ).action(async (key: string, options: RemoteOptions) => setExitCode(await (await import('./commands/remote-runs')).keysCommand(key, options, output)));

  remote(
    program
      .command('backfill')
      .description('decide again for keys of keyed pipelines, through the conductor (nothing starts twice; "reprocess": "manual" pipelines run again), rate limited, with progress')
      .option('--keys <keys>', 'comma-separated keys, or @file with one key per line')
      .option('--prefix <prefix>', 'every key with a data item under this prefix, e.g. data/EclTmVhfAlert/')
      .option('--pipelines <names>', 'only these keyed pipelines (comma-separated)')
      .option('--rate <perSecond>', 'decisions per second (default 20; Step Functions refills StartExecution at 300/s)', numberIn(0.1, 300))
      .option('--no-wait', 'return once the backfill is planned'),
  ).action(async (options: BackfillOptions) => setExitCode(await (await import('./commands/remote-runs')).backfillCommand(options, output)));

  remote(
    program
      .command('start')
      .description('start a run through the runs API (202 Accepted; --wait follows it to the end)')
      .argument('<pipeline>', 'pipeline name')
      .option('-i, --input <json>', 'run input: a JSON object, or @file.json')
      .option('--run-id <id>', 'the run id (used once); default: a new one')
      .option('--idempotency-key <key>', 'the same key returns the same run instead of starting another')
      .option('--dry-run', 'check the request and start nothing')
      .option('-w, --wait', 'follow the run until it ends; exit 1 unless it succeeded'),
  ).action(async (pipeline: string, options: Parameters<typeof startCommand>[1]) =>
    setExitCode(await (await import('./commands/remote-runs')).startCommand(pipeline, options, output)),
  );

  remote(program.command('status').description("a run's status and steps, through the runs API").argument('<pipeline>').argument('<run-id>')).action(
    async (pipeline: string, runId: string, options: RemoteOptions) => setExitCode(await (await import('./commands/remote-runs')).statusCommand(pipeline, runId, options, output)),
  );

  remote(program.command('cancel').description('cancel a run (its running steps stop), through the runs API').argument('<pipeline>').argument('<run-id>')).action(
    async (pipeline: string, runId: string, options: RemoteOptions) => setExitCode(await (await import('./commands/remote-runs')).cancelCommand(pipeline, runId, options, output)),
  );

  remote(
    program
      .command('redrive')
      .description('run again the steps of a FAILED, TIMED_OUT or ABORTED run that did not succeed, through the runs API')
      .argument('<pipeline>')
      .argument('<run-id>')
      .option('-w, --wait', 'follow the run until it ends; exit 1 unless it succeeded'),
  ).action(async (pipeline: string, runId: string, options: RemoteOptions & { wait?: boolean }) =>
    setExitCode(await (await import('./commands/remote-runs')).redriveCommand(pipeline, runId, options, output)),
  );

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
