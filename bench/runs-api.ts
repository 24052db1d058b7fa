/**
 * Runs API and Step Functions endpoint benchmarks (printed, never asserted): API start → first step
 * running, GetExecutionHistory of a 1,000-step run, listing 100,000 runs by status, and runs/s
 * started through the API next to the CLI (`orchestra start`, a process per run).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { pipelineFromGraph } from '../lib/catalogue';
import { LocalRuntime } from '../lib/local/runtime';
import { readExecutionHistory } from '../lib/runtime/execution-history';
import { writeEndpoints } from '../lib/runtime/local-endpoints';
import { chain, simulateGraph } from '../test/helpers/graphs';
import { percentile } from './stats';

const ROOT = join(import.meta.dirname, '..');
const fmt = (value: number, digits = 1): string => value.toFixed(digits);
const post = (url: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

async function startLatencies(runtime: LocalRuntime, api: string, runs: number): Promise<number[]> {
  const posted = new Map<string, number>();
  const latencies: number[] = [];
  const off = runtime.on((event) => {
    if (event.type !== 'step' || event.status !== 'RUNNING') return;
    const at = posted.get(event.runId);
    if (at !== undefined) latencies.push(performance.now() - at);
    posted.delete(event.runId);
  });
  for (let i = 0; i < runs; i++) {
    const runId = `latency-${i}`;
    posted.set(runId, performance.now());
    await fetch(`${api}/pipelines/bench-one/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ runId }) });
  }
  await runtime.idle();
  off();
  return latencies.sort((a, b) => a - b);
}

async function historyOfLongRun(runtime: LocalRuntime): Promise<{ events: number; ms: number }> {
  const record = runtime.startRun('bench-1000', { source: 'cli' });
  await runtime.waitForRun(record.runId);
  const arn = `arn:aws:states:us-east-1:000000000000:execution:bench-1000:${record.runId}`;
  const started = performance.now();
  const events = await readExecutionHistory(runtime.sfn, arn);
  return { events: events.length, ms: performance.now() - started };
}

async function listingOf100k(): Promise<{ firstPageMs: number; deepPageMs: number; runs: number }> {
  const runtime = await LocalRuntime.start({ dataDir: mkdtempSync(join(tmpdir(), 'orchestra-bench-list-')) });
  runtime.addPipeline(pipelineFromGraph(simulateGraph({ only: [] }, { only: 0 }, 'bench-list'), ROOT));
  const statuses = ['SUCCEEDED', 'FAILED', 'ABORTED'] as const;
  const base = Date.parse('2026-01-01T00:00:00Z');
  const total = 100_000;
  for (let i = 0; i < total; i++) {
    const startedAt = new Date(base + i * 1000).toISOString();
    runtime.store.create({
      runId: `run-${i}`,
      pipeline: 'bench-list',
      input: { source: 'cli' },
      status: statuses[i % 3] ?? 'SUCCEEDED',
      startedAt,
      stoppedAt: startedAt,
      steps: { only: { status: 'SUCCEEDED', attempts: 1 } },
      outputs: 's3://b/x/',
      ownerPid: 1,
    });
  }
  const list = (nextToken?: string) =>
    runtime.sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:bench-list',
        statusFilter: 'FAILED',
        maxResults: 100,
        ...(nextToken === undefined ? {} : { nextToken }),
      }),
    );
  await list();
  let started = performance.now();
  let page = await list();
  const firstPageMs = performance.now() - started;
  for (let i = 0; i < 100; i++) page = await list(page.nextToken);
  started = performance.now();
  await list(page.nextToken);
  const deepPageMs = performance.now() - started;
  await runtime.stop();
  return { firstPageMs, deepPageMs, runs: total };
}

async function apiRunsPerSecond(api: string, runtime: LocalRuntime, runs: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next++ < runs) await post(`${api}/pipelines/bench-one/runs`);
    }),
  );
  await runtime.idle();
  return runs / ((performance.now() - started) / 1000);
}

async function cliRunsPerSecond(dataDir: string, runtime: LocalRuntime, runs: number): Promise<number> {
  const run = promisify(execFile);
  const started = performance.now();
  for (let i = 0; i < runs; i++) await run(process.execPath, [join(ROOT, 'bin', 'orchestra.js'), 'start', 'bench-one', '--data-dir', dataDir], { cwd: ROOT });
  await runtime.idle();
  return runs / ((performance.now() - started) / 1000);
}

export async function runsApiTables(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-bench-api-'));
  const runtime = await LocalRuntime.start({ dataDir });
  runtime.addPipeline(pipelineFromGraph(simulateGraph({ only: [] }, { only: 0 }, 'bench-one'), ROOT));
  const thousand = chain(1000);
  runtime.addPipeline(pipelineFromGraph(simulateGraph(thousand, Object.fromEntries(Object.keys(thousand).map((id) => [id, 0])), 'bench-1000'), ROOT));
  const api = (await runtime.serveRunsApi()).url;
  const forget = writeEndpoints(dataDir, { pid: process.pid, s3: runtime.s3.endpoint, bucket: runtime.s3.bucket, stepFunctions: runtime.stepFunctionsEndpoint, runsApi: api });

  const latencies = await startLatencies(runtime, api, 300);
  console.log('\n## Runs API: POST /runs → first step running (300 runs, one at a time, local)\n');
  console.log('| runs | p50 ms | p99 ms | max ms |');
  console.log('|---|---|---|---|');
  console.log(`| ${latencies.length} | ${fmt(percentile(latencies, 50))} | ${fmt(percentile(latencies, 99))} | ${fmt(latencies.at(-1) ?? 0)} |`);

  const history = await historyOfLongRun(runtime);
  console.log('\n## GetExecutionHistory of a 1,000-step run (SDK paginator, 1,000 events a page)\n');
  console.log('| events | ms | events/ms |');
  console.log('|---|---|---|');
  console.log(`| ${history.events} | ${fmt(history.ms)} | ${fmt(history.events / history.ms)} |`);

  const api200 = await apiRunsPerSecond(api, runtime, 300);
  const cli10 = await cliRunsPerSecond(dataDir, runtime, 10);
  console.log('\n## Starting runs: API (16 clients) vs CLI (`orchestra start`, one process per run)\n');
  console.log('| path | runs/s | ratio to CLI |');
  console.log('|---|---|---|');
  console.log(`| HTTP POST /pipelines/{p}/runs | ${fmt(api200)} | ${fmt(api200 / cli10)} |`);
  console.log(`| orchestra start (process per run) | ${fmt(cli10, 2)} | 1.0 |`);
  forget();
  await runtime.stop();

  const listing = await listingOf100k();
  console.log(`\n## ListExecutions over ${listing.runs.toLocaleString('en')} runs, statusFilter FAILED, 100 a page (goal < 50 ms a page)\n`);
  console.log('| page | ms |');
  console.log('|---|---|');
  console.log(`| first | ${fmt(listing.firstPageMs)} |`);
  console.log(`| 102nd (after 10,100 runs) | ${fmt(listing.deepPageMs)} |`);
}
