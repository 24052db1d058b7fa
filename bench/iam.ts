/**
 * What enforcing the deployed IAM costs a local run (printed, never asserted): one step writing then
 * reading 300 small objects, with IAM enforced and not, interleaved in one process so the ratio is
 * measured under the same load. Every S3 request pays a signature check either way; enforcement adds
 * a mapping of the request to IAM actions and a (cached) policy decision.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipelineFromGraph } from '../lib/catalogue';
import { LocalRuntime } from '../lib/local/runtime';
import { median } from './stats';

const ROOT = join(import.meta.dirname, '..');
const OBJECTS = 300;
const ROUNDS = 7;

async function runtimeWith(enforceIam: boolean): Promise<LocalRuntime> {
  const runtime = await LocalRuntime.start({ dataDir: mkdtempSync(join(tmpdir(), 'orchestra-bench-iam-')), retryDelayMs: 1, enforceIam });
  runtime.addPipeline(
    pipelineFromGraph({ name: 'churn', steps: { churn: { kind: 'lambda', handler: 'test/fixtures/functions/s3-churn/index.ts', parameters: { count: OBJECTS } } } }, ROOT),
  );
  return runtime;
}

async function timedRun(runtime: LocalRuntime): Promise<number> {
  const started = performance.now();
  const record = await runtime.waitForRun(runtime.startRun('churn', { source: 'api' }).runId);
  if (record.status !== 'SUCCEEDED') throw new Error(`the benchmark run ${record.runId} ended ${record.status}`);
  return performance.now() - started;
}

export async function iamTable(): Promise<void> {
  const enforced = await runtimeWith(true);
  const unenforced = await runtimeWith(false);
  try {
    // A first run of each bundles the handler and warms the clients; not counted.
    await timedRun(enforced);
    await timedRun(unenforced);
    const times = { enforced: [] as number[], off: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      times.enforced.push(await timedRun(enforced));
      times.off.push(await timedRun(unenforced));
    }
    const on = median(times.enforced);
    const off = median(times.off);
    console.log(`\n## IAM enforcement (one step, ${OBJECTS} PutObject + ${OBJECTS} GetObject; median of ${ROUNDS}, interleaved)\n`);
    console.log('| IAM | run (ms) | per request (ms) |');
    console.log('|---|---|---|');
    console.log(`| enforced | ${on.toFixed(0)} | ${(on / (2 * OBJECTS)).toFixed(2)} |`);
    console.log(`| --no-iam | ${off.toFixed(0)} | ${(off / (2 * OBJECTS)).toFixed(2)} |`);
    console.log(`\nenforced / off: ${(on / off).toFixed(2)}×`);
  } finally {
    await enforced.stop();
    await unenforced.stop();
  }
}
