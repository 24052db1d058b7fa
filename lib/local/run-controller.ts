/**
 * Starts, follows, stops and awaits runs of the pipelines it was given: each run is one execution of
 * the pipeline's prepared machine, its record kept by a RunRecorder from the engine's events.
 */
import type { PipelineSource } from '../catalogue';
import { parseDefinition } from '../compiler/asl';
import { effectiveRetry } from '../compiler/policies';
import { substitute } from '../contract/placeholders';
import { type RunInput, runPrefixFor } from '../contract/step-event';
import { OrchestraError } from '../shared/errors';
import { localSubstitutions } from './bindings';
import { type Execution, type PreparedMachine, prepareMachine, startExecution } from './engine';
import { type RunRecord, TERMINAL_RUN_STATUSES } from './run-record';
import { RunRecorder } from './run-recorder';
import type { RuntimeEvents } from './runtime-events';
import { type StepInvokerOptions, taskHandlersFor } from './step-invoker';

export interface StartRunOptions {
  /** The run id ($$.Execution.Name). Used once only. @default - a new unique id */
  readonly runId?: string;
}

export class UnknownPipelineError extends OrchestraError {
  override readonly name = 'UnknownPipelineError';
  constructor(message: string) {
    super('unknown-pipeline', message);
  }
}

export class RunInOtherProcessError extends OrchestraError {
  override readonly name = 'RunInOtherProcessError';
  constructor(message: string) {
    super('run-in-other-process', message);
  }
}

interface PreparedPipeline {
  readonly pipeline: PipelineSource;
  readonly machine: PreparedMachine;
  readonly maxAttempts: ReadonlyMap<string, number>;
}

const newRunId = (): string =>
  `${new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 14)}-${Math.random().toString(36).slice(2, 10)}`;

export interface RunControllerOptions extends StepInvokerOptions {
  readonly bucket: string;
  readonly events: RuntimeEvents;
  /** Replaces every retry wait; for tests and benchmarks. @default - the definition's intervals */
  readonly retryDelayMs?: number;
}

export class RunController {
  private readonly pipelinesByName = new Map<string, PreparedPipeline>();
  private readonly executions = new Map<string, { execution: Execution; finished: Promise<RunRecord> }>();

  constructor(private readonly options: RunControllerOptions) {}

  /** Checks the definition once (refusing what would run differently from AWS) and makes the pipeline runnable. */
  addPipeline(pipeline: PipelineSource): void {
    const text = substitute(pipeline.definitionText, localSubstitutions(pipeline.graph, pipeline.definitionText, this.options.bucket));
    const machine = prepareMachine(parseDefinition(text, pipeline.graphFile), new Set(Object.keys(pipeline.graph.steps)));
    const maxAttempts = new Map(Object.entries(pipeline.graph.steps).map(([id, step]) => [id, effectiveRetry(pipeline.graph, step).maxAttempts ?? 1]));
    this.pipelinesByName.set(pipeline.name, { pipeline, machine, maxAttempts });
  }

  get pipelines(): PipelineSource[] {
    return [...this.pipelinesByName.values()].map((p) => p.pipeline);
  }

  /** Starts a run now. Throws RunAlreadyExistsError when `runId` was used before. */
  startRun(pipelineName: string, input: RunInput, options: StartRunOptions = {}): RunRecord {
    const prepared = this.pipelinesByName.get(pipelineName);
    if (prepared === undefined) {
      throw new UnknownPipelineError(`no pipeline "${pipelineName}" (known: ${[...this.pipelinesByName.keys()].join(', ') || 'none'})`);
    }
    const { pipeline, machine, maxAttempts } = prepared;
    const { store, events } = this.options;
    const runId = options.runId ?? newRunId();
    const record: RunRecord = {
      runId,
      pipeline: pipeline.name,
      input,
      status: 'RUNNING',
      startedAt: new Date().toISOString(),
      steps: Object.fromEntries(Object.keys(pipeline.graph.steps).map((id) => [id, { status: 'PENDING' as const, attempts: 0 }])),
      outputs: `s3://${this.options.bucket}/${runPrefixFor(pipeline.graph.name, runId)}`,
      ownerPid: process.pid,
    };
    store.create(record);
    store.appendLog(runId, { time: record.startedAt, stream: 'system', message: `run started by ${input.source}${input.prefix === undefined ? '' : ` (${input.prefix})`}` });

    const execution = startExecution(machine, input, {
      name: runId,
      handlers: taskHandlersFor(pipeline, runId, this.options),
      ...(this.options.retryDelayMs === undefined ? {} : { retryDelayMs: this.options.retryDelayMs }),
    });
    const recorder = new RunRecorder(record, store, events, maxAttempts);
    const following = recorder.follow(execution.taskEvents);
    const finished = Promise.all([execution.result, following]).then(async ([outcome]) => {
      recorder.finish(outcome);
      await store.closeLog(runId);
      this.executions.delete(runId);
      events.emit({ type: 'run-finished', run: record });
      return record;
    });
    this.executions.set(runId, { execution, finished });
    events.emit({ type: 'run-started', run: record });
    return record;
  }

  /** Resolves when the run has ended (now, or from an earlier process's record). */
  async waitForRun(runId: string): Promise<RunRecord> {
    const active = this.executions.get(runId);
    if (active !== undefined) return active.finished;
    const record = this.options.store.get(runId);
    if (!TERMINAL_RUN_STATUSES.has(record.status)) throw new RunInOtherProcessError(`run ${runId} is RUNNING in another process (pid ${record.ownerPid})`);
    return record;
  }

  abortRun(runId: string, reason = 'aborted by the user'): boolean {
    const active = this.executions.get(runId);
    active?.execution.abort(reason);
    return active !== undefined;
  }

  /** Every run in flight, as promises of their final records. */
  get inFlight(): Promise<RunRecord>[] {
    return [...this.executions.values()].map((e) => e.finished);
  }

  get activeRuns(): number {
    return this.executions.size;
  }

  /** Aborts every run in flight (recorded as ABORTED) and waits for them to end. */
  async stopAll(reason: string): Promise<void> {
    for (const id of this.executions.keys()) this.abortRun(id, reason);
    await Promise.allSettled(this.inFlight);
  }
}
