/**
 * Step reuse across runs (issue 32) through the real local path: uploads to the embedded S3 start the
 * runs, the compiled machine's reuse checks and saves run the step-reuse function in-process as its
 * role, `orchestra why` reads the decisions from the data folder.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunsClient } from '../../lib/client/runs-client';
import type { PipelineGraph } from '../../lib/graph/schema';
import type { RunRecord } from '../../lib/local/runs/run-record';
import type { LocalRuntime } from '../../lib/local/runtime';
import { defined } from '../../lib/shared/defined';
import { cli } from '../helpers/cli';
import { download, nextRunOn, ROOT, startTestRuntime, upload, uploadFolder } from '../helpers/local-runtime';
import { runCrateProblems } from '../helpers/run-crate-terms';

const VALLEY = join(ROOT, 'examples', 'flood', 'valley');
const FLOOD_STEPS = ['validate-inputs', 'run-model', 'df2d-to-raster', 'publish-manifest'];

const BRANCHES: PipelineGraph = {
  name: 'branches',
  trigger: { ingestPrefix: 'ingest/branches/', mode: 'dataset', requiredFiles: ['a.txt', 'b.txt'] },
  defaults: { reuse: true },
  steps: {
    'count-a': { kind: 'lambda', handler: 'test/fixtures/functions/count-chars/index.ts', parameters: { file: 'a.txt' }, inputs: ['a.txt'] },
    'count-b': { kind: 'lambda', handler: 'test/fixtures/functions/count-chars/index.ts', parameters: { file: 'b.txt' }, inputs: ['b.txt'] },
    join: { kind: 'lambda', handler: 'test/fixtures/functions/sum-counts/index.ts', dependsOn: ['count-a', 'count-b'] },
  },
};

/** One run per key and one more per backfill that asks: a backfill of the same data items reuses. */
const OBSERVATIONS: PipelineGraph = {
  name: 'observations',
  trigger: { mode: 'keyed', required: ['Alert'], reprocess: 'manual' },
  defaults: { reuse: true },
  steps: { measure: { kind: 'lambda', handler: 'test/fixtures/functions/item-bytes/index.ts' } },
};

let runtime: LocalRuntime;
let dataDir: string;
let dataset = 0;

/** Uploads `dir` as a new dataset of `pipeline` and waits for the run it starts. */
async function runOn(pipeline: string, dir: string): Promise<RunRecord> {
  const prefix = `ingest/${pipeline}/set-${++dataset}/`;
  const finished = nextRunOn(runtime, prefix);
  await uploadFolder(runtime, dir, prefix);
  return finished;
}

const reusedFrom = (run: RunRecord) => Object.fromEntries(Object.entries(run.steps).map(([id, step]) => [id, step.reusedFrom?.runId ?? 'computed']));
const why = (run: RunRecord, step: string, ...flags: string[]) => cli('why', run.runId, step, '--data-dir', dataDir, ...flags);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'orchestra-reuse-'));
  runtime = await startTestRuntime(['state-machines/flood.graph.json', BRANCHES, OBSERVATIONS], { dataDir, retryDelayMs: 1 });
}, 60_000);
afterAll(() => runtime?.stop());

