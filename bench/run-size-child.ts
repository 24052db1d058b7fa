/**
 * One local run of a generated pipeline in a fresh process, so its peak memory is its own:
 * `tsx bench/run-size-child.ts <chain|random|fan> <steps>` prints one JSON line (bench/run-size.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipelineFromGraph } from '../lib/catalogue';
import { LocalRuntime } from '../lib/local/runtime';
import { chain, type Edges, seededRandom, simulateGraph } from '../test/helpers/graphs';

const WIDTH = 50;

/** Fork → 50 parallel steps → join, repeated: each join reads its 50. */
function diamonds(steps: number): Edges {
  const edges: Record<string, string[]> = {};
  for (let i = 0; Object.keys(edges).length + WIDTH + 2 <= steps; i++) {
    edges[`fork${i}`] = i === 0 ? [] : [`join${i - 1}`];
    for (let w = 0; w < WIDTH; w++) edges[`m${i}_${w}`] = [`fork${i}`];
    edges[`join${i}`] = Array.from({ length: WIDTH }, (_, w) => `m${i}_${w}`);
  }
  return edges;
}

/** Layers 50 wide, each step reading 1–3 steps of the layer before (like WfCommons' Montage or Epigenomics). */
function layers(steps: number): Edges {
  const random = seededRandom(11);
  const edges: Record<string, string[]> = {};
  for (let i = 0; i < steps; i++) {
    const layer = Math.floor(i / WIDTH);
    const previous = Array.from({ length: WIDTH }, (_, k) => `s${(layer - 1) * WIDTH + k}`);
    edges[`s${i}`] = layer === 0 ? [] : [...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => previous[Math.floor(random() * WIDTH)] as string))];
  }
  return edges;
}

const [shape, stepsText] = process.argv.slice(2);
const steps = Number(stepsText);
const edges = shape === 'chain' ? chain(steps) : shape === 'diamonds' ? diamonds(steps) : layers(steps);
// Each step returns about 100 bytes: an S3 URI.
const graph = simulateGraph(edges, Object.fromEntries(Object.keys(edges).map((id) => [id, 0])), `size-${shape}`);
for (const step of Object.values(graph.steps)) if (step.kind === 'simulate') step.output = { uri: `s3://bucket/runs/${'x'.repeat(70)}` };

const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-bench-size-'));
const runtime = await LocalRuntime.start({ dataDir });
runtime.addPipeline(pipelineFromGraph(graph, join(import.meta.dirname, '..')));
const started = performance.now();
const run = await runtime.waitForRun(runtime.startRun(graph.name, { source: 'cli' }).runId);
const runMs = performance.now() - started;
await runtime.stop();
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ status: run.status, steps: Object.keys(edges).length, runMs, maxRssKiB: process.resourceUsage().maxRSS, largestStateBytes: run.largestPayload?.bytes ?? null, historyEvents: run.historyEvents ?? null })}\n`,
);
