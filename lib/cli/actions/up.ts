/**
 * `orchestra up`: the embedded S3 with the upload triggers of every pipeline in state-machines/, the
 * local Step Functions endpoint and the runs API, running until Ctrl-C. Any S3 client can upload,
 * any Step Functions client or HTTP client can start and follow runs; each run is printed as it starts and ends.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { PipelineSource } from '../../catalogue';
import { loadCatalogue, loadPipelinesIn, STATE_MACHINES_DIR } from '../../catalogue';
import { parseSchedule } from '../../contract/schedule';
import { projectRootOf } from '../../graph/validate';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../local/engine/bindings';
import { IAM_OFF_WARNING, LocalRuntime, type RuntimeEvent } from '../../local/runtime';
import type { KeyedOutcome } from '../../runtime/keyed/conductor';
import { writeEndpoints } from '../../runtime/local-endpoints';
import type { upCommand } from '../commands/servers';
import type { OptionsOf } from '../commands/shared';
import { EXIT_OK } from '../exit-codes';
import { dataDirOf } from '../local-session';
import { type Output, printable } from '../output';
import { watchPipelines } from '../pipeline-watch';
import { DEFAULT_API_PORT, DEFAULT_S3_PORT, DEFAULT_SFN_PORT } from '../ports';
import { CONSOLE_DIR } from './console';

/** hh:mm:ss (UTC) before each line up prints. */
const time = (): string => new Date().toISOString().slice(11, 19);

export type UpOptions = Partial<OptionsOf<typeof upCommand>> & {
  /** Resolves to stop the server; @default SIGINT or SIGTERM */
  readonly until?: Promise<void>;
};

export async function up(options: UpOptions, output: Output): Promise<number> {
  // Listen before any work (and before saying how to stop), so Ctrl-C at any moment stops the server cleanly.
  const stopRequested =
    options.until ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  const root = projectRootOf(join(process.cwd(), 'x'));
  const pipelinesDir = options.pipelines === undefined ? join(root, STATE_MACHINES_DIR) : resolve(options.pipelines);
  const pipelines = options.pipelines === undefined ? loadCatalogue(root) : loadPipelinesIn(pipelinesDir);
  const dataDir = dataDirOf(options);
  const runtime = await LocalRuntime.start({
    dataDir,
    s3Port: options.port ?? DEFAULT_S3_PORT,
    stepFunctionsPort: options.sfnPort ?? DEFAULT_SFN_PORT,
    ...(options.simulateSeed === undefined ? {} : { simulateSeed: options.simulateSeed }),
    enforceIam: options.iam !== false,
  });
  if (options.iam === false) output.err(`warning: ${IAM_OFF_WARNING}`);
  let forgetEndpoints = (): void => undefined;
  const stopWatching = watchPipelines(pipelinesDir, {
    reloaded: (pipeline) => {
      runtime.addPipeline(pipeline);
      output.out(`${time()} ↻ ${pipeline.name}: reloaded ${relative(process.cwd(), pipeline.graphFile)} — runs started from now use it`);
    },
    refused: (graphFile, reason) => output.err(`${time()} ! ${relative(process.cwd(), graphFile)} not reloaded (runs keep the previous definition): ${reason}`),
  });
  try {
    for (const pipeline of pipelines) runtime.addPipeline(pipeline);
    const api = await runtime.serveRunsApi({ port: options.apiPort ?? DEFAULT_API_PORT, ...(existsSync(CONSOLE_DIR) ? { console: CONSOLE_DIR } : {}) });
    forgetEndpoints = writeEndpoints(dataDir, {
      pid: process.pid,
      s3: runtime.s3.endpoint,
      bucket: runtime.s3.bucket,
      stepFunctions: runtime.stepFunctionsEndpoint,
      runsApi: api.url,
    });
    await serve(runtime, pipelines, dataDir, api.url, output, stopRequested);
  } finally {
    stopWatching();
    forgetEndpoints();
    await runtime.stop();
  }
  return EXIT_OK;
}

