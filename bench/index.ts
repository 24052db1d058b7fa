/**
 * `npm run bench`: compile-side benchmark (no pass/fail). Makespans come from the compiled plan
 * structure with unlimited workers (series add, Parallel branches overlap). bench/runtime.ts measures
 * the embedded runtime, bench/bundles.ts the deployed Lambda bundles.
 */
import { compileGraph, planByLevels, planInputOf, planMakespan, planSeriesParallel } from '../lib/compiler';
import type { PipelineGraph } from '../lib/graph/schema';
import { criticalPathLength } from '../lib/shared/topology';
import { chain, type Edges, fanOutIn, randomLayeredDag, seededRandom, simulateGraph } from '../test/helpers/graphs';
import { bundleTable } from './bundles';
import { cliTable } from './cli';
import { consoleTables } from './console';
import { goalsAsJson, printGoals, recordFigure } from './goals';
import { iamTable } from './iam';
import { keyedTables } from './keyed';
import { mapTables } from './map';
import { reuseTable } from './reuse';
import { runSizeTable } from './run-size';
import { runsApiTables } from './runs-api';
import { runtimeTables } from './runtime';
import { testTiersTable } from './test-tiers';

interface Case {
  family: string;
  graph: PipelineGraph;
}

function randomDurations(edges: Edges, seed: number): Record<string, number> {
  const random = seededRandom(seed);
  return Object.fromEntries(Object.keys(edges).map((id) => [id, 100 + Math.floor(random() * 900)]));
}

function nShapes(count: number): Edges {
  const edges: Record<string, string[]> = {};
  for (let i = 0; i < count; i++) Object.assign(edges, { [`a${i}`]: [], [`b${i}`]: [], [`c${i}`]: [`a${i}`], [`d${i}`]: [`a${i}`, `b${i}`] });
  return edges;
}

function diamonds(count: number, width: number): Edges {
  const edges: Record<string, string[]> = {};
  for (let i = 0; i < count; i++) {
    const top = i === 0 ? [] : [`join${i - 1}`];
    edges[`fork${i}`] = top;
    for (let w = 0; w < width; w++) edges[`m${i}_${w}`] = [`fork${i}`];
    edges[`join${i}`] = Array.from({ length: width }, (_, w) => `m${i}_${w}`);
  }
  return edges;
}

function cases(): Case[] {
  const out: Case[] = [];
  const add = (family: string, edges: Edges, seed: number) => out.push({ family, graph: simulateGraph(edges, randomDurations(edges, seed), family.replace(/[^a-z0-9-]/gi, '-')) });
  for (let seed = 1; seed <= 3; seed++) {
    add('chain-50', chain(50), seed);
    add('diamonds-10x5', diamonds(10, 5), seed);
    add('fan-out-in-200', fanOutIn(200), seed);
    add('n-shapes-20', nShapes(20), seed);
  }
  for (const [steps, layers] of [
    [50, 8],
    [100, 10],
    [200, 15],
    [500, 25],
  ] as const) {
    for (let seed = 1; seed <= 5; seed++) {
      const { edges, durationsMs } = randomLayeredDag(steps, layers, seed * 101);
      out.push({ family: `random-layered-${steps}`, graph: simulateGraph(edges, durationsMs, `random-${steps}`) });
    }
  }
  return out;
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const fmt = (value: number, digits = 2): string => value.toFixed(digits);

function parallelismTable(): void {
  const rows = new Map<string, { ours: number[]; levels: number[]; transitions: number[] }>();
  const all: number[] = [];
  for (const { family, graph } of cases()) {
    const input = planInputOf(graph);
    const critical = criticalPathLength(input, input.weight);
    const ours = planMakespan(planSeriesParallel(input), input.weight) / critical;
    const levels = planMakespan(planByLevels(input), input.weight) / critical;
    const compiled = compileGraph(graph);
    const row = rows.get(family) ?? { ours: [], levels: [], transitions: [] };
    row.ours.push(ours);
    row.levels.push(levels);
    row.transitions.push(compiled.stats.transitionsPerRun / compiled.stats.steps);
    rows.set(family, row);
    all.push(ours);
  }
  console.log('\nMakespan / critical path (1.00 = physical limit; unlimited workers)\n');
  console.log('| graphs | n | ours mean | ours worst | level-by-level mean | level-by-level worst | transitions/step |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [family, row] of rows) {
    console.log(
      `| ${family} | ${row.ours.length} | ${fmt(mean(row.ours))} | ${fmt(Math.max(...row.ours))} | ${fmt(mean(row.levels))} | ${fmt(Math.max(...row.levels))} | ${fmt(mean(row.transitions))} |`,
    );
  }
  console.log(`| **all** | ${all.length} | ${fmt(mean(all))} | ${fmt(Math.max(...all))} | | | |`);
}

function scaleTable(): void {
  console.log('\nCompile cost by size (random layered DAGs)\n');
  console.log('| steps | compile ms | states | Parallel states | definition KB | deployed KB (est.) | history events/run | AWS limits |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const steps of [100, 1000, 10_000]) {
    const { edges, durationsMs } = randomLayeredDag(steps, Math.max(5, Math.round(Math.sqrt(steps))), 9);
    const graph = simulateGraph(edges, durationsMs, `scale-${steps}`);
    compileGraph(graph); // warm-up
    const started = process.hrtime.bigint();
    const compiled = compileGraph(graph);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const s = compiled.stats;
    const limits =
      compiled.issues
        .filter((i) => i.severity === 'error')
        .map((i) => i.message.split(';')[0])
        .join('; ') || 'within';
    console.log(
      `| ${steps} | ${fmt(ms, 0)} | ${s.states} | ${s.parallelStates} | ${fmt(s.definitionBytes / 1024, 0)} | ${fmt(s.deployedBytesEstimate / 1024, 0)} | ${s.historyEventsPerRun} | ${limits} |`,
    );
    if (steps === 10_000) recordFigure({ section: 'scale', measure: 'compile 10,000 steps', value: ms, unit: 'ms', goal: { max: 1000 } });
  }
}

/** `npm run bench` runs every section but `tests`; `npm run bench -- runs-api bundles` only those named; `--json` prints the figures as JSON. */
const SECTIONS: Record<string, () => void | Promise<void>> = {
  parallelism: parallelismTable,
  scale: scaleTable,
  runtime: runtimeTables,
  'run-size': runSizeTable,
  keyed: keyedTables,
  map: mapTables,
  console: consoleTables,
  'runs-api': runsApiTables,
  iam: iamTable,
  reuse: reuseTable,
  bundles: bundleTable,
  cli: cliTable,
  /** Runs the test tiers themselves: only when named (`npm run bench -- tests`). */
  tests: testTiersTable,
};
const ONLY_WHEN_NAMED = new Set(['tests']);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const wanted = args.filter((arg) => arg !== '--json');
  const unknown = wanted.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) throw new Error(`unknown bench section(s) ${unknown.join(', ')}: choose from ${Object.keys(SECTIONS).join(', ')} (and --json)`);
  // With --json, stdout holds only the figures: the sections' tables go to stderr.
  const out = console.log;
  if (json) console.log = (...parts: unknown[]) => console.error(...parts);
  for (const [name, section] of Object.entries(SECTIONS)) if (wanted.includes(name) || (wanted.length === 0 && !ONLY_WHEN_NAMED.has(name))) await section();
  if (json) out(goalsAsJson());
  else printGoals();
}

void main();
