/**
 * Run a pipeline, or one of its steps, in-process from any test runner (node:test, vitest, jest): the
 * embedded runtime with its own S3 in a temporary folder, the same compiled ASL and the same handler
 * bundles as `orchestra run`, stopped when the call returns.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { defaultInputPrefix } from '../access/roles';
import { loadCatalogue, loadPipeline, type PipelineSource } from '../catalogue';
import type { Json } from '../compiler/asl';
import { stepEventFor } from '../compiler/kinds/task';
import { type RunInput, runPrefixFor } from '../contract/step-event';
import { lineSplitter } from '../local/engine/log-capture';
import { type RunRecord, type RunSummary, summarise } from '../local/runs/run-record';
import type { LogEntry } from '../local/runs/run-store';
import { IAM_OFF_WARNING, LocalRuntime } from '../local/runtime';
import { OrchestraError, UsageError } from '../shared/errors';

/** Where the pipeline is, and what the embedded S3 holds before anything runs. */
export interface TestSessionOptions {
  /** The project whose state-machines/ holds the pipeline. @default process.cwd() */
  readonly projectRoot?: string;
  /** Objects put into the embedded S3 before anything runs, by key. */
  readonly objects?: Readonly<Record<string, string | Uint8Array>>;
  /**
   * Holds each step to the IAM the stack deploys for its role: a call AWS would deny fails with
   * AccessDenied. Turned off, a warning says a passing test no longer predicts AWS. @default true
   */
  readonly iam?: boolean;
}

/** What to run the pipeline on. */
export interface RunPipelineOptions extends TestSessionOptions {
  /**
   * A dataset folder, uploaded as `orchestra run --input` uploads it: under the ingest prefix when the
   * pipeline has one (its trigger starts the run, so the trigger's checks apply), else under
   * `ingest/<pipeline>/`, which the deployed steps may read.
   */
  readonly input?: string;
  /** Extra fields of the run input (`source` is "cli"). */
  readonly runInput?: Readonly<Record<string, unknown>>;
}

/** A finished run: its status whatever it is, its steps, what it wrote and printed. */
export interface PipelineRun {
  readonly runId: string;
  readonly status: RunRecord['status'];
  /** Step by step: status, attempts, error — as `orchestra run --json` prints it. */
  readonly summary: RunSummary;
  /** What the run wrote under runs/<pipeline>/<run id>/, by path below that prefix. */
  readonly outputs: ReadonlyMap<string, Uint8Array>;
  /** The run's log: every line each step printed, in order. */
  readonly logs: readonly LogEntry[];
  /** An output's text (UTF-8); throws naming the outputs there are when `path` is not one. */
  outputText(path: string): string;
}

/** The event's values the graph does not decide: dependency results, the run input, the item. */
export interface InvokeStepOptions extends TestSessionOptions {
  /** Results of the steps this one depends on, by step id. @default null for each */
  readonly dependencies?: Readonly<Record<string, unknown>>;
  /** The run input. @default {"source": "cli", "bucket": <the embedded bucket>} */
  readonly input?: Readonly<Record<string, unknown>>;
  /** For a `forEach` step: the item and its index. */
  readonly item?: unknown;
  readonly itemIndex?: number;
  /** @default "test-<time>" */
  readonly runId?: string;
  /** Told each line the step prints, as it prints it. */
  readonly onLog?: (stream: 'stdout' | 'stderr', line: string) => void;
}

/** What one step did when invoked alone. */
export interface StepInvocation {
  /** The step's result, as the steps after it would get it. */
  readonly result: Json;
  /** What the step printed, line by line. */
  readonly logs: readonly string[];
  /** Objects the step wrote under its output prefix, by path below it. */
  readonly outputs: ReadonlyMap<string, Uint8Array>;
}

/** The pipeline named `pipeline` in the project's state-machines/, or a graph file. */
function pipelineOf(pipeline: string, projectRoot: string): PipelineSource {
  const asFile = resolve(projectRoot, pipeline);
  if (pipeline.endsWith('.json') && (statSync(asFile, { throwIfNoEntry: false })?.isFile() ?? false)) return loadPipeline(asFile);
  const found = loadCatalogue(projectRoot).find((source) => source.name === pipeline);
  if (found === undefined)
    throw new UsageError(`no pipeline "${pipeline}" in ${join(projectRoot, 'state-machines')}/ — name one of its <name>.graph.json files, or pass a graph file`);
  return found;
}

