/**
 * Which step results the run state holds at each point of the plan. A result stays in the state only
 * while a later step reads it (or it is a leaf, whose result is the run's output); everything else is
 * dropped, so the largest state is bounded by the results still needed, not by the pipeline's size.
 *
 * Dropping costs no state where a Parallel starts (its Parameters pass on only what the branches and
 * later states need) or ends (its ResultSelector picks what later states need); inside a chain it
 * costs a Pass state (one transition, two history events). Every drop also costs definition bytes
 * (one path per result kept, against AWS's 1 MB), so results are dropped in batches: once
 * DROP_AFTER_RESULTS results or DROP_AFTER_BYTES estimated bytes are no longer needed, and at least as
 * many (or as many bytes) as are kept. So each result is dropped once and paid for at most once more
 * as a kept path, and a state holds at most about twice the results still needed, plus one batch.
 */
import type { PipelineGraph } from '../graph/schema';
import { defined } from '../shared/defined';
import { type Block, stepsOf } from './plan/blocks';

/** A chain drops unneeded results once this many have piled up… */
export const DROP_AFTER_RESULTS = 16;
/** …or once their estimated size reaches this (a result of a step kind known to be big is dropped at once). */
export const DROP_AFTER_BYTES = 16_384;
/** The run input's share of the state in the estimate: what uploads, the API and schedules send. */
export const INPUT_BYTES_ESTIMATE = 1024;

/** Whether the result of a step must still be in the state once a block has run. */
export type Needed = (stepId: string) => boolean;

export interface BlockLayout {
  /** Results in the state when the block starts (after any drop before it). */
  readonly entering: ReadonlySet<string>;
  /** Results a block must leave in the state for the states after it. */
  readonly needed: Needed;
  /** Series element or Parallel branch: results to keep in a Pass placed before it (the others are dropped). */
  readonly keepBefore?: ReadonlySet<string>;
  /** Parallel: results its Parameters pass to every branch, when that drops some. */
  readonly keepInto?: ReadonlySet<string>;
  /** Parallel: results its ResultSelector picks, each from the branch holding it, when that drops some (else it merges the branches' results). */
  readonly picks?: ReadonlyMap<string, number>;
}

export interface StateLayout {
  readonly blocks: ReadonlyMap<Block, BlockLayout>;
  /** The largest state a run holds, by the step kinds' result sizes (see resultBytes). */
  readonly largestStateBytes: number;
}

interface LayoutContext {
  readonly dependsOn: (id: string) => readonly string[];
  readonly resultBytes: (id: string) => number;
  readonly blocks: Map<Block, BlockLayout>;
  largestStateBytes: number;
}

/**
 * `resultBytes` is the most (or the budget) a step's result adds to the state. The run's output
 * keeps the leaves' results: the pipeline's products.
 */
export function layOutState(graph: PipelineGraph, plan: Block, resultBytes: (id: string) => number): StateLayout {
  const dependsOn = (id: string): readonly string[] => graph.steps[id]?.dependsOn ?? [];
  const hasDependents = new Set(Object.values(graph.steps).flatMap((step) => step.dependsOn ?? []));
  // Asked for every result in the state at every block: computed once per step (a kind's estimate serialises JSON).
  const bytes = new Map<string, number>();
  const cachedBytes = (id: string): number => {
    let known = bytes.get(id);
    if (known === undefined) bytes.set(id, (known = resultBytes(id)));
    return known;
  };
  const context: LayoutContext = { dependsOn, resultBytes: cachedBytes, blocks: new Map(), largestStateBytes: INPUT_BYTES_ESTIMATE };
  layOut(plan, new Set(), (id) => !hasDependents.has(id), context);
  return { blocks: context.blocks, largestStateBytes: context.largestStateBytes };
}

