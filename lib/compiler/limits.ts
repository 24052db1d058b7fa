/** AWS Step Functions quotas that a compiled machine must respect, and the estimates checked against them. */
import { type Issue, issue } from '../contract/issues';
import type { PipelineGraph, Step } from '../graph/schema';
import { ECS_RUN_TASK_SYNC } from './kinds/container';
import { START_EXECUTION_SYNC } from './kinds/pipeline';
import { DEFAULT_INLINE_MAX_ITEMS, resultBytesOf } from './kinds/registry';

/** `.sync` integrations add a TaskSubmitted event to each Task's history. */
const SYNC_RESOURCES: ReadonlySet<string> = new Set([ECS_RUN_TASK_SYNC, START_EXECUTION_SYNC]);

import { resolveStep } from '../graph/resolve-step';
import { type StateType, walkStates } from './asl';
import { LAMBDA_RESULT_BUDGET_BYTES } from './kinds/lambda';
import type { RenderedDefinition } from './render';

export const MAX_DEFINITION_BYTES = 1_048_576;
export const MAX_HISTORY_EVENTS = 25_000;
/** Step Functions caps a state's input/output at 256 KiB; the run state holds one entry per step. */
export const MAX_PAYLOAD_BYTES = 262_144;
/** Step Functions Standard workflows run for at most one year. */
export const MAX_EXECUTION_SECONDS = 31_536_000;

/** History events a state adds to a run without retries (AWS event model; .sync ECS tasks add TaskSubmitted). */
const EVENTS_PER_STATE: Record<StateType, number> = { Task: 5, Parallel: 4, Map: 4, Pass: 2, Choice: 2, Succeed: 2, Fail: 1 };
/** An inline Map item: MapIterationStarted/Succeeded around its Task's events. */
const EVENTS_PER_INLINE_ITEM = 2 + 5;
/** A Distributed Map adds MapRunStarted/Succeeded to the parent; its items' events are in their child executions. */
const EVENTS_PER_MAP_RUN = 2;
const EVENTS_PER_RETRY = 3;

export interface MachineStats {
  readonly steps: number;
  readonly states: number;
  readonly parallelStates: number;
  readonly definitionBytes: number;
  /** Size once CloudFormation has filled the placeholders (what AWS checks against 1 MB). */
  readonly deployedBytesEstimate: number;
  /** States entered by a run where everything succeeds first time (Standard workflows bill per transition). */
  readonly transitionsPerRun: number;
  readonly historyEventsPerRun: number;
  readonly historyEventsWorstCase: number;
  readonly payloadBytesEstimate: number;
}

/**
 * CloudFormation substitutes the placeholders before Step Functions checks the size, so count each
 * `${...}` at a generous length for what replaces it (ARNs with long names, bucket names up to 63).
 */
const SUBSTITUTED_LENGTH = 110;

export function deployedSizeEstimate(text: string): number {
  let bytes = Buffer.byteLength(text);
  for (const match of text.matchAll(/\$\{[A-Za-z0-9_]+\}/g)) bytes += SUBSTITUTED_LENGTH - match[0].length;
  return bytes;
}

export function machineStats(graph: PipelineGraph, { definition, failurePathStates, largestStateBytes }: RenderedDefinition, text: string): MachineStats {
  let states = 0;
  let parallelStates = 0;
  let transitions = 0;
  let events = 2; // ExecutionStarted, ExecutionSucceeded
  let retryEvents = 0;
  for (const { name, state } of walkStates(definition)) {
    states++;
    if (state.Type === 'Parallel') parallelStates++;
    if (failurePathStates.has(name)) continue;
    transitions++;
    events += EVENTS_PER_STATE[state.Type] + (state.Type === 'Task' && SYNC_RESOURCES.has(String(state.Resource)) ? 1 : 0);
    if (state.Type === 'Map') {
      // The item Task (walked next) is counted here, once per expected item: in this history when
      // inline, in the items' child executions (billed transitions, not this history) when distributed.
      const items = expectedItems(graph, name);
      const itemTask = state.ItemProcessor.States[state.ItemProcessor.StartAt];
      const sync = itemTask?.Type === 'Task' && SYNC_RESOURCES.has(String(itemTask.Resource)) ? 1 : 0;
      transitions += items - 1;
      events +=
        state.ItemProcessor.ProcessorConfig.Mode === 'INLINE'
          ? items * (EVENTS_PER_INLINE_ITEM + sync) - EVENTS_PER_STATE.Task - sync
          : EVENTS_PER_MAP_RUN - EVENTS_PER_STATE.Task - sync;
    }
  }
  for (const [id, step] of Object.entries(graph.steps)) {
    // A distributed item's retries are in its child execution's history; an inline item's in this one, per item.
    if ('forEach' in step && step.forEach?.manifest !== undefined) continue;
    retryEvents += (resolveStep(graph, step).retry.maxAttempts - 1) * EVENTS_PER_RETRY * expectedItems(graph, id);
  }
  const steps = Object.keys(graph.steps).length;
  return {
    steps,
    states,
    parallelStates,
    definitionBytes: Buffer.byteLength(text),
    deployedBytesEstimate: deployedSizeEstimate(text),
    transitionsPerRun: transitions,
    historyEventsPerRun: events,
    historyEventsWorstCase: events + retryEvents,
    payloadBytesEstimate: largestStateBytes,
  };
}

