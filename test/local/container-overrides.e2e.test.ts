/**
 * ECS refuses a RunTask whose container overrides' JSON is over 8,192 characters; the run input and
 * dependency results travel there, so a large input failed only on AWS. Locally the step fails the same
 * way, with the name the runTask integration reports (issue 30).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestRuntime } from '../helpers/local-runtime';

const runtime = await startTestRuntime(
  [{ name: 'boxed', steps: { run: { kind: 'container', image: 'x', retry: { maxAttempts: 1 }, local: { command: ['node', '-e', 'process.exit(0)'] } } } }],
  { retryDelayMs: 1 },
);
afterAll(() => runtime.stop());

describe('a container step given more than ECS takes in its overrides', () => {
  it('fails with ECS.InvalidParameterException, saying how to pass large inputs; a small input runs', async () => {
    const big = await runtime.waitForRun(runtime.startRun('boxed', { source: 'api', notes: 'x'.repeat(9000) }).runId);
    const small = await runtime.waitForRun(runtime.startRun('boxed', { source: 'api', notes: 'x'.repeat(100) }).runId);

    expect(big.steps['run']).toMatchObject({ status: 'FAILED', error: { error: 'ECS.InvalidParameterException' } });
    expect(big.steps['run']?.error?.cause).toContain('Container Overrides length must be at most 8192');
    expect(small.status).toBe('SUCCEEDED');
  });
});