describe('the flood pipeline, run again', () => {
  let first: RunRecord;
  let second: RunRecord;

  beforeAll(async () => {
    first = await runOn('flood', VALLEY);
    second = await runOn('flood', VALLEY);
  }, 10 * 60_000);

  it('reuses every step of the same case uploaded again under a new folder, from the first run', () => {
    expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(reusedFrom(first)).toEqual(Object.fromEntries(FLOOD_STEPS.map((id) => [id, 'computed'])));
    expect(reusedFrom(second)).toEqual(Object.fromEntries(FLOOD_STEPS.map((id) => [id, first.runId])));
    // Reused: no attempt of its own.
    expect(Object.values(second.steps).map((step) => step.attempts)).toEqual([0, 0, 0, 0]);
  });

  it("copies the reused outputs into the new run's folder, a container's result.json naming the copies", async () => {
    const map = await download(runtime, `runs/flood/${second.runId}/df2d-to-raster/flood-map.png`);
    expect(map.equals(await download(runtime, `runs/flood/${first.runId}/df2d-to-raster/flood-map.png`))).toBe(true);
    const result = (await download(runtime, `runs/flood/${second.runId}/run-model/result.json`)).toString('utf8');
    expect(result).toContain(`runs/flood/${second.runId}/run-model/res/`);
    expect(result).not.toContain(first.runId);
  });

  it('records what the reuse checks and saves cost beside each step: a check and a save when computed, a check when reused', () => {
    expect(first.cost?.steps['run-model']?.reuse?.requests).toBe(2);
    expect(second.cost?.steps['run-model']?.reuse?.requests).toBe(1);
    // No task ran.
    expect(second.cost?.steps['run-model']).toMatchObject({ runs: 0, fargate: { vcpuHours: 0 } });
    expect(second.cost?.totalUsd).toBeLessThan(first.cost?.totalUsd ?? 0);
  });

  it('gives reusedFrom and the decision through the runs API, as on AWS (from the run history)', async () => {
    const api = await runtime.serveRunsApi();
    try {
      const client = createRunsClient({ baseUrl: api.url });
      const { body: run } = await client.inspectRun({ pipeline: 'flood', runId: second.runId });
      expect(run.steps['run-model']).toMatchObject({ status: 'SUCCEEDED', attempts: 0, reusedFrom: { runId: first.runId, step: 'run-model' } });
      expect(Object.keys(run.steps)).toEqual(FLOOD_STEPS);
      const { body: decision } = await client.explainStep({ pipeline: 'flood', runId: second.runId, step: 'run-model' });
      expect(decision).toMatchObject({
        outcome: 'reused',
        reusedFrom: { runId: first.runId },
        fingerprint: { 'input file hydrograph.txt': expect.stringMatching(/^[0-9a-f]{64}$/) },
      });
      for (const step of ['nope', '__proto__'])
        await expect(client.explainStep({ pipeline: 'flood', runId: second.runId, step })).rejects.toMatchObject({ status: 404, field: 'step' });
      // Lists say what each finished run cost, recorded under costs/ the first time: the reused run cost less.
      const { body: listed } = await client.listRuns({ pipeline: 'flood' });
      const costOf = (runId: string) => listed.runs.find((r) => r.runId === runId)?.costUsd;
      expect(costOf(second.runId)).toBeCloseTo(second.cost?.totalUsd ?? -1, 12);
      expect(costOf(second.runId)).toBeLessThan(costOf(first.runId) ?? 0);
      expect(JSON.parse((await download(runtime, `costs/flood/${first.runId}.json`)).toString()).totalUsd).toBe(costOf(first.runId));
      // Its outputs page lists the reused step's copies.
      const { body: outputs } = await client.listOutputs({ pipeline: 'flood', runId: second.runId });
      expect(outputs.outputs.map((o) => `${o.step}/${o.path}`)).toContain('df2d-to-raster/flood-map.png');
    } finally {
      await api.close();
    }
  });

  it("writes each run a Workflow Run RO-Crate beside its outputs that passes the profiles' terms, a reused step saying so", async () => {
    for (const run of [first, second]) {
      const crate = JSON.parse((await download(runtime, `runs/flood/${run.runId}/ro-crate-metadata.json`)).toString('utf8'));
      expect(runCrateProblems(crate)).toEqual([]);
      const graph = crate['@graph'] as Array<Record<string, unknown>>;
      const modelRun = `#run-${run.runId}/step/run-model/${run === second ? 'reused' : 'attempt-1'}`;
      const model = graph.find((entity) => entity['@id'] === modelRun);
      expect(model).toMatchObject({ '@type': 'CreateAction', actionStatus: { '@id': 'http://schema.org/CompletedActionStatus' } });
      // Each run of a tool names the code it ran (the model's local command, the same in both runs).
      expect(graph.find((entity) => entity['@id'] === `${modelRun}#codeIdentity`)?.['value']).toMatch(/^[0-9a-f]{64}$/);
      const reusedFromProperty = graph.find((entity) => entity['@id'] === `${modelRun}#reusedFrom`);
      if (run === second) expect(reusedFromProperty?.['value']).toBe(JSON.stringify({ runId: first.runId, step: 'run-model' }));
      else expect(reusedFromProperty).toBeUndefined();
      // The model's tool is named by its code identity; the map by its content.
      expect(graph.find((entity) => entity['@id'] === '#tool/run-model')?.['identifier']).toMatch(/^code:/);
      expect(graph.find((entity) => entity['@id'] === 'df2d-to-raster/flood-map.png')?.['sha256']).toMatch(/^[0-9a-f]{64}$/);
      expect(graph.find((entity) => typeof entity['@id'] === 'string' && String(entity['@id']).endsWith('/hydrograph.txt'))?.['sha256']).toMatch(/^[0-9a-f]{64}$/);
    }
    expect((await download(runtime, `runs/flood/${first.runId}/workflow.asl.json`)).toString()).toContain('"StartAt"');
  });

  it('orchestra why names the run a step was reused from', async () => {
    const { code, stdout } = await why(second, 'run-model');
    expect(code).toBe(0);
    expect(stdout).toContain(`run-model of run ${second.runId} (flood): reused from run ${first.runId}`);
  });

  it('orchestra why refuses a step the run does not have (a prototype name too) and a run it does not know, saying what there is', async () => {
    for (const step of ['nope', '__proto__', 'constructor']) {
      const answer = await why(second, step);
      expect([answer.code, answer.stderr]).toEqual([2, `error: run ${second.runId} has no step "${step}" (steps: ${FLOOD_STEPS.join(', ')})`]);
    }
    const unknown = await cli('why', 'no-such-run', 'run-model', '--data-dir', dataDir);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('no-such-run');
    expect(`${unknown.stderr}`).not.toContain('    at ');
  });

  it(
    'recomputes the steps that read a changed hydrograph.txt and what follows, and why names the file',
    async () => {
      const changed = mkdtempSync(join(tmpdir(), 'orchestra-valley-'));
      cpSync(VALLEY, changed, { recursive: true });
      // A bigger flood: the first discharge doubled.
      const hydrograph = readFileSync(join(VALLEY, 'hydrograph.txt'), 'utf8');
      writeFileSync(join(changed, 'hydrograph.txt'), hydrograph.replace('0.0 20.0000', '0.0 40.0000'));
      const third = await runOn('flood', changed);

      expect(third.status).toBe('SUCCEEDED');
      expect(reusedFrom(third)).toEqual(Object.fromEntries(FLOOD_STEPS.map((id) => [id, 'computed'])));
      const { stdout } = await why(third, 'validate-inputs');
      expect(stdout).toContain('computed — no finished run of this step had the same fingerprint');
      expect(stdout).toMatch(/input file hydrograph\.txt\s+changed/);
      // The model reads the case too; the steps after it, what the model gave.
      expect((await why(third, 'run-model')).stdout).toMatch(/input file hydrograph\.txt\s+changed/);
    },
    10 * 60_000,
  );

  it(
    'recomputes a step whose recorded output was deleted, and says which output',
    async () => {
      await runtime.s3.client.send(new DeleteObjectCommand({ Bucket: runtime.s3.bucket, Key: `runs/flood/${first.runId}/df2d-to-raster/max-depth.tif` }));
      const fourth = await runOn('flood', VALLEY);

      expect(fourth.status).toBe('SUCCEEDED');
      expect(reusedFrom(fourth)).toMatchObject({ 'validate-inputs': first.runId, 'run-model': first.runId, 'df2d-to-raster': 'computed' });
      const { stdout } = await why(fourth, 'df2d-to-raster');
      expect(stdout).toContain(`its output runs/flood/${first.runId}/df2d-to-raster/max-depth.tif is gone`);
      expect((await download(runtime, `runs/flood/${fourth.runId}/df2d-to-raster/max-depth.tif`)).length).toBeGreaterThan(0);
    },
    10 * 60_000,
  );
});

