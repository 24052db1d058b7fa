/**
 * Keeps one run's record (lib/local/runs/run-record.ts) from the interpreter's own event log: a Task
 * entered, retried, exited or failed. The record and every change are saved through the run
 * store and reported as runtime events. Whether a failed attempt will be retried is read from the
 * same rules the compiled Retry follows (attempts left, error retryable), since the interpreter only
 * logs the retry after its wait.
 */
import { REUSE_TASK_ATTEMPTS } from '../../compiler/reuse';
import { isRetryable } from '../../contract/errors';
import type { InvocationUsage } from '../../contract/run-answers';
import { MAX_USAGE_PER_STEP } from '../../runtime/run-usage';
import { isJsonRecord } from '../../shared/json';
import type { ExecutionOutcome, StateEvent } from '../engine/engine';
import type { RunRecord, StepRecord, StepStatus } from './run-record';
import type { RunStore } from './run-store';
import type { RuntimeEvents } from './runtime-events';

/** A `forEach` step seen from its Map's events: where its list's length is in the run state, by the Task each item runs. */
export interface ItemCounting {
  readonly step: string;
  /** Path in the run state to the array (inline) or to the list's `count` (a list in S3). */
  readonly totalPath: readonly string[];
}

/** A state around a reused step (lib/compiler/reuse.ts), and which. */
export interface ReuseStateRole {
  readonly step: string;
  readonly role: 'check' | 'reused' | 'save';
}

export class RunRecorder {
  /** Items done and expected, by forEach step. */
  private readonly items = new Map<string, { done: number; total: number; shown: number }>();

  constructor(
    readonly record: RunRecord,
    private readonly store: RunStore,
    private readonly events: RuntimeEvents,
    /** Attempts the step may make in all, by step id. */
    private readonly maxAttempts: ReadonlyMap<string, number>,
    /** forEach steps, by the name of their item Task: their progress is the share of items done. */
    private readonly itemTasks: ReadonlyMap<string, ItemCounting> = new Map(),
    /** The states around reused steps, by name. */
    private readonly reuseStates: ReadonlyMap<string, ReuseStateRole> = new Map(),
  ) {}

  /** Attempts of each reuse Task so far (their Retry allows REUSE_TASK_ATTEMPTS in all). */
  private readonly reuseAttempts = new Map<string, number>();

  /** Counts a forEach step's items: its list's length when its Map starts, then each item that succeeds, as `step-progress` every 10 %. */
  private countItems(event: StateEvent): void {
    if (event.type === 'entered' && event.stateType === 'Map') {
      const counting = [...this.itemTasks.values()].find((c) => c.step === event.state);
      if (counting === undefined) return;
      let value: unknown = event.input;
      for (const key of counting.totalPath) value = isJsonRecord(value) ? value[key] : undefined;
      const total = Array.isArray(value) ? value.length : typeof value === 'number' ? value : 0;
      this.items.set(event.state, { done: 0, total, shown: -1 });
      return;
    }
    const counting = this.itemTasks.get(event.state);
    // Items that succeed: a failed attempt may be retried, and a tolerated failure never exits.
    if (counting === undefined || event.type !== 'exited') return;
    const tally = this.items.get(counting.step);
    if (tally === undefined || tally.total === 0) return;
    tally.done++;
    const percent = Math.min(100, Math.floor((tally.done * 100) / tally.total / 10) * 10);
    if (percent === tally.shown) return;
    tally.shown = percent;
    this.events.emit({ type: 'step-progress', runId: this.record.runId, step: counting.step, attempt: 1, percent });
  }

  /** Applies events until the execution's log ends. */
  async follow(events: AsyncIterable<StateEvent>): Promise<void> {
    for await (const event of events) this.apply(event);
  }

