/**
 * Which data items each pipeline's steps may read and write beyond their own runs: a keyed
 * pipeline reads the folders of its input types; a pipeline another one runs (`pipeline` steps)
 * reads what its parent reads and writes the data items its parent says it publishes.
 */
import type { PipelineSource } from '../catalogue';
import { childPipelinesOf } from '../kinds/pipeline/spec';
import { keyedTriggerOf } from '../runtime/keyed/keyed-trigger';

export interface DataItemAccess {
  /** Key prefixes ending in "/". */
  readonly reads: readonly string[];
  /** IAM object patterns. */
  readonly writes: readonly string[];
}

const inputFoldersOf = (source: PipelineSource): string[] => {
  const trigger = keyedTriggerOf(source.name, source.graph.trigger);
  return trigger === undefined ? [] : [...trigger.required, ...trigger.optional].map((type) => `${trigger.dataPrefix}${type}/`);
};

export function dataItemAccessOf(pipelines: readonly PipelineSource[]): Map<string, DataItemAccess> {
  const reads = new Map<string, Set<string>>(pipelines.map((source) => [source.name, new Set(inputFoldersOf(source))]));
  const writes = new Map<string, Set<string>>(pipelines.map((source) => [source.name, new Set()]));
  // Parents first would not suffice for chains (a → b → c): repeat until nothing new is granted.
  for (let changed = true; changed; ) {
    changed = false;
    for (const parent of pipelines) {
      const trigger = keyedTriggerOf(parent.name, parent.graph.trigger);
      for (const [stepId, child] of childPipelinesOf(parent.graph)) {
        const childReads = reads.get(child);
        const childWrites = writes.get(child);
        if (childReads === undefined || childWrites === undefined) continue;
        for (const folder of reads.get(parent.name) ?? []) if (!childReads.has(folder) && childReads.add(folder)) changed = true;
        const step = parent.graph.steps[stepId];
        if (step?.kind === 'pipeline' && step.publishes !== undefined && trigger !== undefined) {
          const pattern = `${trigger.dataPrefix}${step.publishes}/*`;
          if (!childWrites.has(pattern) && childWrites.add(pattern)) changed = true;
        }
      }
    }
  }
  return new Map(pipelines.map((source) => [source.name, { reads: [...(reads.get(source.name) ?? [])].sort(), writes: [...(writes.get(source.name) ?? [])].sort() }]));
}
