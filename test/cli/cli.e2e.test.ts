/** The CLI as users run it: `npx orchestra`, `npm start`, and local runs on the embedded runtime. */

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { LAYOUT } from '../../functions/flood/df2d-to-raster/render';
import { defined } from '../../lib/shared/defined';
import { cli } from '../helpers/cli';

const ROOT = join(import.meta.dirname, '..', '..');
const GRAPHS = join(ROOT, 'test', 'fixtures', 'graphs');

describe('orchestra from a checkout', () => {
  it('works as `npx orchestra` from a checkout (declared in package.json bin)', () => {
    const result = spawnSync('npx', ['--no-install', 'orchestra', 'validate', join(GRAPHS, 'invalid', 'cycle.graph.json')], { cwd: ROOT, encoding: 'utf8' });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('dependency cycle: a → b → c → a');
    expect(execFileSync('npx', ['--no-install', 'orchestra', '--help'], { cwd: ROOT, encoding: 'utf8' })).toContain('Usage: orchestra');
  });
});

describe('local runs from the CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-cli-'));
  const outDir = mkdtempSync(join(tmpdir(), 'orchestra-out-'));
  let runId = '';

  it('run --json runs any graph file and prints only the JSON summary', async () => {
    const { code, stdout, stderr } = await cli('run', join(GRAPHS, 'valid', 'simulate-diamond.graph.json'), '--json', '--data-dir', dataDir, '--out', outDir);
    const summary = JSON.parse(stdout) as { runId: string; status: string; startedAt: string; steps: Record<string, { status: string; attempts: number; startedAt: string }> };
    runId = summary.runId;

    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(summary).toMatchObject({ pipeline: 'diamond', status: 'SUCCEEDED', error: null });
    expect(Object.keys(summary.steps).sort()).toEqual(['fetch', 'join', 'left', 'right']);
    expect(Object.values(summary.steps).every((s) => s.status === 'SUCCEEDED' && s.attempts === 1)).toBe(true);
    expect(summary.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('runs lists it and logs shows it step by step', async () => {
    const runs = await cli('runs', '--data-dir', dataDir);
    const logs = await cli('logs', runId, '--data-dir', dataDir);

    expect(runs.stdout).toMatch(new RegExp(`${runId}\\s+diamond\\s+SUCCEEDED`));
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('── join: SUCCEEDED');
    expect(logs.stdout).toContain('INFO step succeeded');
  });

  it('logs fails with a clear message for an unknown run', async () => {
    const { code, stderr } = await cli('logs', 'no-such-run', '--data-dir', dataDir);

    expect(code).toBe(1);
    expect(stderr).toContain('error: no run "no-such-run"');
    expect(stderr).toContain('orchestra runs');
  });

  it('run fails with exit 2 when --input is not a folder', async () => {
    const { code, stderr } = await cli('run', 'flood', '--input', join(ROOT, 'README.md'), '--data-dir', dataDir);

    expect(code).toBe(2);
    expect(stderr).toContain('not a folder');
  });
});

describe('npm scripts', () => {
  it('`npm start` runs the flood pipeline on the example and prints the PNG path', () => {
    const env = { ...process.env, ORCHESTRA_DATA_DIR: mkdtempSync(join(tmpdir(), 'orchestra-start-')), ORCHESTRA_OUTPUT_DIR: mkdtempSync(join(tmpdir(), 'orchestra-start-out-')) };
    const result = spawnSync('npm', ['start', '--silent'], { cwd: ROOT, encoding: 'utf8', env });
    const png = /PNG: (.+\.png)/.exec(result.stdout)?.[1];

    expect(result.status).toBe(0);
    expect(result.stderr).toContain('SUCCEEDED');
    expect(png).toBeDefined();
    expect(PNG.sync.read(readFileSync(join(ROOT, defined(png)))).width).toBe(LAYOUT.left + 80 * 9 + LAYOUT.right);
  });
});
