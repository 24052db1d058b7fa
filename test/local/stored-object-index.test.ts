import { describe, expect, it } from 'vitest';
import { StoredObjectIndex } from '../../lib/local/storage/stored-object-index';

const keysOf = (index: StoredObjectIndex, prefix: string) => index.list(prefix).map((object) => object.key);

describe('the index of what the embedded S3 stores', () => {
  const index = new StoredObjectIndex();
  for (const key of ['data/A/k1/a', 'data/A/k10/a', 'data/A/k1/sub/b', 'data/B/k1/b', 'top', 'data/A/k2/a']) index.put(key, { etag: `e-${key}`, size: key.length });

  it('lists a folder with everything below it, in key order, with ETag and size', () => {
    expect(keysOf(index, 'data/A/k1/')).toEqual(['data/A/k1/a', 'data/A/k1/sub/b']);
    expect(index.list('data/B/')).toEqual([{ key: 'data/B/k1/b', etag: 'e-data/B/k1/b', size: 11 }]);
    expect(keysOf(index, '')).toEqual(['data/A/k1/a', 'data/A/k1/sub/b', 'data/A/k10/a', 'data/A/k2/a', 'data/B/k1/b', 'top']);
  });

  it('lists a prefix that is not a folder as S3 does: every key that starts with it', () => {
    expect(keysOf(index, 'data/A/k1')).toEqual(['data/A/k1/a', 'data/A/k1/sub/b', 'data/A/k10/a']);
    expect(keysOf(index, 'to')).toEqual(['top']);
    expect(keysOf(index, 'data/A/k1/a')).toEqual(['data/A/k1/a']);
    expect(keysOf(index, 'nothing/')).toEqual([]);
  });

  it('replaces an overwritten object and forgets a deleted one, folders included', () => {
    const own = new StoredObjectIndex();
    own.put('a/b/c', { etag: '1', size: 1 });
    own.put('a/b/c', { etag: '2', size: 2 });
    expect(own.list('a/')).toEqual([{ key: 'a/b/c', etag: '2', size: 2 }]);
    expect(own.size).toBe(1);
    own.delete('a/b/c');
    own.delete('a/b/c');
    expect(own.has('a/b/c')).toBe(false);
    expect(own.list('a/b/')).toEqual([]);
    expect(own.list('')).toEqual([]);
  });
});
