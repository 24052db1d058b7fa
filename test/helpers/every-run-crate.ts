/**
 * Every run a test's runtime ends has a crate that passes the profiles' terms (issue 33: "every run
 * has a crate that passes the check"): each end-to-end runtime started by ./local-runtime.ts reads
 * the crate of each run it finishes — succeeded, failed, stopped, retried, reused, keyed, a child
 * pipeline's — and the file fails when one is missing or breaks a term.
 */
import { afterAll, expect } from 'vitest';
import { runPrefixFor } from '../../lib/contract/step-event';
import type { LocalRuntime } from '../../lib/local/runtime';
import { readStoredText } from '../../lib/local/storage/stored-objects';
import { CRATE_FILE } from '../../lib/runtime/provenance/run-crate';
import { runCrateProblems } from './run-crate-terms';

const checks: Array<Promise<string[]>> = [];

async function problemsOf(dataDir: string, bucket: string, pipeline: string, runId: string): Promise<string[]> {
  const text = await readStoredText(dataDir, `${runPrefixFor(pipeline, runId)}${CRATE_FILE}`, bucket);
  if (text === undefined) return [`run ${runId} of ${pipeline}: no ${CRATE_FILE}`];
  return runCrateProblems(JSON.parse(text)).map((problem) => `run ${runId} of ${pipeline}: ${problem}`);
}

/** Checks the crate of every run `runtime` finishes from now on (read as it is reported finished, when its crate is written). */
export function checkEveryRunCrate(runtime: LocalRuntime, dataDir: string): void {
  runtime.on((event) => {
    if (event.type === 'run-finished') checks.push(problemsOf(dataDir, runtime.s3.bucket, event.run.pipeline, event.run.runId));
  });
}

afterAll(async () => {
  const problems = (await Promise.all(checks.splice(0))).flat();
  expect(problems, 'every finished run has a crate that passes the check').toEqual([]);
});
