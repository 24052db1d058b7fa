/**
 * Graph → series-parallel plan that keeps (nearly) all of the graph's parallelism.
 *
 * ASL can only express series-parallel structure (a chain of states; Parallel states). Graphs that
 * are series-parallel are mapped exactly. Others (the "N": a→c, a→d, b→d) need extra ordering
 * edges; we pick them by cost so the makespan stays at or near the critical path:
 *
 *  1. Disconnected parts run side by side (a Parallel), exactly.
 *  2. A connected part is cut in two, A then B, where A is a prefix of a topological order that
 *     is closed under dependencies. Running A before B costs LP(A) + LP(B) (LP = longest path).
 *     For a prefix, LP(A) = max earliest-finish over A and LP(B) = max "tail" over B, both taken
 *     from the whole part, so every cut of two orders (by earliest finish, by latest start) is
 *     priced in O(n log n). A cut priced at LP(part) adds no delay; we then cut at every such
 *     point at once (a chain of n steps is split in one pass, not n).
 *  3. Recurse into A and B.
 *  4. Repeat with cuts constrained to be balanced (see MIN_SIDE_FRACTIONS); keep the best plan.
 *
 * Why not task-token barriers, which are exact for any DAG? Each would cost a callback round trip
 * and an extra Lambda per edge, and the local interpreter (aws-local-stepfunctions) ignores
 * `.waitForTaskToken` and runs at most 40 branches of a Parallel at once, so waiting branches could
 * deadlock. `npm run bench` shows the cut heuristic within a few percent of the critical path.
 */

import { defined } from '../../shared/defined';
import { InvariantError } from '../../shared/errors';
import { topologicalOrder, weakComponents } from '../../shared/topology';
import { type Block, parallel, planMakespan, series, step } from './blocks';
import { planByLevels } from './levels';

export interface PlanInput {
  /** Step ids in a fixed (document) order; ties are broken by it, so plans are deterministic. */
  readonly ids: readonly string[];
  readonly predecessors: ReadonlyMap<string, readonly string[]>;
  /** Expected duration of each step (any unit). */
  readonly weight: (id: string) => number;
}

const EPSILON = 1e-9;
const LARGE_PART = 256;

/**
 * Cheap cuts peel a few steps at a time and their small delays add up; cuts that keep both sides
 * at least this large avoid that but may cost more each. Neither wins everywhere, so the planner
 * tries each and keeps the plan with the shortest makespan (cheap: plans are evaluated, not run).
 */
const MIN_SIDE_FRACTIONS = [0, 0.1, 0.25, 0.4] as const;

export function planSeriesParallel(input: PlanInput): Block {
  let best: { plan: Block; makespan: number } | undefined;
  // The steps are numbered once: every candidate plans over the same numbering.
  const numbered = numberSteps(input);
  // The level-by-level plan is a candidate too, so the result is never worse than that baseline.
  const candidates = [...MIN_SIDE_FRACTIONS.map((fraction) => () => planWithMinSide(numbered, fraction)), () => planByLevels(input)];
  for (const candidate of candidates) {
    const plan = candidate();
    const makespan = planMakespan(plan, input.weight);
    if (best === undefined || makespan < best.makespan * (1 - EPSILON)) best = { plan, makespan };
  }
  return (best as { plan: Block }).plan;
}

/** The steps numbered by their place in one topological order, with their links and weights by number. */
interface NumberedSteps {
  readonly ids: readonly string[];
  readonly predecessors: readonly (readonly number[])[];
  readonly successors: readonly (readonly number[])[];
  readonly weight: Float64Array;
}

/**
 * Steps are numbered by their place in one topological order, so "by rank" is by number and every
 * per-step figure is an array slot: at 10,000 steps, string-keyed maps were most of the compile time.
 */
