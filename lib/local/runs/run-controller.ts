/**
 * Starts, follows, stops and awaits runs of the pipelines it was given: each run is one execution of
 * the pipeline's prepared machine, its record kept by a RunRecorder from the engine's events.
 */

import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { reusedStepsOf } from '../../access/step-reuse';
import { describePipeline, type PipelineSource } from '../../catalogue';
import type { AnyDefinition } from '../../compiler/asl';
import { parseDefinition } from '../../compiler/asl';
import { mapItemStateName } from '../../compiler/names';
import { reuseStateNamesOf } from '../../compiler/reuse';
import { ERRORS } from '../../contract/errors';
import { substitute } from '../../contract/placeholders';
import { type RunInput, runPrefixFor } from '../../contract/step-event';
import { resolveStep } from '../../graph/resolve-step';
import type { PipelineGraph } from '../../graph/schema';
import { statesExitedIn, stepOutcomesFrom, taskResultsFrom } from '../../runtime/execution-history';
import { runCostFrom } from '../../runtime/run-cost';
import { messageOf, OrchestraError } from '../../shared/errors';
import { localExecutionArn, localStateMachineArn, localSubstitutions } from '../engine/bindings';
import { type Execution, type ExecutionOutcome, type PreparedMachine, prepareMachine, startExecution, type TaskHandler } from '../engine/engine';
import { HISTORY_FULL, HistoryWriter } from '../engine/history-writer';
import type { MapItemIO } from '../engine/map-io';
import { type StepInvokerOptions, taskHandlersFor, taskStateNamesOf } from '../engine/step-invoker';
import type { TaskTokens } from '../engine/task-tokens';
import { type RunRecord, type RunStatus, TERMINAL_RUN_STATUSES } from './run-record';
import { type ItemCounting, type ReuseStateRole, RunRecorder } from './run-recorder';
import type { RunStore } from './run-store';

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

export class RunNotRedrivableError extends OrchestraError {
  override readonly name = 'RunNotRedrivableError';
  constructor(message: string) {
    super('run-not-redrivable', message);
  }
}

const REDRIVABLE: ReadonlySet<RunStatus> = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/**
 * What the Tasks that ended before a redrive answer when the interpreter passes them again: their
 * recorded result, or their recorded error for a Task a Catch took (so the run takes the same path).
 */
function replayHandlers(history: readonly HistoryEvent[], done: ReadonlySet<string>): Map<string, TaskHandler> {
  const results = taskResultsFrom(history);
  const outcomes = stepOutcomesFrom(history);
  const handlers = new Map<string, TaskHandler>();
  for (const state of done) {
    const result = results.get(state);
    const outcome = outcomes[state];
    if (result !== undefined && outcome?.status === 'SUCCEEDED') handlers.set(state, async () => result);
    else if (outcome !== undefined)
      handlers.set(state, async () => {
        throw Object.assign(new Error(outcome.cause ?? ''), { name: outcome.error ?? ERRORS.taskFailed });
      });
  }
  return handlers;
}

export class RunInOtherProcessError extends OrchestraError {
  override readonly name = 'RunInOtherProcessError';
  constructor(message: string) {
    super('run-in-other-process', message);
  }
}

interface PreparedPipeline {
  readonly pipeline: PipelineSource;
  readonly definition: AnyDefinition;
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
  readonly tokens: TaskTokens;
  /** Where a pipeline's Distributed Maps read their items and write their results (the embedded S3, as its state machine's role). */
  readonly mapIO: (pipeline: string) => MapItemIO;
  /** Replaces every retry wait; for tests and benchmarks. @default - the definition's intervals */
  readonly retryDelayMs?: number;
  /** Writes the run's provenance beside its outputs once it ended (lib/runtime/provenance), before the run is reported finished. */
  readonly recordProvenance?: (pipeline: PipelineSource, record: RunRecord, history: readonly HistoryEvent[]) => Promise<void>;
}

/** Each forEach step's item Task, and where its Map finds the number of items in the run state. */
function itemCountingOf(graph: PipelineGraph): Map<string, ItemCounting> {
  const counting = new Map<string, ItemCounting>();
  for (const [id, step] of Object.entries(graph.steps)) {
    const forEach = 'forEach' in step ? step.forEach : undefined;
    if (forEach === undefined) continue;
    const field = forEach.manifest === undefined ? (forEach.items ?? '').split('.') : [...forEach.manifest.split('.'), 'count'];
    counting.set(mapItemStateName(id), { step: id, totalPath: ['steps', forEach.from, ...field] });
  }
  return counting;
}