describe('a graph of two independent branches and their join', () => {
  const folder = (a: string, b: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-branches-'));
    writeFileSync(join(dir, 'a.txt'), a);
    writeFileSync(join(dir, 'b.txt'), b);
    return dir;
  };

  it(
    'recomputes only the branch that reads the changed file, and the join',
    async () => {
      const first = await runOn('branches', folder('alpha', 'beta'));
      const second = await runOn('branches', folder('alpha', 'gamma!'));

      expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      expect(reusedFrom(second)).toEqual({ 'count-a': first.runId, 'count-b': 'computed', join: 'computed' });
      expect((await download(runtime, `runs/branches/${second.runId}/join/total.txt`)).toString()).toBe(String('alpha'.length + 'gamma!'.length));
      expect((await why(second, 'count-b')).stdout).toMatch(/input file b\.txt\s+changed/);
      expect((await why(second, 'join')).stdout).toMatch(/dependency count-b result\s+changed/);
      // The crate says what each branch read: the input file its `inputs` names, not its sibling's.
      const crate = JSON.parse((await download(runtime, `runs/branches/${second.runId}/ro-crate-metadata.json`)).toString('utf8'));
      const read = (crate['@graph'] as Array<{ '@id': string; object?: Array<{ '@id': string }> }>)
        .find((entity) => entity['@id'] === `#run-${second.runId}/step/count-b/attempt-1`)
        ?.object?.map((o) => o['@id'].split('/').at(-1));
      expect(read).toContain('b.txt');
      expect(read).not.toContain('a.txt');
    },
    5 * 60_000,
  );

  it('holds a step to its inputs: reading another input file is AccessDenied, as its deployed role would answer', async () => {
    await upload(runtime, 'ingest/branches/sneaky/a.txt', 'x');
    const graph: PipelineGraph = {
      name: 'sneaky',
      steps: { peek: { kind: 'lambda', handler: 'test/fixtures/functions/count-chars/index.ts', parameters: { file: 'b.txt' }, inputs: ['a.txt'], retry: { maxAttempts: 1 } } },
    };
    const sneaky = await startTestRuntime([graph], { retryDelayMs: 1 });
    try {
      await upload(sneaky, 'ingest/sneaky/set/b.txt', 'secret');
      const run = await sneaky.waitForRun(sneaky.startRun('sneaky', { source: 'cli', prefix: 'ingest/sneaky/set/' }).runId);
      expect(run.status).toBe('FAILED');
      expect(run.steps['peek']?.error).toMatchObject({ error: 'AccessDenied', cause: expect.stringContaining('add "b.txt" to steps.peek.inputs') });
      // A failed run's crate says how it failed.
      const crate = JSON.parse((await download(sneaky, `runs/sneaky/${run.runId}/ro-crate-metadata.json`)).toString('utf8'));
      expect(runCrateProblems(crate)).toEqual([]);
      expect((crate['@graph'] as Array<Record<string, unknown>>).find((entity) => entity['@id'] === `#run-${run.runId}`)).toMatchObject({
        actionStatus: { '@id': 'http://schema.org/FailedActionStatus' },
        error: expect.stringContaining('AccessDenied'),
      });
    } finally {
      await sneaky.stop();
    }
  }, 60_000);

  it(
    'runs every step when the run asks for no reuse, and still saves for later runs',
    async () => {
      const first = await runOn('branches', folder('one', 'two'));
      const prefix = `ingest/branches/set-${dataset}/`;
      const again = await runtime.waitForRun(runtime.startRun('branches', { source: 'cli', prefix, noReuse: true }).runId);

      expect(reusedFrom(again)).toEqual({ 'count-a': 'computed', 'count-b': 'computed', join: 'computed' });
      expect((await why(again, 'count-a')).stdout).toContain('computed — the run asked for no reuse');
      expect(first.status).toBe('SUCCEEDED');
    },
    5 * 60_000,
  );
});

