/** The cost estimate of a run (lib/cost): transitions from the compiled definition, compute from the declared sizes, priced by one table. */
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../lib/compiler';
import { PRICES } from '../../lib/contract/prices';
import { estimateRunCost } from '../../lib/cost/estimate';
import type { PipelineGraph } from '../../lib/graph/schema';

const estimate = (graph: PipelineGraph, items?: number) => estimateRunCost(graph, compileGraph(graph).definition, items === undefined ? {} : { items });
const stepOf = (result: ReturnType<typeof estimate>, id: string) => result.steps.find((step) => step.step === id);

describe('run cost estimate', () => {
  it('prices a Lambda step by requests and GB-s on arm64, a transition each', () => {
    const result = estimate({ name: 'one', steps: { a: { kind: 'lambda', handler: 'functions/a.ts', memoryMiB: 1024, estimatedDurationSeconds: 2 } } });

    expect(stepOf(result, 'a')).toMatchObject({ runs: 1, transitions: 1, lambda: { requests: 1, gbSeconds: 2, architecture: 'arm64' } });
    expect(stepOf(result, 'a')?.usd).toBeCloseTo(PRICES.stepFunctionsPerTransition + PRICES.lambdaPerRequest + 2 * PRICES.lambdaPerGbSecond.arm64, 12);
    expect(result.totalUsd).toBeCloseTo((stepOf(result, 'a')?.usd ?? 0) + result.orchestration.usd, 12);
  });

  it('bills a Fargate step at least a minute, by vCPU-h and GB-h', () => {
    const result = estimate({ name: 'box', steps: { model: { kind: 'container', image: 'public.ecr.aws/x/y:1', cpu: 2048, memoryMiB: 4096, estimatedDurationSeconds: 10 } } });

    expect(stepOf(result, 'model')?.fargate).toEqual({ vcpuHours: (2 * 60) / 3600, gbHours: (4 * 60) / 3600 });
    expect(stepOf(result, 'model')?.lambda).toBeUndefined();
  });

  it('counts a forEach step once per item, inside its Map, and each Parallel branch', () => {
    const graph: PipelineGraph = {
      name: 'fan',
      steps: {
        list: { kind: 'simulate' },
        each: { kind: 'simulate', dependsOn: ['list'], forEach: { from: 'list', items: 'items' } },
        other: { kind: 'simulate', dependsOn: ['list'] },
      },
    };

    // Its Map state and each item's Task.
    expect(stepOf(estimate(graph, 7), 'each')).toMatchObject({ runs: 7, transitions: 8, lambda: { requests: 7 } });
    expect(stepOf(estimate(graph, 7), 'other')).toMatchObject({ runs: 1, transitions: 1 });
    expect(estimate(graph, 7).assumptions).toContain('each: 7 items (--items)');
    expect(stepOf(estimate(graph), 'each')?.runs).toBe(100);
  });

  it('expects the attempts a declared failure rate gives, up to the retries, and bills each as a transition', () => {
    const graph: PipelineGraph = { name: 'flaky', steps: { f: { kind: 'simulate', failureRate: 0.5, retry: { maxAttempts: 3 } } } };

    expect(stepOf(estimate(graph), 'f')).toMatchObject({ runs: 1.75, transitions: 1.75 });
  });

  it('leaves out states only a failure reaches, and says what it does not count', () => {
    const graph: PipelineGraph = { name: 'soft', steps: { a: { kind: 'simulate', onFailure: 'continue' }, b: { kind: 'simulate', dependsOn: ['a'] } } };
    const result = estimate(graph);

    expect(result.steps.map((step) => step.transitions)).toEqual([1, 1]);
    expect(result.assumptions.join('\n')).toContain('S3, CloudWatch Logs and API Gateway are not included');
    expect(result.prices).toEqual({ region: 'us-east-1', asOf: PRICES.asOf, currency: 'USD' });
  });
});
