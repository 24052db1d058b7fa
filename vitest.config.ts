/**
 * Three tiers, each runnable alone: `unit` (no servers, no child processes, no synth), `cdk`
 * (synthesizes the stack and bundles functions), `e2e` (starts the embedded runtime, servers, child
 * processes, the CLI as users run it). A test that spawns anything is named *.e2e.test.ts.
 * Type-checking is `npm run typecheck`; vitest only transpiles.
 */
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const E2E = ['test/**/*.e2e.test.ts'];
const CDK = ['test/cdk/**/*.test.ts'];
const PUBLIC = join(import.meta.dirname, 'lib', 'public');

export default defineConfig({
  // The package's entry points, as a lab imports them (tsconfig.json's "paths" say the same to tsc and tsx).
  resolve: {
    alias: [
      { find: /^orchestra$/, replacement: join(PUBLIC, 'index.ts') },
      { find: /^orchestra\/cdk$/, replacement: join(PUBLIC, 'cdk.ts') },
      { find: /^orchestra\/testing$/, replacement: join(PUBLIC, 'testing.ts') },
      { find: /^orchestra\/client$/, replacement: join(PUBLIC, 'client.ts') },
    ],
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Test files start servers and set process.env for in-process handlers: one process per file.
    pool: 'forks',
    // `npm run coverage`: what the tests run of Orchestra's own code (in this process: CLIs spawned by e2e tests are not counted).
    coverage: {
      provider: 'v8',
      include: ['lib/**/*.ts', 'functions/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'build/coverage',
    },
    // Each file's temporary folder, removed when it ends.
    // Every run an end-to-end runtime finishes is checked for its crate when the file ends.
    setupFiles: ['test/helpers/own-temp-dir.ts', 'test/helpers/every-run-crate.ts'],
    projects: [
      // Unit files share their worker's modules (no servers, no children, each restores what it stubs):
      // importing the same modules again per file was most of the tier's time (85 → 41 s, loaded).
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...E2E, ...CDK], isolate: false } },
      // CDK files too: aws-cdk-lib imported once per worker, not once per file (192 → 87 s, loaded).
      { extends: true, test: { name: 'cdk', include: CDK, isolate: false } },
      // The console's browser, unpacked once before the files that drive it run side by side.
      { extends: true, test: { name: 'e2e', include: E2E, globalSetup: ['test/helpers/unpack-browser.ts'] } },
    ],
  },
});
