/** Every deployed function, bundled as `cdk synth` bundles it, stays under budget and leaves the AWS SDK to the runtime. */

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, pipelineFromGraph } from '../../lib/catalogue';
import { functionEntriesOf } from '../../lib/cdk/function-entries';
import { BUNDLE_BUDGET_BYTES, type BundleReport, measureBundle } from '../../lib/cdk/step-bundles';
import { defined } from '../../lib/shared/defined';

const ROOT = join(import.meta.dirname, '..', '..');
// A keyed pipeline too, so the conductor is measured (the committed catalogue has none yet).
const keyed = pipelineFromGraph({ name: 'keyed', trigger: { mode: 'keyed', required: ['A'] }, steps: { a: { kind: 'simulate' } } }, ROOT);
const entries = functionEntriesOf([...loadCatalogue(ROOT), keyed]);

describe('Lambda bundles', () => {
  const reports = new Map<string, BundleReport>();

  beforeAll(async () => {
    for (const { label, entry } of entries) reports.set(label, await measureBundle(entry));
  });

  it('covers every deployed function', () => {
    expect([...reports.keys()]).toEqual([
      'flood/validate-inputs',
      'flood/df2d-to-raster',
      'flood/publish-manifest',
      'nightly-catalogue/list-window',
      'nightly-catalogue/recognise-peaks',
      'nightly-catalogue/recognise-edges',
      'nightly-catalogue/recognise-periodicity',
      'nightly-catalogue/upload-products',
      'nightly-catalogue/insert-rows',
      'nightly-catalogue/record-processed',
      'ingest-trigger',
      'keyed-conductor',
      'step-reuse',
      'run-provenance',
      'simulate-step',
      'runs-api',
    ]);
  });

  it.each(entries.map((e) => e.label))('%s is under 500 KB minified and bundles no AWS SDK', (label) => {
    const report = defined(reports.get(label));

    expect(report.bytes).toBeGreaterThan(1000);
    expect(report.bytes).toBeLessThan(BUNDLE_BUDGET_BYTES);
    expect(report.packages.map((p) => p.name).filter((name) => name.startsWith('@aws-sdk/') || name.startsWith('@smithy/'))).toEqual([]);
  });

  // Orchestra's own functions are small; the runs API carries its twenty routes, croner for schedules
  // and zod/mini for requests. Example handlers may carry their science (df2d-to-raster draws PNGs).
  const budgetOf = (label: string): number => (label === 'runs-api' ? 200 * 1024 : label.includes('/') ? 300 * 1024 : 100 * 1024);

  it.each(entries.map((e) => e.label))("%s is within its budget: Orchestra's own under 100 KB, the runs API 200 KB, example handlers 300 KB", (label) => {
    expect(defined(reports.get(label)).bytes).toBeLessThan(budgetOf(label));
  });

  it("bundles zod's mini build at most, never the full one (a value import of a schema module brought 443 KB into simulate-step)", () => {
    const zodBytes = [...reports].map(([label, report]) => [label, report.packages.find((p) => p.name === 'zod')?.bytes ?? 0] as const);
    expect(zodBytes.filter(([, bytes]) => bytes > 60 * 1024)).toEqual([]);
  });

  it('bundles middy and Powertools into the step handlers', () => {
    expect(defined(reports.get('flood/validate-inputs')).packages.map((p) => p.name)).toEqual(expect.arrayContaining(['@middy/core', '@aws-lambda-powertools/logger']));
  });
});
