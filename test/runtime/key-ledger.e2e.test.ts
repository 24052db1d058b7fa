/** One contract, two ledgers: the run database (local) and DynamoDB (AWS, here dynalite). The first writer always wins. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalKeyLedger } from '../../lib/local/triggers/key-ledger';
import { arrivalSortKey, DynamoDbKeyLedger } from '../../lib/runtime/keyed/dynamodb-ledger';
import type { KeyLedger } from '../../lib/runtime/keyed/key-ledger';
import { startDynalite } from '../helpers/dynalite';

const dynamo = await startDynalite('keys');
afterAll(() => dynamo.stop());

const ledgers: Array<[string, () => KeyLedger]> = [
  ['run database', () => new LocalKeyLedger(mkdtempSync(join(tmpdir(), 'orchestra-ledger-')))],
  ['DynamoDB', () => new DynamoDbKeyLedger(dynamo.client, 'keys')],
];

describe.each(ledgers)('key ledger on the %s', (_, create) => {
  it('records arrivals once per object version and keeps the first time a key was seen', async () => {
    const ledger = create();
    const pipeline = `p-${Math.random()}`;
    const first = await ledger.recordArrival({ pipeline, key: 'k', type: 'A', objectKey: 'data/A/k/a', etag: 'e1', at: '2026-12-02T00:00:00.000Z' });
    await ledger.recordArrival({ pipeline, key: 'k', type: 'A', objectKey: 'data/A/k/a', etag: 'e1', at: '2026-12-02T00:00:05.000Z' });
    const later = await ledger.recordArrival({ pipeline, key: 'k', type: 'B', objectKey: 'data/B/k/b', etag: 'e2', at: '2026-12-02T00:00:09.000Z' });

    expect(first).toBe('2026-12-02T00:00:00.000Z');
    expect(later).toBe('2026-12-02T00:00:00.000Z');
    expect((await ledger.get(pipeline, 'k'))?.arrivals.map((a) => [a.type, a.etag, a.at])).toEqual([
      ['A', 'e1', '2026-12-02T00:00:00.000Z'],
      ['B', 'e2', '2026-12-02T00:00:09.000Z'],
    ]);
  });

  it("records an arrival whose object key is as long as S3 allows, once (its sort key was over DynamoDB's 1,024 bytes: issue 30)", async () => {
    const ledger = create();
    const objectKey = `data/A/k-long/${'é'.repeat(502)}.fits`;
    await ledger.recordArrival({ pipeline: 'p', key: 'k-long', type: 'A', objectKey, etag: 'e1', at: '2026-12-07T00:00:00.000Z' });
    await ledger.recordArrival({ pipeline: 'p', key: 'k-long', type: 'A', objectKey, etag: 'e1', at: '2026-12-07T00:01:00.000Z' });

    expect((await ledger.get('p', 'k-long'))?.arrivals).toEqual([expect.objectContaining({ objectKey, etag: 'e1', at: '2026-12-07T00:00:00.000Z' })]);
  });

  it('gives one of 20 concurrent claims the win and every caller that claim', async () => {
    const ledger = create();
    const pipeline = `p-${Math.random()}`;
    await ledger.recordArrival({ pipeline, key: 'k', type: 'A', objectKey: 'x', etag: 'e', at: '2026-12-02T00:00:00.000Z' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => ledger.claimRun({ pipeline, key: 'k', version: 'once', runName: `run-${i}`, input: `{"i":${i}}`, claimedAt: new Date().toISOString() })),
    );

    expect(results.filter((r) => r.won)).toHaveLength(1);
    expect(new Set(results.map((r) => `${r.claim.runName} ${r.claim.input}`)).size).toBe(1);
    expect((await ledger.get(pipeline, 'k'))?.claims.map((c) => c.runName)).toEqual([results[0]?.claim.runName]);
  });

  it('keeps the first ready time, and expires a key only when it never became ready, once', async () => {
    const ledger = create();
    const pipeline = `p-${Math.random()}`;
    await ledger.recordArrival({ pipeline, key: 'ready', type: 'A', objectKey: 'x', etag: 'e', at: '2026-12-02T00:00:00.000Z' });
    await ledger.recordArrival({ pipeline, key: 'late', type: 'A', objectKey: 'x', etag: 'e', at: '2026-12-02T00:00:00.000Z' });

    expect(await ledger.markReady(pipeline, 'ready', '2026-12-02T00:01:00.000Z')).toBe('2026-12-02T00:01:00.000Z');
    expect(await ledger.markReady(pipeline, 'ready', '2026-12-02T00:02:00.000Z')).toBe('2026-12-02T00:01:00.000Z');
    expect(await ledger.expire(pipeline, 'ready', '2026-12-02T01:00:00.000Z')).toBe(false);
    expect(await ledger.expire(pipeline, 'late', '2026-12-02T01:00:00.000Z')).toBe(true);
    expect(await ledger.expire(pipeline, 'late', '2026-12-02T01:00:01.000Z')).toBe(false);
    expect(await ledger.get(pipeline, 'late')).toMatchObject({ expiredAt: '2026-12-02T01:00:00.000Z', readyAt: undefined });
    expect(await ledger.get(pipeline, 'never-seen')).toBeUndefined();
  });
});

describe('arrivalSortKey', () => {
  it("fits DynamoDB's 1,024-byte sort keys for any object key S3 allows, one per object version; short ones keep their readable form (issue 30)", () => {
    const long = `data/A/k/${'é'.repeat(505)}`;
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(1024);
    const keys = [arrivalSortKey('A', long, 'e1'), arrivalSortKey('A', long, 'e2'), arrivalSortKey('B', long, 'e1')];
    expect(keys.map((key) => Buffer.byteLength(key) <= 1024)).toEqual([true, true, true]);
    expect(new Set(keys).size).toBe(3);
    expect(arrivalSortKey('A', 'data/A/k/a.fits', 'e1')).toBe('ARRIVAL#A#data/A/k/a.fits#e1');
  });
});