async function serve(runtime: LocalRuntime, pipelines: readonly PipelineSource[], dataDir: string, api: string, raw: Output, stopRequested: Promise<void>): Promise<void> {
  // Lines about runs quote object keys and prefixes anyone may upload: printed with their control characters escaped.
  const output: Output = { out: (text) => raw.out(printable(text)), err: (text) => raw.err(printable(text)) };
  runtime.on((event) => {
    if (event.type === 'run-started') output.out(`${time()} ▶ ${event.run.pipeline} ${event.run.runId} started (${event.run.input.prefix ?? event.run.input.source})`);
    if (event.type === 'run-finished')
      output.out(
        `${time()} ${event.run.status === 'SUCCEEDED' ? '✔' : '✖'} ${event.run.pipeline} ${event.run.runId} ${event.run.status}${event.run.error === undefined ? '' : `: ${event.run.error.error}: ${event.run.error.cause}`}`,
      );
    if (event.type === 'handler-reloaded') output.out(`${time()} ↻ ${relative(process.cwd(), event.entry)}: code changed, reloaded (bundle ${event.hash})`);
    if (event.type === 'ingest' && event.decision.action === 'reject') output.err(`${time()} ! ${event.key}: not started — ${event.decision.reason}`);
    // Replays of uploads already decided are the normal case at start: not worth a line each.
    if (event.type === 'ingest' && event.decision.action === 'duplicate' && event.replayed !== true)
      output.out(`${time()}   ${event.key}: already processed as run ${event.decision.runName}`);
    if (event.type === 'schedule') {
      const line = describeSchedule(event);
      (event.action === 'missed' || event.action === 'skipped' ? output.err : output.out)(`${time()} ${line}`);
    }
    if (event.type === 'keyed') {
      const line = describeKeyed(event.outcome);
      if (line !== undefined && !(event.replayed === true && event.outcome.action !== 'start'))
        (event.outcome.action === 'unrouted' ? output.err : output.out)(`${time()} ${line}`);
    }
  });
  const e = runtime.s3.environment;
  const uploadExample = pipelines.find((p) => p.graph.trigger?.ingestPrefix !== undefined)?.graph.trigger?.ingestPrefix;
  raw.out(
    [
      `Orchestra local runtime — data in ${dataDir}`,
      `S3              ${runtime.s3.endpoint}   bucket ${runtime.s3.bucket}`,
      `Step Functions  ${runtime.stepFunctionsEndpoint}   state machines arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:<pipeline>`,
      `Runs API        ${api}   (OpenAPI: ${api}/openapi.json)`,
      existsSync(CONSOLE_DIR) ? `Console         ${api}/` : 'Console         not built: npm run build:console (in a checkout of Orchestra)',
      `credentials     AWS_ACCESS_KEY_ID=${runtime.s3.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${runtime.s3.credentials.secretAccessKey} AWS_REGION=${e['AWS_REGION']}   (this data folder's own, in ${join(dataDir, 'credentials.json')}: every request must be signed with it)`,
      ...(runtime.interruptedRuns.length > 0 ? [`${runtime.interruptedRuns.length} run(s) interrupted by the last shutdown are marked ABORTED (orchestra runs)`] : []),
      ...runtime.damagedRecords.map((damaged) => `warning: ${damaged.message}`),
      ...runtime.leftovers.processes.map((left) => `stopped step ${left.step} of run ${left.runId} (pid ${left.pid}): the last shutdown left it running`),
      ...(runtime.leftovers.interruptedWrites.files === 0
        ? []
        : [
            `removed ${runtime.leftovers.interruptedWrites.files} upload(s) the last shutdown left half-written (${(runtime.leftovers.interruptedWrites.bytes / 1e6).toFixed(1)} MB)`,
          ]),
      'Pipelines:',
      ...pipelines.map((p) => {
        const t = p.graph.trigger;
        const how =
          t?.ingestPrefix === undefined
            ? 'no upload trigger (orchestra run)'
            : `upload to s3://${runtime.s3.bucket}/${t.ingestPrefix}${t.mode === 'dataset' ? `<dataset>/ (needs ${t.case === undefined ? (t.marker ?? t.requiredFiles?.join(', ')) : `a ${t.case} case: the files its input.txt and bc.txt name`})` : ''}`;
        const next = t?.schedule === undefined ? undefined : parseSchedule(t.schedule, t.timezone ?? 'UTC').next(new Date());
        return `  ${p.name.padEnd(20)} ${how}${t?.schedule === undefined ? '' : `; schedule ${t.schedule}${t.timezone === undefined ? '' : ` (${t.timezone})`}, next ${next?.toISOString() ?? 'never'}`}`;
      }),
      'Examples:',
      ...(uploadExample === undefined ? [] : [`  aws --endpoint-url ${runtime.s3.endpoint} s3 cp --recursive <folder> s3://${runtime.s3.bucket}/${uploadExample}<dataset>/`]),
      `  curl -X POST -H 'Content-Type: application/json' -d '{"input": {}}' ${api}/pipelines/<pipeline>/runs`,
      `  aws --endpoint-url ${runtime.stepFunctionsEndpoint} stepfunctions list-executions --state-machine-arn arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:<pipeline>`,
      'Ctrl-C stops the server (running runs are recorded as ABORTED).',
    ].join('\n'),
  );
  // Uploads stored while no runtime ran (or before a crash) start their runs now, or are reported.
  await runtime.reconcileUploads();
  // Schedules fire from now on; fires missed while nothing ran are reported first.
  runtime.startSchedules();
  await stopRequested;
  raw.out('stopping…');
}

