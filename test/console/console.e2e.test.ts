/**
 * The web console in a real browser (Debian's Chromium), served by the local runs API as `orchestra
 * up` serves it: pipelines and their pages, runs started from a form built from the request schema
 * after a dry run, the flood pipeline end to end with its map previewed, live progress, runs filtered
 * and paged, keys and backfills, cancel and redrive — each action confirmed, each refusal shown.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipeline } from '../../lib/catalogue';
import { serveConsole } from '../../lib/cli/console-server';
import { RunsApiClient } from '../../lib/cli/runs-api-client';
import type { PipelineGraph } from '../../lib/graph/schema';
import { defined } from '../../lib/shared/defined';
import { launchBrowser } from '../helpers/browser';
import { ROOT, startTestRuntime, upload, uploadFolder } from '../helpers/local-runtime';

const quick: PipelineGraph = {
  name: 'quick',
  steps: { a: { kind: 'simulate', durationMs: 200 }, b: { kind: 'simulate', durationMs: 200, dependsOn: ['a'] }, c: { kind: 'simulate', dependsOn: ['a'] } },
};
const slow: PipelineGraph = { name: 'slow', steps: { wait: { kind: 'simulate', durationMs: 60_000, timeoutSeconds: 120 } } };
const flaky: PipelineGraph = {
  name: 'flaky',
  steps: { first: { kind: 'simulate' }, fails: { kind: 'simulate', failureRate: 1, retry: { maxAttempts: 1 }, dependsOn: ['first'] } },
};
const survey: PipelineGraph = {
  name: 'survey',
  trigger: { ingestPrefix: 'ingest/survey/', mode: 'dataset', requiredFiles: ['a.csv', 'b.csv'] },
  steps: { only: { kind: 'simulate' } },
};
const progress: PipelineGraph = {
  name: 'progress',
  steps: {
    model: {
      kind: 'container',
      image: 'public.ecr.aws/x/y:1',
      // Progress is live only (the API keeps none): each value is repeated for 3 s, so a page that
      // opens while the process starts (a loaded CI machine) still sees it.
      local: {
        command: [
          'node',
          '-e',
          "const say = (p) => console.log('progress ' + p + '%'); const t = setInterval(() => say(40), 200); setTimeout(() => { clearInterval(t); setInterval(() => say(80), 200); }, 3000); setTimeout(() => process.exit(0), 6000)",
        ],
      },
    },
  },
};
const observations: PipelineGraph = {
  name: 'observations',
  trigger: { mode: 'keyed', required: ['Alert', 'Orbit'], reprocess: 'manual' },
  steps: { product: { kind: 'simulate' } },
};

const stops: PipelineGraph = {
  name: 'stops',
  steps: { first: { kind: 'simulate', durationMs: 60_000, timeoutSeconds: 120 }, after: { kind: 'simulate', dependsOn: ['first'] } },
};
const scans: PipelineGraph = { name: 'scans', trigger: { ingestPrefix: 'ingest/scans/' }, steps: { only: { kind: 'simulate' } } };
const paged: PipelineGraph = { name: 'paged', steps: { only: { kind: 'simulate' } } };
const runtime = await startTestRuntime([scans, stops, paged, quick, slow, flaky, survey, progress, observations, 'state-machines/flood.graph.json']);
const api = await runtime.serveRunsApi({ console: join(ROOT, 'console', 'dist') });
let browser: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
});
afterAll(async () => {
  await browser?.close();
  await runtime.stop();
});

/** Opens the start form of `pipeline`, sets its input if given, dry-runs it, starts it: the run's page opens. */
async function startFromPage(pipeline: string, input?: unknown): Promise<void> {
  await page.goto(`${api.url}/`);
  await page.getByRole('button', { name: `Start a run of ${pipeline}` }).click();
  await page.getByRole('heading', { name: `Start a run of ${pipeline}` }).waitFor();
  if (input !== undefined) await page.getByRole('textbox', { name: 'input' }).fill(JSON.stringify(input));
  await page.getByRole('button', { name: 'Dry run' }).click();
  await page.getByRole('heading', { name: 'Dry run: ready to start' }).waitFor();
  await page.getByRole('button', { name: 'Start run' }).click();
  await page.getByRole('heading', { name: new RegExp(`^Run .+ of ${pipeline}`) }).waitFor();
}

