/** Issue 11, item 3: one damaged run record is reported (which file, what to do) and everything else keeps working. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';

const ROOT = join(import.meta.dirname, '..', '..');
const DIAMOND = join(ROOT, 'test', 'fixtures', 'graphs', 'valid', 'simulate-diamond.graph.json');

function dataDirWithDamage(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-damaged-'));
  mkdirSync(join(dataDir, 'runs'), { recursive: true });
  writeFileSync(join(dataDir, 'runs', 'empty.json'), '');
  writeFileSync(join(dataDir, 'runs', 'truncated.json'), '{"runId": "truncated", "pipeline": "x", "sta');
  writeFileSync(join(dataDir, 'runs', 'wrong.json'), JSON.stringify({ runId: 'wrong', status: 'MAYBE' }));
  return dataDir;
}

describe('damaged run records', () => {
  it('orchestra run still runs, warns about each damaged file, and orchestra runs lists the good runs', async () => {
    const dataDir = dataDirWithDamage();

    const run = await cli('run', DIAMOND, '--data-dir', dataDir, '--out', join(dataDir, 'out'));
    const runs = await cli('runs', '--data-dir', dataDir);

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: .*empty\.json is damaged \(it is empty\) — move it away or delete it/);
    expect(run.stderr).toMatch(/warning: .*truncated\.json is damaged \(not JSON: /);
    expect(runs.code).toBe(0);
    expect(runs.stderr).toMatch(/warning: .*wrong\.json is damaged \(.*status/);
    expect(runs.stdout).toMatch(/diamond\s+SUCCEEDED/);
    expect(`${run.stderr}${runs.stderr}`).not.toMatch(/internal error|\n\s+at /);
  });

  it('orchestra logs of a damaged run exits 1 naming the file, without a stack trace', async () => {
    const dataDir = dataDirWithDamage();

    const { code, stderr } = await cli('logs', 'truncated', '--data-dir', dataDir);

    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: .*truncated\.json is damaged/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