function describeSchedule(event: Extract<RuntimeEvent, { type: 'schedule' }>): string {
  const times = `${event.scheduledTimes.join(', ')}${event.more === true ? ', …' : ''}`;
  switch (event.action) {
    case 'fired':
      return `⏰ ${event.pipeline}: scheduled ${times} — run ${event.runId}`;
    case 'duplicate':
      return `⏰ ${event.pipeline}: ${times} already ran as ${event.runId}`;
    case 'caught-up':
      return `⏰ ${event.pipeline}: catching up the latest missed fire, ${times} — run ${event.runId}`;
    case 'missed':
      return `! ${event.pipeline}: ${event.scheduledTimes.length}${event.more === true ? '+' : ''} scheduled fire(s) missed while nothing ran: ${times}`;
    case 'skipped':
      return `! ${event.pipeline}: missed fires skipped (catchUp "none"; set "catchUp": "latest" to run the most recent one)`;
  }
}

/** One line per conductor decision worth a line: starts, grace windows, expiries, items nobody takes. */
function describeKeyed(outcome: KeyedOutcome): string | undefined {
  switch (outcome.action) {
    case 'start':
      return `◆ ${outcome.pipeline} ${outcome.key}: every required input is here — run ${outcome.runName}`;
    case 'grace':
      return `◇ ${outcome.pipeline} ${outcome.key}: required inputs here; waiting for optional ones until ${outcome.until}`;
    case 'expired':
      return outcome.expiredAt === undefined
        ? `! ${outcome.pipeline} ${outcome.key}: EXPIRED, still missing ${outcome.missing.join(', ')}`
        : `! ${outcome.pipeline} ${outcome.key}: complete now, but it EXPIRED at ${outcome.expiredAt}: not started — backfill the key to run it`;
    case 'completed':
      return `◆ ${outcome.pipeline} ${outcome.key}: ${outcome.objectKey} arrived — step ${outcome.step} of run ${outcome.runName} succeeded`;
    case 'unrouted':
      return `! ${outcome.objectKey}: not taken by any keyed pipeline — ${outcome.reason}`;
    case 'wait':
    case 'duplicate':
      return undefined;
  }
}
