/**
 * Runtime benchmarks (printed, never asserted): throughput of the embedded runtime, its overhead per
 * step next to raw aws-local-stepfunctions on the same definition, and upload-to-run-start latency.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { StateMachine } from 'aws-local-stepfunctions';
import { pipelineFromGraph } from '../lib/catalogue';
import { compileGraph } from '../lib/compiler';
import { substitute } from '../lib/contract/placeholders';
import type { PipelineGraph } from '../lib/graph/schema';
import { localSubstitutions } from '../lib/local/engine/bindings';
import { LocalRuntime } from '../lib/local/runtime';
import { chain, type Edges, fanOutIn, randomLayeredDag, simulateGraph } from '../test/helpers/graphs';
import { recordFigure } from './goals';
import { percentile } from './stats';

const ROOT = join(import.meta.dirname, '..');
const STEPS = 10;
const RUNS = 300;

const chainOf = (name: string, step: (i: number) => PipelineGraph['steps'][string]): PipelineGraph => ({
  name,
  steps: Object.fromEntries(Array.from({ length: STEPS }, (_, i) => [`s${i}`, { ...step(i), ...(i > 0 ? { dependsOn: [`s${i - 1}`] } : {}) }])),
});
const simulateChain = chainOf('bench-simulate', () => ({ kind: 'simulate' }));
/** A plain handler without middy or Powertools: isolates what the runtime itself adds. */
const bareChain = chainOf('bench-bare', () => ({ kind: 'lambda', handler: 'bench/fixtures/bare-handler.ts' }));

const fmt = (value: number, digits = 2): string => value.toFixed(digits);

async function rawRunsPerSecond(graph: PipelineGraph): Promise<number> {
  const text = compileGraph(graph).text;
  const definition = JSON.parse(substitute(text, localSubstitutions(graph, text, 'bench')));
  const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
  const handlers = Object.fromEntries(Object.keys(graph.steps).map((id) => [id, async () => ({ ok: true })]));
  const run = (i: number) => machine.run({}, { context: { Execution: { Name: `r${i}`, Id: `r${i}` } }, overrides: { taskResourceLocalHandlers: handlers } }).result;
  await Promise.all(Array.from({ length: 20 }, (_, i) => run(i)));
  const started = performance.now();
  await Promise.all(Array.from({ length: RUNS }, (_, i) => run(i)));
  return RUNS / ((performance.now() - started) / 1000);
}

async function runtimeRunsPerSecond(runtime: LocalRuntime, graph: PipelineGraph): Promise<number> {
  const warm = Array.from({ length: 20 }, () => runtime.startRun(graph.name, { source: 'cli' }));
  await Promise.all(warm.map((r) => runtime.waitForRun(r.runId)));
  const started = performance.now();
  const runs = Array.from({ length: RUNS }, () => runtime.startRun(graph.name, { source: 'cli' }));
  await Promise.all(runs.map((r) => runtime.waitForRun(r.runId)));
  return RUNS / ((performance.now() - started) / 1000);
}

async function triggerLatencies(uploads: number): Promise<number[]> {
  const graph: PipelineGraph = { name: 'bench-trigger', trigger: { ingestPrefix: 'ingest/bench/' }, steps: { only: { kind: 'simulate' } } };
  const runtime = await LocalRuntime.start({ dataDir: mkdtempSync(join(tmpdir(), 'orchestra-bench-')) });
  runtime.addPipeline(pipelineFromGraph(graph, ROOT));
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  runtime.on((event) => {
    if (event.type !== 'run-started') return;
    const key = event.run.input.keys?.[0];
    const at = key === undefined ? undefined : sent.get(key);
    if (at !== undefined) latencies.push(performance.now() - at);
  });
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < uploads) {
        const key = `ingest/bench/object-${next++}.csv`;
        sent.set(key, performance.now());
        await runtime.s3.client.send(new PutObjectCommand({ Bucket: runtime.s3.bucket, Key: key, Body: key }));
      }
    }),
  );
  await runtime.idle();
  await runtime.stop();
  return latencies.sort((a, b) => a - b);
}

