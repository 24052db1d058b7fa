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

/**
 * Where a step writes its outputs: runs/<pipeline>/<run id>/<step id>/ in the data bucket. The pipeline
 * comes first so run names cannot collide across pipelines and IAM can scope each pipeline to its prefix.
 * Pipeline names and step ids are identifiers (no quotes or braces), so they are safe inside States.Format.
 */
export const outputPrefixExpression = (pipeline: string, id: string): string => `States.Format('runs/${pipeline}/{}/${id}/',$$.Execution.Name)`;

/**
 * The event every Lambda-backed step receives. Kept minimal because it is repeated in every Task
 * and AWS caps a definition at 1 MB: the bucket reaches the function through its environment
 * (ORCHESTRA_BUCKET), and the output prefix follows from pipeline, run and step.
 */
export function stepEventParameters({ graph, id, step }: StepBuildContext): JsonObject {
  const dependencies: JsonObject = {};
  for (const dep of step.dependsOn ?? []) dependencies[`${dep}.$`] = `$.steps.${dep}`;
  return { pipeline: graph.name, step: id, 'runId.$': '$$.Execution.Name', 'input.$': '$.input', dependencies };
}
