/**
 * The e2e tier's global setup: unpacks the dev dependencies' Chromium once, before test files run in
 * parallel, so that no two of them unpack it into the same file at once — and names it to them in
 * ORCHESTRA_CHROMIUM, as each file has a temporary folder of its own (test/helpers/own-temp-dir.ts)
 * where the package would otherwise unpack it again.
 */
import { chromiumPath } from './browser';

export default async function unpackBrowser(): Promise<void> {
  process.env['ORCHESTRA_CHROMIUM'] = await chromiumPath();
}
