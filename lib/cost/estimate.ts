/**
 * What one run of a pipeline is expected to cost, before it runs: from its compiled definition (every
 * state a successful run enters, Parallel branches and Map items included) and the sizes the graph
 * declares (each step's resolved memory, expected duration and attempts; each `forEach`'s expected
 * items), priced by ./prices.ts. Written here rather than taken from a library: no package estimates
 * Step Functions, Lambda and Fargate together from a state machine.
 */
import type { AnyBranch, AnyState } from '../compiler/asl';
import { expectedItems } from '../compiler/limits';
import { type ReuseStateNames, reuseStateNamesOf } from '../compiler/reuse';
import { fargateBilledSeconds, PRICES, type PriceTable, priceReuseCalls, priceStep, type StepCostFigures, withReuseCalls } from '../contract/prices';
import { STEP_REUSE_MEMORY_MIB } from '../contract/step-reuse';
import { resolveStep } from '../graph/resolve-step';
import { isReused } from '../graph/reuse';
import type { PipelineGraph, Step } from '../graph/schema';

/** What a step is expected to use and cost in one run; `runs` is attempts × items. */
export interface StepCost extends StepCostFigures {
  readonly step: string;
  readonly kind: Step['kind'];
}

export interface RunCostEstimate {
  readonly pipeline: string;
  readonly steps: readonly StepCost[];
  /** States that are no step's (the run's preparation, Parallel and Map states themselves). */
  readonly orchestration: { readonly transitions: number; readonly usd: number };
  readonly totalUsd: number;
  /** What the figures assume, in words, for whoever reads them. */
  readonly assumptions: readonly string[];
  readonly prices: { readonly region: string; readonly asOf: string; readonly currency: string };
}

export interface EstimateOptions {
  /** Items every `forEach` step is expected to have. @default each step's `maxItems`, else 100 inline, 100,000 distributed */
  readonly items?: number;
  readonly prices?: PriceTable;
  /** A child pipeline's estimated cost per run, for its `pipeline` steps. @default unknown: not included, and said so */
  readonly childRunUsd?: (pipeline: string) => number | undefined;
}

/** Attempts expected of a step: 1, or with a declared failure rate p, 1 + p + p² + … up to its retries. */
function expectedAttempts(step: Step, maxAttempts: number): number {
  const rate = step.kind === 'simulate' ? (step.failureRate ?? 0) : 0;
  let attempts = 0;
  for (let k = 0; k < maxAttempts; k++) attempts += rate ** k;
  return attempts;
}

/** The states a successful run enters, by Next, Choice and Default from StartAt; Catch handlers are left out. */
function statesOnSuccessPath(branch: AnyBranch): Array<readonly [string, AnyState]> {
  const seen = new Set<string>();
  const queue = [branch.StartAt];
  while (queue.length > 0) {
    const name = queue.shift();
    if (name === undefined || seen.has(name) || branch.States[name] === undefined) continue;
    seen.add(name);
    const state = branch.States[name];
    for (const next of [state.Next, state.Default, ...(Array.isArray(state.Choices) ? state.Choices.map((choice: { Next?: unknown }) => choice.Next) : [])])
      if (typeof next === 'string') queue.push(next);
  }
  return [...seen].flatMap((name) => {
    const state = branch.States[name];
    return state === undefined ? [] : [[name, state] as const];
  });
}

/** Transitions of one pass through `branch`, per step id (a Map's item states count for their step); `''` for states of no step. */
function transitionsOf(branch: AnyBranch, graph: PipelineGraph, items: (step: string) => number, attempts: (step: string) => number, owner = ''): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string, value: number) => counts.set(key, (counts.get(key) ?? 0) + value);
  const reuse = reuseStateOwners(graph);
  for (const [name, state] of statesOnSuccessPath(branch)) {
    const around = reuse.get(name);
    // The estimate takes a reused step as computed (no entry yet): its reuse Pass is not entered.
    if (around?.role === 'reused') continue;
    // A state named by a step (its Task, or its Map) is the step's, as in a run's recorded cost (lib/runtime/run-cost.ts); so are the states around a reused step.
    const step = around?.step ?? (Object.hasOwn(graph.steps, name) ? name : owner);
    add(step, state.Type === 'Task' ? attempts(step) : 1);
    for (const nested of state.Branches ?? []) for (const [key, value] of transitionsOf(nested, graph, items, attempts, owner)) add(key, value);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor !== undefined) for (const [key, value] of transitionsOf(processor, graph, items, attempts, step)) add(key, value * items(step));
  }
  return counts;
}

