/**
 * The developer loop on the embedded runtime: a handler fixed while the runtime runs is the one the
 * next run and the redrive of the failed run call, with no restart; the runtime says it reloaded.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import type { RuntimeEvent } from '../../lib/local/runtime';
import { LocalRuntime } from '../../lib/local/runtime';
import { type TempProject, tempProject } from '../helpers/project';

const lab: TempProject = tempProject('loop');
const project = lab.dir;
let runtime: LocalRuntime;
const events: RuntimeEvent[] = [];

const saveHandler = (body: string, secondsLater: number): void => {
  lab.write('functions/parse/index.ts', `export const handler = async (event: { input: { value?: string } }) => {\n${body}\n};\n`, secondsLater);
};

beforeAll(async () => {
  saveHandler('  return { length: (event.input.value as unknown as { size: number }).size.toFixed(0) };', 0);
  runtime = await LocalRuntime.start({ dataDir: join(project, '.orchestra'), retryDelayMs: 1 });
  runtime.addPipeline(
    pipelineFromGraph(
      { name: 'loop', defaults: { retry: { maxAttempts: 2, intervalSeconds: 1 } }, steps: { parse: { kind: 'lambda', handler: 'functions/parse/index.ts' } } },
      project,
    ),
  );
  runtime.on((event) => events.push(event));
});

afterAll(async () => {
  await runtime.stop();
  lab.remove();
});

describe('a handler edited while the runtime runs', () => {
  it('fails the first run with the old code, then the next run and the redrive use the fix', async () => {
    const broken = await runtime.waitForRun(runtime.startRun('loop', { source: 'cli', value: 'abc' }).runId);
    expect(broken.status).toBe('FAILED');
    expect(broken.error?.error).toBe('TypeError');
    const usedBefore = broken.steps['parse']?.usage?.length ?? 0;
    expect(usedBefore).toBe(broken.steps['parse']?.attempts);

    saveHandler('  return { length: String(event.input.value ?? "").length };', 2);
    const next = await runtime.waitForRun(runtime.startRun('loop', { source: 'cli', value: 'abcd' }).runId);
    const redriven = await runtime.waitForRun(runtime.redriveRun(broken.runId).runId);

    expect([next.status, redriven.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    // What the attempts before the redrive used is kept beside the redrive's (their history is too).
    expect(redriven.steps['parse']?.usage).toHaveLength(usedBefore + 1);
    expect(events.filter((event) => event.type === 'handler-reloaded')).toEqual([
      { type: 'handler-reloaded', entry: join(project, 'functions', 'parse', 'index.ts'), hash: expect.stringMatching(/^[0-9a-f]{12}$/) },
    ]);
  });

  it('fails a step whose handler no longer bundles at once, without a retry', async () => {
    saveHandler('  return {', 4);

    const run = await runtime.waitForRun(runtime.startRun('loop', { source: 'cli' }).runId);

    expect(run.status).toBe('FAILED');
    expect(run.steps['parse']).toMatchObject({ attempts: 1, error: { error: 'Orchestra.Permanent', cause: expect.stringContaining('functions/parse/index.ts does not bundle') } });
  });
});