describe('a keyed pipeline', () => {
  it("reuses a key's step in a backfill of the same data items, and computes it for new content", async () => {
    const finished: RunRecord[] = [];
    const off = runtime.on((event) => {
      if (event.type === 'run-finished' && event.run.pipeline === 'observations') finished.push(event.run);
    });
    await upload(runtime, 'data/Alert/obs-1/alert.fits', 'seven b');
    await runtime.idle();
    const api = await runtime.serveRunsApi();
    try {
      const client = createRunsClient({ baseUrl: api.url });
      const backfill = async () => {
        const { body } = await client.startBackfill({ body: { keys: ['obs-1'], pipelines: ['observations'], ratePerSecond: 100 } });
        for (let status = body.status; status === 'RUNNING'; status = (await client.describeBackfill({ backfillId: body.id })).body.status)
          await new Promise((resolve) => setTimeout(resolve, 50));
        await runtime.idle();
      };
      await backfill();
      await upload(runtime, 'data/Alert/obs-1/alert.fits', 'now eleven!');
      await backfill();
    } finally {
      await api.close();
      off();
    }

    expect(finished.map((run) => run.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    const [first, again, changed] = [defined(finished[0]), defined(finished[1]), defined(finished[2])];
    expect(reusedFrom(again)).toEqual({ measure: first.runId });
    expect(reusedFrom(changed)).toEqual({ measure: 'computed' });
    expect((await why(changed, 'measure')).stdout).toMatch(/data item Alert file alert\.fits\s+changed/);
  }, 60_000);
});
