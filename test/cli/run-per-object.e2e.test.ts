/**
 * Issue 29, item 22: `orchestra run --input` on a folder of several files for a per-object pipeline
 * starts a run per file: it follows all of them, reports each, and exits 3 — its code for a run that
 * did not succeed, apart from bad input's 1 — when any failed.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';
import { tempProject } from '../helpers/project';

const project = tempProject('per-object');
afterAll(() => project.remove());

project.write('package.json', '{"name": "lab", "type": "module"}');
project.write(
  'functions/check/index.ts',
  "export const handler = async (event: { input: { keys: string[] } }) => {\n  if (event.input.keys[0]?.includes('bad')) throw new Error('bad file');\n  return { ok: true };\n};\n",
);
const graph = project.write(
  'state-machines/each.graph.json',
  JSON.stringify({
    name: 'each',
    trigger: { ingestPrefix: 'ingest/each/', mode: 'per-object' },
    defaults: { retry: { maxAttempts: 1 } },
    steps: { check: { kind: 'lambda', handler: 'functions/check/index.ts' } },
  }),
);

describe('orchestra run --input, per-object', () => {
  it('waits for every run the upload started and exits 3 when one failed, naming it', async () => {
    project.write('files/good.txt', 'ok');
    project.write('files/bad.txt', 'no');

    const { code, stderr } = await cli('run', graph, '--input', join(project.dir, 'files'), '--data-dir', join(project.dir, 'data'), '--out', join(project.dir, 'out'));

    expect(code).toBe(3);
    expect(stderr).toContain('2 runs started (per-object trigger)');
    expect(stderr).toMatch(/Run \S+ \(ingest\/each\/files-[\d-]+\/(good|bad)\.txt\): (SUCCEEDED|FAILED)/);
    expect(stderr).toContain('Error: bad file');
  });

  it('prints every run in --json, in the order they started', async () => {
    project.write('more/one.txt', '1');
    project.write('more/two.txt', '2');

    const { code, stdout } = await cli('run', graph, '--input', join(project.dir, 'more'), '--json', '--data-dir', join(project.dir, 'data2'), '--out', join(project.dir, 'out'));
    const runs: unknown = JSON.parse(stdout);

    expect(code).toBe(0);
    expect(Array.isArray(runs) && runs.map((run: { status: string }) => run.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });
});
