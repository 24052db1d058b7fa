/**
 * The example product graph, imported with the simulated provider and served by the embedded runtime:
 * base inputs uploaded for 12 observation ids; every product whose mandatory inputs exist runs exactly
 * once per id and succeeds (retries allowed), products feed products over three levels, and none
 * starts for an id missing a mandatory input.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import { importProducts } from '../../lib/importers/products';
import type { RunRecord } from '../../lib/local/runs/run-record';
import { cli } from '../helpers/cli';
import { ROOT, startTestRuntime, upload } from '../helpers/local-runtime';
import { startUp } from '../helpers/up-process';

const { graphs } = importProducts(JSON.parse(readFileSync(join(ROOT, 'examples', 'products', 'products.json'), 'utf8')), { simulate: true });
// Milliseconds instead of seconds of simulated work, and enough retries that a 0.2 failure rate never
// exhausts them (0.2^8); the imported 3 attempts fail a product run 0.8% of the time.
for (const graph of graphs) {
  for (const step of Object.values(graph.steps)) {
    if (step.kind !== 'simulate') continue;
    step.durationMs = [5, 30];
    step.retry = { maxAttempts: 8, intervalSeconds: 1 };
  }
}
const runtime = await startTestRuntime([], { simulateSeed: 'products', retryDelayMs: 1 });
for (const graph of graphs) runtime.addPipeline(pipelineFromGraph(graph, ROOT));
afterAll(() => runtime.stop());

describe('the example product graph on the embedded runtime', () => {
  it('runs each product once per observation id after its mandatory inputs, through three levels', async () => {
    const finished: RunRecord[] = [];
    runtime.on((event) => {
      if (event.type === 'run-finished') finished.push(event.run);
    });
    const ids = Array.from({ length: 12 }, (_, i) => `obs-${i}`);
    // obs-11 never gets its MXT image: MXT_SRC, XRAY_CAT and BURST_REPORT must not run for it.
    const uploads = ids.flatMap((id) =>
      ['EclTmVhfAlert', 'EclHk', 'EclAux', 'GrmTrigger', ...(id === 'obs-11' ? [] : ['MxtImage'])].map((type) => `data/${type}/${id}/${type}.fits`),
    );
    await Promise.all(uploads.map((key) => upload(runtime, key, key)));
    // Products land as data items and start products after them: wait until nothing moves.
    for (let quiet = 0; quiet < 3; ) {
      const before = finished.length;
      await runtime.idle();
      await new Promise((resolve) => setTimeout(resolve, 200));
      quiet = finished.length === before && runtime.activeRuns === 0 ? quiet + 1 : 0;
    }

    const runsOf = (product: string) => finished.filter((run) => run.pipeline === product);
    for (const product of ['QPO_ECL', 'GRB_LC', 'GRB_SPEC'])
      expect(
        runsOf(product)
          .map((run) => run.input['key'])
          .sort(),
      ).toEqual([...ids].sort());
    for (const product of ['MXT_SRC', 'XRAY_CAT', 'BURST_REPORT'])
      expect(
        runsOf(product)
          .map((run) => run.input['key'])
          .sort(),
      ).toEqual(ids.filter((id) => id !== 'obs-11').sort());
    expect(finished.filter((run) => run.status !== 'SUCCEEDED')).toEqual([]);
    // Some attempts failed (failureRate 0.2) and were retried.
    expect(finished.some((run) => Object.values(run.steps).some((step) => step.attempts > 1))).toBe(true);
    const report = runsOf('BURST_REPORT').find((run) => run.input['key'] === 'obs-0');
    expect(Object.keys((report?.input['inputs'] ?? {}) as object).sort()).toEqual(['GRB_SPEC', 'QPO_ECL', 'XRAY_CAT']);
  });
});

describe('the README path: import, then orchestra up --pipelines', () => {
  it('imports the example, serves it, and runs the three levels for an observation whose inputs are uploaded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-products-up-'));
    const imported = await cli('import', 'products', join(ROOT, 'examples', 'products', 'products.json'), '-o', join(dir, 'products'), '--simulate');
    expect(imported.code).toBe(0);
    const up = await startUp(join(dir, 'data'), ['--pipelines', join(dir, 'products'), '--simulate-seed', 'readme']);
    try {
      const client = up.s3();
      for (const type of ['EclTmVhfAlert', 'EclHk', 'GrmTrigger', 'MxtImage'])
        await client.send(new PutObjectCommand({ Bucket: 'orchestra-data', Key: `data/${type}/obs-1/${type}.fits`, Body: type }));
      client.destroy();
      // The last level ends one way or the other (seeded: it succeeds).
      await up.until(/[✔✖] BURST_REPORT/);

      expect(up.printed()).toMatch(/◆ QPO_ECL obs-1: every required input is here/);
      expect(up.printed()).toMatch(/◆ BURST_REPORT obs-1: every required input is here/);
      expect(up.printed()).toMatch(/✔ BURST_REPORT \S+ SUCCEEDED/);
    } finally {
      await up.stop();
    }
  }, 120_000);
});
