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
import { tempProject } from '../helpers/project';

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
    const summary = JSON.parse(stdout) as {
      runId: string;
      status: string;
      startedAt: string;
      steps: Record<string, { status: string; attempts: number; startedAt: string; usage: unknown[] }>;
      cost: { steps: Record<string, unknown> };
    };
    runId = summary.runId;

    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(summary).toMatchObject({ pipeline: 'diamond', status: 'SUCCEEDED', error: null });
    expect(Object.keys(summary.steps).sort()).toEqual(['fetch', 'join', 'left', 'right']);
    expect(Object.values(summary.steps).every((s) => s.status === 'SUCCEEDED' && s.attempts === 1)).toBe(true);
    expect(summary.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // Its cost on AWS at its durations: a script can hold a pipeline to a figure.
    expect(summary).toMatchObject({ cost: { basis: 'history', totalUsd: expect.any(Number), prices: { region: 'us-east-1' } } });
    // What each step used, measured where it ran.
    for (const step of Object.values(summary.steps)) expect(step.usage).toEqual([expect.objectContaining({ durationMs: expect.any(Number), measuredBy: expect.any(String) })]);
    expect(Object.keys(summary.cost.steps).sort()).toEqual(['fetch', 'join', 'left', 'right']);
  });

  it('run fails a step that writes outside its grants (exit 3, AccessDenied and the fix); --no-iam runs it with a warning', async () => {
    const project = tempProject('cli-iam');
    project.write('package.json', '{"name": "lab", "type": "module"}');
    // As a lab imports it from node_modules/orchestra; here, as this repository's tsconfig.json does, from its sources.
    project.write('tsconfig.json', JSON.stringify({ compilerOptions: { paths: { orchestra: [join(ROOT, 'lib', 'public', 'index.ts')] } } }));
    project.write(
      'functions/write/index.ts',
      "import { putObject, stepHandler } from 'orchestra';\nexport const handler = stepHandler(async (_event, { s3, bucket }) => putObject(s3, bucket, 'elsewhere/out.txt', 'x', 'text/plain'));\n",
    );
    const graph = project.write(
      'state-machines/writes-outside.graph.json',
      JSON.stringify({ name: 'writes-outside', steps: { write: { kind: 'lambda', handler: 'functions/write/index.ts', retry: { maxAttempts: 1 } } } }),
    );
    const enforced = await cli('run', graph, '--data-dir', mkdtempSync(join(tmpdir(), 'orchestra-cli-iam-')), '--out', outDir);
    expect(enforced.code).toBe(3);
    expect(enforced.stderr).toContain('AccessDenied');
    expect(enforced.stderr).toContain('add "elsewhere/" to steps.write.access.write in');

    const unenforced = await cli('run', graph, '--no-iam', '--data-dir', mkdtempSync(join(tmpdir(), 'orchestra-cli-iam-')), '--out', outDir);
    expect(unenforced.code).toBe(0);
    expect(unenforced.stderr).toContain('warning: IAM is not enforced');
    project.remove();
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
