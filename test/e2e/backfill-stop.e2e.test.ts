/**
 * Issue 29, items 4–5: stopping the runtime (Ctrl-C on `orchestra up`) does not wait for a backfill to
 * finish — it works in slices, as on AWS, and stops after the current one — and a backfill left
 * RUNNING (stopped, or its process killed) goes on at the next start, nothing decided twice.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import type { PipelineGraph } from '../../lib/graph/schema';
import { LocalRuntime } from '../../lib/local/runtime';
import { readBackfill } from '../../lib/runtime/keyed/backfill';
import { ROOT } from '../helpers/local-runtime';

const graph: PipelineGraph = { name: 'slow-backfill', trigger: { mode: 'keyed', required: ['Alert'], reprocess: 'manual' }, steps: { make: { kind: 'simulate' } } };
const keys = Array.from({ length: 30 }, (_, i) => `obs-${i}`);

async function start(dataDir: string): Promise<LocalRuntime> {
  const runtime = await LocalRuntime.start({ dataDir });
  runtime.addPipeline(pipelineFromGraph(graph, ROOT));
  return runtime;
}

describe('a backfill when the runtime stops', () => {
  it('stops with it, leaving its progress RUNNING, and finishes after the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-backfill-stop-'));
    const first = await start(dataDir);
    const api = await first.serveRunsApi();
    // 30 decisions at 5 a second: six seconds of work.
    const answer = await fetch(`${api.url}/backfills`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keys, ratePerSecond: 5 }) });
    const { id } = (await answer.json()) as { id: string };
    await new Promise((resolve) => setTimeout(resolve, 500));
    await first.stop();

    const second = await start(dataDir);
    try {
      const stopped = await readBackfill(second.s3.client, second.s3.bucket, id);
      expect(stopped).toMatchObject({ status: 'RUNNING' });
      expect(stopped?.done).toBeLessThan(keys.length);

      await second.reconcileUploads();
      let record = stopped;
      while (record?.status === 'RUNNING') {
        await new Promise((resolve) => setTimeout(resolve, 200));
        record = await readBackfill(second.s3.client, second.s3.bucket, id);
      }
      expect(record).toMatchObject({ status: 'SUCCEEDED', done: keys.length, total: keys.length });
    } finally {
      await second.stop();
    }
  }, 60_000);
});
