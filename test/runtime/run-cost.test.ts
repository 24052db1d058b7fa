/** A run's cost from its history (lib/runtime/run-cost.ts): transitions per state entered, each attempt's time, priced by the one formula. */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import type { PipelineDescription } from '../../lib/contract/pipeline-description';
import { PRICES } from '../../lib/contract/prices';
import { runCostFrom } from '../../lib/runtime/run-cost';

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, seconds));

/** A history built event by event, each linked to the one it follows. */
function historyBuilder() {
  const events: HistoryEvent[] = [];
  const add = (type: string, seconds: number, previous: number | undefined, name?: string): number => {
    const id = events.length + 1;
    events.push({
      id,
      type: type as HistoryEvent['type'],
      timestamp: at(seconds),
      ...(previous === undefined ? {} : { previousEventId: previous }),
      ...(name === undefined ? {} : { stateEnteredEventDetails: { name } }),
    });
    return id;
  };
  /** Events of one attempt, each after the one before: returns the last id. */
  const attempt = (after: number, ...steps: Array<readonly [string, number]>): number => steps.reduce((previous, [type, seconds]) => add(type, seconds, previous), after);
  return { events, add, attempt };
}

const described: PipelineDescription = {
  name: 'p',
  steps: {
    fetch: { kind: 'lambda', dependsOn: [], pricing: { runsOn: 'lambda', memoryMiB: 1024 } },
    model: { kind: 'container', dependsOn: ['fetch'], pricing: { runsOn: 'fargate', memoryMiB: 2048, cpu: 1024 } },
    each: { kind: 'simulate', dependsOn: ['model'], itemState: 'each: item', pricing: { runsOn: 'lambda', memoryMiB: 128 } },
  },
};

function history(): HistoryEvent[] {
  const { events, add, attempt } = historyBuilder();
  const prepare = add('PassStateEntered', 0, add('ExecutionStarted', 0, undefined), 'Prepare run');
  // fetch: a failed attempt of 2 s, retried, then 3 s.
  const fetch = add('TaskStateEntered', 0, prepare, 'fetch');
  const failed = attempt(fetch, ['LambdaFunctionScheduled', 0], ['LambdaFunctionStarted', 0], ['LambdaFunctionFailed', 2]);
  const fetched = attempt(failed, ['LambdaFunctionScheduled', 3], ['LambdaFunctionStarted', 3], ['LambdaFunctionSucceeded', 6]);
  // model: an ECS task of 10 s (ended after TaskSubmitted), billed a minute.
  const model = add('TaskStateEntered', 6, fetched, 'model');
  const modelled = attempt(model, ['TaskScheduled', 6], ['TaskStarted', 6], ['TaskSubmitted', 6], ['TaskSucceeded', 16]);
  // each: a Map of two items, 1 s each.
  let last = add('MapStateEntered', 16, modelled, 'each');
  for (const start of [16, 17])
    last = attempt(
      add('TaskStateEntered', start, last, 'each: item'),
      ['LambdaFunctionScheduled', start],
      ['LambdaFunctionStarted', start],
      ['LambdaFunctionSucceeded', start + 1],
    );
  add('ExecutionSucceeded', 18, last);
  return events;
}

describe('run cost from history', () => {
  it('prices each attempt for its time, a forEach step for its items, a Fargate task for at least a minute', () => {
    const cost = runCostFrom(history(), described);

    expect(cost.steps['fetch']).toMatchObject({ transitions: 1, runs: 2, lambda: { requests: 2, gbSeconds: 5 } });
    expect(cost.steps['model']).toMatchObject({ transitions: 1, runs: 1, fargate: { vcpuHours: 60 / 3600, gbHours: (2 * 60) / 3600 } });
    // The Map state is the step's, as each item's Task is; "Prepare run" is the run's own.
    expect(cost.steps['each']).toMatchObject({ transitions: 3, runs: 2, lambda: { requests: 2, gbSeconds: 0.25 } });
    expect(cost.orchestration).toEqual({ transitions: 1, usd: PRICES.stepFunctionsPerTransition });
    expect(cost.totalUsd).toBeCloseTo(
      Object.values(cost.steps).reduce((sum, step) => sum + step.usd, cost.orchestration.usd),
      12,
    );
    expect(cost.steps['fetch']?.usd).toBeCloseTo(PRICES.stepFunctionsPerTransition + 2 * PRICES.lambdaPerRequest + 5 * PRICES.lambdaPerGbSecond.arm64, 12);
    expect(cost).toMatchObject({ basis: 'history', prices: { region: 'us-east-1', asOf: PRICES.asOf } });
  });

  it('reads a history whose links run in a circle without hanging (a damaged history is no reason to stop answering)', () => {
    const { events, add } = historyBuilder();
    add('TaskStateEntered', 0, undefined, 'fetch');
    events.push({ id: 2, type: 'LambdaFunctionSucceeded', timestamp: at(1), previousEventId: 3 }, { id: 3, type: 'LambdaFunctionStarted', timestamp: at(0), previousEventId: 2 });

    expect(runCostFrom(events, described).steps['fetch']).toMatchObject({ transitions: 1, runs: 0 });
  });

  it('bills a service step its function, not its wait', () => {
    const { events, add, attempt } = historyBuilder();
    attempt(add('TaskStateEntered', 0, undefined, 'ask'), ['TaskScheduled', 0], ['TaskStarted', 0], ['TaskSucceeded', 3600]);
    const cost = runCostFrom(events, { name: 'p', steps: { ask: { kind: 'service', dependsOn: [], pricing: { runsOn: 'lambda', memoryMiB: 256, billedSecondsPerRun: 1 } } } });

    expect(cost.steps['ask']?.lambda).toEqual({ requests: 1, gbSeconds: 0.25, architecture: 'arm64' });
  });
});
