/**
 * The e2e tier's global setup: unpacks the dev dependencies' Chromium once, before test files run in
 * parallel, so that no two of them unpack it into the same file at once.
 */
import { chromiumPath } from './browser';

export default async function unpackBrowser(): Promise<void> {
  await chromiumPath();
}
