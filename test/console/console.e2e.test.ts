/**
 * The web console in a real browser (Debian's Chromium), served by the local runs API as `orchestra
 * up` serves it: pipelines listed, a run started from the page and its steps seen turning SUCCEEDED,
 * runs filtered by status, a long run cancelled — each action confirmed, each refusal shown.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineGraph } from '../../lib/graph/schema';
import { launchBrowser } from '../helpers/browser';
import { ROOT, startTestRuntime } from '../helpers/local-runtime';

const quick: PipelineGraph = {
  name: 'quick',
  steps: { a: { kind: 'simulate', durationMs: 200 }, b: { kind: 'simulate', durationMs: 200, dependsOn: ['a'] }, c: { kind: 'simulate', dependsOn: ['a'] } },
};
const slow: PipelineGraph = { name: 'slow', steps: { wait: { kind: 'simulate', durationMs: 60_000, timeoutSeconds: 120 } } };
const flaky: PipelineGraph = {
  name: 'flaky',
  steps: { first: { kind: 'simulate' }, fails: { kind: 'simulate', failureRate: 1, retry: { maxAttempts: 1 }, dependsOn: ['first'] } },
};

const runtime = await startTestRuntime([quick, slow, flaky]);
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

describe('the console', () => {
  it('lists the pipelines with a start button each', async () => {
    await page.goto(`${api.url}/`);
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
    expect(await page.getByRole('link', { name: 'quick' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Start a run of slow' }).count()).toBe(1);
  });

  it('starts a run from the page and shows its steps turning SUCCEEDED', async () => {
    await page.goto(`${api.url}/`);
    await page.getByRole('button', { name: 'Start a run of quick' }).click();
    await page.getByRole('heading', { name: /^Run .+ of quick/ }).waitFor();
    const steps = page.getByRole('table', { name: 'Steps' });
    await steps.getByText('SUCCEEDED').nth(2).waitFor({ timeout: 15_000 });
    const rows = await steps.locator('tbody tr').allInnerTexts();
    expect(rows.map((row) => row.split('\t').slice(0, 2).join(' ')).sort()).toEqual(['a SUCCEEDED', 'b SUCCEEDED', 'c SUCCEEDED']);
    await page.getByRole('heading', { name: /SUCCEEDED$/ }).waitFor();
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

  it('filters the runs by key: runs are named after the dataset or observation that started them', async () => {
    for (const runId of ['obs-0042-night', 'obs-0043-night']) {
      const started = await fetch(`${api.url}/pipelines/quick/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ runId }) });
      expect(started.status).toBe(202);
    }
    await page.goto(`${api.url}/#/runs`);
    await page.getByRole('textbox', { name: 'Key' }).fill('obs-0042');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/key=obs-0042/);
    await page.getByRole('link', { name: 'obs-0042-night' }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
  });

  it('has no serious or critical accessibility violations (axe-core) on the pipelines, runs and run pages', async () => {
    const source = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
    const pages = [`${api.url}/`, `${api.url}/#/runs`, page.url()];
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
    await page.goto(`${api.url}/`);
    await page.getByRole('button', { name: 'Start a run of flaky' }).click();
    await page.getByRole('heading', { name: /FAILED$/ }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'fails: FAILED' }).waitFor();
    await page.getByRole('button', { name: 'Redrive run' }).click();
    // The redriven run fails again at the same step (it always fails): a second attempt is recorded.
    await page.locator('tr[data-step="fails"] td:nth-child(3)', { hasText: '2' }).waitFor({ timeout: 15_000 });
  });

  it('cancels a running run once confirmed, and filters the runs by status', async () => {
    await page.goto(`${api.url}/`);
    await page.getByRole('button', { name: 'Start a run of slow' }).click();
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('heading', { name: /ABORTED$/ }).waitFor({ timeout: 15_000 });
    await page.goto(`${api.url}/#/runs?status=ABORTED`);
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    await page.locator('tbody tr').first().waitFor();
    const rows = await page.locator('tbody tr').allInnerTexts();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.includes('slow') && row.includes('ABORTED'))).toBe(true);
  });
});
