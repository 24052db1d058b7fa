/**
 * `orchestra run`: one run on the embedded runtime. With --input and an ingest trigger, the files go
 * to the embedded S3 under the ingest prefix and the trigger starts the run, exactly the path an
 * upload takes (a per-object trigger starts one per file: all are waited for); otherwise the run starts
 * directly. Outputs are copied to outputs/<run id>/. Exit 0 when every run succeeded, 3 otherwise.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { defaultInputPrefix } from '../../access/roles';
import { loadPipeline, loadPipelinesIn, type PipelineSource, withChildren } from '../../catalogue';
import { parseDefinition } from '../../compiler/asl';
import { MAX_HISTORY_EVENTS } from '../../compiler/limits';
import { MAX_PAYLOAD_BYTES } from '../../contract/errors';
import { formatUsd as usd } from '../../contract/prices';
import { type RunInput, runPrefixFor } from '../../contract/step-event';
import { estimateRunCost } from '../../cost/estimate';
import { projectRootOf } from '../../graph/validate';
import { childPipelinesOf } from '../../kinds/pipeline/spec';
import { hasServiceSteps } from '../../kinds/service/spec';
import { type RunRecord, summarise } from '../../local/runs/run-record';
import { IAM_OFF_WARNING, LocalRuntime, type RuntimeEvent } from '../../local/runtime';
import { defined } from '../../shared/defined';
import { OrchestraError, UsageError } from '../../shared/errors';
import { filesUnder } from '../../shared/paths';
import type { runCommand } from '../commands/local-runs';
import type { OptionsOf } from '../commands/shared';
import { EXIT_OK, EXIT_RUN_FAILED } from '../exit-codes';
import { dataDirOf, folderOrAbsent, graphFileOf } from '../local-session';
import type { Output } from '../output';
import { ProgressView } from '../progress';

export type RunCommandOptions = Partial<OptionsOf<typeof runCommand>> & {
  /** Redraw a live task list when the output has a terminal. @default true */
  readonly interactive?: boolean;
  /** Signals that stop the run. @default SIGINT and SIGTERM */
  readonly signals?: readonly NodeJS.Signals[];
};

const stamp = (): string => new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');

/** Copies everything under runs/<pipeline>/<id>/ to <outDir>/<id>/; returns the local paths. */
async function copyOutputs(runtime: LocalRuntime, pipeline: string, runId: string, outDir: string): Promise<string[]> {
  const copied: string[] = [];
  const runPrefix = runPrefixFor(pipeline, runId);
  for (const { key } of await runtime.s3.listKeys(runPrefix)) {
    const object = await runtime.s3.client.send(new GetObjectCommand({ Bucket: runtime.s3.bucket, Key: key }));
    const target = join(outDir, runId, key.slice(runPrefix.length));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, (await object.Body?.transformToByteArray()) ?? new Uint8Array());
    copied.push(target);
  }
  return copied;
}

