/**
 * A container step on the embedded runtime: its process gets the Fargate environment, its output
 * lands in the run log, and a non-zero exit fails the step so Retry applies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineGraph } from '../../lib/graph/schema';
import type { LocalRuntime } from '../../lib/local/runtime';
import { defined } from '../../lib/shared/defined';
import { startTestRuntime } from '../helpers/local-runtime';

const script = (body: string): string[] => ['node', '-e', body];

const graph: PipelineGraph = {
  name: 'containers',
  steps: {
    prepare: { kind: 'simulate', output: { ok: true } },
    echo: {
      kind: 'container',
      image: './containers/none',
      dependsOn: ['prepare'],
      local: { command: script("console.log('from the container', process.env.ORCHESTRA_STEP, process.env.ORCHESTRA_OUTPUT_PREFIX, process.env.ORCHESTRA_DEPENDENCY_PREPARE)") },
    },
  },
};

const failing: PipelineGraph = {
  name: 'failing-container',
  steps: {
    crash: {
      kind: 'container',
      image: './containers/none',
      retry: { maxAttempts: 2, intervalSeconds: 1 },
      local: { command: script("console.error('model diverged'); process.exit(3)") },
    },
  },
};

describe('container steps on the embedded runtime', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime([graph, failing], { retryDelayMs: 1 });
  });
  afterAll(() => runtime.stop());

  it('passes the Fargate environment and records the output in the run log', async () => {
    const run = await runtime.waitForRun(runtime.startRun('containers', { source: 'cli' }, { runId: 'env-check' }).runId);
    const lines = runtime.store
      .readLog(run.runId)
      .filter((e) => e.step === 'echo')
      .map((e) => e.message);

    expect(run.status).toBe('SUCCEEDED');
    expect(lines).toContainEqual(expect.stringContaining('from the container echo runs/containers/env-check/echo/ {"ok":true}'));
  });

  it('fails the step on a non-zero exit, after its retries, with the process output in the log', async () => {
    const run = await runtime.waitForRun(runtime.startRun('failing-container', { source: 'cli' }).runId);

    expect(run.status).toBe('FAILED');
    expect(run.steps['crash']).toMatchObject({ status: 'FAILED', attempts: 2 });
    expect(defined(run.steps['crash']).error).toMatchObject({ error: 'States.TaskFailed', cause: expect.stringContaining('container exited with code 3: model diverged') });
    expect(
      runtime.store
        .readLog(run.runId)
        .filter((e) => e.stream === 'stderr')
        .map((e) => [e.attempt, e.message]),
    ).toEqual([
      [1, 'model diverged'],
      [2, 'model diverged'],
    ]);
  });
});
