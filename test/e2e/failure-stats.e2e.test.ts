/**
 * Failure behaviour at scale: 200 seeded runs of a 10-step chain whose steps fail 20 % of their
 * attempts, with 3 attempts each. The retry policy predicts a run succeeds with probability
 * (1 − 0.2³)¹⁰ ≈ 0.923; every run must end in a terminal status with the failing step recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineGraph } from '../../lib/graph/schema';
import type { RunRecord } from '../../lib/local/runs/run-record';
import type { LocalRuntime } from '../../lib/local/runtime';
import { defined } from '../../lib/shared/defined';
import { startTestRuntime } from '../helpers/local-runtime';

const RUNS = 200;
const STEPS = 10;
const FAILURE_RATE = 0.2;
const ATTEMPTS = 3;

const graph: PipelineGraph = {
  name: 'flaky-chain',
  defaults: { retry: { maxAttempts: ATTEMPTS, intervalSeconds: 1 } },
  steps: Object.fromEntries(
    Array.from({ length: STEPS }, (_, i) => [`step-${i}`, { kind: 'simulate' as const, failureRate: FAILURE_RATE, ...(i > 0 ? { dependsOn: [`step-${i - 1}`] } : {}) }]),
  ),
};

describe('200 seeded runs of a flaky pipeline', () => {
  let runtime: LocalRuntime;
  let runs: RunRecord[];

  beforeAll(async () => {
    runtime = await startTestRuntime([graph], { simulateSeed: 'failure-stats', retryDelayMs: 0 });
    const started = Array.from({ length: RUNS }, (_, i) => runtime.startRun(graph.name, { source: 'cli' }, { runId: `flaky-${i}` }));
    runs = await Promise.all(started.map((r) => runtime.waitForRun(r.runId)));
  });
  afterAll(() => runtime.stop());

  it('ends every run in a terminal status and loses none', () => {
    expect(runs).toHaveLength(RUNS);
    expect(runtime.store.list()).toHaveLength(RUNS);
    expect(runs.every((r) => r.status === 'SUCCEEDED' || r.status === 'FAILED')).toBe(true);
  });

  it('succeeds as often as the retry policy predicts', () => {
    const p = (1 - FAILURE_RATE ** ATTEMPTS) ** STEPS;
    const succeeded = runs.filter((r) => r.status === 'SUCCEEDED').length;
    const sd = Math.sqrt(RUNS * p * (1 - p));

    expect(Math.abs(succeeded - RUNS * p)).toBeLessThan(4 * sd);
  });

  it('fails attempts at the configured rate', () => {
    const attempts = runs.flatMap((r) => Object.values(r.steps)).reduce((n, s) => n + s.attempts, 0);
    const failedAttempts = runs
      .flatMap((r) => Object.values(r.steps))
      .reduce((n, s) => n + (s.status === 'SUCCEEDED' ? s.attempts - 1 : s.status === 'FAILED' ? s.attempts : 0), 0);
    const rate = failedAttempts / attempts;

    expect(Math.abs(rate - FAILURE_RATE)).toBeLessThan(4 * Math.sqrt((FAILURE_RATE * (1 - FAILURE_RATE)) / attempts));
  });

  it('records the failing step, its attempts and error in every failed run, and skips what follows', () => {
    for (const run of runs.filter((r) => r.status === 'FAILED')) {
      const failed = Object.entries(run.steps).filter(([, s]) => s.status === 'FAILED');

      expect(failed).toHaveLength(1);
      const [id, step] = defined(failed[0]);
      expect(step.attempts).toBe(ATTEMPTS);
      expect(step.error).toEqual({ error: 'Orchestra.Transient', cause: expect.stringContaining(`simulated failure of ${id}`) });
      expect(run.error?.error).toBe('Orchestra.Transient');
      const index = Number(id.split('-')[1]);
      for (let i = index + 1; i < STEPS; i++) expect(defined(run.steps[`step-${i}`]).status).toBe('SKIPPED');
    }
  });
});
