/** What a kind's compile module gives the compiler: the kind-specific parts of its Task state. */

import { ITEM_RUN_ID_PATH, STEP_EVENT_FIELDS } from '../../contract/step-event';
import type { PipelineGraph, Step } from '../../graph/schema';
import type { JsonObject } from '../asl';

export interface TaskParts {
  readonly Resource: string;
  readonly Parameters: JsonObject;
  readonly ResultSelector?: JsonObject;
  /** Only for `.waitForTaskToken` Tasks. */
  readonly HeartbeatSeconds?: number;
}

export interface StepBuildContext<S extends Step = Step> {
  readonly graph: PipelineGraph;
  readonly id: string;
  readonly step: S;
}

/** How the compiler treats one kind of step. */
export interface CompileKind<S extends Step> {
  readonly buildTask: (context: StepBuildContext<S>) => TaskParts;
  /** The most a step's result adds to the run state, or the budget assumed when the kind cannot say. */
  readonly resultBytes: (step: S) => number;
  /**
   * The step's result as the steps after it get it, as TypeScript type text, for the declarations
   * `orchestra build` writes (a handler's result is its own return type: `moduleOf` gives the import
   * path of a project file from where the declarations are).
   */
  readonly resultType: (step: S, moduleOf: (projectPath: string) => string) => string;
}

/**
 * The dependencies whose results a step's event carries: all of them, but for a `forEach` step not the
 * one its list comes from — each item gets its own item instead, and repeating the whole list in every
 * item's input would cost O(items²) in payload (and in history on AWS).
 */
export const eventDependenciesOf = (step: Step): string[] => {
  const from = 'forEach' in step ? step.forEach?.from : undefined;
  return (step.dependsOn ?? []).filter((dep) => dep !== from);
};

/**
 * The step event (lib/contract/step-event.ts) as Task Parameters. Kept minimal because it is repeated
 * in every Task and AWS caps a definition at 1 MB: the bucket reaches the function through its
 * environment (ORCHESTRA_BUCKET), and the output prefix follows from pipeline, run and step.
 */
export function stepEventParameters({ graph, id, step }: StepBuildContext): JsonObject {
  const dependencies: JsonObject = {};
  for (const dep of eventDependenciesOf(step)) dependencies[`${dep}.$`] = `$.steps.${dep}`;
  const f = STEP_EVENT_FIELDS;
  const forEach = 'forEach' in step && step.forEach !== undefined;
  const runId = forEach ? ITEM_RUN_ID_PATH : '$$.Execution.Name';
  const event: JsonObject = { [f.pipeline]: graph.name, [f.step]: id, [`${f.runId}.$`]: runId, [`${f.input}.$`]: '$.input', [f.dependencies]: dependencies };
  // Only when set, so graphs without parameters compile to the bytes they always did.
  if (step.parameters !== undefined) event[f.parameters] = JSON.parse(JSON.stringify(step.parameters));
  // A forEach step's Task runs inside its Map, whose ItemSelector puts the item beside input and steps.
  if (forEach) Object.assign(event, { [`${f.item}.$`]: '$.item', [`${f.itemIndex}.$`]: '$.itemIndex' });
  return event;
}

export interface StepEventValues {
  readonly runId: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** Results of the steps this one depends on, by step id. */
  readonly dependencies: Readonly<Record<string, unknown>>;
  readonly item?: unknown;
  readonly itemIndex?: number;
}

/**
 * The event stepEventParameters gives the step at run time, built outside any run (`orchestra invoke`,
 * orchestra/testing's invokeStep): the same fields, from the same graph.
 */
export function stepEventFor({ graph, id, step }: StepBuildContext, values: StepEventValues): JsonObject {
  const f = STEP_EVENT_FIELDS;
  const json = (value: unknown): JsonObject[string] => JSON.parse(JSON.stringify(value ?? null));
  const dependencies: JsonObject = {};
  for (const dep of eventDependenciesOf(step)) dependencies[dep] = json(values.dependencies[dep]);
  const event: JsonObject = { [f.pipeline]: graph.name, [f.step]: id, [f.runId]: values.runId, [f.input]: json(values.input), [f.dependencies]: dependencies };
  if (step.parameters !== undefined) event[f.parameters] = json(step.parameters);
  if ('forEach' in step && step.forEach !== undefined) Object.assign(event, { [f.item]: json(values.item), [f.itemIndex]: values.itemIndex ?? 0 });
  return event;
}