/** The states around each reused step (lib/compiler/reuse.ts), by name. */
function reuseStateOwners(graph: PipelineGraph): Map<string, { readonly step: string; readonly role: keyof ReuseStateNames }> {
  const owners = new Map<string, { step: string; role: keyof ReuseStateNames }>();
  for (const [id, step] of Object.entries(graph.steps)) {
    if (!isReused(graph, step)) continue;
    const names = reuseStateNamesOf(id);
    for (const role of ['check', 'reusable', 'reused', 'save'] as const) owners.set(names[role], { step: id, role });
  }
  return owners;
}

/** What a reuse check or save is expected to take: it hashes the step's inputs and outputs. */
export const REUSE_CALL_SECONDS_ESTIMATE = 1;

export function estimateRunCost(graph: PipelineGraph, definition: AnyBranch, options: EstimateOptions = {}): RunCostEstimate {
  const prices = options.prices ?? PRICES;
  const fansOut = (step: Step | undefined): boolean => step !== undefined && 'forEach' in step && step.forEach !== undefined;
  const itemsOf = (step: string) => (fansOut(graph.steps[step]) ? (options.items ?? expectedItems(graph, step)) : 1);
  const attemptsOf = (step: string) => {
    const spec = graph.steps[step];
    return spec === undefined ? 1 : expectedAttempts(spec, resolveStep(graph, spec).retry.maxAttempts);
  };
  const transitions = transitionsOf(definition, graph, itemsOf, attemptsOf);
  const steps = Object.entries(graph.steps).map(([id, step]): StepCost => {
    const resolved = resolveStep(graph, step);
    const runs = attemptsOf(id) * itemsOf(id);
    const { pricing } = resolved;
    const perRun = pricing.billedSecondsPerRun ?? (pricing.runsOn === 'fargate' ? fargateBilledSeconds(resolved.estimatedSeconds, prices) : resolved.estimatedSeconds);
    const reuseCalls = isReused(graph, step) ? 2 : 0;
    const reuse = priceReuseCalls(reuseCalls, reuseCalls * REUSE_CALL_SECONDS_ESTIMATE, STEP_REUSE_MEMORY_MIB, prices);
    const figures = withReuseCalls(priceStep(pricing, { transitions: transitions.get(id) ?? 0, runs, seconds: perRun * runs }, prices), reuse);
    // A pipeline step starts a run of its child each time: that run's cost is the step's.
    const child = step.kind === 'pipeline' ? options.childRunUsd?.(step.pipeline) : undefined;
    return { step: id, kind: step.kind, ...figures, usd: figures.usd + (child ?? 0) * runs };
  });
  const orchestrationTransitions = transitions.get('') ?? 0;
  const orchestration = { transitions: orchestrationTransitions, usd: orchestrationTransitions * prices.stepFunctionsPerTransition };
  const forEachSteps = Object.entries(graph.steps).filter(([, step]) => fansOut(step));
  const assumptions = [
    'a successful run: every step once, retried only as a declared failure rate expects',
    "each step for its estimatedDurationSeconds (else its kind's estimate); every Lambda request warm (a cold start adds its INIT time)",
    ...forEachSteps.map(([id]) => `${id}: ${itemsOf(id)} items${options.items === undefined ? " (its maxItems, else the compiler's default)" : ' (--items)'}`),
    ...Object.entries(graph.steps).flatMap(([id, step]) =>
      step.kind !== 'pipeline'
        ? []
        : options.childRunUsd?.(step.pipeline) === undefined
          ? [`${id}: the child pipeline's own run is not included (orchestra cost ${step.pipeline})`]
          : [`${id}: includes a run of ${step.pipeline} as its own estimate gives it`],
    ),
    ...(Object.values(graph.steps).some((step) => isReused(graph, step))
      ? [`every reused step computed (nothing to reuse yet), with its reuse check and save (${REUSE_CALL_SECONDS_ESTIMATE} s each): a reuse costs less`]
      : []),
    'requests, storage and data transfer of S3, CloudWatch Logs and API Gateway are not included',
  ];
  const totalUsd = steps.reduce((sum, step) => sum + step.usd, orchestration.usd);
  return { pipeline: graph.name, steps, orchestration, totalUsd, assumptions, prices: { region: prices.region, asOf: prices.asOf, currency: prices.currency } };
}
