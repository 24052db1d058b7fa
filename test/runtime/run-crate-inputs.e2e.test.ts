/**
 * A run's crate names the objects the run was started with as its inputs: a per-object run's one
 * object, not everything beside it in its folder (reading the folder made each crate of a thousand
 * uploads read a thousand objects).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PipelineGraph } from '../../lib/graph/schema';
import { download, startTestRuntime, upload } from '../helpers/local-runtime';
import { runCrateProblems } from '../helpers/run-crate-terms';

const perObject: PipelineGraph = { name: 'each-file', trigger: { ingestPrefix: 'ingest/each/' }, steps: { only: { kind: 'simulate' } } };
const runtime = await startTestRuntime([perObject]);
afterAll(() => runtime.stop());

describe("a run's crate", () => {
  it("lists a per-object run's own object as its input, with its size and SHA-256, not the objects beside it", async () => {
    for (const name of ['a.csv', 'b.csv', 'c.csv']) await upload(runtime, `ingest/each/${name}`, `rows of ${name}`);
    await runtime.idle();
    const runs = runtime.store.list().filter((run) => run.pipeline === 'each-file');
    expect(runs).toHaveLength(3);
    for (const run of runs) {
      const crate = JSON.parse((await download(runtime, `runs/each-file/${run.runId}/ro-crate-metadata.json`)).toString()) as { '@graph': Array<Record<string, unknown>> };
      expect(runCrateProblems(crate)).toEqual([]);
      const inputs = crate['@graph'].filter((entity) => String(entity['@id']).startsWith('s3://'));
      const key = run.input.keys?.[0] ?? '';
      expect(inputs).toEqual([
        expect.objectContaining({ '@id': `s3://${runtime.s3.bucket}/${key}`, '@type': 'File', contentSize: String(`rows of ${key.split('/').at(-1)}`.length) }),
      ]);
      expect(inputs[0]?.['sha256']).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