export async function run(pipelineOrFile: string, options: RunCommandOptions, output: Output): Promise<number> {
  const pipeline = loadPipeline(graphFileOf(pipelineOrFile));
  const inputDir = options.input === undefined ? undefined : resolve(options.input);
  if (inputDir !== undefined && !(statSync(inputDir, { throwIfNoEntry: false })?.isDirectory() ?? false)) {
    throw new UsageError(`--input ${options.input}: not a folder — pass the folder holding the dataset files`);
  }
  if (inputDir !== undefined && filesUnder(inputDir).length === 0) throw new UsageError(`--input ${options.input}: the folder is empty`);
  let progress: ProgressView | undefined;
  const say = (text: string) => {
    if (options.json !== true) progress === undefined ? output.err(text) : progress.log(text);
  };
  const outDir = resolve(options.out ?? process.env['ORCHESTRA_OUTPUT_DIR'] ?? join(projectRootOf(pipeline.graphFile), 'outputs'));
  folderOrAbsent(outDir, options.out === undefined ? 'the output folder' : '--out');
  const runtime = await LocalRuntime.start({ dataDir: dataDirOf(options), enforceIam: options.iam !== false, reuse: options.reuse !== false });
  if (options.iam === false) output.err(`warning: ${IAM_OFF_WARNING}`);
  // Ctrl-C or a kill stops the run as AWS StopExecution would (ABORTED, container processes killed), then exits 128 + signal.
  let stoppedBy: NodeJS.Signals | undefined;
  /** Every run the command started (a per-object upload of several files starts one each). */
  const started: RunRecord[] = [];
  const stop = (signal: NodeJS.Signals) => {
    stoppedBy ??= signal;
    say(`\n${signal}: stopping the run${started.length > 1 ? 's' : ''}`);
    for (const run of started) runtime.abortRun(run.runId, `stopped by ${signal}`);
  };
  const signals = options.signals ?? (['SIGINT', 'SIGTERM'] as const);
  for (const signal of signals) process.on(signal, stop);
  try {
    for (const damaged of runtime.damagedRecords) output.err(`warning: ${damaged.message}`);
    // A pipeline that runs other pipelines brings them along, from the folder its graph is in.
    const children = childPipelinesOf(pipeline.graph).length === 0 ? [] : withChildren(pipeline, loadPipelinesIn(dirname(pipeline.graphFile))).slice(1);
    for (const needed of [pipeline, ...children]) runtime.addPipeline(needed);
    // Service steps hand external services a callback URL: the runs API serves it while the run lasts.
    if (hasServiceSteps(pipeline.graph)) await runtime.serveRunsApi();
    const terminal = (options.interactive ?? true) ? output.terminal : undefined;
    if (options.json !== true)
      progress = new ProgressView(terminal === undefined ? { lines: (text) => output.err(text) } : { terminal }, Object.keys(pipeline.graph.steps), () => started[0]?.runId);
    const rejections: string[] = [];
    runtime.on((event: RuntimeEvent) => {
      progress?.onEvent(event);
      if (event.type === 'ingest' && event.decision.action === 'reject') rejections.push(`${event.key}: ${event.decision.reason}`);
    });

    await startRuns(runtime, pipeline, inputDir, { started, rejections, say });
    const record = defined(started[0]);
    if (stoppedBy !== undefined) for (const run of started) runtime.abortRun(run.runId, `stopped by ${stoppedBy}`);
    say(`Run ${record.runId} of ${pipeline.name} started${record.input.prefix === undefined ? '' : ` on ${record.input.prefix}`}`);

    const final = await runtime.waitForRun(record.runId);
    progress?.finish(final.steps);
    const others = await Promise.all(started.slice(1).map((run) => runtime.waitForRun(run.runId)));
    const copied = await copyOutputs(runtime, pipeline.graph.name, final.runId, outDir);
    for (const other of others) await copyOutputs(runtime, pipeline.graph.name, other.runId, outDir);
    if (options.json === true) {
      // One run: its summary, as always; several: every run's, in the order they started.
      output.out(JSON.stringify(others.length === 0 ? summarise(final) : [final, ...others].map(summarise), null, 2));
    } else reportRuns(final, others, { pipeline, copied, outDir, say, output });
    if (stoppedBy !== undefined) return 128 + (os.constants.signals[stoppedBy] ?? 0);
    return [final, ...others].every((run) => run.status === 'SUCCEEDED') ? EXIT_OK : EXIT_RUN_FAILED;
  } finally {
    for (const signal of signals) process.off(signal, stop);
    await runtime.stop();
  }
}

