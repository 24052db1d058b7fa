/**
 * Console benchmarks in the real browser (Debian's Chromium through playwright-core; printed, never
 * asserted): first render of the runs page over 10,000 runs, layout and render of a 1,000-step run's
 * graph, and the latency from a step's change in the runtime to the screen, with the live stream
 * (`orchestra up`) and with polling (`orchestra console` against a deployed API), side by side.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { pipelineFromGraph } from '../lib/catalogue';
import { layOutGraph } from '../lib/catalogue/graph-layout';
import { serveConsole } from '../lib/cli/console-server';
import { RunsApiClient } from '../lib/cli/runs-api-client';
import type { PipelineGraph } from '../lib/graph/schema';
import { LocalRuntime } from '../lib/local/runtime';
import { launchBrowser } from '../test/helpers/browser';
import { chain, randomLayeredDag, simulateGraph } from '../test/helpers/graphs';
import { recordFigure } from './goals';
import { median, percentile } from './stats';

const ROOT = join(import.meta.dirname, '..');
const CONSOLE = join(ROOT, 'console', 'dist');
const fmt = (value: number, digits = 0): string => value.toFixed(digits);

/** Milliseconds from navigation start until `ready` holds in the page (checked every animation frame). */
async function timeToReady(page: Page, url: string, ready: string): Promise<number> {
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForFunction(ready, undefined, { polling: 'raf', timeout: 60_000 });
  return Number(await page.evaluate('performance.now()'));
}

/** The runs page over 10,000 runs (the first page of 100 drawn), and the next page. */
async function runsPage(page: Page, runtime: LocalRuntime, api: string): Promise<{ first: number[]; older: number[] }> {
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < 10_000; i++) {
    const startedAt = new Date(base + i * 1000).toISOString();
    runtime.store.create({
      runId: `run-${String(i).padStart(5, '0')}`,
      pipeline: 'bench-runs',
      input: { source: 'cli' },
      status: i % 7 === 0 ? 'FAILED' : 'SUCCEEDED',
      startedAt,
      stoppedAt: startedAt,
      steps: { only: { status: 'SUCCEEDED', attempts: 1 } },
      outputs: 's3://b/x/',
      ownerPid: 1,
    });
  }
  const rows = (count: number) => `document.querySelectorAll("table[aria-label=Runs] tbody tr").length === ${count}`;
  const first: number[] = [];
  const older: number[] = [];
  for (let i = 0; i < 5; i++) {
    first.push(await timeToReady(page, `${api}/#/runs?pipeline=bench-runs`, `${rows(100)} && document.body.innerText.includes("run-09999")`));
    const clicked = Number(await page.evaluate('performance.now()'));
    await page.getByRole('button', { name: 'Older' }).click();
    await page.waitForFunction(`${rows(100)} && document.body.innerText.includes("run-09899")`, undefined, { polling: 'raf' });
    older.push(Number(await page.evaluate('performance.now()')) - clicked);
  }
  return { first, older };
}

/** A finished 1,000-step run's page: navigation to every step drawn, and elkjs's share. */
async function bigGraph(page: Page, runtime: LocalRuntime, api: string): Promise<{ total: number[]; layout: number[]; again: number[] }> {
  const run = runtime.startRun('bench-1000', { source: 'cli' });
  await runtime.waitForRun(run.runId);
  const total: number[] = [];
  const layout: number[] = [];
  for (let i = 0; i < 3; i++) {
    total.push(await timeToReady(page, `${api}/#/runs/bench-1000/${run.runId}`, 'document.querySelectorAll("svg.run-graph g[data-status=SUCCEEDED]").length === 1000'));
    layout.push(Number(await page.evaluate('performance.getEntriesByName("orchestra:layout").at(-1)?.duration ?? NaN')));
  }
  // Back to the run from the runs list inside the page (no reload): the layout is the one already made.
  const again: number[] = [];
  for (let i = 0; i < 3; i++) {
    await page.evaluate('location.hash = "#/runs"');
    await page.waitForFunction('document.querySelector("svg.run-graph") === null');
    const left = Number(await page.evaluate('performance.now()'));
    await page.evaluate(`location.hash = "#/runs/bench-1000/${run.runId}"`);
    await page.waitForFunction('document.querySelectorAll("svg.run-graph g[data-status=SUCCEEDED]").length === 1000', undefined, { polling: 'raf', timeout: 60_000 });
    again.push(Number(await page.evaluate('performance.now()')) - left);
  }
  return { total, layout, again };
}

/**
 * Step changes seen on screen: the page records each step's data-status as it changes; the runtime
 * records when each change happened; the difference is event-to-screen latency (one machine, one clock).
 */
