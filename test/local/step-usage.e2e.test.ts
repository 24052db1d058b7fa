/**
 * What a step used, measured locally: a container step's process tree from /proc (CPU time and peak
 * memory of the process and those it started), an in-process handler's figures only when it ran alone.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { meterInProcess } from '../../lib/local/usage/in-process-meter';
import { meterProcessTree } from '../../lib/local/usage/process-tree-meter';

/** A process that starts a child which holds ~80 MB and spins the CPU for ~600 ms. */
const BUSY_CHILD = `
const { spawnSync } = require('node:child_process');
spawnSync(process.execPath, ['-e', "const b = Buffer.alloc(80 * 1024 * 1024, 1); const end = Date.now() + 600; while (Date.now() < end) b[0]++;"], { stdio: 'inherit' });
`;

/** Spins until the process has used `ms` of CPU time (not wall time: on a loaded machine they differ). */
const busy = (ms: number) => {
  const start = process.cpuUsage();
  let spin = 0;
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return spin;
    spin++;
  }
};

describe.runIf(process.platform === 'linux')('local step usage', () => {
  it('measures the CPU time and peak memory of a process and the processes it started', async () => {
    const child = spawn(process.execPath, ['-e', BUSY_CHILD], { stdio: 'ignore', detached: true });
    const meter = meterProcessTree(child.pid);
    await once(child, 'close');
    const used = meter.stop();
    expect(used.cpuMs).toBeGreaterThan(300);
    // The grandchild's 80 MB buffer is in the tree's resident memory.
    expect(used.maxMemoryMb).toBeGreaterThan(80);
    expect(used.durationMs).toBeGreaterThanOrEqual(600);
    expect(used.note).toContain('/proc');
  });

  it("gives an in-process handler's CPU and memory when it ran alone, and says why not when it shared the process", async () => {
    const alone = meterInProcess();
    busy(150);
    const aloneUsed = alone.stop();
    expect(aloneUsed.cpuMs).toBeGreaterThan(100);
    expect(aloneUsed.maxMemoryMb).toBeGreaterThan(10);
    expect(aloneUsed.note).toContain('upper bound');

    const first = meterInProcess();
    const second = meterInProcess();
    busy(20);
    const [firstUsed, secondUsed] = [first.stop(), second.stop()];
    for (const used of [firstUsed, secondUsed]) {
      expect(used).not.toHaveProperty('cpuMs');
      expect(used).not.toHaveProperty('maxMemoryMb');
      expect(used.note).toContain('ran beside other in-process work');
      expect(used.durationMs).toBeGreaterThan(0);
    }
  });
});
