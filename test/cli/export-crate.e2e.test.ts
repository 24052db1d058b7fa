/** `orchestra export ro-crate`: a run's crate from the data folder, written now for a run that ended without one. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { readStoredText } from '../../lib/local/storage/stored-objects';
import { cli } from '../helpers/cli';
import { ROOT, startTestRuntime, uploadFolder } from '../helpers/local-runtime';
import { runCrateProblems } from '../helpers/run-crate-terms';

const VALLEY = join(ROOT, 'examples', 'flood', 'valley');

describe('orchestra export ro-crate', () => {
  it('prints the crate a run wrote, and writes one for a run without it once no runtime holds the folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-export-crate-'));
    const runtime = await startTestRuntime(['state-machines/flood.graph.json'], { dataDir, retryDelayMs: 1 });
    let runId: string;
    try {
      await uploadFolder(runtime, VALLEY, 'ingest/flood/valley/');
      await runtime.idle();
      runId = (await runtime.waitForRun(runtime.startRun('flood', { source: 'cli', prefix: 'ingest/flood/valley/' }).runId)).runId;
      const printed = await cli('export', 'ro-crate', runId, '--data-dir', dataDir);
      expect(printed.code).toBe(0);
      expect(runCrateProblems(JSON.parse(printed.stdout))).toEqual([]);
      // Through a runs API (a deployed stack's with --stack): the crate is one of the run's outputs.
      const api = await runtime.serveRunsApi();
      try {
        const served = await cli('export', 'ro-crate', runId, '--pipeline', 'flood', '--api', api.url);
        expect(served.code).toBe(0);
        expect(served.stdout).toBe(printed.stdout);
        const noPipeline = await cli('export', 'ro-crate', runId, '--api', api.url);
        expect([noPipeline.code, noPipeline.stderr]).toEqual([2, 'error: --pipeline <name> is needed with --api or --stack (run ids are unique per pipeline)']);
      } finally {
        await api.close();
      }
      await runtime.s3.client.send(new DeleteObjectCommand({ Bucket: runtime.s3.bucket, Key: `runs/flood/${runId}/ro-crate-metadata.json` }));
      // While a runtime holds the folder, a crate cannot be written into it.
      const held = await cli('export', 'ro-crate', runId, '--data-dir', dataDir);
      expect(held.code).not.toBe(0);
      expect(held.stderr).toContain(dataDir);
    } finally {
      await runtime.stop();
    }
    const out = join(dataDir, 'crate.json');
    // The run's graph is found by its pipeline's name in state-machines/ (--graph names another file).
    const written = await cli('export', 'ro-crate', runId, '--data-dir', dataDir, '--out', out);
    expect([written.code, written.stderr]).toEqual([0, `${out}: the Workflow Run RO-Crate of run ${runId} (written now: the run had none)`]);
    expect(runCrateProblems(JSON.parse(readFileSync(out, 'utf8')))).toEqual([]);
    // The crate stored beside the outputs (compact, as every run's end writes it), given indented.
    const stored = await readStoredText(dataDir, `runs/flood/${runId}/ro-crate-metadata.json`);
    expect(JSON.parse(stored ?? '')).toEqual(JSON.parse(readFileSync(out, 'utf8')));
    expect(readFileSync(out, 'utf8')).toMatch(/^\{\n {2}"@context": \[/);
  }, 180_000);
});
