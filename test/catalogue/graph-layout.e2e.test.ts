/**
 * A pipeline's drawing is laid out when it is built: `orchestra build` writes <name>.layout.json, the
 * catalogue hands it on while it fits the graph, and `build --check` says when it no longer does.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../lib/catalogue';
import { layoutFileFor, readBuiltLayout } from '../../lib/catalogue/graph-layout';
import { LAYOUT_NODE } from '../../lib/contract/graph-layout';
import type { PipelineGraph } from '../../lib/graph/schema';
import { cli } from '../helpers/cli';

const diamond: PipelineGraph = {
  name: 'diamond',
  steps: { a: { kind: 'simulate' }, b: { kind: 'simulate', dependsOn: ['a'] }, c: { kind: 'simulate', dependsOn: ['a'] }, d: { kind: 'simulate', dependsOn: ['b', 'c'] } },
};

describe('built layouts', () => {
  it('orchestra build lays a pipeline out beside its definition, and the catalogue hands it on while it fits the graph', async () => {
    const root = mkdtempSync(join(tmpdir(), 'orchestra-layout-'));
    mkdirSync(join(root, 'state-machines'));
    writeFileSync(join(root, 'package.json'), '{}');
    const graphFile = join(root, 'state-machines', 'diamond.graph.json');
    writeFileSync(graphFile, JSON.stringify(diamond));

    const built = await cli('build', join(root, 'state-machines'));
    expect(built.code).toBe(0);
    expect(built.stderr).toContain(`${layoutFileFor(graphFile)}: written`);
    const layout = loadPipeline(graphFile).layout;
    expect(layout?.nodes.map((n) => n.id).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(layout?.edges.map((e) => e.id).sort()).toEqual(['a->b', 'a->c', 'b->d', 'c->d']);
    const x = (id: string) => layout?.nodes.find((n) => n.id === id)?.x ?? Number.NaN;
    // Left to right, as the console draws it: each step after what it depends on.
    expect(x('a')).toBeLessThan(x('b'));
    expect(x('b')).toBeLessThan(x('d'));
    expect(layout?.nodes[0]).toMatchObject(LAYOUT_NODE);
    // Laid out again, the same bytes: `build --check` can hold a repository to them.
    expect((await cli('build', '--check', join(root, 'state-machines'))).code).toBe(0);

    // A step added: the committed layout no longer fits; it is not served, and --check says so.
    const grown: PipelineGraph = { ...diamond, steps: { ...diamond.steps, e: { kind: 'simulate', dependsOn: ['d'] } } };
    writeFileSync(graphFile, JSON.stringify(grown));
    const stale = await cli('build', '--check', join(root, 'state-machines'));
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`${layoutFileFor(graphFile)}: stale — run \`npx orchestra build\` and commit the result`);
    expect(readBuiltLayout(graphFile, grown)).toBeUndefined();
    expect(readBuiltLayout(graphFile, diamond)).toEqual(layout);
  });
});
