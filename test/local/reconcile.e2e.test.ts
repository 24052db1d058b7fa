/** Issue 11, item 8: uploads stored while no runtime decided on them (a crash) start their runs at the next start, once. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import type { PipelineGraph } from '../../lib/graph/schema';
import { LocalRuntime } from '../../lib/local/runtime';
import { ROOT, upload } from '../helpers/local-runtime';

const graph: PipelineGraph = { name: 'each', trigger: { ingestPrefix: 'ingest/each/' }, steps: { a: { kind: 'simulate' } } };

describe('reconciling stored uploads at start', () => {
  it('starts a run for each upload nobody decided on, and nothing for ones already decided', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-reconcile-'));
    // A runtime that stores uploads but has no pipeline to decide for: as if it crashed before deciding.
    const crashed = await LocalRuntime.start({ dataDir });
    for (const name of ['a.csv', 'b.csv', 'c.csv']) await upload(crashed, `ingest/each/${name}`, name);
    await crashed.stop();

    const restarted = await LocalRuntime.start({ dataDir });
    restarted.addPipeline(pipelineFromGraph(graph, ROOT));
    const replayed: string[] = [];
    restarted.on((event) => {
      if (event.type === 'ingest' && event.replayed === true) replayed.push(`${event.key} ${event.decision.action}`);
    });
    await restarted.reconcileUploads();
    await restarted.idle();
    await restarted.reconcileUploads();
    await restarted.idle();
    const runs = restarted.store.list();
    await restarted.stop();

    expect(runs.map((run) => run.input.keys?.[0]).sort()).toEqual(['ingest/each/a.csv', 'ingest/each/b.csv', 'ingest/each/c.csv']);
    expect(runs.every((run) => run.status === 'SUCCEEDED')).toBe(true);
    expect(replayed.sort()).toEqual([
      'ingest/each/a.csv duplicate',
      'ingest/each/a.csv start',
      'ingest/each/b.csv duplicate',
      'ingest/each/b.csv start',
      'ingest/each/c.csv duplicate',
      'ingest/each/c.csv start',
    ]);
  });
});