/** The compiler's static estimate of a run's history events next to what a local run counts (AWS allows 25,000). */
async function historyEstimates(): Promise<void> {
  const zero = (edges: Edges): Record<string, number> => Object.fromEntries(Object.keys(edges).map((id) => [id, 0]));
  const graphs: Array<[string, Edges]> = [
    ['chain-10', chain(10)],
    ['chain-200', chain(200)],
    ['fan-out-in-50', fanOutIn(50)],
    ['random-layered-200', randomLayeredDag(200, 15, 7).edges],
  ];
  const runtime = await LocalRuntime.start({ dataDir: mkdtempSync(join(tmpdir(), 'orchestra-bench-history-')) });
  console.log('\n## History events per run: compiler estimate vs counted on a local run (AWS limit 25,000)\n');
  console.log('| graph | estimate | counted | estimate / counted |');
  console.log('|---|---|---|---|');
  for (const [name, edges] of graphs) {
    const graph = simulateGraph(edges, zero(edges), `history-${name}`);
    runtime.addPipeline(pipelineFromGraph(graph, ROOT));
    const estimate = compileGraph(graph).stats.historyEventsPerRun;
    const run = await runtime.waitForRun(runtime.startRun(graph.name, { source: 'cli' }).runId);
    const counted = run.historyEvents ?? 0;
    console.log(`| ${name} | ${estimate} | ${counted} | ${fmt(estimate / counted)} |`);
  }
  await runtime.stop();
}

export async function runtimeTables(): Promise<void> {
  const raw = await rawRunsPerSecond(simulateChain);
  const runtime = await LocalRuntime.start({ dataDir: mkdtempSync(join(tmpdir(), 'orchestra-bench-')) });
  runtime.addPipeline(pipelineFromGraph(simulateChain, ROOT));
  runtime.addPipeline(pipelineFromGraph(bareChain, ROOT));
  const bare = await runtimeRunsPerSecond(runtime, bareChain);
  const simulate = await runtimeRunsPerSecond(runtime, simulateChain);
  await runtime.stop();
  const perStepMs = (runsPerSecond: number) => 1000 / runsPerSecond / STEPS;

  console.log(`\n## Local runtime: ${RUNS} concurrent runs of a ${STEPS}-step chain, zero-duration steps\n`);
  console.log('| engine | runs/s | ms per step | ratio to raw |');
  console.log('|---|---|---|---|');
  console.log(`| raw aws-local-stepfunctions, no-op handlers | ${fmt(raw, 0)} | ${fmt(perStepMs(raw), 3)} | 1.00 |`);
  console.log(`| Orchestra runtime, bare in-process handler (runtime overhead) | ${fmt(bare, 0)} | ${fmt(perStepMs(bare), 3)} | ${fmt(raw / bare)} |`);
  console.log(`| Orchestra runtime, simulate step (middy + Powertools logs and metrics) | ${fmt(simulate, 0)} | ${fmt(perStepMs(simulate), 3)} | ${fmt(raw / simulate)} |`);
  const beside = `${fmt(perStepMs(bare), 3)} vs ${fmt(perStepMs(raw), 3)} ms per step`;
  recordFigure({ section: 'runtime', measure: 'ms per step ÷ raw aws-local-stepfunctions, bare handler', value: raw / bare, unit: '×', goal: { max: 2 }, detail: beside });
  recordFigure({ section: 'runtime', measure: 'ms per step ÷ raw, simulate step (middy + Powertools)', value: raw / simulate, unit: '×', goal: { max: 3 } });

  const latencies = await triggerLatencies(1000);
  console.log('\n## Upload → run start latency (1,000 uploads, 16 at a time, per-object trigger)\n');
  console.log('| runs started | p50 ms | p99 ms | max ms |');
  console.log('|---|---|---|---|');
  console.log(`| ${latencies.length} | ${fmt(percentile(latencies, 50), 1)} | ${fmt(percentile(latencies, 99), 1)} | ${fmt(latencies[latencies.length - 1] ?? 0, 1)} |`);
  recordFigure({ section: 'runtime', measure: 'upload → run start, p99 (1,000 uploads)', value: percentile(latencies, 99), unit: 'ms', goal: { max: 50 } });
  await historyEstimates();
}
