/**
 * `npm run screenshot:console`: the README's picture of the console — the flood example run on the
 * embedded runtime, its run page (graph, steps, outputs with the flood map, run-model's logs) opened
 * in Debian's Chromium, saved as docs/console-run.png.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPipeline } from '../lib/catalogue';
import { LocalRuntime } from '../lib/local/runtime';
import { launchBrowser } from '../test/helpers/browser';
import { nextRunOn, uploadFolder } from '../test/helpers/local-runtime';

const ROOT = join(import.meta.dirname, '..');
const runtime = await LocalRuntime.start({ dataDir: mkdtempSync(join(tmpdir(), 'orchestra-screenshot-')) });
try {
  runtime.addPipeline(loadPipeline(join(ROOT, 'state-machines', 'flood.graph.json')));
  const api = await runtime.serveRunsApi({ console: join(ROOT, 'console', 'dist') });
  const prefix = 'ingest/flood/valley/';
  const run = nextRunOn(runtime, prefix);
  await uploadFolder(runtime, join(ROOT, 'examples', 'flood', 'valley'), prefix);
  const { runId } = await run;
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(`${api.url}/#/runs/flood/${runId}`);
    await page.getByRole('button', { name: 'run-model: SUCCEEDED' }).click();
    await page.locator('pre.logs', { hasText: 'progress 100%' }).waitFor();
    await page.waitForFunction('[...document.images].some((image) => image.alt.includes("flood-map.png") && image.complete && image.naturalWidth > 0)');
    await page.screenshot({ path: join(ROOT, 'docs', 'console-run.png'), fullPage: true });
    console.log(`docs/console-run.png: run ${runId}`);
  } finally {
    await browser.close();
  }
} finally {
  await runtime.stop();
}
