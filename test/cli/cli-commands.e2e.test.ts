/** The CLI commands that need no server: validate, compile, graph, usage errors. */

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';

const ROOT = join(import.meta.dirname, '..', '..');
const GRAPHS = join(ROOT, 'test', 'fixtures', 'graphs');

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
    expect(stdout).toContain('s_list_window ==>|each| s_recognise_peaks');
    expect(stdout).toContain('s_upload_products --> s_insert_rows');
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
});

describe('duplicate pipeline names', () => {
  it('build fails when two graph files use one pipeline name, naming both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-dup-'));
    for (const file of ['a.graph.json', 'b.graph.json']) writeFileSync(join(dir, file), JSON.stringify({ name: 'same', steps: { s: { kind: 'simulate' } } }));

    const { code, stderr } = await cli('build', dir);

    expect(code).toBe(1);
    expect(stderr).toContain(`${join(dir, 'b.graph.json')}: error: name: pipeline "same" is already defined in ${join(dir, 'a.graph.json')}`);
  });
});

describe('pipeline catalogue', () => {
  it('refuses two graph files with one pipeline name (up, cdk synth), naming both files', async () => {
    const { loadCatalogue, DuplicatePipelineError } = await import('../../lib/catalogue/pipeline');
    const root = mkdtempSync(join(tmpdir(), 'orchestra-catalogue-'));
    mkdirSync(join(root, 'state-machines'));
    for (const file of ['a.graph.json', 'b.graph.json']) writeFileSync(join(root, 'state-machines', file), JSON.stringify({ name: 'same', steps: { s: { kind: 'simulate' } } }));
    writeFileSync(join(root, 'package.json'), '{}');

    expect(() => loadCatalogue(root)).toThrow(DuplicatePipelineError);
    expect(() => loadCatalogue(root)).toThrow('"same" in state-machines/a.graph.json and state-machines/b.graph.json — rename one');
  });
});

describe('many issues', () => {
  it('validate prints at most 100 issues and counts the rest', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'orchestra-many-')), 'many.graph.json');
    writeFileSync(file, JSON.stringify({ name: 'p', steps: Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`s${i}`, { kind: 'simulate', dependsOn: ['nope'] }])) }));

    const { code, stderr } = await cli('validate', file);

    expect(code).toBe(1);
    expect(stderr.split('\n').filter((line) => line.includes('error: steps.'))).toHaveLength(100);
    expect(stderr).toContain(`${file}: … and 150 more (all of them: orchestra validate --json ${file})`);
  });
});
