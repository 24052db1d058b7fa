/** A Lambda step's code identity is one formula on both targets: the same handler gives the same part of its reuse key. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../lib/catalogue';
import { deployedCodeIdentity } from '../../lib/cdk/code-identity';
import type { Step } from '../../lib/graph/schema';
import { HandlerModules } from '../../lib/local/engine/handler-modules';
import { localCodeIdentity } from '../../lib/local/reuse/code-identity';
import { defined } from '../../lib/shared/defined';

const ROOT = join(import.meta.dirname, '..', '..');

describe('code identity', () => {
  it("is the same for a Lambda step deployed and run locally, and differs with the step's bundled files", async () => {
    const { graph } = loadPipeline(join(ROOT, 'state-machines', 'flood.graph.json'));
    const validate = defined(graph.steps['validate-inputs']);
    const raster = defined(graph.steps['df2d-to-raster']);
    const handlers = new HandlerModules();
    expect(await localCodeIdentity(validate, ROOT, handlers, {})).toBe(deployedCodeIdentity(validate, ROOT, undefined));
    expect(await localCodeIdentity(raster, ROOT, handlers, {})).toBe(deployedCodeIdentity(raster, ROOT, undefined));
    if (raster.kind !== 'lambda') throw new Error('df2d-to-raster is a Lambda step');
    expect(deployedCodeIdentity({ ...raster, files: [] }, ROOT, undefined)).not.toBe(deployedCodeIdentity(raster, ROOT, undefined));
  });

  it("locally, takes a container's program by its bundle and an inherited variable naming a file by its content", async () => {
    const { graph } = loadPipeline(join(ROOT, 'state-machines', 'flood.graph.json'));
    const model = defined(graph.steps['run-model']);
    const handlers = new HandlerModules();
    const plain = await localCodeIdentity(model, ROOT, handlers, {});
    expect(await localCodeIdentity(model, ROOT, handlers, {})).toBe(plain);
    expect(await localCodeIdentity(model, ROOT, handlers, { ORCHESTRA_DASSFLOW2D: join(ROOT, 'package.json') })).not.toBe(plain);
    expect(await localCodeIdentity(model, ROOT, handlers, { ORCHESTRA_DASSFLOW2D: join(ROOT, 'README.md') })).not.toBe(
      await localCodeIdentity(model, ROOT, handlers, { ORCHESTRA_DASSFLOW2D: join(ROOT, 'package.json') }),
    );
  });

  it("locally, takes a container's program that does not bundle as a Lambda (top-level await) by its own content", async () => {
    const handlers = new HandlerModules();
    const dir = mkdtempSync(join(tmpdir(), 'code-identity-'));
    const program = join(dir, 'step.mjs');
    writeFileSync(program, 'await Promise.resolve(1);\n');
    const step: Step = { kind: 'container', image: './containers/dassflow2d', local: { command: ['node', program] } };
    const before = await localCodeIdentity(step, ROOT, handlers, {});
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    // A changed file is known by its size and modification time (as handlers' bundles are): this one grows.
    writeFileSync(program, 'await Promise.resolve(22);\n');
    expect(await localCodeIdentity(step, ROOT, handlers, {})).not.toBe(before);
  });
});
