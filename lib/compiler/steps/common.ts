import type { PipelineGraph, Step } from '../../graph/schema';
import type { JsonObject } from '../asl-types';
import { DATA_BUCKET, ref } from '../placeholders';

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
export const outputPrefixExpression = (id: string): string => `States.Format('runs/{}/${id}/', $$.Execution.Name)`;

/** The event every Lambda-backed step receives (see functions/commons/step-event.ts). */
export function stepEventParameters({ graph, id, step }: StepBuildContext): JsonObject {
  const dependencies: JsonObject = {};
  for (const dep of step.dependsOn ?? []) dependencies[`${dep}.$`] = `$.steps.${dep}`;
  return {
    pipeline: graph.name,
    step: id,
    'runId.$': '$$.Execution.Name',
    bucket: ref(DATA_BUCKET),
    'outputPrefix.$': outputPrefixExpression(id),
    'input.$': '$.input',
    dependencies,
  };
}
