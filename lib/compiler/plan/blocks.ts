/** The execution plan: a series-parallel tree whose leaves are steps. It maps 1:1 onto ASL. */
import { defined } from '../../shared/defined';
export type Block =
  | { readonly type: 'step'; readonly id: string }
  | { readonly type: 'series'; readonly blocks: readonly Block[] }
  | { readonly type: 'parallel'; readonly blocks: readonly Block[] };

/**
 * Most branches one Parallel state gets: merging branch results takes one States.JsonMerge per extra
 * branch, and AWS allows at most 10 intrinsic functions in one field. Wider fan-outs nest.
 * It also keeps every Parallel under aws-local-stepfunctions' 40-branches-at-once limit.
 */
export const MAX_PARALLEL_BRANCHES = 8;

export const step = (id: string): Block => ({ type: 'step', id });

export function series(blocks: readonly Block[]): Block {
  const flat = blocks.flatMap((b) => (b.type === 'series' ? b.blocks : [b]));
  return flat.length === 1 ? defined(flat[0]) : { type: 'series', blocks: flat };
}

export function parallel(blocks: readonly Block[]): Block {
  const flat = blocks.flatMap((b) => (b.type === 'parallel' ? b.blocks : [b]));
  if (flat.length === 1) return defined(flat[0]);
  if (flat.length <= MAX_PARALLEL_BRANCHES) return { type: 'parallel', blocks: flat };
  // Balanced tree of Parallel states: depth log8(n) instead of one over-wide state.
  const groups: Block[] = [];
  const size = Math.ceil(flat.length / MAX_PARALLEL_BRANCHES);
  for (let i = 0; i < flat.length; i += size) {
    const chunk = flat.slice(i, i + size);
    groups.push(chunk.length === 1 ? defined(chunk[0]) : parallel(chunk));
  }
  return { type: 'parallel', blocks: groups };
}

/** Makespan of a plan with unlimited workers: series add up, parallel branches overlap. */
export function planMakespan(block: Block, weight: (id: string) => number): number {
  switch (block.type) {
    case 'step':
      return weight(block.id);
    case 'series':
      return block.blocks.reduce((sum, b) => sum + planMakespan(b, weight), 0);
    case 'parallel':
      return block.blocks.reduce((max, b) => Math.max(max, planMakespan(b, weight)), 0);
  }
}

export function stepsOf(block: Block): string[] {
  const out: string[] = [];
  const stack: Block[] = [block];
  while (stack.length > 0) {
    const b = stack.pop() as Block;
    if (b.type === 'step') out.push(b.id);
    else for (let i = b.blocks.length - 1; i >= 0; i--) stack.push(defined(b.blocks[i]));
  }
  return out;
}

export function countParallels(block: Block): number {
  if (block.type === 'step') return 0;
  return (block.type === 'parallel' ? 1 : 0) + block.blocks.reduce((n, b) => n + countParallels(b), 0);
}