async function eventToScreen(page: Page, runtime: LocalRuntime, consoleUrl: string, runs: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let r = 0; r < runs; r++) {
    const happened = new Map<string, number>();
    const off = runtime.on((event) => {
      if (event.type === 'step') happened.set(`${event.runId}/${event.step}/${event.status}`, Date.now());
    });
    const run = runtime.startRun('bench-live', { source: 'cli' });
    await page.goto(`${consoleUrl}/#/runs/bench-live/${run.runId}`);
    await page.waitForFunction('document.querySelectorAll("svg.run-graph g[data-step]").length === 21', undefined, { polling: 'raf' });
    const watching = Date.now();
    await page.evaluate(`(() => {
      window.seen = [];
      new MutationObserver((changes) => {
        for (const change of changes) window.seen.push([change.target.getAttribute('data-step'), change.target.getAttribute('data-status'), Date.now()]);
      }).observe(document.querySelector('svg.run-graph'), { subtree: true, attributes: true, attributeFilter: ['data-status'] });
    })()`);
    await runtime.waitForRun(run.runId);
    await page.waitForFunction('document.querySelector("svg.run-graph g[data-step=\\"s19\\"]")?.getAttribute("data-status") === "SUCCEEDED"', undefined, { timeout: 30_000 });
    off();
    const seen = (await page.evaluate('window.seen')) as Array<[string, string, number]>;
    for (const [step, status, at] of seen) {
      const when = happened.get(`${run.runId}/${step}/${status}`);
      // Changes from before the page watched are not a latency of the page.
      if (when !== undefined && when >= watching && step !== 'warmup') latencies.push(at - when);
    }
  }
  return latencies.sort((a, b) => a - b);
}

/** A warm-up step long enough to open the page and start watching, then a chain of 20 short steps. */
function liveGraph(): PipelineGraph {
  const steps = Object.fromEntries(Object.entries(chain(20)).map(([id, deps]) => [id, deps.length === 0 ? ['warmup'] : deps]));
  const durations = Object.fromEntries(Object.keys(steps).map((id) => [id, 150]));
  return simulateGraph({ warmup: [], ...steps }, { ...durations, warmup: 3000 }, 'bench-live');
}

export async function consoleTables(): Promise<void> {
  const runtime = await LocalRuntime.start({ dataDir: mkdtempSync(join(tmpdir(), 'orchestra-bench-console-')) });
  // The runs API knows the pipelines added before it is served.
  const { edges } = randomLayeredDag(1000, 40, 7);
  const big = simulateGraph(edges, Object.fromEntries(Object.keys(edges).map((id) => [id, 0])), 'bench-1000');
  // Laid out as `orchestra build` lays out a pipeline in state-machines/: the page only paints it.
  const buildStarted = performance.now();
  const layout = await layOutGraph(big);
  const buildLayoutMs = performance.now() - buildStarted;
  for (const graph of [simulateGraph({ only: [] }, { only: 0 }, 'bench-runs'), liveGraph()]) runtime.addPipeline(pipelineFromGraph(graph, ROOT));
  runtime.addPipeline({ ...pipelineFromGraph(big, ROOT), layout });
  const api = (await runtime.serveRunsApi({ console: CONSOLE })).url;
  const proxy = await serveConsole({ client: RunsApiClient.at(api), consoleDir: CONSOLE });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    const runs = await runsPage(page, runtime, api);
    const graph = await bigGraph(page, runtime, api);
    const live = await eventToScreen(page, runtime, api, 3);
    const polled = await eventToScreen(page, runtime, proxy.url, 3);
    console.log('\n## Console in Chromium (headless, this machine; medians of repeated loads)\n');
    console.log('| measure | goal | measured |');
    console.log('|---|---|---|');
    console.log(`| runs page over 10,000 runs: navigation → first 100 rows drawn | < 500 ms | ${fmt(median(runs.first))} ms (of ${runs.first.map((v) => fmt(v)).join(', ')}) |`);
    console.log(`| next page ("Older") → 100 rows drawn | — | ${fmt(median(runs.older))} ms |`);
    const inBrowser = median(graph.layout);
    console.log(
      `| 1,000-step run: navigation → every step drawn with its status | < 1,000 ms | ${fmt(median(graph.total))} ms, ${Number.isNaN(inBrowser) ? 'no layout in the browser (built with the pipeline)' : `of which elkjs layout ${fmt(inBrowser)} ms`} |`,
    );
    console.log(`| its layout at build time (\`orchestra build\`, elkjs in Node) | — | ${fmt(buildLayoutMs)} ms |`);
    recordFigure({ section: 'console', measure: '1,000-step run: navigation → every step drawn', value: median(graph.total), unit: 'ms', goal: { max: 1000 } });
    console.log(`| the same run again, from inside the console (layout kept) | — | ${fmt(median(graph.again))} ms |`);
    console.log(
      `| step change → screen, live stream (orchestra up) | — | p50 ${fmt(percentile(live, 50))} ms, p99 ${fmt(percentile(live, 99))} ms (${live.length} changes seen) |`,
    );
    console.log(
      `| step change → screen, polling (orchestra console) | — | p50 ${fmt(percentile(polled, 50))} ms, p99 ${fmt(percentile(polled, 99))} ms (${polled.length} changes seen) |`,
    );
    console.log(`| live / polling latency (p50) | — | ${fmt(percentile(live, 50) / percentile(polled, 50), 2)} |`);
  } finally {
    await browser.close();
    await proxy.close();
    await runtime.stop();
  }
}
