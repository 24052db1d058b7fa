/** The ingest router decides on uploads in the background, a bounded number at once. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import { RuntimeEvents } from '../../lib/local/runs/runtime-events';
import { IngestRouter, MAX_CONCURRENT_DECISIONS } from '../../lib/local/triggers/ingest-router';

const ROOT = join(import.meta.dirname, '..', '..');

describe('IngestRouter', () => {
  it(`replays 500 stored uploads with at most ${MAX_CONCURRENT_DECISIONS} decisions at once, deciding on each`, async () => {
    const pipeline = pipelineFromGraph({ name: 'p', trigger: { ingestPrefix: 'ingest/p/' }, steps: { a: { kind: 'simulate' } } }, ROOT);
    const stored = Array.from({ length: 500 }, (_, i) => ({ key: `ingest/p/${i}.csv`, etag: `e${i}` }));
    let inFlight = 0;
    let most = 0;
    let decided = 0;
    const router = new IngestRouter(
      () => [pipeline],
      async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
        decided++;
        return { action: 'duplicate', runName: 'r' };
      },
      new RuntimeEvents(),
      async (prefix) => stored.filter((object) => object.key.startsWith(prefix)),
    );

    await router.replayStored('bucket');

    expect(decided).toBe(500);
    expect(most).toBe(MAX_CONCURRENT_DECISIONS);
  });
});