/** The states around each reused step, by name. */
function reuseStateRolesOf(graph: PipelineGraph): Map<string, ReuseStateRole> {
  const roles = new Map<string, ReuseStateRole>();
  for (const step of reusedStepsOf(graph)) {
    const names = reuseStateNamesOf(step);
    roles.set(names.check, { step, role: 'check' }).set(names.reused, { step, role: 'reused' }).set(names.save, { step, role: 'save' });
  }
  return roles;
}

export class RunController {
  private readonly pipelinesByName = new Map<string, PreparedPipeline>();
  private readonly executions = new Map<string, { execution: Execution; finished: Promise<RunRecord> }>();
  private readonly provenanceWrites = new Set<Promise<void>>();

  constructor(private readonly options: RunControllerOptions) {}

  /** Checks the definition once (refusing what would run differently from AWS) and makes the pipeline runnable. */
  addPipeline(pipeline: PipelineSource): void {
    const text = substitute(pipeline.definitionText, localSubstitutions(pipeline.graph, pipeline.definitionText, this.options.bucket));
    const definition = parseDefinition(text, pipeline.graphFile);
    const machine = prepareMachine(definition, new Set(taskStateNamesOf(pipeline.graph)));
    // A forEach step's Map is not retried as a whole: its retries are per item, inside.
    const maxAttempts = new Map(
      Object.entries(pipeline.graph.steps).map(([id, step]) => [id, 'forEach' in step && step.forEach !== undefined ? 1 : resolveStep(pipeline.graph, step).retry.maxAttempts]),
    );
    this.pipelinesByName.set(pipeline.name, { pipeline, definition, machine, maxAttempts });
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
    const { pipeline } = prepared;
    const { store } = this.options;
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
    const written: HistoryEvent[] = [];
    const history = new HistoryWriter(prepared.definition, historySink(store, runId, written));
    history.executionStarted(input, localStateMachineArn(pipeline.name), new Date(record.startedAt));
    this.launch(prepared, record, history, written, new Map());
    return record;
  }

  /**
   * Runs a FAILED, TIMED_OUT or ABORTED run again as Step Functions redrives an execution: states
   * that exited before do not run again (a Task that succeeded gives its recorded result without
   * running its step), the rest run as new; the history goes on after an ExecutionRedriven event.
   * Throws RunNotRedrivableError otherwise.
   */
  redriveRun(runId: string): RunRecord {
    const { store } = this.options;
    const record = store.get(runId);
    const prepared = this.pipelinesByName.get(record.pipeline);
    if (prepared === undefined) throw new UnknownPipelineError(`run ${runId} is of pipeline "${record.pipeline}", which this runtime does not serve`);
    if (this.executions.has(runId) || !REDRIVABLE.has(record.status))
      throw new RunNotRedrivableError(`run ${runId} is ${this.executions.has(runId) ? 'RUNNING' : record.status}: only FAILED, TIMED_OUT or ABORTED runs can be redriven`);
    const previous = store.readHistory(runId);
    const done = statesExitedIn(previous);
    const replayed = replayHandlers(previous, done);
    const now = new Date();
    record.status = 'RUNNING';
    record.redriveCount = (record.redriveCount ?? 0) + 1;
    record.redriveDate = now.toISOString();
    record.ownerPid = process.pid;
    delete record.stoppedAt;
    delete record.error;
    for (const [id, step] of Object.entries(record.steps)) {
      if (done.has(id)) continue;
      // What its earlier attempts used stays: their history stays too, and on AWS their REPORT lines.
      const { usage, usageOmitted } = step;
      record.steps[id] = { status: 'PENDING', attempts: 0, ...(usage === undefined ? {} : { usage }), ...(usageOmitted === undefined ? {} : { usageOmitted }) };
    }
    store.save(record);
    store.appendLog(runId, {
      time: record.redriveDate,
      stream: 'system',
      message: `run redriven (${record.redriveCount}): ${[...done].filter((s) => s in record.steps).length} step(s) that succeeded are not run again`,
    });
    const written = [...previous];
    const history = new HistoryWriter(prepared.definition, historySink(store, runId, written), previous.length);
    history.executionRedriven(record.redriveCount, now);
    this.launch(prepared, record, history, written, replayed, done);
    return record;
  }

