/** AWS Step Functions quotas that a compiled machine must respect, and the estimates checked against them. */
import { type Issue, issue } from '../graph/issues';
import type { PipelineGraph } from '../graph/schema';
import { ECS_RUN_TASK_SYNC } from '../kinds/container/compile';
import { type StateType, walkStates } from './asl';
import { effectiveRetry } from './policies';
import type { RenderedDefinition } from './render';

export const MAX_DEFINITION_BYTES = 1_048_576;
export const MAX_HISTORY_EVENTS = 25_000;
/** Step Functions caps a state's input/output at 256 KiB; the run state holds one entry per step. */
export const MAX_PAYLOAD_BYTES = 262_144;
/** Budget per step result in the run state, for the payload estimate (results are S3 URIs, not data). */
export const RESULT_BYTES_PER_STEP = 100;

/** History events a state adds to a run without retries (AWS event model; .sync ECS tasks add TaskSubmitted). */
const EVENTS_PER_STATE: Record<StateType, number> = { Task: 5, Parallel: 4, Pass: 2, Choice: 2, Succeed: 2, Fail: 1 };
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

export function machineStats(graph: PipelineGraph, { definition, failurePathStates }: RenderedDefinition, text: string): MachineStats {
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
    events += EVENTS_PER_STATE[state.Type] + (state.Type === 'Task' && state.Resource === ECS_RUN_TASK_SYNC ? 1 : 0);
  }
  for (const step of Object.values(graph.steps)) retryEvents += ((effectiveRetry(graph, step).maxAttempts ?? 1) - 1) * EVENTS_PER_RETRY;
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
    payloadBytesEstimate: 1024 + steps * RESULT_BYTES_PER_STEP,
  };
}

const SPLIT_FIX =
  'split the pipeline into several, chained by ingest prefixes (the last step of one writes the dataset that triggers the next); the local runtime has no such limit (`orchestra compile --target local`)';

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
        `the run state would hold about ${n(stats.payloadBytesEstimate)} bytes of step results; AWS allows ${n(MAX_PAYLOAD_BYTES)} per state`,
        SPLIT_FIX,
        'warning',
      ),
    );
  }
  return found;
}
