/** Fuzz of the embedded S3's key encoding with hostile keys: reversible, prefix-preserving, never a "." or ".." path segment. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeKeyPath, encodeKeyPath } from '../../lib/local/storage/s3rver-guards';

const hostileKey = fc.string({ unit: fc.constantFrom('.', '/', '&', '+', '%', '2', 'e', 'a', ' ', '\\', '_'), minLength: 1, maxLength: 24 });

describe('embedded S3 key encoding', () => {
  it('is reversible, keeps every prefix a prefix, and never yields a "." or ".." segment', () => {
    fc.assert(
      fc.property(hostileKey, (key) => {
        const encoded = encodeKeyPath(key);

        expect(decodeKeyPath(encoded)).toBe(key);
        expect(encoded.split('/').filter((segment) => segment === '.' || segment === '..')).toEqual([]);
        for (let i = 0; i <= key.length; i++) expect(encoded.startsWith(encodeKeyPath(key.slice(0, i)))).toBe(true);
      }),
      { numRuns: 2000, seed: 11 },
    );
  });

  it('maps different keys to different paths', () => {
    fc.assert(
      fc.property(hostileKey, hostileKey, (a, b) => {
        fc.pre(a !== b);
        expect(encodeKeyPath(a)).not.toBe(encodeKeyPath(b));
      }),
      { numRuns: 2000, seed: 12 },
    );
  });
});