  /**
   * Runs the record's execution: `replayed` Tasks answer as recorded, states in `skip` write no events.
   * `written`: the run's history as it is written (the events of earlier attempts first), read at its end.
   */
  private launch(
    prepared: PreparedPipeline,
    record: RunRecord,
    history: HistoryWriter,
    written: readonly HistoryEvent[],
    replayed: ReadonlyMap<string, TaskHandler>,
    skip: ReadonlySet<string> = new Set(),
  ): void {
    const { pipeline, machine, maxAttempts } = prepared;
    const { store, events } = this.options;
    const { runId, input } = record;
    const recorder = new RunRecorder(record, store, events, maxAttempts, itemCountingOf(pipeline.graph), reuseStateRolesOf(pipeline.graph));
    const handlers = taskHandlersFor(pipeline, runId, this.options, (step, usage) => recorder.recordUsage(step, usage));
    for (const [state, handler] of replayed) handlers[state] = handler;
    const stateMachineArn = localStateMachineArn(pipeline.name);
    const execution = startExecution(machine, input, {
      name: runId,
      handlers,
      tokens: this.options.tokens,
      mapIO: this.options.mapIO(pipeline.name),
      identity: { executionArn: localExecutionArn(pipeline.name, runId), stateMachineArn, stateMachineName: pipeline.name, roleArn: `${stateMachineArn}:role` },
      ...(this.options.retryDelayMs === undefined ? {} : { retryDelayMs: this.options.retryDelayMs }),
    });
    const following = (async () => {
      for await (const event of execution.events) {
        if (skip.has(event.state) || history.full) continue;
        recorder.apply(event);
        history.apply(event, execution.tasks);
        // AWS fails an execution whose history is full: an inline Map of thousands of items succeeded here.
        if (history.full) execution.fail(HISTORY_FULL.error, HISTORY_FULL.cause);
      }
    })();
    const finished = Promise.all([execution.result, following]).then(async ([ended]) => {
      // The events trail the interpreter: it may have gone on past the event that filled the history.
      const outcome: ExecutionOutcome = history.full ? { status: 'FAILED', ...HISTORY_FULL } : ended;
      history.executionEnded(outcome, new Date());
      record.historyEvents = history.count;
      record.largestPayload = history.largestPayload;
      // From the history, as every list of runs prices a run on both targets (a run's detail takes Lambda's billed durations).
      record.cost = runCostFrom(written, describePipeline(pipeline.graph));
      recorder.finish(outcome);
      // Ended: it may be redriven at once, while its provenance is being written (idle() waits for that too).
      this.executions.delete(runId);
      const writing = this.provenanceOf(pipeline, record, written);
      this.provenanceWrites.add(writing);
      await writing;
      this.provenanceWrites.delete(writing);
      events.emit({ type: 'run-finished', run: record });
      return record;
    });
    this.executions.set(runId, { execution, finished });
    events.emit({ type: 'run-started', run: record });
  }

  /** A run's provenance that cannot be written is said in its log; the run's outcome stands. */
  private async provenanceOf(pipeline: PipelineSource, record: RunRecord, history: readonly HistoryEvent[]): Promise<void> {
    try {
      await this.options.recordProvenance?.(pipeline, record, history);
    } catch (error) {
      this.options.store.appendLog(record.runId, { time: new Date().toISOString(), stream: 'system', message: `provenance not written: ${messageOf(error)}` });
    }
  }

  /** Resolves when the run has ended (now, or from an earlier process's record). */
  async waitForRun(runId: string): Promise<RunRecord> {
    const active = this.executions.get(runId);
    if (active !== undefined) return active.finished;
    const record = this.options.store.get(runId);
    if (!TERMINAL_RUN_STATUSES.has(record.status)) throw new RunInOtherProcessError(`run ${runId} is RUNNING in another process (pid ${record.ownerPid})`);
    return record;
  }

  abortRun(runId: string, reason = 'aborted by the user', error?: string): boolean {
    const active = this.executions.get(runId);
    active?.execution.abort(reason, error);
    return active !== undefined;
  }

  /** Every run in flight, as promises of their final records, and the provenance of runs that just ended. */
  get inFlight(): Promise<unknown>[] {
    return [...[...this.executions.values()].map((e) => e.finished), ...this.provenanceWrites];
  }

  /** Runs ended whose provenance is being written (they are reported finished once it is). */
  get finishing(): number {
    return this.provenanceWrites.size;
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

/** Writes a run's history to its store and keeps it in `written`, so the run's end reads it without reading it back. */
function historySink(store: RunStore, runId: string, written: HistoryEvent[]): { append(event: HistoryEvent): void } {
  return {
    append(event) {
      written.push(event);
      store.appendHistory(runId, event);
    },
  };
}
