/**
 * A real browser for the console's tests: Debian's Chromium (`apt-get install chromium`, which
 * .ci/run does) driven by playwright-core, headless, with a fresh profile and nothing fetched.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = process.env['ORCHESTRA_CHROMIUM'] ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (as .ci/run does) or set ORCHESTRA_CHROMIUM`);
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'orchestra-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
