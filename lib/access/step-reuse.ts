/**
 * What the step-reuse function (functions/step-reuse) may do in the data bucket, for the pipelines
 * deployed together: read what the reused steps read (their pipelines' inputs and runs, their
 * `access.read`) to fingerprint it, keep its records under reuse/<pipeline>/, and copy a reused step's
 * outputs into the new run's folder. The stack grants exactly this; the local runtime enforces it.
 */
import type { PipelineSource } from '../catalogue';
import { accessPattern } from '../contract/step-access';
import { pipelineRunsPrefixFor } from '../contract/step-event';
import { REUSE_PREFIX } from '../contract/step-reuse';
import { isReused } from '../graph/reuse';
import type { PipelineGraph } from '../graph/schema';
import type { DataItemAccess } from './data-items';
import { pipelineInputPrefixes } from './roles';
import type { DataAccess } from './statements';

/** The ids of the steps a pipeline's machine checks for reuse. */
export const reusedStepsOf = (graph: PipelineGraph): string[] => Object.entries(graph.steps).flatMap(([id, step]) => (isReused(graph, step) ? [id] : []));

/** Undefined when no pipeline reuses a step: then there is no function and no role. */
export function reuseRoleAccess(pipelines: readonly PipelineSource[], dataItems: ReadonlyMap<string, DataItemAccess>): DataAccess | undefined {
  const reusing = pipelines.filter((source) => reusedStepsOf(source.graph).length > 0);
  if (reusing.length === 0) return undefined;
  const reads = reusing.flatMap(({ graph }) => [
    ...pipelineInputPrefixes(graph, dataItems.get(graph.name)),
    pipelineRunsPrefixFor(graph.name),
    `${REUSE_PREFIX}${graph.name}/`,
    ...reusedStepsOf(graph).flatMap((id) => {
      const step = graph.steps[id];
      return step !== undefined && 'access' in step ? (step.access?.read ?? []).map(accessPattern) : [];
    }),
  ]);
  const writes = reusing.flatMap(({ graph }) => [`${REUSE_PREFIX}${graph.name}/*`, ...reusedStepsOf(graph).map((id) => `${pipelineRunsPrefixFor(graph.name)}*/${id}/*`)]);
  return { read: [...new Set(reads)], write: [...new Set(writes)] };
}
