/**
 * S3's "Object Created" events through EventBridge (fixture: the shape AWS documents), with object keys
 * as S3 event notifications write them — URL-encoded, a space as "+" — and as given raw: the deployed
 * ingest trigger and keyed conductor start the run for the object that exists, whichever form the key
 * came in (issue 30: a key with a space, "+", ":" or non-ASCII never started a run).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createIngestTrigger } from '../../functions/ingest-trigger';
import { createKeyedConductor } from '../../functions/keyed-conductor';
import { localStateMachineArn } from '../../lib/local/engine/bindings';
import { LocalKeyLedger } from '../../lib/local/triggers/key-ledger';
import { keyedTriggersOf } from '../../lib/local/triggers/keyed-router';
import { ingestTriggerOf } from '../../lib/runtime/ingest';
import { type ObjectCreated, resolveEventKey } from '../../lib/runtime/upload-events';
import { startTestRuntime, upload } from '../helpers/local-runtime';

const FIXTURE = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'events', 's3-object-created.json'), 'utf8'));
const eventFor = (bucket: string, key: string) => ({ ...FIXTURE, detail: { ...FIXTURE.detail, bucket: { name: bucket }, object: { ...FIXTURE.detail.object, key } } });

describe('resolveEventKey', () => {
  const object = (key: string): ObjectCreated => ({ bucket: 'b', key });
  const existing =
    (...keys: string[]) =>
    async (key: string) =>
      keys.includes(key);

  it.each([
    ['a space, encoded as +', 'ingest/a/my+scan.tif', ['ingest/a/my scan.tif'], 'ingest/a/my scan.tif'],
    ['":" and non-ASCII, percent-encoded', 'ingest/a/t%3A12%C3%A9.tif', ['ingest/a/t:12é.tif'], 'ingest/a/t:12é.tif'],
    ['a real "+" sent raw', 'ingest/a/a+b.tif', ['ingest/a/a+b.tif'], 'ingest/a/a+b.tif'],
    ['a real "%41" sent raw', 'ingest/a/100%41.tif', ['ingest/a/100%41.tif'], 'ingest/a/100%41.tif'],
    ['both there: the decoded one', 'ingest/a/a+b.tif', ['ingest/a/a b.tif', 'ingest/a/a+b.tif'], 'ingest/a/a b.tif'],
    ['neither there (deleted since): the decoded one', 'ingest/a/x+y.tif', [], 'ingest/a/x y.tif'],
    ['malformed escapes: as given', 'ingest/a/100%.tif', [], 'ingest/a/100%.tif'],
  ])('%s', async (_what, key, present, expected) => {
    expect((await resolveEventKey(object(key), existing(...present))).key).toBe(expected);
  });

  it('asks nothing when decoding changes nothing', async () => {
    const asked: string[] = [];
    await resolveEventKey(object('ingest/a/plain.tif'), async (key) => {
      asked.push(key);
      return true;
    });
    expect(asked).toEqual([]);
  });
});

const runtime = await startTestRuntime([
  { name: 'scans', trigger: { ingestPrefix: 'ingest/scans/' }, steps: { only: { kind: 'simulate' } } },
  { name: 'products', trigger: { mode: 'keyed', required: ['A', 'B'], dataPrefix: 'items/' }, steps: { make: { kind: 'simulate' } } },
]);
afterAll(() => runtime.stop());

describe('the deployed ingest trigger, on events shaped as AWS sends them', () => {
  const trigger = createIngestTrigger({
    s3: runtime.s3.client,
    sfn: runtime.sfn,
    configuration: () => ({
      trigger: ingestTriggerOf('scans', { ingestPrefix: 'ingest/scans/' }) ?? { pipeline: 'scans', ingestPrefix: 'ingest/scans/' },
      stateMachineArn: localStateMachineArn('scans'),
    }),
    logger: { info: () => undefined, warn: () => undefined },
  });

  it.each([
    ['encoded', 'ingest/scans/night 1/t:12é.tif', 'ingest/scans/night+1/t%3A12%C3%A9.tif'],
    ['raw, with a real "+"', 'ingest/scans/a+b.tif', 'ingest/scans/a+b.tif'],
  ])('starts the run for the object, its key %s', async (_form, stored, sent) => {
    await upload(runtime, stored, 'x');
    await runtime.idle();

    const outcome = await trigger(eventFor(runtime.s3.bucket, sent));

    expect(['start', 'duplicate']).toContain(outcome.action);
    const run = await runtime.waitForRun(outcome.runName ?? '');
    expect(run.input).toMatchObject({ keys: [stored] });
  });
});

describe('the deployed keyed conductor, on events shaped as AWS sends them', () => {
  it('reads the observation id of an encoded key as the one its objects are stored under', async () => {
    const conductor = createKeyedConductor({
      s3: runtime.s3.client,
      sfn: runtime.sfn,
      ledger: new LocalKeyLedger(mkdtempSync(join(tmpdir(), 'orchestra-encoded-'))),
      scheduleCheck: async () => undefined,
      configuration: () => ({ triggers: keyedTriggersOf(runtime.pipelines), awaited: [], stateMachineArnOf: localStateMachineArn }),
      logger: { info: () => undefined, warn: () => undefined },
    });
    await upload(runtime, 'items/A/obs 7/a.fits', 'a');
    await upload(runtime, 'items/B/obs 7/b.fits', 'b');
    await runtime.idle();

    const outcomes = await conductor(eventFor(runtime.s3.bucket, 'items/B/obs+7/b.fits'));

    expect(outcomes).toEqual([expect.objectContaining({ pipeline: 'products', key: 'obs 7' })]);
    expect(['start', 'duplicate']).toContain(outcomes[0]?.action);
  });
});
