/**
 * `orchestra start | status | cancel | redrive` through the runs API: against the local server by
 * default (found through the data folder's endpoints file) and against any URL with --api.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import type { LocalRuntime } from '../../lib/local/runtime';
import { writeEndpoints } from '../../lib/runtime/local-endpoints';
import { cli } from '../helpers/cli';
import { countedProject } from '../helpers/counted-steps';
import { simulateGraph } from '../helpers/graphs';
import { startTestRuntime } from '../helpers/local-runtime';

const project = countedProject();
let runtime: LocalRuntime;
let dataDir: string;
let api: string;

beforeAll(async () => {
  runtime = await startTestRuntime([simulateGraph({ slow: [] }, { slow: 60_000 }, 'slow')]);
  runtime.addPipeline(pipelineFromGraph(project.chain, project.root));
  api = (await runtime.serveRunsApi()).url;
  dataDir = runtime.store.dataDir;
  writeEndpoints(dataDir, { pid: process.pid, s3: runtime.s3.endpoint, bucket: runtime.s3.bucket, stepFunctions: runtime.stepFunctionsEndpoint, runsApi: api });
});

afterAll(async () => {
  await runtime.stop();
  rmSync(project.root, { recursive: true, force: true });
});

describe('orchestra start/status/cancel/redrive over the runs API', () => {
  it('starts a run on the local server by default and follows it with --wait', async () => {
    writeFileSync(project.calls, '');
    const started = await cli('start', 'chain', '--input', JSON.stringify(project.input), '--run-id', 'cli-1', '--wait', '--data-dir', dataDir);

    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(started.stdout).toContain(`started: chain cli-1  (${api}/pipelines/chain/runs/cli-1)`);
    expect(started.stdout).toContain('Run cli-1 (chain): SUCCEEDED');
    const status = await cli('status', 'chain', 'cli-1', '--json', '--api', api);
    expect(JSON.parse(status.stdout)).toMatchObject({ runId: 'cli-1', status: 'SUCCEEDED', steps: { a: { status: 'SUCCEEDED' } } });
    // One shape, whichever the source: the data folder gives the same RunDetail, read without the server.
    const fromFolder = JSON.parse((await cli('status', 'chain', 'cli-1', '--json', '--data-dir', dataDir)).stdout);
    const fromApi = JSON.parse(status.stdout);
    expect(Object.keys(fromFolder).sort()).toEqual(Object.keys(fromApi).sort());
    expect(fromFolder).toMatchObject({ pipeline: 'chain', runId: 'cli-1', status: 'SUCCEEDED', startedAt: fromApi.startedAt, input: fromApi.input });
    expect(Object.keys(fromFolder.steps)).toEqual(Object.keys(fromApi.steps));
    // Its cost on AWS at its durations: recorded in the run record when it ended, read from the history by the API.
    expect(Object.keys(fromFolder.cost.steps)).toEqual(Object.keys(fromApi.cost.steps));
    expect(fromFolder.cost.totalUsd).toBeGreaterThan(0);
  });

  it('redrives a failed run so only the failed step and those after it run again: exit 3 while it failed, 0 once it succeeds', async () => {
    writeFileSync(project.calls, '');
    writeFileSync(project.failWhile, '');
    const failed = await cli('start', 'chain', '--input', JSON.stringify(project.input), '--run-id', 'cli-2', '--wait', '--data-dir', dataDir);
    expect(failed.code).toBe(3);
    expect(failed.stdout).toContain('b                            FAILED     — NotReady: b is not ready');

    rmSync(project.failWhile);
    const redriven = await cli('redrive', 'chain', 'cli-2', '--wait', '--api', api);

    expect(redriven.code).toBe(0);
    expect(readFileSync(project.calls, 'utf8')).toBe('a\nb\nb\nc\n');
  });

  it('cancels a running run', async () => {
    await cli('start', 'slow', '--run-id', 'cli-3', '--api', api);
    const cancelled = await cli('cancel', 'slow', 'cli-3', '--api', api);

    expect(cancelled.code).toBe(0);
    expect((await runtime.waitForRun('cli-3')).status).toBe('ABORTED');
  });

  it('answers mistakes with the API message, no stack: a used run id, bad input, a missing server', async () => {
    const used = await cli('start', 'chain', '--run-id', 'cli-1', '--api', api);
    expect(used.code).toBe(1);
    expect(used.stderr).toBe('error: POST /pipelines/chain/runs: run "cli-1" of chain already exists: run ids are used once');

    const badInput = await cli('start', 'chain', '--input', '[1]', '--api', api);
    expect(badInput.code).toBe(2);
    expect(badInput.stderr).toContain('--input must be a JSON object');

    const missingFile = await cli('start', 'chain', '--input', '@/nonexistent/input.json', '--api', api);
    expect([missingFile.code, missingFile.stderr]).toEqual([2, 'error: --input @/nonexistent/input.json: cannot read the file']);

    const noServer = await cli('cancel', 'chain', 'cli-1', '--data-dir', project.root);
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain(`no \`orchestra up\` is serving ${project.root}`);
    expect(`${used.stderr}${badInput.stderr}${noServer.stderr}`).not.toContain('    at ');
  });

  it("lists runs and reads a run's logs through the API with --api", async () => {
    const runs = await cli('runs', '--api', api, '--pipeline', 'chain', '--json');
    const listed = JSON.parse(runs.stdout) as Array<{ runId: string; pipeline: string }>;
    expect(listed.map((r) => r.runId)).toEqual(expect.arrayContaining(['cli-1', 'cli-2']));
    expect(listed.every((r) => r.pipeline === 'chain')).toBe(true);
    expect(JSON.parse((await cli('runs', '--api', api, '-n', '1', '--json')).stdout)).toHaveLength(1);
    const table = await cli('runs', '--api', api);
    expect(table.stdout).toMatch(/RUN ID\s+PIPELINE\s+STATUS/);
    expect(table.stdout).toMatch(/cli-1\s+chain\s+SUCCEEDED/);
    const fromFolder = JSON.parse((await cli('runs', '--data-dir', dataDir, '--pipeline', 'chain', '--json')).stdout) as Array<Record<string, unknown>>;
    expect(fromFolder.map((r) => r['runId']).sort()).toEqual(listed.map((r) => r.runId).sort());
    expect(fromFolder.every((r) => Object.keys(r).every((key) => ['pipeline', 'runId', 'status', 'startedAt', 'stoppedAt', 'costUsd'].includes(key)))).toBe(true);
    // Each finished run's cost: the run record's locally, from its history through the API — one formula, one figure.
    const costOf = (runs: ReadonlyArray<Record<string, unknown>>, runId: string) => runs.find((r) => r['runId'] === runId)?.['costUsd'];
    expect(typeof costOf(fromFolder, 'cli-1')).toBe('number');
    expect(costOf(listed as unknown as Array<Record<string, unknown>>, 'cli-1')).toBeCloseTo(Number(costOf(fromFolder, 'cli-1')), 12);
    expect(table.stdout).toMatch(/DURATION\s+COST ON AWS/);
    expect(table.stdout).toMatch(/finished run\(s\) listed: \$[\d.e-]+ on AWS at their durations/);

    const logs = await cli('logs', 'cli-1', '--pipeline', 'chain', '--api', api, '--step', 'b');
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/\[b\] /);
    expect(logs.stdout).not.toMatch(/\[a\] /);
    const noPipeline = await cli('logs', 'cli-1', '--api', api);
    expect([noPipeline.code, noPipeline.stderr]).toEqual([2, 'error: --pipeline <name> is needed with --api or --stack (run ids are unique per pipeline)']);
  });

  it('checks a dry run and starts nothing', async () => {
    const before = runtime.store.list().length;
    const dry = await cli('start', 'chain', '--dry-run', '--input', '{"prefix": "ingest/chain/x/"}', '--api', api);

    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run: the request is valid; nothing started');
    const outside = await cli('start', 'chain', '--dry-run', '--input', '{"prefix": "x/"}', '--api', api);
    expect(outside.code).not.toBe(0);
    expect(outside.stderr).toContain('body.input.prefix: "x/" is outside what chain reads');
    expect(runtime.store.list()).toHaveLength(before);
  });
});
