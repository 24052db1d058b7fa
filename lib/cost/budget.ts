/**
 * A pipeline's budget per run, held: a pipeline whose estimated cost per run (./estimate.ts) is over
 * its `budget.usdPerRun` is refused where it loads (lib/catalogue), so no trigger, schedule, API call,
 * backfill or redrive can start it, locally or on AWS.
 */
import type { AnyBranch } from '../compiler/asl';
import { formatUsd } from '../contract/prices';
import type { PipelineGraph } from '../graph/schema';
import { OrchestraError } from '../shared/errors';
import { estimateRunCost } from './estimate';

export class OverBudgetError extends OrchestraError {
  override readonly name = 'OverBudgetError';
  constructor(message: string) {
    super('over-budget', message);
  }
}

/** Throws OverBudgetError, with the figures, when the graph has a budget its estimate is over. */
export function checkBudget(graph: PipelineGraph, definition: AnyBranch, file: string): void {
  const budget = graph.budget?.usdPerRun;
  if (budget === undefined) return;
  const estimate = estimateRunCost(graph, definition);
  if (estimate.totalUsd <= budget) return;
  const costliest = [...estimate.steps].sort((a, b) => b.usd - a.usd).slice(0, 3);
  throw new OverBudgetError(
    `${file}: budget.usdPerRun: a run of ${graph.name} is estimated at ${formatUsd(estimate.totalUsd)}, over its budget of ${formatUsd(budget)} ` +
      `(most: ${costliest.map((step) => `${step.step} ${formatUsd(step.usd)}`).join(', ')}; ${estimate.prices.region} prices of ${estimate.prices.asOf}) — ` +
      `lower the steps' sizes (memoryMiB, cpu, estimatedDurationSeconds, forEach.maxItems) or raise the budget; \`orchestra cost ${graph.name}\` shows each step`,
  );
}
