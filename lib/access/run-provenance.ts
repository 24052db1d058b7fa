/**
 * What the run-provenance function (functions/run-provenance) may do in the data bucket: read a run's
 * inputs, outputs and reuse decisions to describe them by content, and write the crate and the
 * workflow beside the run's outputs — nothing else there.
 */
import type { PipelineSource } from '../catalogue';
import { pipelineRunsPrefixFor, REUSE_PREFIX } from '../contract/step-event';
import { CRATE_FILE, WORKFLOW_FILE } from '../runtime/provenance/run-crate';
import type { DataItemAccess } from './data-items';
import { pipelineInputPrefixes } from './roles';
import type { DataAccess } from './statements';

export function provenanceRoleAccess(pipelines: readonly PipelineSource[], dataItems: ReadonlyMap<string, DataItemAccess>): DataAccess {
  const read = pipelines.flatMap(({ graph }) => [...pipelineInputPrefixes(graph, dataItems.get(graph.name)), pipelineRunsPrefixFor(graph.name), `${REUSE_PREFIX}${graph.name}/`]);
  const write = pipelines.flatMap(({ graph }) => [CRATE_FILE, WORKFLOW_FILE].map((file) => `${pipelineRunsPrefixFor(graph.name)}*/${file}`));
  return { read: [...new Set(read)], write };
}
