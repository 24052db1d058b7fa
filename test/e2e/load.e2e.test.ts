/** Load: 500 datasets (3 files each) uploaded concurrently start exactly 500 runs — none lost, none duplicated. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineGraph } from '../../lib/graph/schema';
import type { LocalRuntime } from '../../lib/local/runtime';
import { startTestRuntime, upload } from '../helpers/local-runtime';

const DATASETS = 500;
const FILES = ['a.csv', 'b.csv', 'params.json'];

const graph: PipelineGraph = {
  name: 'catalogue',
  trigger: { ingestPrefix: 'ingest/catalogue/', mode: 'dataset', requiredFiles: FILES },
  steps: { ingest: { kind: 'simulate' }, index: { kind: 'simulate', dependsOn: ['ingest'] } },
};

async function inPool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

describe(`${DATASETS} datasets uploaded concurrently`, () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime([graph]);
    const uploads = Array.from({ length: DATASETS }, (_, d) => FILES.map((file) => `ingest/catalogue/d${d}/${file}`)).flat();
    await inPool(uploads, 64, (key) => upload(runtime, key, `content of ${key}`));
    await runtime.idle();
  });
  afterAll(() => runtime.stop());

  it('start exactly one successful run per dataset', () => {
    const runs = runtime.store.list();
    const prefixes = new Set(runs.map((r) => r.input.prefix));

    expect(runs).toHaveLength(DATASETS);
    expect(prefixes.size).toBe(DATASETS);
    expect(runs.every((r) => r.status === 'SUCCEEDED' && r.input.keys?.length === FILES.length)).toBe(true);
  });

  it('start nothing more when every object is delivered again', async () => {
    const uploads = Array.from({ length: DATASETS }, (_, d) => FILES.map((file) => `ingest/catalogue/d${d}/${file}`)).flat();
    await inPool(uploads, 64, (key) => upload(runtime, key, `content of ${key}`));
    await runtime.idle();

    expect(runtime.store.list()).toHaveLength(DATASETS);
  });

  it('start a new run when a dataset is uploaded again with changed content', async () => {
    await upload(runtime, 'ingest/catalogue/d7/a.csv', 'corrected content');
    await runtime.idle();

    expect(runtime.store.list().filter((r) => r.input.prefix === 'ingest/catalogue/d7/')).toHaveLength(2);
  });
});
