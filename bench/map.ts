/**
 * `forEach` benchmarks (printed, never asserted): items per second on the embedded runtime, inline
 * and distributed, for simulate and Lambda items at a few concurrencies; and what the compiler says an
 * item costs in AWS (state transitions, parent history events) — the per-item figures Step Functions
 * bills and caps.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipelineFromGraph } from '../lib/catalogue';
import { compileGraph } from '../lib/compiler';
import type { PipelineGraph, Step } from '../lib/graph/schema';
import { LocalRuntime } from '../lib/local/runtime';

const ROOT = join(import.meta.dirname, '..');
const LIST = 'test/fixtures/functions/items/list.ts';
const ITEM = 'test/fixtures/functions/items/item.ts';

const mapped = (name: string, items: number, mode: 'items' | 'manifest', item: Partial<Step>, maxConcurrency: number): PipelineGraph => ({
  name,
  steps: {
    list: { kind: 'lambda', handler: LIST, parameters: { count: items, inS3: mode === 'manifest' } },
    each: {
      kind: 'simulate',
      dependsOn: ['list'],
      forEach: { from: 'list', ...(mode === 'items' ? { items: 'items' } : { manifest: 'list' }), maxConcurrency, maxItems: items },
      ...(mode === 'items' ? { output: { ok: true } } : {}),
      ...item,
    } as Step,
  },
});

export async function mapTables(): Promise<void> {
  const cases: Array<[string, PipelineGraph, number]> = [];
  for (const [mode, items] of [
    ['items', 2000],
    ['manifest', 2000],
  ] as const)
    for (const concurrency of [1, 10, 40])
      for (const [label, item] of [
        ['simulate', {}],
        ['lambda', { kind: 'lambda', handler: ITEM, parameters: { ms: 0 } }],
      ] as const)
        cases.push([
          `${mode === 'items' ? 'inline' : 'distributed'} · ${label} · maxConcurrency ${concurrency}`,
          mapped(`map-${mode}-${label}-${concurrency}`, items, mode, item as Partial<Step>, concurrency),
          items,
        ]);
  const runtime = await LocalRuntime.start({ dataDir: mkdtempSync(join(tmpdir(), 'orchestra-bench-map-')), retryDelayMs: 1 });
  for (const [, graph] of cases) runtime.addPipeline(pipelineFromGraph(graph, ROOT));
  console.log('\n## forEach on the embedded runtime (2,000 items per run, one run at a time)\n');
  console.log('| map · item · concurrency | items/s | run time |');
  console.log('|---|---|---|');
  try {
    for (const [label, graph, items] of cases) {
      const started = performance.now();
      const run = await runtime.waitForRun((await runtime.startRun(graph.name, { source: 'cli' })).runId);
      const seconds = (performance.now() - started) / 1000;
      if (run.status !== 'SUCCEEDED') throw new Error(`${graph.name}: ${run.status} ${JSON.stringify(run.error)}`);
      console.log(`| ${label} | ${(items / seconds).toFixed(0)} | ${seconds.toFixed(2)} s |`);
    }
  } finally {
    await runtime.stop();
  }

  console.log('\n## What an item costs in AWS, from the compiled definition\n');
  console.log('| map | transitions per item | parent history events per item | parent history events, fixed |');
  console.log('|---|---|---|---|');
  for (const mode of ['items', 'manifest'] as const) {
    const at = (n: number) => compileGraph(mapped('cost', n, mode, {}, 0)).stats;
    const [one, thousand] = [at(1), at(1001)];
    console.log(
      `| ${mode === 'items' ? 'inline' : 'distributed'} | ${((thousand.transitionsPerRun - one.transitionsPerRun) / 1000).toFixed(2)} | ${((thousand.historyEventsPerRun - one.historyEventsPerRun) / 1000).toFixed(2)} | ${one.historyEventsPerRun} |`,
    );
  }
}
