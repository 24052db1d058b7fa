/**
 * The embedded runtime: the embedded S3, upload triggers, the ASL engine adapter, task runners and
 * the run store, wired together. One per process: in-process Lambda handlers read their settings
 * (bucket, S3 endpoint) from process.env, as they do on Lambda.
 */
import { availableParallelism } from 'node:os';
import { type Json, parseDefinition } from '../compiler/asl';
import { effectiveRetry } from '../compiler/policies';
import { type Environment, FUNCTION_ENV } from '../contract/environment';
import { ERRORS, isRetryable } from '../contract/errors';
import { substitute } from '../contract/placeholders';
import type { RunInput } from '../contract/step-event';
import { runPrefixFor } from '../contract/step-event';
import { runStepLocally, runsAsProcess } from '../kinds/local';
import { decideIngest, type IngestDecision, ingestTriggerOf } from '../runtime/ingest';
import { type ObjectCreatedEventBridgeEvent, objectCreatedFrom } from '../runtime/upload-events';
import { localSubstitutions } from './bindings';
import { type EmbeddedS3, startEmbeddedS3 } from './embedded-s3';
import { type Execution, type PreparedMachine, prepareMachine, startExecution, type TaskHandler } from './engine';
import type { LocalPipeline } from './pipeline';
import { type RunRecord, type StepError, type StepStatus, TERMINAL_RUN_STATUSES } from './run-record';
import { RunAlreadyExistsError, RunStore } from './run-store';
import { Semaphore } from './semaphore';

export interface LocalRuntimeOptions {
  /** Embedded S3 objects and run records live here. */
  readonly dataDir: string;
  /** @default 0 (any free port) */
  readonly s3Port?: number;
  /** Makes simulate steps reproducible (sets ORCHESTRA_SIMULATE_SEED). @default - random */
  readonly simulateSeed?: string;
  /** Replaces every retry wait; for tests and benchmarks. @default - the definition's intervals */
  readonly retryDelayMs?: number;
  /** Container steps running at once. @default the number of CPUs */
  readonly maxContainers?: number;
}

export type RuntimeEvent =
  | { readonly type: 'run-started'; readonly run: RunRecord }
  | { readonly type: 'step'; readonly runId: string; readonly step: string; readonly status: StepStatus; readonly attempt: number; readonly error?: StepError }
  | { readonly type: 'run-finished'; readonly run: RunRecord }
  | { readonly type: 'ingest'; readonly pipeline: string; readonly key: string; readonly decision: IngestDecision | { action: 'duplicate'; runName: string } };

export interface StartRunOptions {
  /** The run id ($$.Execution.Name). Used once only. @default - a new unique id */
  readonly runId?: string;
}

export class UnknownPipelineError extends Error {
  override readonly name = 'UnknownPipelineError';
}

interface PreparedPipeline {
  readonly pipeline: LocalPipeline;
  readonly machine: PreparedMachine;
}

const newRunId = (): string =>
  `${new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 14)}-${Math.random().toString(36).slice(2, 10)}`;

export class LocalRuntime {
  private readonly pipelinesByName = new Map<string, PreparedPipeline>();
  private readonly listeners: Array<(event: RuntimeEvent) => void> = [];
  private readonly executions = new Map<string, { execution: Execution; finished: Promise<RunRecord> }>();
  private readonly pendingIngests = new Set<Promise<void>>();
  private readonly containers: Semaphore;
  /** What this runtime adds to every step's environment: its S3 endpoint, credentials and bucket. */
  private readonly stepEnvironment: Readonly<Record<string, string>>;
  /** What its in-process handlers read instead of process.env (several runtimes may share a process). */
  private readonly handlerEnvironment: Environment;
  /** Runs left RUNNING by a previous process that died, marked ABORTED at start. */
  readonly interruptedRuns: readonly string[];

  private constructor(
    readonly s3: EmbeddedS3,
    readonly store: RunStore,
    private readonly options: LocalRuntimeOptions,
  ) {
    this.containers = new Semaphore(options.maxContainers ?? availableParallelism());
    this.stepEnvironment = {
      ...s3.environment,
      [FUNCTION_ENV.bucket]: s3.bucket,
      POWERTOOLS_METRICS_NAMESPACE: 'Orchestra',
      ...(options.simulateSeed === undefined ? {} : { [FUNCTION_ENV.simulateSeed]: options.simulateSeed }),
    };
    this.handlerEnvironment = { ...process.env, ...this.stepEnvironment };
    this.interruptedRuns = store.markInterrupted();
    s3.onObjectCreated((event) => this.track(this.onObjectCreated(event)));
  }

  static async start(options: LocalRuntimeOptions): Promise<LocalRuntime> {
    const s3 = await startEmbeddedS3({ dataDir: options.dataDir, ...(options.s3Port === undefined ? {} : { port: options.s3Port }) });
    return new LocalRuntime(s3, new RunStore(options.dataDir), options);
  }