  /**
   * The states around a reused step speak for it: its check runs first (the step is RUNNING), a reuse
   * ends it SUCCEEDED with `reusedFrom` and no attempt, and a check or save that fails for good fails it.
   */
  private applyReuse(event: StateEvent, role: ReuseStateRole): void {
    const step = this.record.steps[role.step];
    if (step === undefined) return;
    const time = event.time.toISOString();
    if (role.role === 'check' && event.type === 'entered') {
      step.startedAt ??= time;
      this.change(role.step, step, 'RUNNING');
    } else if (role.role === 'reused' && event.type === 'entered') {
      const check = isJsonRecord(event.input) && isJsonRecord(event.input['steps']) ? event.input['steps'][role.step] : undefined;
      const from = isJsonRecord(check) && isJsonRecord(check['reusedFrom']) ? check['reusedFrom'] : undefined;
      if (from !== undefined && typeof from['runId'] === 'string' && typeof from['step'] === 'string') step.reusedFrom = { runId: from['runId'], step: from['step'] };
    } else if (role.role === 'reused' && event.type === 'exited') {
      step.stoppedAt = time;
      this.change(role.step, step, 'SUCCEEDED');
    } else if (
      (role.role === 'check' || role.role === 'save') &&
      event.type === 'failed' &&
      !(isRetryable(event.error) && (this.reuseAttempts.get(event.state) ?? 0) < REUSE_TASK_ATTEMPTS)
    ) {
      step.error = { error: event.error, cause: `${role.role === 'check' ? 'checking for a result to reuse' : 'saving the result for reuse'} failed: ${event.cause}` };
      step.stoppedAt = time;
      this.change(role.step, step, 'FAILED');
    }
    if (event.type === 'entered' || event.type === 'retrying') this.reuseAttempts.set(event.state, (event.type === 'entered' ? 0 : (this.reuseAttempts.get(event.state) ?? 0)) + 1);
  }

  /** Task events change their step (a Map's, for a `forEach` step); a catch changes no step status. */
  apply(event: StateEvent): void {
    this.countItems(event);
    const reuse = this.reuseStates.get(event.state);
    if (reuse !== undefined) {
      this.applyReuse(event, reuse);
      return;
    }
    const step = event.stateType === 'Task' || event.stateType === 'Map' ? this.record.steps[event.state] : undefined;
    if (step === undefined) return;
    const time = event.time.toISOString();
    switch (event.type) {
      case 'entered':
      case 'retrying':
        step.attempts = event.type === 'entered' ? 1 : step.attempts + 1;
        step.startedAt ??= time;
        delete step.stoppedAt;
        this.change(event.state, step, 'RUNNING');
        break;
      case 'exited':
        if (step.status !== 'RUNNING') break;
        step.stoppedAt = time;
        delete step.error;
        this.change(event.state, step, 'SUCCEEDED');
        break;
      case 'failed': {
        const willRetry = step.attempts < (this.maxAttempts.get(event.state) ?? 1) && isRetryable(event.error);
        step.error = { error: event.error, cause: event.cause };
        step.stoppedAt = time;
        this.change(event.state, step, willRetry ? 'RETRYING' : 'FAILED');
        break;
      }
    }
  }

  /** What an invocation of a step used, measured where it ran; past MAX_USAGE_PER_STEP only counted, so a forEach step of thousands of items keeps a small record. */
  recordUsage(stepId: string, usage: InvocationUsage): void {
    const step = this.record.steps[stepId];
    if (step === undefined) return;
    step.usage ??= [];
    if (step.usage.length < MAX_USAGE_PER_STEP) step.usage.push(usage);
    else step.usageOmitted = (step.usageOmitted ?? 0) + 1;
    this.store.saveSoon(this.record);
  }

  /** Records how the run ended; steps that never ran are SKIPPED, steps cut short ABORTED (or FAILED if they had failed). */
  finish(outcome: ExecutionOutcome): RunRecord {
    const { record } = this;
    record.status = outcome.status;
    record.stoppedAt = new Date().toISOString();
    if (outcome.status !== 'SUCCEEDED') record.error = { error: outcome.error, cause: outcome.cause };
    for (const step of Object.values(record.steps)) {
      if (step.status === 'PENDING') step.status = 'SKIPPED';
      if (step.status === 'RUNNING' || step.status === 'RETRYING') {
        step.status = step.error === undefined || outcome.status === 'ABORTED' ? 'ABORTED' : 'FAILED';
        step.stoppedAt = record.stoppedAt;
      }
    }
    this.store.save(record);
    this.store.appendLog(record.runId, {
      time: record.stoppedAt,
      stream: 'system',
      message: `run ${record.status}${record.error === undefined ? '' : `: ${record.error.error}: ${record.error.cause}`}`,
    });
    return record;
  }

  private change(stepId: string, step: StepRecord, status: StepStatus): void {
    step.status = status;
    this.store.saveSoon(this.record);
    this.events.emit({
      type: 'step',
      runId: this.record.runId,
      step: stepId,
      status,
      attempt: step.attempts,
      ...(step.error === undefined || status === 'RUNNING' || status === 'SUCCEEDED' ? {} : { error: step.error }),
      ...(step.reusedFrom === undefined || status !== 'SUCCEEDED' ? {} : { reusedFrom: step.reusedFrom }),
    });
  }
}
