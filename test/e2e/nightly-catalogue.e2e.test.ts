/**
 * The nightly catalogue on the embedded runtime, as the schedule starts it: a sliding window of the
 * observations under observations/, three recognition codes as Distributed Maps over it, products
 * archived and verified with their scratch copies deleted, rows upserted into SQLite, the processed
 * index written last — and the same night run again processes nothing and changes nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTable } from '../../functions/catalogue/catalogue-store';
import { PROCESSED_INDEX_KEY } from '../../functions/catalogue/processed-index';
import type { LambdaStep, PipelineGraph } from '../../lib/graph/schema';
import type { RunRecord } from '../../lib/local/runs/run-record';
import { observationFiles } from '../../scripts/catalogue-example';
import { download, startTestRuntime, upload } from '../helpers/local-runtime';

const SCHEDULED = '2026-12-03T01:00:00.000Z';
const database = join(mkdtempSync(join(tmpdir(), 'orchestra-catalogue-')), 'catalogue.sqlite');
const archiving = (name: string, access: LambdaStep['access']): PipelineGraph => ({
  name,
  steps: {
    list: { kind: 'lambda', handler: 'test/fixtures/functions/items/list.ts', parameters: { count: 2, inS3: true } },
    recognise: { kind: 'lambda', handler: 'test/fixtures/functions/items/bad-product.ts', dependsOn: ['list'], forEach: { from: 'list', manifest: 'list' } },
    'upload-products': {
      kind: 'lambda',
      handler: 'functions/catalogue/upload-products/index.ts',
      dependsOn: ['recognise'],
      retry: { maxAttempts: 1 },
      parameters: { archive: 'tampered/' },
      ...(access === undefined ? {} : { access }),
    },
  },
});
const tampered = archiving('tampered-products', { read: ['tampered/'], write: ['tampered/'], delete: ['runs/tampered-products/{runId}/'] });
/** The same archiving step without its `access`: what the graph declares is what lets it archive (IAM is enforced locally). */
const undeclared = archiving('undeclared-products', undefined);
const runtime = await startTestRuntime(['state-machines/nightly-catalogue.graph.json', tampered, undeclared], { retryDelayMs: 1 });
afterAll(() => runtime.stop());

const night = async (): Promise<RunRecord> => runtime.waitForRun((await runtime.startRun('nightly-catalogue', { source: 'schedule', scheduledTime: SCHEDULED })).runId);
const resultOf = (record: RunRecord, step: string): Record<string, unknown> => {
  const event = runtime.store
    .readHistory(record.runId)
    .filter((e) => e.type === 'TaskStateExited' && e.stateExitedEventDetails?.name === step)
    .at(-1);
  return JSON.parse(event?.stateExitedEventDetails?.output ?? '{}').steps?.[step] ?? {};
};

describe('the nightly catalogue', () => {
  let first: RunRecord;
  let rowsAfterFirst: Array<Record<string, unknown>>;

  beforeAll(async () => {
    process.env['CATALOGUE_DB'] = database;
    // 90 days of observations up to the night itself: the window (60 to 1 days before) holds 60 of them.
    for (const [name, text] of Object.entries(observationFiles(new Date(SCHEDULED), 90))) await upload(runtime, `observations/${name}`, text);
    first = await night();
    rowsAfterFirst = readTable(database);
  }, 120_000);

  it('lists the window of not yet processed observations and runs every step', () => {
    expect(first.status).toBe('SUCCEEDED');
    expect(resultOf(first, 'list-window')).toMatchObject({ window: { from: '2026-10-04', to: '2026-12-02' }, new: 60, alreadyProcessed: 0, outsideWindow: 30 });
  });

  it('archives three verified products per observation and deletes every scratch copy', async () => {
    const archived = await runtime.s3.listKeys('catalogue/products/');
    expect(archived).toHaveLength(180);
    expect(archived.map(({ key }) => key)).toContain('catalogue/products/obs-20261202/periodicity.json');
    const scratch = (await runtime.s3.listKeys(`runs/nightly-catalogue/${first.runId}/`)).filter(({ key }) => /\/items\/\d+\//.test(key));
    expect(scratch).toEqual([]);
    const product = JSON.parse((await download(runtime, 'catalogue/products/obs-20261202/peaks.json')).toString());
    expect(product).toMatchObject({ obs_id: 'obs-20261202', code: 'peaks', values: [40, 120] });
  });

  it('upserts one row per product, keyed by its first column, and records the observations as processed last', async () => {
    expect(rowsAfterFirst).toHaveLength(180);
    expect(rowsAfterFirst[0]).toMatchObject({ product_id: 'obs-20261004/edges', obs_id: 'obs-20261004', code: 'edges', feature_count: expect.stringMatching(/^[1-9]\d*$/) });
    const index = JSON.parse((await download(runtime, PROCESSED_INDEX_KEY)).toString());
    expect(Object.keys(index)).toHaveLength(60);
    expect(index['obs-20261202']).toEqual({ runId: first.runId, at: expect.any(String) });
  });

  it('processes nothing new when the same night runs again, and leaves the table as it was', async () => {
    const again = await night();
    expect(again.status).toBe('SUCCEEDED');
    expect(resultOf(again, 'list-window')).toMatchObject({ new: 0, alreadyProcessed: 60 });
    expect(resultOf(again, 'insert-rows')).toMatchObject({ rows: 0, inserted: 0 });
    expect(readTable(database)).toEqual(rowsAfterFirst);
  });
});

describe('archiving products', () => {
  it("fails with AccessDenied where the graph does not grant the archive, as the deployed step's role would", async () => {
    const record = await runtime.waitForRun((await runtime.startRun('undeclared-products', { source: 'api' })).runId);
    expect(record.status).toBe('FAILED');
    expect(record.steps['upload-products']?.error?.cause).toContain(
      'is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::orchestra-data/tampered/obs-0/peaks.json"',
    );
    expect(record.steps['upload-products']?.error?.cause).toContain('add "tampered/obs-0/" to steps.upload-products.access.write');
  });

  it('refuses a copy whose checksum does not match what was produced, and keeps the scratch copy', async () => {
    const record = await runtime.waitForRun((await runtime.startRun('tampered-products', { source: 'api' })).runId);
    expect(record.status).toBe('FAILED');
    expect(record.steps['upload-products']?.error?.cause).toMatch(
      /tampered\/obs-0\/peaks\.json: SHA-256 [0-9a-f]{64} archived, 0{64} produced — scratch copy runs\/tampered-products\/.+\/recognise\/items\/0\/peaks\.json kept/,
    );
    expect((await runtime.s3.listKeys(`runs/tampered-products/${record.runId}/recognise/items/`)).map(({ key }) => key.split('/items/')[1])).toEqual([
      '0/peaks.json',
      '1/peaks.json',
    ]);
  });
});