/** How many items the compiler plans a `forEach` step for: its `maxItems`, else a default per mode. */
export const DEFAULT_DISTRIBUTED_MAX_ITEMS = 100_000;
export function expectedItems(graph: PipelineGraph, stepId: string): number {
  const step = graph.steps[stepId];
  const forEach = step !== undefined && 'forEach' in step ? step.forEach : undefined;
  if (forEach === undefined) return 1;
  return forEach.maxItems ?? (forEach.manifest === undefined ? DEFAULT_INLINE_MAX_ITEMS : DEFAULT_DISTRIBUTED_MAX_ITEMS);
}

const SPLIT_FIX =
  'split the pipeline into several, chained by ingest prefixes (the last step of one writes the dataset that triggers the next); the local runtime has no such limit (`orchestra compile --target local`)';

/** Worst case of one step with every retry used: each attempt runs to its timeout, then waits its backoff. */
export function worstCaseStepSeconds(graph: PipelineGraph, step: Step): number {
  const retry = resolveStep(graph, step).retry;
  const attempts = retry.maxAttempts;
  let seconds = attempts * resolveStep(graph, step).timeoutSeconds;
  let wait = retry.intervalSeconds;
  for (let retryNumber = 1; retryNumber < attempts; retryNumber++) {
    seconds += Math.min(wait, retry.maxDelaySeconds ?? Number.POSITIVE_INFINITY);
    wait *= retry.backoffRate;
  }
  return seconds;
}

/** Findings about single steps: a result bigger than a state may hold, retries longer than an execution may last. */
export function checkStepLimits(graph: PipelineGraph): Issue[] {
  const found: Issue[] = [];
  const n = (value: number): string => Math.round(value).toLocaleString('en-US');
  for (const [id, step] of Object.entries(graph.steps)) {
    const bytes = resultBytesOf(step);
    if (bytes > MAX_PAYLOAD_BYTES) {
      found.push(
        issue(
          'limit-exceeded',
          ['steps', id, 'output'],
          `the output is ${n(bytes)} bytes; Step Functions caps a state's data at ${n(MAX_PAYLOAD_BYTES)} (256 KiB)`,
          'forEach' in step && step.forEach !== undefined
            ? `an inline forEach keeps every item's result in the run state (${n(resultBytesOf({ ...step, forEach: undefined }))} bytes budgeted each): give the list as a "manifest" in S3 (a Distributed Map writes the results to S3), or lower forEach.maxItems`
            : 'write large results to S3 and return their keys',
        ),
      );
    }
    const seconds = worstCaseStepSeconds(graph, step);
    if (seconds > MAX_EXECUTION_SECONDS) {
      found.push(
        issue(
          'limit-exceeded',
          ['steps', id, 'retry'],
          `with every retry used, this step alone could take ${n(seconds)} s; a Standard execution lasts at most ${n(MAX_EXECUTION_SECONDS)} s (one year)`,
          'lower retry.maxAttempts, intervalSeconds or backoffRate, or set maxDelaySeconds',
          'warning',
        ),
      );
    }
  }
  return found;
}

export function checkLimits(stats: MachineStats): Issue[] {
  const found: Issue[] = [];
  const n = (value: number): string => value.toLocaleString('en-US');
  if (stats.deployedBytesEstimate > MAX_DEFINITION_BYTES) {
    found.push(
      issue(
        'limit-exceeded',
        'steps',
        `the deployed definition would be about ${n(stats.deployedBytesEstimate)} bytes once resource ARNs are filled in; AWS allows ${n(MAX_DEFINITION_BYTES)}`,
        SPLIT_FIX,
      ),
    );
  }
  if (stats.historyEventsPerRun > MAX_HISTORY_EVENTS) {
    found.push(issue('limit-exceeded', 'steps', `a run needs about ${n(stats.historyEventsPerRun)} history events; AWS allows ${n(MAX_HISTORY_EVENTS)} per execution`, SPLIT_FIX));
  } else if (stats.historyEventsWorstCase > MAX_HISTORY_EVENTS) {
    found.push(
      issue(
        'limit-exceeded',
        'steps',
        `a run where every retry is used would need about ${n(stats.historyEventsWorstCase)} history events; AWS allows ${n(MAX_HISTORY_EVENTS)}`,
        'lower retry.maxAttempts, or ' + SPLIT_FIX,
        'warning',
      ),
    );
  }
  if (stats.payloadBytesEstimate > MAX_PAYLOAD_BYTES) {
    found.push(
      issue(
        'limit-exceeded',
        'steps',
        `at its largest, the run state would hold about ${n(stats.payloadBytesEstimate)} bytes of the step results later steps read (estimated per step kind: declared simulate outputs, ${n(LAMBDA_RESULT_BUDGET_BYTES)} per Lambda result); AWS allows ${n(MAX_PAYLOAD_BYTES)} per state`,
        'have steps write large results to S3 and return their keys; or ' + SPLIT_FIX,
        'warning',
      ),
    );
  }
  return found;
}
