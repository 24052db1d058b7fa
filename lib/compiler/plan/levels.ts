/** The naive schedule, kept as the benchmark's baseline: run the graph level by level. */

import { defined } from '../../shared/defined';
import { InvariantError } from '../../shared/errors';
import { topologicalOrder } from '../../shared/topology';
import { type Block, parallel, series, step } from './blocks';
import type { PlanInput } from './series-parallel';

export function planByLevels(input: PlanInput): Block {
  const order = topologicalOrder({ ids: input.ids, predecessors: input.predecessors });
  if (order === undefined) throw new InvariantError('planByLevels needs an acyclic graph (validate the graph first)');
  const level = new Map<string, number>();
  const levels: string[][] = [];
  for (const id of order) {
    const depth = Math.max(-1, ...(input.predecessors.get(id) ?? []).map((dep) => defined(level.get(dep)))) + 1;
    level.set(id, depth);
    (levels[depth] ??= []).push(id);
  }
  return series(levels.map((ids) => parallel(ids.map(step))));
}
