/**
 * Every test file's temporary folder, removed when the file ends: whatever a test or the code under it
 * makes with os.tmpdir() — CDK's cdk.out folders, runtimes' data, projects, browser profiles, and the
 * children they spawn — goes under it. Without this a full `npm test` left ≈ 3 GB behind in /tmp per run
 * (1,665 cdk.out folders of up to 38 MB after a few dozen runs), and CI ran out of disk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// A process that runs several files keeps the machine's folder as the parent of each file's own.
process.env['ORCHESTRA_TEST_PARENT_TMPDIR'] ??= tmpdir();
const own = mkdtempSync(join(process.env['ORCHESTRA_TEST_PARENT_TMPDIR'], 'orchestra-test-'));
process.env['TMPDIR'] = own;

afterAll(() => {
  process.env['TMPDIR'] = process.env['ORCHESTRA_TEST_PARENT_TMPDIR'];
  // Children killed a moment ago may still be closing files in it.
  rmSync(own, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});