async function withRuntime<T>(options: TestSessionOptions, work: (runtime: LocalRuntime) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-test-'));
  if (options.iam === false) process.emitWarning(IAM_OFF_WARNING, { code: 'ORCHESTRA_IAM_OFF' });
  const runtime = await LocalRuntime.start({ dataDir, retryDelayMs: 10, enforceIam: options.iam !== false });
  try {
    for (const [key, body] of Object.entries(options.objects ?? {})) await runtime.s3.client.send(new PutObjectCommand({ Bucket: runtime.s3.bucket, Key: key, Body: body }));
    return await work(runtime);
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const textOf = (outputs: ReadonlyMap<string, Uint8Array>, path: string): string => {
  const bytes = outputs.get(path);
  if (bytes === undefined) throw new UsageError(`no output "${path}"; the run wrote: ${[...outputs.keys()].join(', ') || 'nothing'}`);
  return Buffer.from(bytes).toString('utf8');
};

/** Runs the pipeline to its end on the embedded runtime and returns what happened; never throws for a failed run. */
export async function runPipeline(pipeline: string, options: RunPipelineOptions = {}): Promise<PipelineRun> {
  const source = pipelineOf(pipeline, resolve(options.projectRoot ?? process.cwd()));
  return withRuntime(options, async (runtime) => {
    runtime.addPipeline(source);
    const inputDir = options.input === undefined ? undefined : resolve(options.projectRoot ?? process.cwd(), options.input);
    const ingestPrefix = source.graph.trigger?.ingestPrefix;
    let runId: string;
    if (inputDir !== undefined && ingestPrefix !== undefined) {
      const prefix = `${ingestPrefix}${basename(inputDir)}/`;
      const started: RunRecord[] = [];
      runtime.on((event) => {
        if (event.type === 'run-started' && event.run.input.prefix?.startsWith(prefix) === true) started.push(event.run);
      });
      await runtime.s3.uploadFolder(inputDir, prefix);
      await runtime.settleUploads();
      const first = started[0];
      if (first === undefined)
        throw new OrchestraError(
          'no-run-started',
          `uploading ${relative(process.cwd(), inputDir) || '.'} under ${prefix} started no run of ${source.name}: is the dataset complete?`,
        );
      runId = first.runId;
    } else {
      let input: RunInput = { source: 'cli', bucket: runtime.s3.bucket, ...options.runInput };
      if (inputDir !== undefined) {
        // Under the prefix the deployed steps may read (their IAM).
        const prefix = `${defaultInputPrefix(source.name)}test/`;
        input = { ...input, prefix, keys: await runtime.s3.uploadFolder(inputDir, prefix) };
      }
      runId = runtime.startRun(source.name, input).runId;
    }
    const record = await runtime.waitForRun(runId);
    const outputs = await runtime.s3.objectsUnder(runPrefixFor(source.name, runId));
    return { runId, status: record.status, summary: summarise(record), outputs, logs: runtime.store.readLog(runId), outputText: (path) => textOf(outputs, path) };
  });
}

/**
 * Runs one step alone with the event its Task would get — built from the graph, with the dependency
 * results and input you give — and returns its result. Throws the step's own error when it fails.
 */
export async function invokeStep(pipeline: string, step: string, options: InvokeStepOptions = {}): Promise<StepInvocation> {
  const source = pipelineOf(pipeline, resolve(options.projectRoot ?? process.cwd()));
  const definition = Object.hasOwn(source.graph.steps, step) ? source.graph.steps[step] : undefined;
  if (definition === undefined) throw new UsageError(`pipeline "${source.name}" has no step "${step}"; its steps: ${Object.keys(source.graph.steps).join(', ')}`);
  return withRuntime(options, async (runtime) => {
    runtime.addPipeline(source);
    const runId = options.runId ?? `test-${Date.now()}`;
    const event = stepEventFor(
      { graph: source.graph, id: step, step: definition },
      {
        runId,
        input: options.input ?? { source: 'cli', bucket: runtime.s3.bucket },
        dependencies: options.dependencies ?? {},
        ...('item' in options ? { item: options.item } : {}),
        ...(options.itemIndex === undefined ? {} : { itemIndex: options.itemIndex }),
      },
    );
    const lines: string[] = [];
    const output = lineSplitter((stream, line) => {
      lines.push(line);
      options.onLog?.(stream, line);
    });
    const result = await runtime.invokeStep(source.name, step, event, output.write);
    output.flush();
    return { result, logs: lines, outputs: await runtime.s3.objectsUnder(`${runPrefixFor(source.name, runId)}${step}/`) };
  });
}
