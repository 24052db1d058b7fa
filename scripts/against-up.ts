/**
 * `npm run test:against-up` (part of `npm test`): the deployed code path in CI. Starts `orchestra up`
 * on free ports and a fresh data folder, then runs against it what otherwise needs AWS or LocalStack:
 * the end-to-end suite in its deployed mode (ORCHESTRA_E2E_ENDPOINT=local:<data folder>) and
 * `npm run smoke` — real HTTP, real SDK clients, the deployed trigger and runs API functions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runningEndpoints } from '../lib/runtime/local-endpoints';

const ROOT = join(import.meta.dirname, '..');
const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-against-up-'));

function run(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<number> {
  const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

async function waitForEndpoints(up: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (runningEndpoints(dataDir) === undefined) {
    if (up.exitCode !== null) throw new Error(`orchestra up exited with ${up.exitCode} before serving`);
    if (Date.now() > deadline) throw new Error('orchestra up did not serve within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<number> {
  const up = spawn(process.execPath, [join(ROOT, 'bin', 'orchestra.js'), 'up', '--port', '0', '--sfn-port', '0', '--api-port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitForEndpoints(up);
    const endpoint = `local:${dataDir}`;
    console.log(`against-up: orchestra up serves ${dataDir}`);
    const suite = await run(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'e2e', 'test/e2e/flood.e2e.test.ts'], {
      ORCHESTRA_E2E_ENDPOINT: endpoint,
    });
    const smoke = await run(process.execPath, [
      join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      join(ROOT, 'localstack', 'smoke.ts'),
      '--endpoint',
      endpoint,
      '--timeout',
      '120',
    ]);
    console.log(`against-up: e2e deployed mode exit ${suite}, smoke exit ${smoke}`);
    return suite === 0 && smoke === 0 ? 0 : 1;
  } finally {
    up.kill('SIGINT');
    await new Promise((resolve) => up.on('close', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
