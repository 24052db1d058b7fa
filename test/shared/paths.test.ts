import { describe, expect, it } from 'vitest';
import { isInside } from '../../lib/shared/paths';

describe('isInside', () => {
  it.each([
    ['a/b.ts', true],
    ['..evil/index.ts', true],
    ['.', true],
    ['..', false],
    ['../x', false],
    ['a/../../x', false],
    ['/etc', false],
    ['/root/a', true],
  ])('%s inside /root is %s', (path, inside) => {
    expect(isInside('/root', path)).toBe(inside);
  });
});
