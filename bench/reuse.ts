/**
 * What reuse saves the flood pipeline (printed, never asserted): the example case run once with
 * every step computed (reuse off: each run computes, and saves its entries), then again with reuse
 * on, reusing every step from those entries — interleaved in one runtime of each, so the ratio is
 * measured under the same load. Also what a computed run pays for its reuse checks and saves: the
 * same run with `reuse` left out of the graph.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPipeline, pipelineFromGraph } from '../lib/catalogue';
import type { RunRecord } from '../lib/local/runs/run-record';
import { LocalRuntime } from '../lib/local/runtime';
import { median } from './stats';

const ROOT = join(import.meta.dirname, '..');
const VALLEY = join(ROOT, 'examples', 'flood', 'valley');
const ROUNDS = 3;

async function floodRuntime(reuse: boolean, graphReuse = true): Promise<LocalRuntime> {
  const runtime = await LocalRuntime.start({ dataDir: mkdtempSync(join(tmpdir(), 'orchestra-bench-reuse-')), retryDelayMs: 1, reuse });
  const flood = loadPipeline(join(ROOT, 'state-machines', 'flood.graph.json'));
  runtime.addPipeline(graphReuse ? flood : pipelineFromGraph({ ...flood.graph, defaults: { ...flood.graph.defaults, reuse: false } }, ROOT));
  return runtime;
}

let dataset = 0;
async function timedRun(runtime: LocalRuntime): Promise<{ ms: number; run: RunRecord }> {
  const prefix = `ingest/flood/bench-${++dataset}/`;
  const started = performance.now();
  const finished = new Promise<RunRecord>((resolve) => {
    const off = runtime.on((event) => {
      if (event.type === 'run-finished' && event.run.input.prefix === prefix) {
        off();
        resolve(event.run);
      }
    });
  });
  await runtime.s3.uploadFolder(VALLEY, prefix);
  const run = await finished;
  if (run.status !== 'SUCCEEDED') throw new Error(`the benchmark run ${run.runId} ended ${run.status}`);
  return { ms: performance.now() - started, run };
}

export async function reuseTable(): Promise<void> {
  const computing = await floodRuntime(false);
  const plain = await floodRuntime(false, false);
  const reusing = await floodRuntime(true);
  try {
    // Bundles the handlers, warms the clients and saves the entries the reusing runtime reuses.
    await timedRun(computing);
    await timedRun(plain);
    await timedRun(reusing);
    const times = { computed: [] as number[], plain: [] as number[], reused: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      times.computed.push((await timedRun(computing)).ms);
      times.plain.push((await timedRun(plain)).ms);
      const { ms, run } = await timedRun(reusing);
      if (Object.values(run.steps).some((step) => step.reusedFrom === undefined)) throw new Error(`run ${run.runId} did not reuse every step`);
      times.reused.push(ms);
    }
    const [computed, without, reused] = [median(times.computed), median(times.plain), median(times.reused)];
    console.log(`\n## Reuse (the flood example uploaded and run to its end; median of ${ROUNDS}, interleaved)\n`);
    console.log('| run | wall (ms) |');
    console.log('|---|---|');
    console.log(`| every step computed, no reuse in the graph | ${without.toFixed(0)} |`);
    console.log(`| every step computed, checked and saved (--no-reuse) | ${computed.toFixed(0)} |`);
    console.log(`| every step reused | ${reused.toFixed(0)} |`);
    console.log(`\nreused / computed: ${(reused / computed).toFixed(2)}×; checks and saves on a computed run: ${(computed / without).toFixed(2)}×`);
  } finally {
    await computing.stop();
    await plain.stop();
    await reusing.stop();
  }
}
