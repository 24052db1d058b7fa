/** The step-reuse function's pure parts: what changed between two fingerprints, results rebased onto a new run. */
import { describe, expect, it } from 'vitest';
import { changesBetween } from '../../functions/step-reuse';
import { digestOf } from '../../functions/step-reuse/fingerprint';
import { rebased } from '../../functions/step-reuse/objects';

describe('changesBetween', () => {
  it('names each part that changed, appeared or went, in the order of the new fingerprint then the old', () => {
    const before = { spec: 's', code: 'c1', 'input file a.txt': 'x', 'input file old.txt': 'o' };
    const after = { spec: 's', code: 'c2', 'input file a.txt': 'x', 'input file new.txt': 'n' };
    expect(changesBetween(before, after)).toEqual([
      { part: 'code', change: 'changed', before: 'c1', after: 'c2' },
      { part: 'input file new.txt', change: 'added', after: 'n' },
      { part: 'input file old.txt', change: 'removed', before: 'o' },
    ]);
    expect(changesBetween(after, after)).toEqual([]);
  });
});

describe('rebased', () => {
  it("moves every key under the old run's folder to the new run's, at any depth, and nothing else", () => {
    const result = { map: 'runs/flood/r1/df2d/map.png', snapshots: ['runs/flood/r1/run-model/res/a.dat'], other: 'runs/flood/r10/x', n: 3, input: 'ingest/flood/v/' };
    expect(rebased(result, 'runs/flood/r1/', 'runs/flood/r2/')).toEqual({
      map: 'runs/flood/r2/df2d/map.png',
      snapshots: ['runs/flood/r2/run-model/res/a.dat'],
      other: 'runs/flood/r10/x',
      n: 3,
      input: 'ingest/flood/v/',
    });
  });
});

describe('digestOf', () => {
  it('does not depend on key order', () => {
    expect(digestOf({ a: 1, b: { c: 2, d: 3 } })).toBe(digestOf({ b: { d: 3, c: 2 }, a: 1 }));
    expect(digestOf({ a: 1 })).not.toBe(digestOf({ a: 2 }));
  });
});
