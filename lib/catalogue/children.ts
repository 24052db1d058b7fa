/**
 * Pipelines that run other pipelines (`pipeline` steps) are checked as a set, since a graph alone
 * cannot know its siblings: every child must be served or deployed beside its parent, and no
 * pipeline may reach itself through children (each run would start another, without end).
 */
import { relative } from 'node:path';
import { fixForUnknownName } from '../graph/suggest';
import { childPipelinesOf } from '../kinds/pipeline/spec';
import { OrchestraError } from '../shared/errors';
import type { PipelineSource } from './pipeline';

export class ChildPipelineError extends OrchestraError {
  override readonly name = 'ChildPipelineError';
  constructor(readonly problems: readonly string[]) {
    super('child-pipeline', problems.length === 1 ? (problems[0] ?? '') : `pipelines that run other pipelines:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

const where = (source: PipelineSource, stepId: string): string =>
  `${source.graphFile === '<memory>' ? source.name : relative(process.cwd(), source.graphFile)}: steps.${stepId}.pipeline`;

/** Throws ChildPipelineError naming every missing child (suggesting from `known`) and every cycle. */
export function checkChildPipelines(pipelines: readonly PipelineSource[], known: readonly string[] = pipelines.map((source) => source.name)): void {
  const byName = new Map(pipelines.map((source) => [source.name, source]));
  const problems: string[] = [];
  for (const source of pipelines)
    for (const [stepId, child] of childPipelinesOf(source.graph))
      if (!byName.has(child)) problems.push(`${where(source, stepId)}: no pipeline "${child}" beside it — ${fixForUnknownName(child, known)}, or add its graph to the same folder`);
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: readonly string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      problems.push(`pipelines run each other: ${cycle.join(' → ')} — each run would start another, without end; break the cycle`);
      return;
    }
    state.set(name, 'visiting');
    const source = byName.get(name);
    for (const [, child] of source === undefined ? [] : childPipelinesOf(source.graph)) if (byName.has(child)) visit(child, [...path, name]);
    state.set(name, 'done');
  };
  for (const source of pipelines) visit(source.name, []);
  if (problems.length > 0) throw new ChildPipelineError(problems);
}

/** `pipeline` and every pipeline it runs, directly or through its children, taken from `available`. */
export function withChildren(pipeline: PipelineSource, available: readonly PipelineSource[]): PipelineSource[] {
  const byName = new Map(available.map((source) => [source.name, source]));
  byName.set(pipeline.name, pipeline);
  const needed = new Map<string, PipelineSource>();
  const add = (source: PipelineSource): void => {
    if (needed.has(source.name)) return;
    needed.set(source.name, source);
    for (const [, child] of childPipelinesOf(source.graph)) {
      const found = byName.get(child);
      if (found !== undefined) add(found);
    }
  };
  add(pipeline);
  const set = [...needed.values()];
  checkChildPipelines(set, [...byName.keys()]);
  return set;
}
