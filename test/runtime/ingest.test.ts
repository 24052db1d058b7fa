import { describe, expect, it } from 'vitest';
import { decideIngest, type IngestTrigger, type ListedObject } from '../../lib/runtime/ingest';
import { objectCreatedFrom, toEventBridgeEvents } from '../../lib/runtime/upload-events';
import { defined } from '../../lib/shared/defined';

const dataset: IngestTrigger = { pipeline: 'flood', ingestPrefix: 'ingest/flood/', mode: 'dataset', requiredFiles: ['dem.asc', 'hydrograph.csv'] };
const listing = (objects: ListedObject[]) => async () => objects;
const object = (key: string, etag = 'e1') => ({ bucket: 'b', key, etag });

describe('upload → run decisions', () => {
  it('per-object mode starts one run per object, named after its key and content', async () => {
    const trigger: IngestTrigger = { pipeline: 'p', ingestPrefix: 'ingest/p/' };

    const first = await decideIngest(trigger, object('ingest/p/x.csv', 'aa'), listing([]));
    const again = await decideIngest(trigger, object('ingest/p/x.csv', 'aa'), listing([]));
    const changed = await decideIngest(trigger, object('ingest/p/x.csv', 'bb'), listing([]));

    expect(first).toMatchObject({ action: 'start', input: { source: 'upload', prefix: 'ingest/p/', keys: ['ingest/p/x.csv'] } });
    expect(first.action === 'start' && first.runName).toMatch(/^x-csv-[0-9a-f]{16}$/);
    expect(again).toEqual(first);
    expect(changed.action === 'start' && changed.runName).not.toBe(first.action === 'start' && first.runName);
  });

  it('never starts a run from where Orchestra writes, even for a trigger configured by hand (no run loop)', async () => {
    const looping: IngestTrigger = { pipeline: 'p', ingestPrefix: 'runs/' };

    const decision = await decideIngest(looping, object('runs/p/r1/step/out.json'), listing([]));

    expect(decision).toEqual({ action: 'reject', reason: 'runs/p/r1/step/out.json is under runs/, where Orchestra writes: a run started from it could start runs without end' });
  });

  it('dataset mode waits until every required file is present', async () => {
    const decision = await decideIngest(dataset, object('ingest/flood/v1/dem.asc'), listing([{ key: 'ingest/flood/v1/dem.asc', etag: 'e1' }]));

    expect(decision).toEqual({ action: 'wait', reason: 'dataset v1: waiting for hydrograph.csv' });
  });

  it('dataset mode starts once, with the same name whichever file completes the dataset', async () => {
    const all = listing([
      { key: 'ingest/flood/v1/dem.asc', etag: 'e1' },
      { key: 'ingest/flood/v1/hydrograph.csv', etag: 'e2' },
      { key: 'ingest/flood/v1/notes.txt', etag: 'e3' },
    ]);

    const viaDem = await decideIngest(dataset, object('ingest/flood/v1/dem.asc', 'e1'), all);
    const viaHydrograph = await decideIngest(dataset, object('ingest/flood/v1/hydrograph.csv', 'e2'), all);
    const viaOtherFile = await decideIngest(dataset, object('ingest/flood/v1/notes.txt', 'e3'), all);

    expect(viaDem).toMatchObject({
      action: 'start',
      input: { prefix: 'ingest/flood/v1/', keys: ['ingest/flood/v1/dem.asc', 'ingest/flood/v1/hydrograph.csv', 'ingest/flood/v1/notes.txt'] },
    });
    expect(viaHydrograph).toEqual(viaDem);
    expect(viaOtherFile.action).toBe('wait');
  });

  it('marker mode starts on the marker and rejects a marker that lands before the required files', async () => {
    const trigger: IngestTrigger = { ...dataset, marker: '_READY' };

    const early = await decideIngest(trigger, object('ingest/flood/v2/_READY'), listing([{ key: 'ingest/flood/v2/_READY' }]));
    const data = await decideIngest(trigger, object('ingest/flood/v2/dem.asc'), listing([]));

    expect(early).toEqual({ action: 'reject', reason: 'dataset v2: marker _READY landed but dem.asc, hydrograph.csv missing; upload them, then the marker again' });
    expect(data.action).toBe('wait');
  });

  it('rejects files put directly under the prefix in dataset mode, saying where they belong', async () => {
    const decision = await decideIngest(dataset, object('ingest/flood/dem.asc'), listing([]));

    expect(decision).toEqual({
      action: 'reject',
      reason: 'dataset mode: upload files into a folder per dataset, e.g. ingest/flood/<dataset>/dem.asc, not directly under ingest/flood/',
    });
  });

  it('translates S3 notification records into EventBridge "Object Created" events, dropping removals', () => {
    const events = toEventBridgeEvents([
      { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'ingest/p/my+file.csv', size: 3, eTag: 'abc', sequencer: '01' } } },
      { eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: 'b' }, object: { key: 'ingest/p/old.csv' } } },
    ]);

    expect(events).toEqual([
      {
        source: 'aws.s3',
        'detail-type': 'Object Created',
        detail: { bucket: { name: 'b' }, object: { key: 'ingest/p/my+file.csv', size: 3, etag: 'abc', sequencer: '01' }, reason: 'PutObject' },
      },
    ]);
    expect(objectCreatedFrom(defined(events[0]))).toEqual({ bucket: 'b', key: 'ingest/p/my+file.csv', size: 3, etag: 'abc', sequencer: '01' });
  });
});
