/**
 * The web console in a real browser (Debian's Chromium), served by the local runs API as `orchestra
 * up` serves it: pipelines listed, a run started from the page and its steps seen turning SUCCEEDED,
 * runs filtered by status, a long run cancelled — each action confirmed, each refusal shown.
 */
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

const runtime = await startTestRuntime([quick, slow]);
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
