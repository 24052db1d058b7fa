/**
 * Reading Step Functions executions the same way wherever it is done (the runs API function, the
 * deployed-stack client): execution ARNs from run names, and per-step outcomes from the history.
 */
import { type HistoryEvent, paginateGetExecutionHistory, type SFNClient } from '@aws-sdk/client-sfn';
import type { StepOutcome } from '../contract/run-answers';
import { type Json, parseStoredJson } from '../shared/json';

export type { StepOutcome } from '../contract/run-answers';

/** The events that end an execution (until a redrive). */
export const EXECUTION_ENDED: ReadonlySet<string> = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

/** What a history event says of a Task attempt, Lambda's or a service integration's: it was scheduled, succeeded or failed (a time-out too). */
export type AttemptEvent = { readonly kind: 'scheduled' } | { readonly kind: 'succeeded' } | { readonly kind: 'failed'; readonly error?: string; readonly cause?: string };

export function attemptEventOf(event: HistoryEvent): AttemptEvent | undefined {
  const type = event.type ?? '';
  if (type === 'LambdaFunctionScheduled' || type === 'TaskScheduled') return { kind: 'scheduled' };
  if (type === 'LambdaFunctionSucceeded' || type === 'TaskSucceeded') return { kind: 'succeeded' };
  const failure = event.lambdaFunctionFailedEventDetails ?? event.lambdaFunctionTimedOutEventDetails ?? event.taskFailedEventDetails ?? event.taskTimedOutEventDetails;
  if (failure === undefined) return undefined;
  return { kind: 'failed', ...(failure.error === undefined ? {} : { error: failure.error }), ...(failure.cause === undefined ? {} : { cause: failure.cause }) };
}

/** Execution ARN of run `runName` of a state machine (`…:stateMachine:x` → `…:execution:x:runName`). */
export const executionArnOf = (stateMachineArn: string, runName: string): string => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${runName}`;

/** The run id (execution name) at the end of an execution ARN. */
export const runIdOf = (executionArn: string): string => executionArn.slice(executionArn.lastIndexOf(':') + 1);

/** Every event of an execution, through the SDK's paginator. */
export async function readExecutionHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  for await (const page of paginateGetExecutionHistory({ client: sfn, pageSize: 1000 }, { executionArn })) events.push(...(page.events ?? []));
  return events;
}

/**
 * The walk back along previousEventId from an event (itself first) through the events before it. A
 * link that runs in a circle ends the walk: a damaged history must not hang whoever reads it.
 */
export function historyWalker(events: readonly HistoryEvent[]): (event: HistoryEvent) => Generator<HistoryEvent> {
  const byId = new Map(events.map((e) => [e.id, e]));
  return function* (event) {
    const seen = new Set<number | undefined>();
    for (let current: HistoryEvent | undefined = event; current !== undefined && !seen.has(current.id); ) {
      seen.add(current.id);
      yield current;
      current = current.previousEventId === undefined ? undefined : byId.get(current.previousEventId);
    }
  };
}

/** Finds the Task state an event belongs to, following previousEventId back to its TaskStateEntered. */
export function taskStateFinder(events: readonly HistoryEvent[]): (event: HistoryEvent) => string | undefined {
  const back = historyWalker(events);
  return (event) => {
    for (const current of back(event)) if (current.type === 'TaskStateEntered') return current.stateEnteredEventDetails?.name;
    return undefined;
  };
}

export function stepOutcomesFrom(events: readonly HistoryEvent[]): Record<string, StepOutcome> {
  const stateOf = taskStateFinder(events);
  const steps: Record<string, { -readonly [K in keyof StepOutcome]: StepOutcome[K] }> = {};
  let ended = false;
  let endedAt: string | undefined;
  for (const event of events) {
    const type = event.type ?? '';
    if (EXECUTION_ENDED.has(type)) {
      ended = true;
      endedAt = event.timestamp?.toISOString();
    }
    if (type === 'ExecutionRedriven') ended = false;
    const attempt = attemptEventOf(event);
    if (attempt === undefined) continue;
    const name = stateOf(event);
    if (name === undefined) continue;
    const time = event.timestamp?.toISOString();
    const step = (steps[name] ??= { status: 'RUNNING', attempts: 0, ...(time === undefined ? {} : { startedAt: time }) });
    if (attempt.kind === 'scheduled') {
      step.attempts += 1;
      step.status = 'RUNNING';
      delete step.stoppedAt;
    } else if (time !== undefined) step.stoppedAt = time;
    if (attempt.kind === 'succeeded') {
      // A success (a retry, or a redrive) ends the step's story: an earlier attempt's error was shown beside SUCCEEDED.
      step.status = 'SUCCEEDED';
      delete step.error;
      delete step.cause;
    }
    if (attempt.kind === 'failed')
      Object.assign(step, { status: 'FAILED', ...(attempt.error === undefined ? {} : { error: attempt.error }), ...(attempt.cause === undefined ? {} : { cause: attempt.cause }) });
  }
  // A run that ended (stopped, timed out, failed elsewhere) ended its steps' attempts under way too.
  // It stopped when the run did: without an end, a console counted its time up forever.
  if (ended)
    for (const step of Object.values(steps)) {
      if (step.status !== 'RUNNING') continue;
      step.status = 'ABORTED';
      if (endedAt !== undefined) step.stoppedAt = endedAt;
    }
  return steps;
}

/**
 * Every step of the pipeline, in its order: those the history has not seen are PENDING while the run
 * goes on and SKIPPED once it ended (the console showed them PENDING where the CLI said SKIPPED).
 */
export function everyStepOutcome(seen: Readonly<Record<string, StepOutcome>>, stepIds: readonly string[], runEnded: boolean): Record<string, StepOutcome> {
  const notRun: StepOutcome = { status: runEnded ? 'SKIPPED' : 'PENDING', attempts: 0 };
  const steps: Record<string, StepOutcome> = {};
  for (const id of stepIds) steps[id] = Object.hasOwn(seen, id) ? (seen[id] ?? notRun) : notRun;
  // States the pipeline does not name as steps (a forEach's item Task) keep their place after them.
  for (const [id, outcome] of Object.entries(seen)) if (!Object.hasOwn(steps, id)) steps[id] = outcome;
  return steps;
}

/** States that exited (a Task that succeeded or was caught, a Pass, a Parallel whose branches all ended): a redrive does not run them again. */
export function statesExitedIn(events: readonly HistoryEvent[]): Set<string> {
  return new Set(
    events.flatMap((event) => (event.type?.endsWith('StateExited') === true && event.stateExitedEventDetails?.name !== undefined ? [event.stateExitedEventDetails.name] : [])),
  );
}

/** The raw result of each Task's last successful attempt, by state name. */
export function taskResultsFrom(events: readonly HistoryEvent[]): Map<string, Json> {
  const stateOf = taskStateFinder(events);
  const results = new Map<string, Json>();
  for (const event of events) {
    const output = event.lambdaFunctionSucceededEventDetails?.output ?? event.taskSucceededEventDetails?.output;
    const state = output === undefined ? undefined : stateOf(event);
    if (output !== undefined && state !== undefined) results.set(state, parseStoredJson(output));
  }
  return results;
}
