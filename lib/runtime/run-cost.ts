/**
 * What a run cost, read from its Step Functions history the same way on both targets: each state
 * entered is a transition; each Task attempt a run of its step, for the time from its start to its
 * end; priced by the one formula (lib/contract/prices.ts) with what runs each step (its pipeline
 * description). On AWS the history's times are close to, not exactly, the billed durations; locally
 * they are the local durations: either way the figure is an estimate, and says so (`basis`).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { PipelineDescription } from '../contract/pipeline-description';
import { fargateBilledSeconds, PRICES, priceReuseCalls, priceStep, withReuseCalls } from '../contract/prices';
import type { RunCost } from '../contract/run-answers';
import { STEP_REUSE_MEMORY_MIB } from '../contract/step-reuse';
import { historyWalker } from './execution-history';
import { billedSecondsOf, type UsageByStep } from './run-usage';

interface Usage {
  transitions: number;
  runs: number;
  seconds: number[];
  /** The step-reuse function's calls around it: their seconds. */
  reuseSeconds: number[];
}

const TASK_START = new Set(['TaskStarted', 'LambdaFunctionStarted']);
const TASK_END = new Set(['TaskSucceeded', 'TaskFailed', 'TaskTimedOut', 'LambdaFunctionSucceeded', 'LambdaFunctionFailed', 'LambdaFunctionTimedOut']);

/** The step a state belongs to: a step's own Task, or a forEach step's item Task; undefined for the run's own states. */
interface StateOwner {
  readonly step: string;
  /** A Task of the step-reuse function (a reused step's check or save), not of the step's own code. */
  readonly reuseCall: boolean;
}

/** The step a state belongs to: a step's own Task, a forEach step's item Task, the states around a reused step; undefined for the run's own states. */
function stepOfState(described: PipelineDescription): (state: string) => StateOwner | undefined {
  const owners = new Map<string, StateOwner>();
  for (const [id, step] of Object.entries(described.steps)) {
    owners.set(id, { step: id, reuseCall: false });
    if (step.itemState !== undefined) owners.set(step.itemState, { step: id, reuseCall: false });
    const reuse = step.reuseStates;
    if (reuse === undefined) continue;
    owners.set(reuse.check, { step: id, reuseCall: true }).set(reuse.save, { step: id, reuseCall: true });
    owners.set(reuse.reused, { step: id, reuseCall: false });
    owners.set(reuse.reusable, { step: id, reuseCall: false });
  }
  return (state) => owners.get(state);
}

/** Each step's transitions, attempts and their seconds, and the transitions of no step. */
function usageOf(events: readonly HistoryEvent[], stepOf: (state: string) => StateOwner | undefined): { steps: Map<string, Usage>; other: number } {
  const back = historyWalker(events);
  const steps = new Map<string, Usage>();
  const usage = (step: string): Usage => {
    const known = steps.get(step);
    if (known !== undefined) return known;
    const fresh = { transitions: 0, runs: 0, seconds: [], reuseSeconds: [] };
    steps.set(step, fresh);
    return fresh;
  };
  /** The state an event belongs to: where it was entered. */
  const stateOf = (event: HistoryEvent): string | undefined => {
    for (const earlier of back(event)) if (earlier.stateEnteredEventDetails?.name !== undefined) return earlier.stateEnteredEventDetails.name;
    return undefined;
  };
  /** The attempt's start: back (past TaskSubmitted) to its TaskStarted, before the state was entered. */
  const startOf = (end: HistoryEvent): HistoryEvent | undefined => {
    for (const earlier of back(end)) {
      if (TASK_START.has(earlier.type ?? '')) return earlier;
      if (earlier.stateEnteredEventDetails !== undefined) return undefined;
    }
    return undefined;
  };
  let other = 0;
  for (const event of events) {
    const type = event.type ?? '';
    if (type.endsWith('StateEntered')) {
      const owner = stepOf(event.stateEnteredEventDetails?.name ?? '');
      if (owner === undefined) other += 1;
      else usage(owner.step).transitions += 1;
    }
    if (!TASK_END.has(type)) continue;
    const started = startOf(event);
    const state = stateOf(event);
    const owner = state === undefined ? undefined : stepOf(state);
    if (owner === undefined) continue;
    const run = usage(owner.step);
    const seconds = started?.timestamp !== undefined && event.timestamp !== undefined ? Math.max(0, (event.timestamp.getTime() - started.timestamp.getTime()) / 1000) : undefined;
    if (owner.reuseCall) {
      run.reuseSeconds.push(seconds ?? 0);
      continue;
    }
    run.runs += 1;
    if (seconds !== undefined) run.seconds.push(seconds);
  }
  return { steps, other };
}

/**
 * `measured`: what each step's invocations used (lib/runtime/run-usage.ts): a Lambda step whose every
 * invocation has a billed duration is priced at those, as AWS bills it (`basis: "billed"`).
 */
export function runCostFrom(events: readonly HistoryEvent[], described: PipelineDescription, measured: UsageByStep = {}): RunCost {
  const { steps, other } = usageOf(events, stepOfState(described));
  const costs: RunCost['steps'] = {};
  let billed = false;
  for (const [id, used] of steps) {
    const pricing = described.steps[id]?.pricing ?? { runsOn: 'nothing' as const };
    const billedSeconds = pricing.runsOn === 'lambda' ? billedSecondsOf(measured[id], used.runs) : undefined;
    if (billedSeconds !== undefined && pricing.billedSecondsPerRun === undefined) billed = true;
    const seconds =
      pricing.billedSecondsPerRun !== undefined
        ? pricing.billedSecondsPerRun * used.runs
        : (billedSeconds ?? used.seconds.reduce((sum, each) => sum + (pricing.runsOn === 'fargate' ? fargateBilledSeconds(each) : each), 0));
    const reuse = priceReuseCalls(
      used.reuseSeconds.length,
      used.reuseSeconds.reduce((sum, each) => sum + each, 0),
      STEP_REUSE_MEMORY_MIB,
    );
    costs[id] = withReuseCalls(priceStep(pricing, { transitions: used.transitions, runs: used.runs, seconds }), reuse);
  }
  const orchestrationUsd = other * PRICES.stepFunctionsPerTransition;
  return {
    basis: billed ? 'billed' : 'history',
    totalUsd: Object.values(costs).reduce((sum, step) => sum + step.usd, orchestrationUsd),
    orchestration: { transitions: other, usd: orchestrationUsd },
    steps: costs,
    prices: { region: PRICES.region, asOf: PRICES.asOf },
  };
}