function numberSteps(input: PlanInput): NumberedSteps {
  const order = topologicalOrder({ ids: input.ids, predecessors: input.predecessors });
  if (order === undefined) throw new InvariantError('planSeriesParallel needs an acyclic graph (validate the graph first)');
  const rank = new Map(order.map((id, i) => [id, i]));
  const predecessors = order.map((id) => (input.predecessors.get(id) ?? []).map((dep) => defined(rank.get(dep), dep)));
  const successors: number[][] = order.map(() => []);
  predecessors.forEach((deps, at) => {
    for (const dep of deps) defined(successors[dep]).push(at);
  });
  const weights = normalisedWeights(order, input.weight);
  return { ids: order, predecessors, successors, weight: Float64Array.from(order, (id) => defined(weights.get(id))) };
}

function planWithMinSide(numbered: NumberedSteps, minSideFraction: number): Block {
  const n = numbered.ids.length;
  const context: Context = {
    ...numbered,
    minSideFraction,
    mark: new Int32Array(n),
    stamp: 0,
    earliestFinish: new Float64Array(n),
    tail: new Float64Array(n),
  };
  return planPart(
    numbered.ids.map((_, at) => at),
    context,
  );
}

interface Context {
  readonly ids: readonly string[];
  readonly predecessors: readonly (readonly number[])[];
  readonly successors: readonly (readonly number[])[];
  readonly weight: Float64Array;
  readonly minSideFraction: number;
  /** Membership of the part being measured: `mark[step] === stamp`, a fresh stamp per part. */
  readonly mark: Int32Array;
  stamp: number;
  /** The last measured part's figures (./timings), read before the next part is measured. */
  readonly earliestFinish: Float64Array;
  readonly tail: Float64Array;
}

/**
 * Zero-duration steps would make every cut look free and serialise the graph; give each step a
 * small positive weight (unit weights when nothing is known) so structure still counts.
 */
function normalisedWeights(ids: readonly string[], weight: (id: string) => number): Map<string, number> {
  const raw = ids.map((id) => Math.max(0, weight(id)));
  const max = Math.max(0, ...raw);
  const floor = max === 0 ? 1 : max * 1e-3;
  return new Map(ids.map((id, i) => [id, Math.max(defined(raw[i]), floor)]));
}

/** `part` is in topological order (ascending numbers). */
function planPart(part: readonly number[], context: Context): Block {
  if (part.length === 1) return step(defined(context.ids[defined(part[0])]));
  const components = weakComponentsOf(part, context);
  if (components.length > 1) return parallel(components.map((c) => planConnected(c, context)));
  return planConnected(part, context);
}

/** The part's weakly connected components, each in the part's order, ordered by their first member. */
function weakComponentsOf(part: readonly number[], context: Context): number[][] {
  const stamp = markMembers(part, context);
  return weakComponents(
    part,
    (at) => defined(context.predecessors[at]),
    (at) => context.mark[at] === stamp,
  );
}

function markMembers(part: readonly number[], context: Context): number {
  const stamp = ++context.stamp;
  for (const at of part) context.mark[at] = stamp;
  return stamp;
}

