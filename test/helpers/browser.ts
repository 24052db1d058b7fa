/**
 * A real browser for the console's tests, driven by playwright-core, headless, with a fresh profile and
 * nothing fetched: the Chromium that comes with the dev dependencies (@sparticuz/chromium, a packed
 * Chromium that needs only libc, expat and libgcc, unpacked once into the temporary folder), or the one
 * ORCHESTRA_CHROMIUM names (Debian's /usr/bin/chromium, say). `npm ci` is all a fresh machine needs.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Where the browser is: ORCHESTRA_CHROMIUM, else the dev dependency's, unpacked now if it is not yet. */
export async function chromiumPath(): Promise<string> {
  const named = process.env['ORCHESTRA_CHROMIUM'];
  if (named !== undefined) {
    if (!existsSync(named)) throw new Error(`ORCHESTRA_CHROMIUM names ${named}, which does not exist: unset it to use the Chromium of the dev dependencies`);
    return named;
  }
  const { default: packed } = await import('@sparticuz/chromium');
  return packed.executablePath();
}

export async function launchBrowser(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'orchestra-chromium-')), {
    executablePath: await chromiumPath(),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
