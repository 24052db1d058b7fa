/** A hundred saves of a handler under `orchestra up` keep one copy of it in memory, not a hundred (measured: 10.8 MB of heap after 100 reloads of a 2 MB handler; 211 MB when the old bundles were kept). */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

describe('reloading a handler', () => {
  it('lets the previous bundle be collected: the heap after 100 reloads of a 2 MB handler is within 40 MB of the first', () => {
    const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(ROOT, 'test', 'fixtures', 'reload', 'memory.ts'), '100'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const { heap } = JSON.parse(output.trim().split('\n').pop() ?? '{}') as { heap: number[] };
    const first = heap[1] ?? Number.NaN;
    const last = heap.at(-1) ?? Number.NaN;

    expect(heap).toHaveLength(11);
    // Kept, 100 copies would hold 200 MB.
    expect((last - first) / 2 ** 20).toBeLessThan(40);
  }, 120_000);
});