/** Results a block reads from before it: its steps' dependencies that it does not produce itself. */
function externalNeeds(block: Block, context: LayoutContext): Set<string> {
  const inside = new Set(stepsOf(block));
  const needs = new Set<string>();
  for (const id of inside) for (const dep of context.dependsOn(id)) if (!inside.has(dep)) needs.add(dep);
  return needs;
}

const bytesOf = (keys: Iterable<string>, context: LayoutContext): number => {
  let bytes = INPUT_BYTES_ESTIMATE;
  for (const key of keys) bytes += context.resultBytes(key);
  return bytes;
};

/** How many results a drop would keep and drop, and their bytes (each with the input's share, as bytesOf counts). */
interface DropSplit {
  readonly kept: number;
  readonly keptBytes: number;
  readonly dead: number;
  readonly deadBytes: number;
}

const isWorthDropping = ({ kept, keptBytes, dead, deadBytes }: DropSplit): boolean =>
  (dead >= DROP_AFTER_RESULTS || deadBytes - INPUT_BYTES_ESTIMATE >= DROP_AFTER_BYTES) && (dead >= kept || deadBytes >= keptBytes);

/** Whether dropping the `dead` results is worth a Pass state or the paths that pick the `kept` ones. */
function worthDropping(results: Iterable<string>, isNeeded: Needed, context: LayoutContext): boolean {
  let [kept, keptBytes, dead, deadBytes] = [0, INPUT_BYTES_ESTIMATE, 0, INPUT_BYTES_ESTIMATE];
  for (const id of results)
    if (isNeeded(id)) [kept, keptBytes] = [kept + 1, keptBytes + context.resultBytes(id)];
    else [dead, deadBytes] = [dead + 1, deadBytes + context.resultBytes(id)];
  return isWorthDropping({ kept, keptBytes, dead, deadBytes });
}

/**
 * worthDropping for a state of which only `wanted` may be kept: counted from `wanted`, which is small
 * (what a branch reads), not from the whole state — a Parallel of many branches asked it per branch.
 */
function worthKeepingOnly(state: ReadonlySet<string>, wanted: ReadonlySet<string>, context: LayoutContext): { worth: boolean; kept: Set<string> } {
  const kept = new Set<string>();
  let keptBytes = INPUT_BYTES_ESTIMATE;
  for (const id of wanted)
    if (state.has(id)) {
      kept.add(id);
      keptBytes += context.resultBytes(id);
    }
  const allBytes = stateBytes.get(state) ?? bytesOf(state, context);
  stateBytes.set(state, allBytes);
  const split = { kept: kept.size, keptBytes, dead: state.size - kept.size, deadBytes: allBytes - keptBytes + INPUT_BYTES_ESTIMATE };
  return { worth: isWorthDropping(split), kept };
}

/** Each state's estimated bytes, once computed. */
const stateBytes = new WeakMap<ReadonlySet<string>, number>();

/** Answers of a `needed` test, kept: the same results are asked about at every block they pass through, along a chain of nested tests. */
function remembered(needed: Needed): Needed {
  const answers = new Map<string, boolean>();
  return (id) => {
    let answer = answers.get(id);
    if (answer === undefined) answers.set(id, (answer = needed(id)));
    return answer;
  };
}

/** Records the layout of `block` and its inner blocks; returns the results in the state after it. */
function layOut(block: Block, entering: ReadonlySet<string>, needed: Needed, context: LayoutContext): Set<string> {
  switch (block.type) {
    case 'step': {
      context.blocks.set(block, { entering, needed });
      const exiting = new Set(entering).add(block.id);
      // The state's size follows from the entering state's, known from the block before (a chain would sum it again per step).
      const bytes = (stateBytes.get(entering) ?? bytesOf(entering, context)) + (entering.has(block.id) ? 0 : context.resultBytes(block.id));
      stateBytes.set(exiting, bytes);
      context.largestStateBytes = Math.max(context.largestStateBytes, bytes);
      return exiting;
    }
    case 'series':
      return layOutSeries(block, entering, needed, context);
    case 'parallel':
      return layOutParallel(block, entering, needed, context);
  }
}

