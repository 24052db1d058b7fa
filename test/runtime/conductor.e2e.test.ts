/**
 * The conductor over the local ledger (the run database) with an in-memory bucket: exactly one run
 * per (pipeline, key) however notifications arrive, never before the required types exist.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalKeyLedger } from '../../lib/local/triggers/key-ledger';
import { createConductor, type KeyedOutcome, keyedRunName } from '../../lib/runtime/keyed/conductor';
import { DynamoDbKeyLedger } from '../../lib/runtime/keyed/dynamodb-ledger';
import type { KeyLedger } from '../../lib/runtime/keyed/key-ledger';
import { dataItemOf, type KeyedTrigger, keyedTriggerOf } from '../../lib/runtime/keyed/keyed-trigger';
import { startDynalite } from '../helpers/dynalite';
import { seededRandom } from '../helpers/graphs';

const dynamo = await startDynalite('keys');
afterAll(() => dynamo.stop());

const PRODUCT: KeyedTrigger = defined(keyedTriggerOf('qpo-ecl', { mode: 'keyed', required: ['EclTmVhfAlert', 'EclHk'], optional: ['EclAux'] }));

function defined<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}

const localLedger = (): KeyLedger => new LocalKeyLedger(mkdtempSync(join(tmpdir(), 'orchestra-conductor-')));

function harness(triggers: readonly KeyedTrigger[], clock: { now: Date } = { now: new Date('2026-12-02T00:00:00Z') }, ledger: KeyLedger = localLedger()) {
  const bucket = new Map<string, string>();
  const runs = new Map<string, string>();
  const started: string[] = [];
  const scheduled: Array<{ pipeline: string; key: string; at: Date }> = [];
  const conductor = createConductor({
    triggers: () => triggers,
    bucket: 'data-bucket',
    list: async (prefix) => [...bucket].filter(([key]) => key.startsWith(prefix)).map(([key, etag]) => ({ key, etag })),
    ledger,
    scheduleCheck: async (pipeline, key, at) => {
      scheduled.push({ pipeline, key, at });
    },
    // Step Functions' name rule: a name starts one execution; the same name again is a duplicate.
    startRun: async (pipeline, runName, input) => {
      const id = `${pipeline}/${runName}`;
      if (runs.has(id)) return 'duplicate';
      runs.set(id, input);
      started.push(id);
      return 'started';
    },
    now: () => clock.now,
  });
  const put = (key: string, etag = 'e1') => {
    bucket.set(key, etag);
    return conductor.onObject(key, etag);
  };
  return { bucket, runs, started, scheduled, ledger, conductor, put, clock };
}

describe('dataItemOf', () => {
  it('reads <dataPrefix><type>/<key>/<file> and nothing else', () => {
    expect(dataItemOf('data/', 'data/EclTmVhfAlert/obs-001234/alert.fits')).toEqual({ type: 'EclTmVhfAlert', key: 'obs-001234' });
    expect(dataItemOf('data/', 'data/EclTmVhfAlert/obs-001234/sub/alert.fits')).toEqual({ type: 'EclTmVhfAlert', key: 'obs-001234' });
    for (const key of ['data/EclTmVhfAlert/obs-001234/', 'data/EclTmVhfAlert/alert.fits', 'ingest/EclTmVhfAlert/obs/a', 'data//obs/a'])
      expect(dataItemOf('data/', key)).toBeUndefined();
  });
});

describe('the conductor', () => {
  it('waits for every required type, then starts one run whose input names the key and every present input', async () => {
    const { put, runs } = harness([PRODUCT]);

    expect(await put('data/EclTmVhfAlert/obs-1/alert.fits')).toEqual([{ action: 'wait', pipeline: 'qpo-ecl', key: 'obs-1', missing: ['EclHk'] }]);
    await put('data/EclAux/obs-1/aux.fits', 'aux1');
    const [outcome] = await put('data/EclHk/obs-1/hk.fits', 'hk1');

    expect(outcome).toEqual({ action: 'start', pipeline: 'qpo-ecl', key: 'obs-1', runName: keyedRunName('qpo-ecl', 'obs-1', 'once') });
    expect(JSON.parse(defined(runs.get(`qpo-ecl/${keyedRunName('qpo-ecl', 'obs-1', 'once')}`)))).toEqual({
      source: 'keyed',
      bucket: 'data-bucket',
      key: 'obs-1',
      inputs: {
        EclTmVhfAlert: [{ key: 'data/EclTmVhfAlert/obs-1/alert.fits', etag: 'e1' }],
        EclHk: [{ key: 'data/EclHk/obs-1/hk.fits', etag: 'hk1' }],
        EclAux: [{ key: 'data/EclAux/obs-1/aux.fits', etag: 'aux1' }],
      },
    });
  });

  it("reports one start when two deliveries race and the one that lost the claim starts the run first, and it ends before the winner's start", async () => {
    const bucket = new Map([
      ['data/EclTmVhfAlert/obs-1/alert.fits', 'e1'],
      ['data/EclHk/obs-1/hk.fits', 'e2'],
    ]);
    const executions = new Set<string>();
    let releaseWinner: () => void = () => undefined;
    const loserStarted = new Promise<void>((resolve) => {
      releaseWinner = resolve;
    });
    let calls = 0;
    const conductor = createConductor({
      triggers: () => [PRODUCT],
      bucket: 'data-bucket',
      list: async (prefix) => [...bucket].filter(([key]) => key.startsWith(prefix)).map(([key, etag]) => ({ key, etag })),
      ledger: localLedger(),
      scheduleCheck: async () => undefined,
      // The claim's winner calls second: the loser's call started the run, which ended; the name is refused.
      startRun: async (_pipeline, runName) => {
        if (++calls === 1) await loserStarted;
        const outcome = executions.has(runName) ? 'duplicate' : 'started';
        executions.add(runName);
        releaseWinner();
        return outcome;
      },
    });
    const outcomes = (await Promise.all([conductor.onObject('data/EclHk/obs-1/hk.fits', 'e2'), conductor.onObject('data/EclTmVhfAlert/obs-1/alert.fits', 'e1')])).flat();
    expect(outcomes.map((o) => o.action).sort()).toEqual(['duplicate', 'start']);
    expect(executions.size).toBe(1);
  });

  it('reports an object no keyed pipeline takes, never dropping it silently', async () => {
    const { put } = harness([PRODUCT]);

    expect(await put('data/Unknown/obs-1/x.fits')).toEqual([
      { action: 'unrouted', objectKey: 'data/Unknown/obs-1/x.fits', reason: 'no keyed pipeline requires or accepts this data type (known types: EclAux, EclHk, EclTmVhfAlert)' },
    ]);
    expect((await put('elsewhere/x.fits'))[0]).toMatchObject({ action: 'unrouted', reason: expect.stringContaining('not a data item of any keyed pipeline') });
  });

  it.each([
    ['the run database', localLedger],
    ['DynamoDB', () => new DynamoDbKeyLedger(dynamo.client, 'keys')],
  ])(
    'over 200 keys with shuffled, duplicated and concurrent notifications starts exactly one run per complete key, none before its required types (ledger: %s)',
    async (_, ledgerOf) => {
      const { bucket, conductor, started, ledger } = harness([PRODUCT], undefined, ledgerOf());
      const random = seededRandom(7);
      const events: string[] = [];
      for (let i = 0; i < 200; i++) {
        const key = `obs-${String(i).padStart(4, '0')}`;
        events.push(`data/EclTmVhfAlert/${key}/alert.fits`, `data/EclAux/${key}/aux.fits`);
        // Every fifth key never gets its housekeeping: it must start nothing.
        if (i % 5 !== 0) events.push(`data/EclHk/${key}/hk.fits`);
      }
      // Each notification delivered 1–3 times, all shuffled; objects land just before their first notification.
      const deliveries = events.flatMap((event) => Array.from({ length: 1 + Math.floor(random() * 3) }, () => event));
      for (let i = deliveries.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [deliveries[i], deliveries[j]] = [defined(deliveries[j]), defined(deliveries[i])];
      }
      const outcomes: KeyedOutcome[] = [];
      // 16 at a time, like concurrent Lambda invocations.
      for (let i = 0; i < deliveries.length; i += 16) {
        const batch = deliveries.slice(i, i + 16);
        for (const key of batch) bucket.set(key, 'e1');
        outcomes.push(...(await Promise.all(batch.map((key) => conductor.onObject(key, 'e1')))).flat());
      }

      const complete = Array.from({ length: 200 }, (_, i) => i)
        .filter((i) => i % 5 !== 0)
        .map((i) => `qpo-ecl/${keyedRunName('qpo-ecl', `obs-${String(i).padStart(4, '0')}`, 'once')}`);
      expect([...started].sort()).toEqual(complete.sort());
      expect(outcomes.filter((o) => o.action === 'start')).toHaveLength(160);
      expect((await ledger.get('qpo-ecl', 'obs-0000'))?.claims).toEqual([]);
      expect(outcomes.filter((o) => o.action === 'unrouted')).toEqual([]);
    },
  );

  it('waits the grace window for optional types, then starts with what is there', async () => {
    const trigger = defined(keyedTriggerOf('graced', { mode: 'keyed', required: ['A'], optional: ['B'], optionalGraceSeconds: 60 }));
    const { put, conductor, scheduled, clock, runs } = harness([trigger]);

    expect(await put('data/A/k1/a')).toEqual([{ action: 'grace', pipeline: 'graced', key: 'k1', until: '2026-12-02T00:01:00.000Z' }]);
    expect(scheduled).toEqual([{ pipeline: 'graced', key: 'k1', at: new Date('2026-12-02T00:01:00.000Z') }]);
    clock.now = new Date('2026-12-02T00:01:00.000Z');
    const outcome = await conductor.check('graced', 'k1');

    expect(outcome).toMatchObject({ action: 'start' });
    expect(JSON.parse([...runs.values()][0] ?? '{}').inputs).toEqual({ A: [{ key: 'data/A/k1/a', etag: 'e1' }] });
  });

  it('starts at once when every optional type arrived within the grace window', async () => {
    const trigger = defined(keyedTriggerOf('graced', { mode: 'keyed', required: ['A'], optional: ['B'], optionalGraceSeconds: 60 }));
    const { put } = harness([trigger]);

    await put('data/A/k1/a');
    expect((await put('data/B/k1/b'))[0]).toMatchObject({ action: 'start' });
  });

  it('reports a key EXPIRED once, when its required types are still missing after expireAfterSeconds', async () => {
    const trigger = defined(keyedTriggerOf('expiring', { mode: 'keyed', required: ['A', 'B'], expireAfterSeconds: 3600 }));
    const { put, conductor, scheduled, clock, started } = harness([trigger]);

    await put('data/A/k1/a');
    expect(scheduled.at(-1)).toEqual({ pipeline: 'expiring', key: 'k1', at: new Date('2026-12-02T01:00:00.000Z') });
    clock.now = new Date('2026-12-02T01:00:00.000Z');

    expect(await conductor.check('expiring', 'k1')).toEqual({ action: 'expired', pipeline: 'expiring', key: 'k1', missing: ['B'] });
    expect(await conductor.check('expiring', 'k1')).toEqual({ action: 'wait', pipeline: 'expiring', key: 'k1', missing: ['B'] });
    expect(started).toEqual([]);
  });

  it('does not start a key that completes after it EXPIRED; a backfill runs it, and /keys then says READY (it ran beside EXPIRED: issue 29, item 13)', async () => {
    const trigger = defined(keyedTriggerOf('expiring', { mode: 'keyed', required: ['A', 'B'], expireAfterSeconds: 3600 }));
    const { put, conductor, clock, started, ledger } = harness([trigger]);
    await put('data/A/k2/a');
    clock.now = new Date('2026-12-02T01:00:00.000Z');
    await conductor.check('expiring', 'k2');

    clock.now = new Date('2026-12-02T02:00:00.000Z');
    expect(await put('data/B/k2/b')).toEqual([{ action: 'expired', pipeline: 'expiring', key: 'k2', missing: [], expiredAt: '2026-12-02T01:00:00.000Z' }]);
    expect(started).toEqual([]);
    expect((await ledger.get('expiring', 'k2'))?.readyAt).toBeUndefined();

    expect(await conductor.check('expiring', 'k2', 'backfill-1')).toMatchObject({ action: 'start' });
    expect(started).toHaveLength(1);
    expect(await ledger.get('expiring', 'k2')).toMatchObject({ expiredAt: '2026-12-02T01:00:00.000Z', readyAt: '2026-12-02T02:00:00.000Z' });
  });

  it("counts a key's expiry from when its first item landed in S3, not from when a backlog let it be decided (the expiry came late)", async () => {
    const trigger = defined(keyedTriggerOf('expiring', { mode: 'keyed', required: ['A', 'B'], expireAfterSeconds: 3600 }));
    const { bucket, conductor, clock } = harness([trigger]);
    clock.now = new Date('2026-12-02T05:00:00.000Z');
    bucket.set('data/A/k3/a', 'e1');

    // Landed at 03:00, decided at 05:00: already two hours past its first sight, so EXPIRED at once.
    expect(await conductor.onObject('data/A/k3/a', 'e1', '2026-12-02T03:00:00.000Z')).toEqual([{ action: 'expired', pipeline: 'expiring', key: 'k3', missing: ['B'] }]);
    // A time in the future (a skewed clock) counts as now.
    bucket.set('data/A/k4/a', 'e1');
    await conductor.onObject('data/A/k4/a', 'e1', '2027-01-01T00:00:00.000Z');
    expect((await conductor.check('expiring', 'k4')).action).toBe('wait');
  });

  it('runs a key again for a changed input only with reprocess "onNewVersion"', async () => {
    const once = defined(keyedTriggerOf('once', { mode: 'keyed', required: ['A'] }));
    const versioned = defined(keyedTriggerOf('versioned', { mode: 'keyed', required: ['A'], reprocess: 'onNewVersion' }));
    const { put, started } = harness([once, versioned]);

    await put('data/A/k1/a', 'v1');
    await put('data/A/k1/a', 'v1');
    await put('data/A/k1/a', 'v2');

    expect(started.filter((id) => id.startsWith('once/'))).toHaveLength(1);
    expect(started.filter((id) => id.startsWith('versioned/'))).toHaveLength(2);
  });

  it('counts a type present only once its marker file is there, when the trigger declares one', async () => {
    const trigger = defined(keyedTriggerOf('marked', { mode: 'keyed', required: ['A'], marker: '_READY' }));
    const { put } = harness([trigger]);

    expect((await put('data/A/k1/part-1'))[0]).toMatchObject({ action: 'wait', missing: ['A'] });
    expect((await put('data/A/k1/_READY'))[0]).toMatchObject({ action: 'start' });
  });
});
