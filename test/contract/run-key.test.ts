/** What `GET /runs?key=` matches (issue 29, item 3: it matched substrings), and that the triggers' run names fit it. */
import { describe, expect, it } from 'vitest';
import { apiRunName, nameMayBeFor, runIsFor, startModeOf } from '../../lib/contract/run-key';
import { decideIngest } from '../../lib/runtime/ingest';
import { keyedRunName } from '../../lib/runtime/keyed/conductor';

describe('runIsFor', () => {
  it("matches a keyed run's observation id exactly: never a longer id, a shorter one or one containing it", () => {
    const input = { source: 'keyed', key: 'obs-1', prefix: 'data/' };
    expect(runIsFor(input, 'keyed', 'obs-1')).toBe(true);
    for (const other of ['obs-10', 'xobs-1', 'obs-', 'data/']) expect(runIsFor(input, 'keyed', other)).toBe(false);
  });

  it("matches a per-object run's object key, not its folder; a dataset run's folder, with or without the final slash, not its files", () => {
    const object = { source: 'upload', prefix: 'ingest/a/', keys: ['ingest/a/x.tif'] };
    expect(runIsFor(object, 'per-object', 'ingest/a/x.tif')).toBe(true);
    expect(runIsFor(object, 'per-object', 'ingest/a/')).toBe(false);
    const dataset = { source: 'upload', prefix: 'ingest/a/d1/', keys: ['ingest/a/d1/x.csv'] };
    expect(runIsFor(dataset, 'dataset', 'ingest/a/d1/')).toBe(true);
    expect(runIsFor(dataset, 'dataset', 'ingest/a/d1')).toBe(true);
    expect(runIsFor(dataset, 'dataset', 'ingest/a/d1/x.csv')).toBe(false);
    expect(runIsFor(dataset, 'dataset', 'ingest/a/d')).toBe(false);
  });

  it('matches any key a hand-started run of a pipeline without trigger names, and nothing for input that is no object', () => {
    expect(runIsFor({ key: 'k' }, undefined, 'k')).toBe(true);
    expect(runIsFor({ keys: ['a/b'] }, undefined, 'a/b')).toBe(true);
    expect(runIsFor({ prefix: 'a/' }, undefined, 'a')).toBe(true);
    expect(runIsFor(['k'], undefined, 'k')).toBe(false);
    expect(runIsFor(null, undefined, 'k')).toBe(false);
  });
});

describe('nameMayBeFor', () => {
  it('fits the names the triggers and the API give, and no name of a longer key', async () => {
    const keyed = keyedRunName('p', 'obs-1', 'once');
    expect(nameMayBeFor(keyed, 'obs-1')).toBe(true);
    expect(nameMayBeFor(keyed, 'obs-10')).toBe(false);
    expect(nameMayBeFor(keyedRunName('p', 'obs-10', 'once'), 'obs-1')).toBe(false);
    const upload = { bucket: 'b', key: 'ingest/a/scan 1.tif', etag: 'e' };
    const perObject = await decideIngest({ pipeline: 'p', ingestPrefix: 'ingest/a/' }, upload, async () => []);
    expect(perObject.action === 'start' && nameMayBeFor(perObject.runName, 'ingest/a/scan 1.tif')).toBe(true);
    const dataset = await decideIngest(
      { pipeline: 'p', ingestPrefix: 'ingest/a/', mode: 'dataset', requiredFiles: ['x.csv'] },
      { bucket: 'b', key: 'ingest/a/d1/x.csv' },
      async () => [{ key: 'ingest/a/d1/x.csv', etag: 'e' }],
    );
    expect(dataset.action === 'start' && nameMayBeFor(dataset.runName, 'ingest/a/d1/')).toBe(true);
    expect(nameMayBeFor(apiRunName({ prefix: 'cases/valley/' }, undefined) ?? '', 'cases/valley/')).toBe(true);
  });

  it('refuses names not of the shape <stem>-<16 hex>: a caller-chosen id is found by its id', () => {
    expect(nameMayBeFor('obs-1-night', 'obs-1')).toBe(false);
    expect(nameMayBeFor('obs-1', 'obs-1')).toBe(false);
    expect(apiRunName({}, undefined)).toBeUndefined();
  });
});

describe('startModeOf', () => {
  it('reads the mode from what the runs API says of a trigger', () => {
    expect(startModeOf({ mode: 'keyed' })).toBe('keyed');
    expect(startModeOf({ ingestPrefix: 'i/' })).toBe('per-object');
    expect(startModeOf({ ingestPrefix: 'i/', mode: 'dataset' })).toBe('dataset');
    expect(startModeOf({ schedule: 'rate(1 day)' } as { mode?: string })).toBeUndefined();
    expect(startModeOf(undefined)).toBeUndefined();
  });
});