function planConnected(part: readonly number[], context: Context): Block {
  if (part.length === 1) return step(defined(context.ids[defined(part[0])]));
  const longest = timings(part, context);
  const { earliestFinish, tail } = context;
  const finish = (at: number) => defined(earliestFinish[at]);
  const latestStart = (at: number) => longest - defined(tail[at]);
  const byFinish = [...part].sort((a, b) => finish(a) - finish(b) || a - b);
  const byLatestStart = [...part].sort((a, b) => latestStart(a) - latestStart(b) || a - b);

  // Unconstrained peeling of big parts recurses n deep (quadratic); keep big cuts a little balanced.
  const minSide = (part.length > LARGE_PART ? Math.max(context.minSideFraction, 0.05) : context.minSideFraction) * part.length;
  type Candidate = { cost: number; order: number[]; cut: number; balance: number };
  let best: Candidate | undefined;
  let bestUnbalanced: Candidate | undefined;
  const better = (cost: number, balance: number, than: Candidate | undefined): boolean =>
    than === undefined || cost < than.cost * (1 - EPSILON) || (cost <= than.cost * (1 + EPSILON) && balance < than.balance);
  let exactCuts: { order: number[]; cuts: number[] } | undefined;
  for (const order of [byFinish, byLatestStart]) {
    const costs = cutCosts(order, context);
    const exact: number[] = [];
    costs.forEach((cost, index) => {
      const cut = index + 1;
      const balance = Math.abs(order.length / 2 - cut);
      if (cost <= longest * (1 + EPSILON)) exact.push(cut);
      if (better(cost, balance, bestUnbalanced)) bestUnbalanced = { cost, order, cut, balance };
      const balanced = Math.min(cut, order.length - cut) >= minSide;
      if ((balanced || cost <= longest * (1 + EPSILON)) && better(cost, balance, best)) best = { cost, order, cut, balance };
    });
    if (exactCuts === undefined && exact.length > 1) exactCuts = { order, cuts: exact };
  }
  // The part's figures are read: measuring the segments below may reuse the arrays.
  if (exactCuts !== undefined) {
    const segments = splitAt(exactCuts.order, exactCuts.cuts).map(ascending);
    const total = segments.reduce((sum, segment) => sum + timings(segment, context), 0);
    if (total <= longest * (1 + EPSILON)) return series(segments.map((segment) => planPart(segment, context)));
  }
  const chosen = (best ?? bestUnbalanced) as Candidate;
  const [first, second] = splitAt(chosen.order, [chosen.cut]) as [number[], number[]];
  return series([planPart(ascending(first), context), planPart(ascending(second), context)]);
}

const ascending = (steps: number[]): number[] => steps.sort((a, b) => a - b);

function splitAt(order: readonly number[], cuts: readonly number[]): number[][] {
  const segments: number[][] = [];
  let start = 0;
  for (const cut of [...cuts, order.length]) {
    if (cut > start) segments.push(order.slice(start, cut));
    start = cut;
  }
  return segments;
}

/** cost[k] of running order[0..k] then order[k+1..]: prefix max of finish + suffix max of tail. */
function cutCosts(order: readonly number[], { earliestFinish, tail }: Context): number[] {
  const suffixTail = new Array<number>(order.length + 1).fill(0);
  for (let i = order.length - 1; i >= 0; i--) suffixTail[i] = Math.max(defined(suffixTail[i + 1]), defined(tail[defined(order[i])]));
  const costs: number[] = [];
  let prefixFinish = 0;
  for (let i = 0; i < order.length - 1; i++) {
    prefixFinish = Math.max(prefixFinish, defined(earliestFinish[defined(order[i])]));
    costs.push(prefixFinish + defined(suffixTail[i + 1]));
  }
  return costs;
}

/**
 * Earliest finish and longest path to the end ("tail", inclusive) of each member of `part` (in
 * topological order), within the part, into the context's arrays; returns the part's longest path.
 */
function timings(part: readonly number[], context: Context): number {
  const { predecessors, successors, weight, mark, earliestFinish, tail } = context;
  const stamp = markMembers(part, context);
  let longest = 0;
  for (const at of part) {
    let start = 0;
    for (const dep of defined(predecessors[at])) if (mark[dep] === stamp) start = Math.max(start, defined(earliestFinish[dep]));
    const finish = start + defined(weight[at]);
    earliestFinish[at] = finish;
    longest = Math.max(longest, finish);
  }
  for (let i = part.length - 1; i >= 0; i--) {
    const at = defined(part[i]);
    let after = 0;
    for (const next of defined(successors[at])) if (mark[next] === stamp) after = Math.max(after, defined(tail[next]));
    tail[at] = after + defined(weight[at]);
  }
  return longest;
}
