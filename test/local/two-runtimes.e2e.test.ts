/**
 * Regression: a second runtime started in the same process used to fail every S3-using step with
 * ECONNREFUSED to the first runtime's port (a cached S3 client and process.env). Each runtime's
 * handlers now get that runtime's environment.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../lib/local/runtime';
import { startTestRuntime } from '../helpers/local-runtime';

const graph = {
  name: 'writer',
  steps: { write: { kind: 'lambda' as const, handler: 'functions/flood/publish-manifest/index.ts' } },
};

describe('two local runtimes in one process', () => {
  const started: LocalRuntime[] = [];
  afterAll(async () => {
    await Promise.all(started.map((runtime) => runtime.stop()));
  });

  it('both run S3-using steps against their own embedded S3', async () => {
    const first = await startTestRuntime([graph]);
    started.push(first);
    const firstRun = await first.waitForRun(first.startRun('writer', { source: 'cli' }).runId);
    const second = await startTestRuntime([graph]);
    started.push(second);

    const secondRun = await second.waitForRun(second.startRun('writer', { source: 'cli' }).runId);
    const again = await first.waitForRun(first.startRun('writer', { source: 'cli' }).runId);

    expect(firstRun.status).toBe('SUCCEEDED');
    expect(secondRun.status).toBe('SUCCEEDED');
    expect(again.status).toBe('SUCCEEDED');
    expect(second.s3.endpoint).not.toBe(first.s3.endpoint);
    expect((await second.s3.listKeys(`runs/writer/${secondRun.runId}/write/`)).map((o) => o.key)).toEqual([`runs/writer/${secondRun.runId}/write/manifest.json`]);
    expect(await first.s3.listKeys(`runs/writer/${secondRun.runId}/`)).toEqual([]);
  });
});