function layOutSeries(block: Block & { type: 'series' }, entering: ReadonlySet<string>, needed: Needed, context: LayoutContext): Set<string> {
  context.blocks.set(block, { entering, needed });
  const needs = block.blocks.map((inner) => externalNeeds(inner, context));
  // Index of the last element reading each result: after it, only `needed` can keep the result.
  const lastReader = new Map<string, number>();
  needs.forEach((set, index) => {
    for (const id of set) lastReader.set(id, index);
  });
  // What the blocks after this series need is asked once per result here; each element's test is then
  // two lookups (a memo per element cost a map per element filled with every result in the state).
  const neededOutside = remembered(needed);
  const neededAfter = block.blocks.map((_, index) => (id: string) => (lastReader.get(id) ?? -1) > index || neededOutside(id));
  let current = new Set(entering);
  block.blocks.forEach((inner, index) => {
    const after = defined(neededAfter[index]);
    const neededHere = (id: string): boolean => defined(needs[index]).has(id) || after(id);
    // A Parallel's own Parameters drop results without a state, so no Pass goes before one.
    let keepBefore: Set<string> | undefined;
    if (index > 0 && inner.type !== 'parallel' && worthDropping(current, neededHere, context)) {
      keepBefore = new Set([...current].filter(neededHere));
      current = keepBefore;
    }
    current = layOut(inner, current, after, context);
    if (keepBefore !== undefined) context.blocks.set(inner, { ...defined(context.blocks.get(inner)), keepBefore });
  });
  return current;
}

function layOutParallel(block: Block & { type: 'parallel' }, entering: ReadonlySet<string>, needed: Needed, context: LayoutContext): Set<string> {
  const inside = externalNeeds(block, context);
  const neededInOrAfter = (id: string): boolean => inside.has(id) || needed(id);
  const drop = worthDropping(entering, neededInOrAfter, context);
  const passed = drop ? new Set([...entering].filter(neededInOrAfter)) : entering;
  const merged = new Set<string>();
  const holder = new Map<string, number>();
  block.blocks.forEach((branch, index) => {
    const produced = new Set(stepsOf(branch));
    // Results from before the Parallel that later states need travel on in the first branch only.
    // The cheap tests first: most results a branch carries are neither its own nor the first branch's to carry.
    const branchNeeded: Needed = (id) => (produced.has(id) || (index === 0 && passed.has(id))) && needed(id);
    // Every branch gets what any branch reads; one that reads much less drops the rest as it starts
    // (a nested Parallel does so in its own Parameters).
    const reads = externalNeeds(branch, context);
    const neededHere = (id: string): boolean => reads.has(id) || branchNeeded(id);
    let keepBefore: Set<string> | undefined;
    if (branch.type !== 'parallel') {
      // Past the first branch, a result from before the Parallel is needed here only if the branch reads it.
      if (index > 0) {
        const only = worthKeepingOnly(passed, reads, context);
        keepBefore = only.worth ? new Set([...passed].filter((id) => only.kept.has(id))) : undefined;
      } else if (worthDropping(passed, neededHere, context)) keepBefore = new Set([...passed].filter(neededHere));
    }
    for (const id of layOut(branch, keepBefore ?? passed, branchNeeded, context)) {
      merged.add(id);
      if (branchNeeded(id)) holder.set(id, index);
    }
    if (keepBefore !== undefined) context.blocks.set(branch, { ...defined(context.blocks.get(branch)), keepBefore });
  });
  const picks = worthDropping(merged, needed, context) ? holder : undefined;
  context.blocks.set(block, { entering, needed, ...(drop ? { keepInto: passed } : {}), ...(picks === undefined ? {} : { picks }) });
  return picks === undefined ? merged : new Set(picks.keys());
}