describe('the console', () => {
  it('lists the pipelines with a start button each', async () => {
    await page.goto(`${api.url}/`);
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
    expect(await page.getByRole('link', { name: 'quick' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Start a run of slow' }).count()).toBe(1);
  });

  it('starts a run from a form built from the request schema, after a dry run, and shows its steps turning SUCCEEDED', async () => {
    await page.goto(`${api.url}/#/start/quick`);
    // One field per property of the start request's schema, its description as the hint.
    await page.getByRole('textbox', { name: 'runId' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'runId' }).getAttribute('aria-describedby')).toBe('field-runId-hint');
    expect(await page.locator('#field-runId-hint').textContent()).toContain("The run's name, used once per pipeline");
    expect(await page.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(true);
    await startFromPage('quick');
    const steps = page.getByRole('table', { name: 'Steps' });
    await steps.getByText('SUCCEEDED').nth(2).waitFor({ timeout: 15_000 });
    const rows = await steps.locator('tbody tr').allInnerTexts();
    expect(rows.map((row) => row.split('\t').slice(0, 2).join(' ')).sort()).toEqual(['a SUCCEEDED', 'b SUCCEEDED', 'c SUCCEEDED']);
    await page.getByRole('heading', { name: /SUCCEEDED$/ }).waitFor();
    // What it would cost on AWS at its durations, each step's in its row and the run's above.
    await page.locator('p.hint', { hasText: /cost on AWS \$[\d.e-]+ at these durations \(us-east-1 prices of/ }).waitFor();
    expect((await steps.locator('tbody tr').allInnerTexts()).every((row) => /\t\$[\d.e-]+\t/.test(row))).toBe(true);
  });

  it("draws the run as a graph laid out by elkjs, each step named with its status, and shows a step's logs when chosen", async () => {
    await page.getByRole('img', { name: 'Graph of quick: 3 steps' }).waitFor();
    for (const step of ['a', 'b', 'c']) await page.getByRole('button', { name: `${step}: SUCCEEDED` }).waitFor();
    // a precedes b and c: elkjs lays the graph out left to right.
    const x = async (step: string) => Number((await page.locator(`g[data-step="${step}"]`).getAttribute('transform'))?.match(/translate\(([\d.]+)/)?.[1]);
    expect(await x('a')).toBeLessThan(await x('b'));
    await page.getByRole('button', { name: 'b: SUCCEEDED' }).focus();
    expect(await page.evaluate('document.activeElement?.getAttribute("data-step")')).toBe('b');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Logs of b' }).waitFor();
    await page.locator('pre.logs', { hasText: '[b]' }).waitFor();
    expect(await page.locator('pre.logs').textContent()).not.toContain('[a]');
  });

  it('filters the runs by key, exactly: runs are named after the dataset or observation that started them', async () => {
    for (const body of [{ input: { key: 'obs-0042' } }, { input: { key: 'obs-00420' } }, { runId: 'xobs-0042-night' }]) {
      const started = await fetch(`${api.url}/pipelines/quick/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(started.status).toBe(202);
    }
    await page.goto(`${api.url}/#/runs`);
    await page.getByRole('textbox', { name: 'Key' }).fill('obs-0042');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/key=obs-0042/);
    // The filtered list replaces the unfiltered one (which holds obs-0042's run too) once it is fetched.
    const rows = page.getByRole('table', { name: 'Runs' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.getByRole('link').textContent()).toMatch(/^obs-0042-[0-9a-f]{16}$/);
  });

  it('has no serious or critical accessibility violations (axe-core) on the pipelines, runs and run pages', async () => {
    const source = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
    const pages = [`${api.url}/`, `${api.url}/#/runs`, page.url(), `${api.url}/#/pipelines/quick`, `${api.url}/#/start/survey`, `${api.url}/#/keys`];
    for (const address of pages) {
      await page.goto(address);
      await page.locator('main h2').first().waitFor();
      await page.addScriptTag({ content: source });
      const found = await page.evaluate(
        'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))',
      );
      expect(Array.isArray(found)).toBe(true);
      expect(JSON.stringify(found)).not.toMatch(/"impact":"(serious|critical)"/);
    }
  });

  it('redrives a failed run once confirmed', async () => {
    await startFromPage('flaky');
    await page.getByRole('heading', { name: /FAILED$/ }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'fails: FAILED' }).waitFor();
    await page.getByRole('button', { name: 'Redrive run' }).click();
    // The redriven run fails again at the same step (it always fails): a second attempt is recorded.
    await page.locator('tr[data-step="fails"] td:nth-child(3)', { hasText: '2' }).waitFor({ timeout: 15_000 });
    // Each attempt's figures, not only the last one's, once the step is chosen.
    await page.getByRole('table', { name: 'Steps' }).getByRole('button', { name: 'fails' }).click();
    const invocations = page.getByRole('table', { name: 'Invocations of fails' }).locator('tbody tr');
    await invocations.nth(1).waitFor();
    expect(await invocations.count()).toBe(2);
    for (const row of await invocations.all()) {
      expect(await row.locator('td').nth(1).textContent()).toMatch(/^\d+(\.\d+)? (ms|s)$/);
      expect(await row.locator('td').nth(5).textContent()).toContain("Orchestra's process");
    }
  });

  it('cancels a running run once confirmed, and filters the runs by status', async () => {
    await startFromPage('slow');
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('heading', { name: /ABORTED$/ }).waitFor({ timeout: 15_000 });
    await page.goto(`${api.url}/#/runs`);
    await page.getByRole('combobox', { name: 'Status' }).selectOption('ABORTED');
    await page.waitForURL(/status=ABORTED/);
    await page.getByRole('table', { name: 'Runs' }).locator('tbody tr').first().waitFor();
    const rows = await page.getByRole('table', { name: 'Runs' }).locator('tbody tr').allInnerTexts();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.includes('slow') && row.includes('ABORTED'))).toBe(true);
  });
  it("shows a stopped run's steps that never ran as SKIPPED and a stopped step's files apart from the results (issue 29, item 24)", async () => {
    await startFromPage('stops');
    const runId = decodeURIComponent(page.url().split('/').at(-1) ?? '');
    await page.getByRole('button', { name: 'after: PENDING' }).waitFor();
    await upload(runtime, `runs/stops/${runId}/first/partial.csv`, 'id\n1\n');
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('heading', { name: /ABORTED$/ }).waitFor({ timeout: 15_000 });

    await page.getByRole('button', { name: 'after: SKIPPED' }).waitFor();
    expect(await page.locator('tr[data-step="after"]').textContent()).toContain('SKIPPED');
    const unfinished = page.getByRole('list', { name: 'Files of steps that did not finish' });
    await unfinished.locator('li', { hasText: 'first/partial.csv' }).waitFor();
    // The run's results: none of a step's, only its own provenance (its RO-Crate and workflow).
    const results = await page.getByRole('list', { name: 'Files the run wrote' }).locator('li strong').allInnerTexts();
    expect(results.filter((title) => !/^(ro-crate-metadata|workflow\.asl)\.json$/.test(title))).toEqual([]);
  });

  it("shows a step's report in a frame where its scripts do not run and cannot reach the console", async () => {
    await startFromPage('quick');
    await page.getByRole('heading', { name: /SUCCEEDED$/ }).waitFor({ timeout: 15_000 });
    const runId = decodeURIComponent(page.url().split('/').at(-1) ?? '');
    const hostile = '<!doctype html><h1>Quick report</h1><p id="ran">no</p><script>document.getElementById("ran").textContent = "yes"; parent.document.title = "pwned";</script>';
    await upload(runtime, `runs/quick/${runId}/a/report.html`, hostile);
    await page.reload();
    const frame = page.frameLocator('iframe[title="Report of a"]');
    await frame.getByRole('heading', { name: 'Quick report' }).waitFor();
    expect(await frame.locator('#ran').textContent()).toBe('no');
    expect(await page.title()).not.toBe('pwned');
    expect(await page.locator('iframe[title="Report of a"]').getAttribute('sandbox')).toBe('');
  });

  it('lists a run of many files a page at a time: More files loads the rest, each once (issue 29, item 17)', async () => {
    await startFromPage('quick');
    await page.getByRole('heading', { name: /SUCCEEDED$/ }).waitFor({ timeout: 15_000 });
    const runId = decodeURIComponent(page.url().split('/').at(-1) ?? '');
    const keys = Array.from({ length: 230 }, (_, i) => `runs/quick/${runId}/a/part-${String(i).padStart(3, '0')}.bin`);
    for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((key) => upload(runtime, key, 'x')));
    await page.reload();
    const files = page.getByRole('list', { name: 'Files the run wrote' }).locator('li');
    await page.getByRole('button', { name: 'More files (200 listed)' }).click();
    await files.nth(229).waitFor();

    expect(await files.filter({ hasText: /part-\d{3}\.bin/ }).count()).toBe(230);
    expect(await page.getByRole('button', { name: /^More files/ }).count()).toBe(0);
  });

  it('shows the report of a step that wrote more files than the first page lists, without loading the rest', async () => {
    await startFromPage('quick');
    await page.getByRole('heading', { name: /SUCCEEDED$/ }).waitFor({ timeout: 15_000 });
    const runId = decodeURIComponent(page.url().split('/').at(-1) ?? '');
    const keys = Array.from({ length: 230 }, (_, i) => `runs/quick/${runId}/a/part-${String(i).padStart(3, '0')}.bin`);
    for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((key) => upload(runtime, key, 'x')));
    await upload(runtime, `runs/quick/${runId}/a/report.html`, '<!doctype html><h1>Late report</h1>');
    await page.reload();
    await page.getByRole('button', { name: 'More files (200 listed)' }).waitFor();
    await page.frameLocator('iframe[title="Report of a"]').getByRole('heading', { name: 'Late report' }).waitFor();
    expect(await page.locator('iframe[title="Report of a"]').getAttribute('sandbox')).toBe('');
  });

  it("offers a per-object pipeline's form the objects to process, and its dry run checks them (it offered a prefix: issue 29, item 23)", async () => {
    await page.goto(`${api.url}/#/start/scans`);
    await page.getByText('It runs once per object uploaded under ingest/scans/: give the keys of the objects to process.').waitFor();
    const input = page.getByRole('textbox', { name: 'input' });
    await page.waitForFunction('document.querySelector("textarea[name=input]")?.value.includes("keys")');
    expect(JSON.parse(await input.inputValue())).toEqual({ keys: ['ingest/scans/'] });
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByRole('alert').filter({ hasText: 'body.input.keys' }).waitFor();

    await upload(runtime, 'ingest/scans/one.tif', 'x');
    await input.fill('{"keys": ["ingest/scans/one.tif"]}');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByRole('heading', { name: 'Dry run: ready to start' }).waitFor();
    expect(await page.locator('.verdict li').allInnerTexts()).toEqual(['ingest/scans/one.tif']);
  });

  it('shows a pipeline: what starts it, its steps and graph, its recent runs', async () => {
    await page.goto(`${api.url}/#/pipelines/survey`);
    await page.getByRole('heading', { name: 'Pipeline survey' }).waitFor();
    expect(await page.locator('.facts').textContent()).toMatch(/Uploads to\s*ingest\/survey\/ \(dataset mode\)\s*Needs\s*a\.csv, b\.csv/);
    await page.getByRole('img', { name: 'Graph of survey: 1 steps' }).waitFor();
    expect(await page.getByRole('table', { name: 'Steps' }).locator('tbody tr').allInnerTexts()).toEqual(['only\tsimulate\t—\t']);
  });

  it("shows a dry run's refusal with the API's message and marks the field to fix; a complete dataset dry-runs with the files it would read", async () => {
    await upload(runtime, 'ingest/survey/d1/a.csv', 'x\n1\n');
    await page.goto(`${api.url}/#/start/survey`);
    const input = page.getByRole('textbox', { name: 'input' });
    await input.waitFor();
    expect(JSON.parse(await input.inputValue())).toEqual({ prefix: 'ingest/survey/' });
    await input.fill('{"prefix": "ingest/survey/d1/"}');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByRole('alert').filter({ hasText: 'lacks b.csv' }).waitFor();
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(true);

    await input.fill('{"prefix": "ingest/survey/d1/"');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByRole('alert').filter({ hasText: 'input: not valid JSON' }).waitFor();

    await upload(runtime, 'ingest/survey/d1/b.csv', 'y\n2\n');
    await input.fill('{"prefix": "ingest/survey/d1/"}');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByRole('heading', { name: 'Dry run: ready to start' }).waitFor();
    expect(await page.locator('.verdict li').allInnerTexts()).toEqual(['ingest/survey/d1/a.csv', 'ingest/survey/d1/b.csv']);
    expect(await input.getAttribute('aria-invalid')).toBe('false');
  });

  it("runs the flood pipeline from the page: its four steps turn SUCCEEDED with each one's CPU and memory, the flood map and the manifest are previewed, a step shows its logs", async () => {
    // Under the flood's ingest prefix, the one its deployed steps may read (its upload trigger starts a run of its own too).
    await uploadFolder(runtime, join(ROOT, 'examples', 'flood', 'valley'), 'ingest/flood/valley/');
    await startFromPage('flood', { prefix: 'ingest/flood/valley/' });
    for (const step of ['validate-inputs', 'run-model', 'df2d-to-raster', 'publish-manifest'])
      await page.getByRole('button', { name: new RegExp(`^${step}: SUCCEEDED`) }).waitFor({ timeout: 120_000 });
    await page.getByRole('heading', { name: /SUCCEEDED$/ }).waitFor();
    const map = page.getByRole('img', { name: /flood-map\.png written by df2d-to-raster/ });
    await map.waitFor({ timeout: 10_000 });
    await page.waitForFunction('[...document.images].some((image) => image.alt.includes("flood-map.png") && image.complete && image.naturalWidth > 0)');
    const manifest = page.locator('.outputs li').filter({ has: page.locator('strong', { hasText: /^publish-manifest\// }) });
    expect(await manifest.locator('pre').textContent()).toContain('"volumeBalance"');
    // The manifest's preview names the map too: the map's own entry is the one titled with its path.
    const download = page
      .locator('.outputs li')
      .filter({ has: page.locator('strong', { hasText: /^df2d-to-raster\/.*flood-map\.png$/ }) })
      .getByRole('link', { name: 'Download' });
    expect(await download.count()).toBe(1);
    expect(await download.getAttribute('href')).toContain('X-Amz-Signature=');
    // The flood map and hydrographs as the run's report, in a frame that may run no script.
    const report = page.locator('iframe[title="Report of df2d-to-raster"]');
    await report.waitFor();
    expect(await report.getAttribute('sandbox')).toBe('');
    await page
      .frameLocator('iframe[title="Report of df2d-to-raster"]')
      .getByRole('heading', { name: /^Flood report: / })
      .waitFor();
    expect(await page.frameLocator('iframe[title="Report of df2d-to-raster"]').getByRole('img', { name: 'Flood map' }).count()).toBe(1);
    // The graph is the layout `orchestra build` committed beside the flood's definition, painted: no layout in the browser.
    const built = defined(loadPipeline(join(ROOT, 'state-machines', 'flood.graph.json')).layout);
    const drawn = await page.evaluate('[...document.querySelectorAll("svg.run-graph g[data-step]")].map((g) => [g.dataset.step, g.getAttribute("transform")])');
    expect(Object.fromEntries(drawn as Array<[string, string]>)).toEqual(Object.fromEntries(built.nodes.map((n) => [n.id, `translate(${n.x},${n.y})`])));
    expect(await page.evaluate('performance.getEntriesByName("orchestra:layout").length')).toBe(0);
    // Each step's duration, CPU and memory beside its cost, each cell titled with how it was measured.
    const steps = page.getByRole('table', { name: 'Steps' });
    const cells = async (step: string) => {
      const row = steps.locator(`tr[data-step="${step}"]`);
      const [cpu, memory] = [row.locator('td[data-usage="cpu"]'), row.locator('td[data-usage="memory"]')];
      return { cpu: await cpu.textContent(), memory: await memory.textContent(), how: await cpu.getAttribute('title'), duration: await row.locator('td').nth(3).textContent() };
    };
    const model = await cells('run-model');
    expect(model.cpu).toMatch(/^\d+(\.\d+)? (ms|s)$/);
    expect(model.memory).toMatch(/^\d+ of 2048 MB$/);
    expect(model.how).toContain('the operating system');
    expect(model.duration).toMatch(/\d/);
    // The Lambda steps ran in Orchestra's process (or were reused from the upload's own run, and used nothing).
    for (const step of ['validate-inputs', 'df2d-to-raster', 'publish-manifest']) {
      const reused = await steps.locator(`tr[data-step="${step}"] [data-reused-from]`).count();
      const lambda = await cells(step);
      if (reused === 0) {
        expect(lambda.how).toContain("Orchestra's process");
        expect(lambda.memory).toMatch(/ of \d+ MB/);
      } else expect(lambda.cpu).toBe('');
    }
    await page.getByRole('button', { name: /^run-model: SUCCEEDED/ }).click();
    await page.getByRole('heading', { name: 'Logs of run-model' }).waitFor();
    await page.locator('pre.logs', { hasText: '[run-model]' }).waitFor();
  }, 180_000);

  it('runs the flood again from the page: every step says it was reused, linking the run it came from', async () => {
    await startFromPage('flood', { prefix: 'ingest/flood/valley/' });
    await page.getByRole('heading', { name: /SUCCEEDED$/ }).waitFor({ timeout: 60_000 });
    for (const step of ['validate-inputs', 'run-model', 'df2d-to-raster', 'publish-manifest']) {
      const reused = page.locator(`tr[data-step="${step}"] [data-reused-from]`);
      await reused.waitFor();
      expect(await reused.getByRole('link').getAttribute('href')).toMatch(/^#\/runs\/flood\/valley-/);
    }
    expect(await page.locator('tr[data-step="run-model"] td:nth-child(3)').textContent()).toBe('0');
    // The runs list says what each finished run cost on AWS at its durations.
    await page.goto(`${api.url}/#/runs?pipeline=flood`);
    await page
      .getByRole('table', { name: 'Runs' })
      .locator('tbody tr td:nth-child(6)', { hasText: /^\$[\d.e-]+$/ })
      .first()
      .waitFor();
  }, 120_000);

  it("shows a running step's progress as it streams in, live", async () => {
    await startFromPage('progress');
    await page.locator('tr[data-step="model"]', { hasText: '40%' }).waitFor({ timeout: 15_000 });
    await page.locator('tr[data-step="model"]', { hasText: '80%' }).waitFor({ timeout: 15_000 });
    await page.getByRole('heading', { name: /SUCCEEDED$/ }).waitFor({ timeout: 15_000 });
  });

  it('pages through runs 100 at a time, newest first, each run once', async () => {
    for (let i = 0; i < 130; i++) {
      const started = await fetch(`${api.url}/pipelines/paged/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ runId: `paged-${String(i).padStart(3, '0')}` }),
      });
      expect(started.status).toBe(202);
    }
    await page.goto(`${api.url}/#/runs?pipeline=paged`);
    const rows = page.getByRole('table', { name: 'Runs' }).locator('tbody tr td:first-child');
    await page.getByText('Page 1').waitFor();
    await page.waitForFunction('document.querySelectorAll("table[aria-label=Runs] tbody tr").length === 100');
    const first = await rows.allInnerTexts();
    await page.getByRole('button', { name: 'Older' }).click();
    await page.getByText('Page 2').waitFor();
    await page.waitForFunction('document.querySelectorAll("table[aria-label=Runs] tbody tr").length === 30');
    const second = await rows.allInnerTexts();
    expect(new Set([...first, ...second]).size).toBe(130);
    expect(first[0]).toBe('paged-129');
    expect(await page.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Newer' }).click();
    await page.getByText('Page 1').waitFor();
  }, 120_000);

  it('shows a key: what arrived, what is missing, what ran — and backfills it once confirmed', async () => {
    await upload(runtime, 'data/Alert/obs-7/alert.fits', 'alert');
    await runtime.settleUploads();
    await page.goto(`${api.url}/#/keys`);
    await page.getByRole('textbox', { name: 'Key' }).fill('obs-7');
    await page.getByRole('button', { name: 'Look up' }).click();
    const report = page.getByRole('region', { name: 'observations for obs-7' });
    await report.getByText('Missing: Orbit.').waitFor();
    expect(await report.getByRole('heading').textContent()).toContain('WAITING');

    await upload(runtime, 'data/Orbit/obs-7/orbit.json', '{}');
    await report.getByText('Missing: nothing.').waitFor({ timeout: 15_000 });
    const runs = report.getByRole('table', { name: 'Runs of observations for obs-7' }).locator('tbody tr');
    await runs.first().waitFor();
    expect(await runs.count()).toBe(1);
    // Once it ran: its cost on AWS in its row, and the key's in all above.
    await runs
      .first()
      .getByText(/^\$[\d.e-]+$/)
      .waitFor({ timeout: 15_000 });
    await page.getByText(/Cost on AWS of its runs: \$[\d.e-]+ at their durations/).waitFor();

    await page.getByRole('button', { name: 'Backfill obs-7' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /1 of 1 keys decided/ })
      .waitFor({ timeout: 15_000 });
    await runs.nth(1).waitFor({ timeout: 15_000 });
  });

  it('works through `orchestra console` (the proxy for a deployed API, no event stream): a run started from the page is followed by polling to SUCCEEDED', async () => {
    const proxied = await serveConsole({ client: RunsApiClient.at(api.url), consoleDir: join(ROOT, 'console', 'dist') });
    const remote = await browser.newPage();
    remote.on('dialog', (dialog) => void dialog.accept());
    try {
      await remote.goto(`${proxied.url}/#/start/quick`);
      await remote.getByRole('button', { name: 'Dry run' }).click();
      await remote.getByRole('button', { name: 'Start run' }).click();
      await remote.getByRole('heading', { name: /^Run .+ of quick SUCCEEDED$/ }).waitFor({ timeout: 15_000 });
      expect(await remote.getByRole('table', { name: 'Steps' }).getByText('SUCCEEDED').count()).toBe(3);
    } finally {
      await remote.close();
      await proxied.close();
    }
  });

  it('says the runs API cannot be reached, and what to do, instead of "Failed to fetch"; and recovers when it answers again', async () => {
    await page.route('**/pipelines', (route) => route.abort('connectionrefused'));
    await page.goto(`${api.url}/`);
    await page
      .getByRole('alert')
      .filter({ hasText: `cannot reach the runs API at ${api.url} — is \`orchestra up\` (or \`orchestra console\`) still running?` })
      .first()
      .waitFor();
    await page.unroute('**/pipelines');
    await page.getByRole('link', { name: 'quick' }).first().waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
  });
});
