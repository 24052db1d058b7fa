/** Issue 11, item 12: one runtime per data folder; a lock left by a dead process is taken over. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalRuntime } from '../../lib/local/runtime';
import { DataDirInUseError } from '../../lib/local/storage/data-dir-lock';

describe('data folder lock', () => {
  it('refuses a second runtime on the same folder with what to do, and allows one once the first stopped', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-lock-'));
    const first = await LocalRuntime.start({ dataDir });

    await expect(LocalRuntime.start({ dataDir })).rejects.toThrow(DataDirInUseError);
    await expect(LocalRuntime.start({ dataDir })).rejects.toThrow(`${dataDir} is in use by another Orchestra process (pid ${process.pid}`);
    await first.stop();
    const again = await LocalRuntime.start({ dataDir });
    await again.stop();
  });

  it('takes over a lock whose process is gone (a crash or kill -9)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-lock-'));
    writeFileSync(join(dataDir, 'runtime.lock'), '2147483646');

    const runtime = await LocalRuntime.start({ dataDir });

    expect(runtime.activeRuns).toBe(0);
    await runtime.stop();
  });
});
