/** A pipeline as the runs API describes it (lib/contract/pipeline-description.ts), from its graph. */

import { mapItemStateName } from '../compiler/names';
import { reuseStateNamesOf } from '../compiler/reuse';
import type { PipelineDescription } from '../contract/pipeline-description';
import { resolveStep } from '../graph/resolve-step';
import { isReused } from '../graph/reuse';
import type { PipelineGraph } from '../graph/schema';

/** @param inputPrefixes where its steps may read run inputs (lib/access/roles.ts pipelineInputPrefixes) */
export function describePipeline(graph: PipelineGraph, inputPrefixes?: readonly string[]): PipelineDescription {
  const { trigger } = graph;
  return {
    name: graph.name,
    ...(graph.description === undefined ? {} : { description: graph.description }),
    ...(inputPrefixes === undefined ? {} : { inputPrefixes: [...inputPrefixes] }),
    steps: Object.fromEntries(
      Object.entries(graph.steps).map(([id, step]) => [
        id,
        {
          kind: step.kind,
          dependsOn: [...(step.dependsOn ?? [])],
          ...(step.description === undefined ? {} : { description: step.description }),
          ...('inputs' in step && step.inputs !== undefined ? { inputs: [...step.inputs] } : {}),
          ...('forEach' in step && step.forEach !== undefined ? { itemState: mapItemStateName(id) } : {}),
          ...(isReused(graph, step) ? { reuseStates: { ...reuseStateNamesOf(id) } } : {}),
          pricing: resolveStep(graph, step).pricing,
        },
      ]),
    ),
    ...(trigger === undefined
      ? {}
      : {
          trigger: Object.fromEntries(
            Object.entries({
              ingestPrefix: trigger.ingestPrefix,
              mode: trigger.mode,
              requiredFiles: trigger.requiredFiles,
              marker: trigger.marker,
              schedule: trigger.schedule,
              timezone: trigger.timezone,
            }).filter(([, value]) => value !== undefined),
          ),
        }),
  };
}
