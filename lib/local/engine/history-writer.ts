/**
 * Writes a local run's execution history as Step Functions writes it: AWS event types, ids from 1,
 * `previousEventId` links and the same details, so code that reads a deployed execution's history
 * (lib/runtime/execution-history.ts) gives the same answer for a local run. Built from the engine's
 * state events; a Task calling a Lambda ARN writes `LambdaFunction*` events, a service integration
 * (`arn:aws:states:::ecs:runTask.sync`) writes `Task*` events, as on AWS.
 */
import { type HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import { type AnyDefinition, type AnyState, isDistributedMap, walkStates } from '../../compiler/asl';
import { MAX_HISTORY_EVENTS } from '../../compiler/limits';
import { ERRORS } from '../../contract/errors';
import { InvariantError } from '../../shared/errors';
import { type ExecutionOutcome, type StateEvent, serviceIntegrationOf, type TaskIo } from './engine';

/** How a Task's resource shows in its history events. */
type TaskResource = { readonly kind: 'lambda'; readonly arn: string } | { readonly kind: 'service'; readonly resourceType: string; readonly resource: string };

function taskResourceOf(state: AnyState): TaskResource {
  const arn = String(state['Resource']);
  const integration = serviceIntegrationOf(arn);
  return integration === undefined ? { kind: 'lambda', arn } : { kind: 'service', resourceType: integration.service, resource: integration.action };
}

const text = (value: unknown): string => JSON.stringify(value ?? null);

const EVENT_TYPES: ReadonlySet<string> = new Set(Object.values(HistoryEventType));
const isEventType = (type: string): type is HistoryEventType => EVENT_TYPES.has(type);

/** What AWS says when an execution's history is full (recorded against AWS: floci-io/floci#2734). */
export const HISTORY_FULL = { error: ERRORS.runtime, cause: `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).` } as const;

export interface HistorySink {
  append(event: HistoryEvent): void;
}

export class HistoryWriter {
  private nextId: number;
  private readonly states = new Map<string, AnyState>();
  /** Which states may run just before each state (Next, Default, Choices, Catch), and the Parallel whose branch it starts. */
  private readonly predecessors = new Map<string, string[]>();
  private readonly branchParent = new Map<string, string>();
  /** The latest event written for each state. */
  private readonly lastEvent = new Map<string, number>();
  /** Tasks whose failure a Catch took: their exit is not a success. */
  private readonly caught = new Set<string>();
  private lastId = 0;
  private dropped = false;

  constructor(
    definition: AnyDefinition,
    private readonly sink: HistorySink,
    /** Events already written for this execution (a redrive continues its history). */
    written = 0,
    /** Step Functions' cap: the event of this id is the execution's failure, the one before it the last of its states. */
    private readonly maxEvents = MAX_HISTORY_EVENTS,
  ) {
    this.nextId = written + 1;
    this.lastId = written;
    for (const { name, state } of walkStates(definition)) {
      this.states.set(name, state);
      const targets = [
        state['Next'],
        state['Default'],
        ...(Array.isArray(state['Choices']) ? state['Choices'].map((choice: { Next?: unknown }) => choice.Next) : []),
        ...(Array.isArray(state['Catch']) ? state['Catch'].map((catcher: { Next?: unknown }) => catcher.Next) : []),
      ];
      for (const target of targets) if (typeof target === 'string') this.predecessors.set(target, [...(this.predecessors.get(target) ?? []), name]);
      for (const branch of state.Branches ?? []) this.branchParent.set(branch.StartAt, name);
      // An item's first state follows its MapIterationStarted, as a branch's follows its Parallel.
      if (state.ItemProcessor !== undefined && !isDistributedMap(state)) this.branchParent.set(state.ItemProcessor.StartAt, name);
    }
    // A Distributed Map's items are child executions on AWS, with histories of their own: not this one's events.
    for (const { state } of walkStates(definition))
      if (state.ItemProcessor !== undefined && isDistributedMap(state)) for (const { name } of walkStates(state.ItemProcessor)) this.states.delete(name);
  }

  get count(): number {
    return this.lastId;
  }

  /** Whether the history is full: the execution must fail now, as on AWS (HISTORY_FULL). */
  get full(): boolean {
    return this.dropped;
  }

  executionStarted(input: unknown, stateMachineArn: string, time: Date): void {
    this.write('ExecutionStarted', time, undefined, {
      executionStartedEventDetails: { input: text(input), inputDetails: { truncated: false }, roleArn: `${stateMachineArn}:role` },
    });
  }

  executionRedriven(redriveCount: number, time: Date): void {
    this.write('ExecutionRedriven', time, this.lastId || undefined, { executionRedrivenEventDetails: { redriveCount } });
  }

  /** One engine event; `tasks` gives a Task's input and raw result, which the engine's log does not carry. */
  apply(event: StateEvent, tasks: ReadonlyMap<string, TaskIo>): void {
    const state = this.states.get(event.state);
    if (state === undefined) return;
    const prefix = event.stateType;
    switch (event.type) {
      case 'entered': {
        this.caught.delete(event.state);
        const input = this.measured(event.state, event.input);
        const entered = this.write(`${prefix}StateEntered`, event.time, this.enteredAfter(event.state), {
          stateEnteredEventDetails: { name: event.state, input, inputDetails: { truncated: false } },
        });
        this.lastEvent.set(event.state, entered);
        if (prefix === 'Parallel' || prefix === 'Map') this.lastEvent.set(event.state, this.write(`${prefix}StateStarted`, event.time, entered, {}));
        if (prefix === 'Task') this.taskScheduled(event.state, state, event.time, tasks);
        return;
      }
      case 'retrying':
        if (prefix === 'Task') this.taskScheduled(event.state, state, event.time, tasks);
        return;
      case 'failed':
        if (prefix === 'Task') this.taskFailed(event.state, state, event.time, event.error, event.cause);
        if (prefix === 'Parallel' || prefix === 'Map') this.chain(event.state, `${prefix}StateFailed`, event.time, {});
        return;
      case 'caught':
        this.caught.add(event.state);
        return;
      case 'iteration-started':
      case 'iteration-succeeded':
      case 'iteration-failed': {
        // An inline Map's items are in its execution's history; a Distributed Map's are child executions.
        if (isDistributedMap(state)) return;
        const type = { 'iteration-started': 'MapIterationStarted', 'iteration-succeeded': 'MapIterationSucceeded', 'iteration-failed': 'MapIterationFailed' }[event.type];
        const details = { name: event.state, index: event.index };
        const previous = event.type === 'iteration-started' ? this.lastEvent.get(event.state) : this.lastId;
        const key = {
          'iteration-started': 'mapIterationStartedEventDetails',
          'iteration-succeeded': 'mapIterationSucceededEventDetails',
          'iteration-failed': 'mapIterationFailedEventDetails',
        }[event.type];
        this.lastEvent.set(event.state, this.write(type, event.time, previous, { [key]: details }));
        return;
      }
      case 'exited': {
        const output = this.measured(event.state, event.output);
        if (prefix === 'Task' && !this.caught.has(event.state)) this.taskSucceeded(event.state, state, event.time, tasks);
        if ((prefix === 'Parallel' || prefix === 'Map') && !this.caught.has(event.state)) this.chain(event.state, `${prefix}StateSucceeded`, event.time, {});
        this.chain(event.state, `${prefix}StateExited`, event.time, {
          stateExitedEventDetails: { name: event.state, output, outputDetails: { truncated: false } },
        });
        return;
      }
    }
  }

  executionEnded(outcome: ExecutionOutcome, time: Date): void {
    this.ending = true;
    switch (outcome.status) {
      case 'SUCCEEDED':
        this.write('ExecutionSucceeded', time, this.lastId, { executionSucceededEventDetails: { output: text(outcome.output), outputDetails: { truncated: false } } });
        return;
      case 'FAILED':
        this.write('ExecutionFailed', time, this.lastId, { executionFailedEventDetails: { error: outcome.error, cause: outcome.cause } });
        return;
      case 'TIMED_OUT':
        this.write('ExecutionTimedOut', time, this.lastId, { executionTimedOutEventDetails: { error: outcome.error, cause: outcome.cause } });
        return;
      case 'ABORTED':
        this.write('ExecutionAborted', time, this.lastId, { executionAbortedEventDetails: { error: outcome.error, cause: outcome.cause } });
        return;
    }
  }

  private taskScheduled(name: string, state: AnyState, time: Date, tasks: ReadonlyMap<string, TaskIo>): void {
    const resource = taskResourceOf(state);
    const input = text(tasks.get(name)?.input ?? null);
    const timeoutInSeconds = typeof state['TimeoutSeconds'] === 'number' ? state['TimeoutSeconds'] : undefined;
    if (resource.kind === 'lambda') {
      this.chain(name, 'LambdaFunctionScheduled', time, {
        lambdaFunctionScheduledEventDetails: { resource: resource.arn, input, inputDetails: { truncated: false }, ...(timeoutInSeconds === undefined ? {} : { timeoutInSeconds }) },
      });
      this.chain(name, 'LambdaFunctionStarted', time, {});
      return;
    }
    const { resourceType, resource: action } = resource;
    this.chain(name, 'TaskScheduled', time, {
      taskScheduledEventDetails: { resourceType, resource: action, region: 'us-east-1', parameters: input, ...(timeoutInSeconds === undefined ? {} : { timeoutInSeconds }) },
    });
    this.chain(name, 'TaskStarted', time, { taskStartedEventDetails: { resourceType, resource: action } });
    if (/\.sync(:\d+)?$/.test(action)) this.chain(name, 'TaskSubmitted', time, { taskSubmittedEventDetails: { resourceType, resource: action, output: '{}' } });
  }

  private taskSucceeded(name: string, state: AnyState, time: Date, tasks: ReadonlyMap<string, TaskIo>): void {
    const resource = taskResourceOf(state);
    const output = tasks.get(name)?.resultJson ?? text(null);
    if (resource.kind === 'lambda') this.chain(name, 'LambdaFunctionSucceeded', time, { lambdaFunctionSucceededEventDetails: { output, outputDetails: { truncated: false } } });
    else
      this.chain(name, 'TaskSucceeded', time, {
        taskSucceededEventDetails: { resourceType: resource.resourceType, resource: resource.resource, output, outputDetails: { truncated: false } },
      });
  }

  private taskFailed(name: string, state: AnyState, time: Date, error: string, cause: string): void {
    const resource = taskResourceOf(state);
    const timedOut = error === ERRORS.timeout;
    if (resource.kind === 'lambda') {
      if (timedOut) this.chain(name, 'LambdaFunctionTimedOut', time, { lambdaFunctionTimedOutEventDetails: { error, cause } });
      else this.chain(name, 'LambdaFunctionFailed', time, { lambdaFunctionFailedEventDetails: { error, cause } });
      return;
    }
    const details = { resourceType: resource.resourceType, resource: resource.resource, error, cause };
    if (timedOut) this.chain(name, 'TaskTimedOut', time, { taskTimedOutEventDetails: details });
    else this.chain(name, 'TaskFailed', time, { taskFailedEventDetails: details });
  }

  /** The event a state's entry follows: its Parallel's start for a branch's first state, else the latest event of a state that leads to it. */
  private enteredAfter(name: string): number | undefined {
    const candidates = [...(this.predecessors.get(name) ?? []), ...(this.branchParent.has(name) ? [this.branchParent.get(name) ?? ''] : [])]
      .map((predecessor) => this.lastEvent.get(predecessor))
      .filter((id) => id !== undefined);
    return candidates.length === 0 ? this.lastId || undefined : Math.max(...candidates);
  }

  /**
   * The largest state input or output of the run so far, in UTF-8 bytes of its JSON, and where: what
   * AWS holds to its 256 KiB quota (States.DataLimitExceeded), which the interpreter does not enforce.
   */
  get largestPayload(): { readonly bytes: number; readonly state: string } {
    return this.largest;
  }

  private largest = { bytes: 0, state: '' };

  /** The payload's JSON text, its size noted if it is the largest so far. */
  private measured(state: string, payload: unknown): string {
    const json = text(payload);
    const bytes = Buffer.byteLength(json);
    if (bytes > this.largest.bytes) this.largest = { bytes, state };
    return json;
  }

  private chain(name: string, type: string, time: Date, details: Partial<HistoryEvent>): void {
    this.lastEvent.set(name, this.write(type, time, this.lastEvent.get(name), details));
  }

  private ending = false;

  private write(type: string, time: Date, previousEventId: number | undefined, details: Partial<HistoryEvent>): number {
    // State types come from the definition; the interpreter has validated them, so every one has its AWS event types.
    if (!isEventType(type)) throw new InvariantError(`no Step Functions history event type "${type}"`);
    // The last id is kept for the execution's own end: what its states did after that is not written.
    if (!this.ending && this.nextId >= this.maxEvents) {
      this.dropped = true;
      return this.lastId;
    }
    const id = this.nextId++;
    this.lastId = id;
    this.sink.append({ timestamp: time, type, id, ...(previousEventId === undefined ? {} : { previousEventId }), ...details });
    return id;
  }
}
