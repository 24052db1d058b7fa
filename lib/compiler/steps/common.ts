import { STEP_EVENT_FIELDS } from '../../contract/step-event';
import type { PipelineGraph, Step } from '../../graph/schema';
import type { JsonObject } from '../asl';

export interface TaskParts {
  readonly Resource: string;
  readonly Parameters: JsonObject;
  readonly ResultSelector?: JsonObject;
}

export interface StepBuildContext {
  readonly graph: PipelineGraph;
  readonly id: string;
  readonly step: Step;
}

/**
 * The step event (lib/contract/step-event.ts) as Task Parameters. Kept minimal because it is repeated
 * in every Task and AWS caps a definition at 1 MB: the bucket reaches the function through its
 * environment (ORCHESTRA_BUCKET), and the output prefix follows from pipeline, run and step.
 */
export function stepEventParameters({ graph, id, step }: StepBuildContext): JsonObject {
  const dependencies: JsonObject = {};
  for (const dep of step.dependsOn ?? []) dependencies[`${dep}.$`] = `$.steps.${dep}`;
  const f = STEP_EVENT_FIELDS;
  return { [f.pipeline]: graph.name, [f.step]: id, [`${f.runId}.$`]: '$$.Execution.Name', [`${f.input}.$`]: '$.input', [f.dependencies]: dependencies };
}
