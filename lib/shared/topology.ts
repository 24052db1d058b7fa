/**
 * Pure graph algorithms over a step dependency graph. Everything is iterative (no recursion) so
 * that graphs of tens of thousands of steps cannot overflow the stack.
 */

import { defined } from './defined';
import { InvariantError } from './errors';

/** A DAG (or would-be DAG) as ids in a fixed order plus the predecessors of each id. */
export interface DependencyGraph {
  readonly ids: readonly string[];
  /** Predecessors (dependsOn) of each id; only ids present in `ids`. */
  readonly predecessors: ReadonlyMap<string, readonly string[]>;
}

export function successorsOf(graph: DependencyGraph): Map<string, string[]> {
  const successors = new Map<string, string[]>(graph.ids.map((id) => [id, []]));
  for (const id of graph.ids) {
    for (const dep of graph.predecessors.get(id) ?? []) successors.get(dep)?.push(id);
  }
  return successors;
}

/** Kahn's algorithm; ties keep the order of `graph.ids`, so the result is deterministic. Undefined on a cycle. */
export function topologicalOrder(graph: DependencyGraph): string[] | undefined {
  const successors = successorsOf(graph);
  const inDegree = new Map<string, number>();
  for (const id of graph.ids) inDegree.set(id, new Set(graph.predecessors.get(id) ?? []).size);
  const queue = graph.ids.filter((id) => inDegree.get(id) === 0);
  const order: string[] = [];
  for (let head = 0; head < queue.length; head++) {
    const id = defined(queue[head]);
    order.push(id);
    for (const next of new Set(successors.get(id))) {
      const remaining = (inDegree.get(next) ?? 0) - 1;
      inDegree.set(next, remaining);
      if (remaining === 0) queue.push(next);
    }
  }
  return order.length === graph.ids.length ? order : undefined;
}

/**
 * One cycle per strongly connected component (Tarjan, iterative), each listed in run order and
 * closed on its first step: `["a", "b", "c", "a"]` means a → b → c → a.
 */
export function findCycles(graph: DependencyGraph): string[][] {
  const successors = successorsOf(graph);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const start of graph.ids) {
    if (index.has(start)) continue;
    const work: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { id: string; next: number };
      const out = successors.get(frame.id) ?? [];
      if (frame.next < out.length) {
        const child = defined(out[frame.next++]);
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ id: child, next: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.id, Math.min(defined(low.get(frame.id)), defined(index.get(child))));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.id, Math.min(defined(low.get(parent.id)), defined(low.get(frame.id))));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        if (component.length > 1) components.push(component);
      }
    }
  }
  const position = new Map(graph.ids.map((id, i) => [id, i]));
  return components
    .map((component) => cycleWithin(new Set(component), successors, position))
    .sort((a, b) => defined(position.get(defined(a[0]))) - defined(position.get(defined(b[0]))));
}

/** Shortest cycle through the component's first step (BFS), for a short, readable message. */
function cycleWithin(members: Set<string>, successors: Map<string, string[]>, position: Map<string, number>): string[] {
  const start = defined([...members].sort((a, b) => defined(position.get(a)) - defined(position.get(b)))[0]);
  const parent = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const id = defined(queue[head]);
    for (const next of successors.get(id) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at: string | undefined = id; at !== undefined && at !== start; at = parent.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!parent.has(next)) {
        parent.set(next, id);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/**
 * Weakly connected components of `ids` (edges to non-members ignored), each in the order of `ids`,
 * components ordered by their first member. Any kind of id: the planner numbers its steps.
 */
export function weakComponents<Id>(ids: readonly Id[], predecessorsOf: (id: Id) => Iterable<Id>, isMember: (id: Id) => boolean): Id[][] {
  const parent = new Map<Id, Id>(ids.map((id) => [id, id]));
  const find = (id: Id): Id => {
    let root = id;
    for (let up = parent.get(root); up !== undefined && up !== root; up = parent.get(root)) root = up;
    for (let at = id; at !== root; ) {
      const up = parent.get(at);
      if (up === undefined) break;
      parent.set(at, root);
      at = up;
    }
    return root;
  };
  for (const id of ids) for (const dep of predecessorsOf(id)) if (isMember(dep)) parent.set(find(dep), find(id));
  const groups = new Map<Id, Id[]>();
  for (const id of ids) {
    const root = find(id);
    const group = groups.get(root);
    if (group === undefined) groups.set(root, [id]);
    else group.push(id);
  }
  return [...groups.values()];
}

/** Length of the longest weighted path (the critical path): the fastest possible makespan. */
export function criticalPathLength(graph: DependencyGraph, weight: (id: string) => number): number {
  const order = topologicalOrder(graph);
  if (order === undefined) throw new InvariantError('criticalPathLength needs an acyclic graph (validate the graph first)');
  const finish = new Map<string, number>();
  let longest = 0;
  for (const id of order) {
    let start = 0;
    for (const dep of graph.predecessors.get(id) ?? []) start = Math.max(start, finish.get(dep) ?? 0);
    const end = start + weight(id);
    finish.set(id, end);
    longest = Math.max(longest, end);
  }
  return longest;
}
