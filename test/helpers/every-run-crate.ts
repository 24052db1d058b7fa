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

/** The runs finished so far, by data folder, bucket, pipeline and run id (a redriven run is listed once). */
const finished = new Map<string, { readonly dataDir: string; readonly bucket: string; readonly pipeline: string; readonly runId: string }>();

async function problemsOf(dataDir: string, bucket: string, pipeline: string, runId: string): Promise<string[]> {
  const text = await readStoredText(dataDir, `${runPrefixFor(pipeline, runId)}${CRATE_FILE}`, bucket);
  if (text === undefined) return [`run ${runId} of ${pipeline}: no ${CRATE_FILE}`];
  return runCrateProblems(JSON.parse(text)).map((problem) => `run ${runId} of ${pipeline}: ${problem}`);
}

/**
 * Checks the crate of every run `runtime` finishes from now on, when the test file ends (from the data
 * folder: the runtime may be stopped by then). A test may replace a crate meanwhile (the run-provenance
 * function's test deletes one and has the function write it again): the crate checked is the last.
 */
export function checkEveryRunCrate(runtime: LocalRuntime, dataDir: string): void {
  runtime.on((event) => {
    if (event.type !== 'run-finished') return;
    const { pipeline, runId } = event.run;
    finished.set(JSON.stringify([dataDir, pipeline, runId]), { dataDir, bucket: runtime.s3.bucket, pipeline, runId });
  });
}

afterAll(async () => {
  const runs = [...finished.values()];
  finished.clear();
  const problems = (await Promise.all(runs.map((run) => problemsOf(run.dataDir, run.bucket, run.pipeline, run.runId)))).flat();
  expect(problems, 'every finished run has a crate that passes the check').toEqual([]);
});
