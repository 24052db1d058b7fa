/** `orchestra run` on a pipeline that runs another: the child comes from the graph's folder; a missing one is named with a "did you mean". */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';

function folderWith(graphs: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'orchestra-children-'));
  for (const [name, graph] of Object.entries(graphs)) writeFileSync(join(dir, `${name}.graph.json`), JSON.stringify(graph));
  return dir;
}

const parent = { name: 'parent', steps: { prepare: { kind: 'simulate' }, 'run-child': { kind: 'pipeline', pipeline: 'child', dependsOn: ['prepare'] } } };

describe('orchestra run with pipeline steps', () => {
  it('runs the child from the same folder, and succeeds with it', async () => {
    const dir = folderWith({ parent, child: { name: 'child', steps: { work: { kind: 'simulate', durationMs: 10 } } } });
    const result = await cli('run', join(dir, 'parent.graph.json'), '--json', '--data-dir', join(dir, 'data'));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ pipeline: 'parent', status: 'SUCCEEDED' });
  });

  it('names a child that is not beside it, with a "did you mean"', async () => {
    const dir = folderWith({ parent, childe: { name: 'childe', steps: { work: { kind: 'simulate' } } } });
    const result = await cli('run', join(dir, 'parent.graph.json'), '--data-dir', join(dir, 'data'));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('steps.run-child.pipeline: no pipeline "child" beside it — did you mean "childe"?');
  });
});
