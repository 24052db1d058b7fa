import type { PipelineGraph, Step } from '../../graph/schema';
import type { JsonObject } from '../asl-types';

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

/** Where a step writes its outputs: runs/<run id>/<step id>/ in the data bucket. */
export const outputPrefixExpression = (id: string): string => `States.Format('runs/{}/${id}/',$$.Execution.Name)`;

/**
 * The event every Lambda-backed step receives. Kept minimal because it is repeated in every Task
 * and AWS caps a definition at 1 MB: the bucket and pipeline reach the function through its
 * environment (ORCHESTRA_BUCKET, ORCHESTRA_PIPELINE), and the output prefix follows from run and step.
 */
export function stepEventParameters({ id, step }: StepBuildContext): JsonObject {
  const dependencies: JsonObject = {};
  for (const dep of step.dependsOn ?? []) dependencies[`${dep}.$`] = `$.steps.${dep}`;
  return { step: id, 'runId.$': '$$.Execution.Name', 'input.$': '$.input', dependencies };
}