/** What `orchestra run` says when its runs end: status, failures, where the outputs are, their limits against AWS's, the cost, the logs. */
function reportRuns(
  final: RunRecord,
  others: readonly RunRecord[],
  { pipeline, copied, outDir, say, output }: { pipeline: PipelineSource; copied: readonly string[]; outDir: string; say: (text: string) => void; output: Output },
): void {
  const seconds = ((Date.parse(final.stoppedAt ?? final.startedAt) - Date.parse(final.startedAt)) / 1000).toFixed(1);
  say(`\nRun ${final.runId}: ${final.status} in ${seconds} s${final.error === undefined ? '' : `\n  ${final.error.error}: ${final.error.cause}`}`);
  for (const [id, step] of Object.entries(final.steps)) {
    if (step.error !== undefined && step.status === 'FAILED') say(`  ${id} failed after ${step.attempts} attempt(s): ${step.error.error}: ${step.error.cause}`);
  }
  say(`Outputs: ${final.outputs}`);
  const largest = final.largestPayload;
  // States over the quota fail the run (States.DataLimitExceeded), as on AWS; this shows the headroom.
  if (largest !== undefined) say(`Largest state: ${largest.bytes.toLocaleString('en')} bytes (${largest.state}) of the ${MAX_PAYLOAD_BYTES.toLocaleString('en')} AWS allows`);
  if (final.historyEvents !== undefined)
    say(`History: ${final.historyEvents.toLocaleString('en')} events of the ${MAX_HISTORY_EVENTS.toLocaleString('en')} AWS allows per execution`);
  const estimate = estimateRunCost(pipeline.graph, parseDefinition(pipeline.definitionText, pipeline.graphFile));
  if (final.cost !== undefined)
    say(
      `Cost on AWS: ${usd(final.cost.totalUsd)} at this run's durations, ${usd(estimate.totalUsd)} estimated before it (${final.cost.prices.region} prices of ${final.cost.prices.asOf}; orchestra cost ${pipeline.name})`,
    );
  if (copied.length > 0) say(`  copied to ${relative(process.cwd(), join(outDir, final.runId)) || '.'}/ (${copied.length} files)`);
  say(`Logs: orchestra logs ${final.runId}`);
  for (const png of copied.filter((file) => file.endsWith('.png'))) output.out(`PNG: ${relative(process.cwd(), png)}`);
  for (const other of others) {
    say(
      `Run ${other.runId} (${other.input.keys?.join(', ') ?? other.input.prefix}): ${other.status}${other.error === undefined ? '' : ` — ${other.error.error}: ${other.error.cause}`}`,
    );
  }
}

/**
 * Starts the run as the pipeline's trigger would: an input folder uploaded to its ingest prefix (the
 * trigger starts the runs, one per object for a per-object trigger), or a direct start with the folder
 * uploaded where the deployed steps may read it. Each run started is pushed to `started` at once, so
 * a signal can stop it.
 */
async function startRuns(
  runtime: LocalRuntime,
  pipeline: PipelineSource,
  inputDir: string | undefined,
  { started, rejections, say }: { started: RunRecord[]; rejections: readonly string[]; say: (text: string) => void },
): Promise<void> {
  const trigger = pipeline.graph.trigger;
  if (inputDir !== undefined && trigger?.ingestPrefix !== undefined) {
    const prefix = `${trigger.ingestPrefix}${basename(inputDir)}-${stamp()}/`;
    say(`Uploading ${relative(process.cwd(), inputDir) || '.'} to s3://${runtime.s3.bucket}/${prefix} (${runtime.s3.endpoint})`);
    runtime.on((event) => {
      if (event.type !== 'run-started' || event.run.input.prefix?.startsWith(prefix) !== true) return;
      started.push(event.run);
    });
    await runtime.s3.uploadFolder(inputDir, prefix);
    await runtime.settleUploads();
    if (started.length === 0) {
      throw new OrchestraError(
        'no-run-started',
        `the upload started no run of ${pipeline.name}${rejections.length > 0 ? `:\n  ${rejections.join('\n  ')}` : trigger.mode === 'dataset' ? ` — the dataset is incomplete: it needs ${trigger.marker ?? trigger.requiredFiles?.join(', ')}` : ''}`,
      );
    }
    if (started.length > 1) say(`${started.length} runs started (per-object trigger): following ${started[0]?.runId}, waiting for all`);
  } else {
    let input: RunInput = { source: 'cli', bucket: runtime.s3.bucket };
    if (inputDir !== undefined) {
      // Under the prefix the deployed steps may read (their IAM), as a lab would upload it on AWS.
      const prefix = `${defaultInputPrefix(pipeline.name)}${stamp()}/`;
      input = { ...input, prefix, keys: await runtime.s3.uploadFolder(inputDir, prefix) };
    }
    started.push(runtime.startRun(pipeline.name, input));
  }
}