  addPipeline(pipeline: LocalPipeline): void {
    const text = substitute(pipeline.definitionText, localSubstitutions(pipeline.graph, pipeline.definitionText, this.s3.bucket));
    const definition = parseDefinition(text, pipeline.graphFile);
    this.pipelinesByName.set(pipeline.name, { pipeline, machine: prepareMachine(definition, new Set(Object.keys(pipeline.graph.steps))) });
  }

  get pipelines(): LocalPipeline[] {
    return [...this.pipelinesByName.values()].map((p) => p.pipeline);
  }

  on(listener: (event: RuntimeEvent) => void): () => void {
    this.listeners.push(listener);
    return () => void this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  private emit(event: RuntimeEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  private track(work: Promise<void>): void {
    this.pendingIngests.add(work);
    void work.finally(() => this.pendingIngests.delete(work));
  }

  /** Starts a run now. Throws RunAlreadyExistsError when `runId` was used before. */
  startRun(pipelineName: string, input: RunInput, options: StartRunOptions = {}): RunRecord {
    const prepared = this.pipelinesByName.get(pipelineName);
    if (prepared === undefined) {
      throw new UnknownPipelineError(`no pipeline "${pipelineName}" (known: ${[...this.pipelinesByName.keys()].join(', ') || 'none'})`);
    }
    const { pipeline, machine } = prepared;
    const runId = options.runId ?? newRunId();
    const record: RunRecord = {
      runId,
      pipeline: pipeline.name,
      input,
      status: 'RUNNING',
      startedAt: new Date().toISOString(),
      steps: Object.fromEntries(Object.keys(pipeline.graph.steps).map((id) => [id, { status: 'PENDING' as const, attempts: 0 }])),
      outputs: `s3://${this.s3.bucket}/${runPrefixFor(pipeline.graph.name, runId)}`,
      ownerPid: process.pid,
    };
    this.store.create(record);
    this.store.appendLog(runId, { time: record.startedAt, stream: 'system', message: `run started by ${input.source}${input.prefix === undefined ? '' : ` (${input.prefix})`}` });

    const handlers = Object.fromEntries(Object.keys(pipeline.graph.steps).map((id) => [id, this.stepHandler(pipeline, id, record)]));
    const execution = startExecution(machine, input as unknown as Json, {
      name: runId,
      handlers,
      ...(this.options.retryDelayMs === undefined ? {} : { retryDelayMs: this.options.retryDelayMs }),
    });
    const finished = execution.result.then(async (outcome) => {
      record.status = outcome.status;
      record.stoppedAt = new Date().toISOString();
      if (outcome.status !== 'SUCCEEDED') record.error = { error: outcome.error, cause: outcome.cause };
      for (const step of Object.values(record.steps)) {
        if (step.status === 'PENDING') step.status = 'SKIPPED';
        if (step.status === 'RUNNING' || step.status === 'RETRYING') {
          Object.assign(step, { status: step.error === undefined || outcome.status === 'ABORTED' ? 'ABORTED' : 'FAILED', stoppedAt: record.stoppedAt });
        }
      }
      this.store.save(record);
      this.store.appendLog(runId, {
        time: record.stoppedAt,
        stream: 'system',
        message: `run ${record.status}${record.error === undefined ? '' : `: ${record.error.error}: ${record.error.cause}`}`,
      });
      await this.store.closeLog(runId);
      this.executions.delete(runId);
      this.emit({ type: 'run-finished', run: record });
      return record;
    });
    this.executions.set(runId, { execution, finished });
    this.emit({ type: 'run-started', run: record });
    return record;
  }

  private stepHandler(pipeline: LocalPipeline, stepId: string, record: RunRecord): TaskHandler {
    const step = pipeline.graph.steps[stepId];
    if (step === undefined) throw new Error(`internal: no step ${stepId}`);
    const maxAttempts = effectiveRetry(pipeline.graph, step).maxAttempts ?? 1;
    return async (attempt) => {
      const stepRecord = record.steps[stepId] as NonNullable<RunRecord['steps'][string]>;
      const now = new Date().toISOString();
      Object.assign(stepRecord, { status: 'RUNNING', attempts: attempt.attempt, startedAt: stepRecord.startedAt ?? now });
      delete stepRecord.stoppedAt;
      this.store.saveSoon(record);
      this.emit({ type: 'step', runId: record.runId, step: stepId, status: 'RUNNING', attempt: attempt.attempt });
      const partial = { stdout: '', stderr: '' };
      const log = (stream: 'stdout' | 'stderr', text: string) => {
        const lines = (partial[stream] + text).split('\n');
        partial[stream] = lines.pop() ?? '';
        for (const message of lines) this.store.appendLog(record.runId, { time: new Date().toISOString(), step: stepId, attempt: attempt.attempt, stream, message });
      };
      const flush = () => {
        for (const stream of ['stdout', 'stderr'] as const) if (partial[stream] !== '') log(stream, '\n');
      };
      const work = () =>
        runStepLocally({
          pipeline: pipeline.name,
          rootDir: pipeline.rootDir,
          stepId,
          step,
          runId: record.runId,
          attempt,
          environment: this.stepEnvironment,
          handlerEnvironment: this.handlerEnvironment,
          log,
        });
      try {
        const result = runsAsProcess(step.kind) ? await this.containers.use(work) : await work();
        flush();
        Object.assign(stepRecord, { status: 'SUCCEEDED', stoppedAt: new Date().toISOString() });
        delete stepRecord.error;
        this.store.saveSoon(record);
        this.emit({ type: 'step', runId: record.runId, step: stepId, status: 'SUCCEEDED', attempt: attempt.attempt });
        return result;
      } catch (thrown) {
        flush();
        const error = thrown instanceof Error ? thrown : new Error(String(thrown));
        const stepError = { error: error.name, cause: error.message };
        const willRetry = attempt.attempt < maxAttempts && isRetryable(error.name) && !attempt.signal.aborted;
        const status: StepStatus = attempt.signal.aborted && error.name !== ERRORS.timeout && error.name !== ERRORS.taskFailed ? 'ABORTED' : willRetry ? 'RETRYING' : 'FAILED';
        Object.assign(stepRecord, { status, error: stepError, stoppedAt: new Date().toISOString() });
        this.store.saveSoon(record);
        this.store.appendLog(record.runId, {
          time: new Date().toISOString(),
          step: stepId,
          attempt: attempt.attempt,
          stream: 'system',
          message: `attempt ${attempt.attempt} failed: ${error.name}: ${error.message}`,
        });
        this.emit({ type: 'step', runId: record.runId, step: stepId, status, attempt: attempt.attempt, error: stepError });
        throw error;
      }
    };
  }

  private async onObjectCreated(event: ObjectCreatedEventBridgeEvent): Promise<void> {
    const object = objectCreatedFrom(event);
    for (const { pipeline } of this.pipelinesByName.values()) {
      const ingest = ingestTriggerOf(pipeline.name, pipeline.graph.trigger);
      if (ingest === undefined || !object.key.startsWith(ingest.ingestPrefix)) continue;
      let decision: RuntimeEvent & { type: 'ingest' };
      try {
        const decided = await decideIngest(ingest, object, (prefix) => this.s3.listKeys(prefix));
        decision = { type: 'ingest', pipeline: pipeline.name, key: object.key, decision: decided };
        if (decided.action === 'start') {
          try {
            this.startRun(pipeline.name, decided.input, { runId: decided.runName });
          } catch (error) {
            if (!(error instanceof RunAlreadyExistsError)) throw error;
            decision = { ...decision, decision: { action: 'duplicate', runName: decided.runName } };
          }
        }
      } catch (error) {
        decision = { type: 'ingest', pipeline: pipeline.name, key: object.key, decision: { action: 'reject', reason: `cannot start a run: ${(error as Error).message}` } };
      }
      this.emit(decision);
    }
  }

  /** Resolves when the run has ended (now, or from an earlier process's record). */
  async waitForRun(runId: string): Promise<RunRecord> {
    const active = this.executions.get(runId);
    if (active !== undefined) return active.finished;
    const record = this.store.get(runId);
    if (!TERMINAL_RUN_STATUSES.has(record.status)) throw new Error(`run ${runId} is RUNNING in another process (pid ${record.ownerPid})`);
    return record;
  }

  abortRun(runId: string, reason = 'aborted by the user'): boolean {
    const active = this.executions.get(runId);
    active?.execution.abort(reason);
    return active !== undefined;
  }

  /** Resolves once every upload seen so far has been decided on (runs may still be going). */
  async settleUploads(): Promise<void> {
    while (this.pendingIngests.size > 0) await Promise.all([...this.pendingIngests]);
  }

  /** Resolves once no upload is being processed and no run is in flight. */
  async idle(): Promise<void> {
    while (this.pendingIngests.size > 0 || this.executions.size > 0) {
      await Promise.all([...this.pendingIngests, ...[...this.executions.values()].map((e) => e.finished)]);
    }
  }

  get activeRuns(): number {
    return this.executions.size;
  }

  /** Aborts running runs (recorded as ABORTED), stops the S3 server and closes logs. */
  async stop(): Promise<void> {
    for (const id of this.executions.keys()) this.abortRun(id, 'the local runtime was stopped');
    await Promise.allSettled([...this.pendingIngests, ...[...this.executions.values()].map((e) => e.finished)]);
    await this.store.close();
    await this.s3.stop();
  }
}
