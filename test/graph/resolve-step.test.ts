/** A step's effective settings (lib/graph/resolve-step.ts): its own, else the graph's defaults, else its kind's. */
import { describe, expect, it } from 'vitest';
import { resolveStep } from '../../lib/graph/resolve-step';
import type { Step } from '../../lib/graph/schema';

const lambda: Step = { kind: 'lambda', handler: 'functions/x.ts' };

describe('resolveStep', () => {
  it("takes each kind's own defaults when neither the step nor the graph sets one", () => {
    expect(resolveStep({}, lambda)).toEqual({
      timeoutSeconds: 300,
      retry: { maxAttempts: 3, intervalSeconds: 1, backoffRate: 2 },
      onFailure: 'fail',
      estimatedSeconds: 1,
      memoryMiB: 512,
      pricing: { runsOn: 'lambda', memoryMiB: 512 },
    });
    expect(resolveStep({}, { kind: 'container', image: 'busybox' })).toMatchObject({
      timeoutSeconds: 3600,
      memoryMiB: 2048,
      estimatedSeconds: 60,
      pricing: { runsOn: 'fargate', memoryMiB: 2048, cpu: 1024 },
    });
    expect(resolveStep({}, { kind: 'simulate', durationMs: [1000, 3000] })).toMatchObject({ timeoutSeconds: 300, memoryMiB: 128, estimatedSeconds: 2 });
    // A service step's function sends the request and returns: its wait is not billed as Lambda time.
    expect(resolveStep({}, { kind: 'service', url: 'https://svc.example.org' })).toMatchObject({
      timeoutSeconds: 86_400,
      memoryMiB: 256,
      pricing: { runsOn: 'lambda', billedSecondsPerRun: 1 },
    });
    expect(resolveStep({}, { kind: 'pipeline', pipeline: 'child' })).toMatchObject({ timeoutSeconds: 86_400, memoryMiB: undefined, pricing: { runsOn: 'nothing' } });
  });

  it("prefers the graph's defaults to the kind's, and the step's own to both, field by field", () => {
    const defaults = { timeoutSeconds: 120, retry: { maxAttempts: 5, backoffRate: 3 }, onFailure: 'continue' as const };
    expect(resolveStep({ defaults }, lambda)).toMatchObject({ timeoutSeconds: 120, retry: { maxAttempts: 5, intervalSeconds: 1, backoffRate: 3 }, onFailure: 'continue' });
    const own: Step = { ...lambda, timeoutSeconds: 30, retry: { maxAttempts: 1 }, onFailure: 'fail', memoryMiB: 1024, estimatedDurationSeconds: 9 };
    expect(resolveStep({ defaults }, own)).toEqual({
      timeoutSeconds: 30,
      retry: { maxAttempts: 1, intervalSeconds: 1, backoffRate: 3 },
      onFailure: 'fail',
      estimatedSeconds: 9,
      memoryMiB: 1024,
      pricing: { runsOn: 'lambda', memoryMiB: 1024 },
    });
  });
});
