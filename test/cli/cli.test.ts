import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { runCli } from '../../lib/cli/main';

const ROOT = join(__dirname, '..', '..');
const GRAPHS = join(ROOT, 'test', 'fixtures', 'graphs');

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, stdout: out.join(''), stderr: err.join('\n') };
}

describe('orchestra CLI', () => {
  it('validate exits 0 on a valid graph', async () => {
    const { code, stdout } = await cli('validate', join(ROOT, 'state-machines', 'nightly-catalogue.graph.json'));

    expect(code).toBe(0);
    expect(stdout).toContain('valid (7 steps)');
  });

  it('validate exits 1 and prints every problem with file, line, path and fix, without a stack trace', async () => {
    const file = join(GRAPHS, 'invalid', 'unknown-dependency.graph.json');

    const { code, stderr } = await cli('validate', file);

    expect(code).toBe(1);
    expect(stderr).toContain(`${file}:5:54: error: steps.run-model.dependsOn[0]: unknown step "validat" — did you mean "validate"?`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('validate reports JSON syntax errors with line and column', async () => {
    const { code, stderr } = await cli('validate', join(GRAPHS, 'invalid', 'json-syntax.graph.json'));

    expect(code).toBe(1);
    expect(stderr).toMatch(/json-syntax\.graph\.json:5:5: error: invalid JSON: comma expected/);
  });

  it('validate --json prints the issues as JSON on stdout', async () => {
    const { code, stdout } = await cli('validate', '--json', join(GRAPHS, 'invalid', 'cycle.graph.json'));

    expect(code).toBe(1);
    expect(JSON.parse(stdout).issues.map((i: { code: string }) => i.code)).toEqual(['dependency-cycle', 'self-dependency']);
  });

  it('compile writes the definition to -o and a summary to stderr', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'orchestra-')), 'out.asl.json');

    const { code, stderr } = await cli('compile', join(ROOT, 'state-machines', 'nightly-catalogue.graph.json'), '-o', out);

    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).StartAt).toBe('Prepare run');
    expect(stderr).toMatch(/7 steps, \d+ states/);
  });

  it('compile prints the definition on stdout by default', async () => {
    const { code, stdout } = await cli('compile', join(ROOT, 'state-machines', 'nightly-catalogue.graph.json'));

    expect(code).toBe(0);
    expect(stdout).toBe(readFileSync(join(ROOT, 'state-machines', 'nightly-catalogue.asl.json'), 'utf8'));
  });

  it('graph prints a Mermaid flowchart', async () => {
    const { code, stdout } = await cli('graph', join(ROOT, 'state-machines', 'nightly-catalogue.graph.json'), '--format', 'mermaid');

    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('flowchart LR');
    expect(stdout).toContain('s_harvest_gaia --> s_cross_match');
  });

  it('exits 2 on a usage error', async () => {
    expect((await cli('compile')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('graph', 'x.json', '--format', 'svg')).code).toBe(2);
  });

  it('exits 1 with a clear message when the file does not exist', async () => {
    const { code, stderr } = await cli('validate', 'nope.graph.json');

    expect(code).toBe(1);
    expect(stderr).toContain('nope.graph.json: error: file not found');
  });

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
    expect(PNG.sync.read(readFileSync(join(ROOT, png!))).width).toBe(480);
  });
});
