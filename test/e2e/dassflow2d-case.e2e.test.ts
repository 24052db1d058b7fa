/**
 * A DassFlow-2D case folder uploaded to the embedded S3 is checked by the validate-case step before
 * anything runs: a valid case passes with what will run; a broken one fails the run at once
 * (Orchestra.Permanent, one attempt) with every problem's file, line and fix.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { channelCaseFiles } from '../../functions/flood/dassflow2d/channel-case';
import type { PipelineGraph } from '../../lib/graph/schema';
import { nextRunOn, startTestRuntime, upload } from '../helpers/local-runtime';

const pipeline: PipelineGraph = {
  name: 'dassflow2d-case',
  trigger: { ingestPrefix: 'ingest/dassflow2d-case/', mode: 'dataset', requiredFiles: ['input.txt'] },
  steps: { 'validate-case': { kind: 'lambda', handler: 'functions/flood/validate-case/index.ts' } },
};
const runtime = await startTestRuntime([pipeline], { retryDelayMs: 1 });
afterAll(() => runtime.stop());

const channel = channelCaseFiles({ nx: 10, ny: 4, cell: 10, slope: 0.001, manning: 0.033, seconds: 600, hydrograph: [[0, 5]] });

/** Uploads the files, input.txt last (its arrival completes the dataset), and returns the run. */
async function uploadCase(name: string, files: Record<string, string>) {
  const prefix = `ingest/dassflow2d-case/${name}/`;
  const run = nextRunOn(runtime, prefix);
  for (const [file, text] of Object.entries(files).sort(([a], [b]) => (a === 'input.txt' ? 1 : b === 'input.txt' ? -1 : a.localeCompare(b))))
    await upload(runtime, `${prefix}${file}`, text);
  return run;
}

describe('validate-case on the embedded runtime', () => {
  it('passes a valid case and says what will run', async () => {
    const run = await uploadCase('valid', { ...channel, 'notes.md': 'not an input' });
    expect(run.status).toBe('SUCCEEDED');
    const history = runtime.store.readHistory(run.runId);
    const output = history.find((event) => event.type === 'LambdaFunctionSucceeded')?.lambdaFunctionSucceededEventDetails?.output ?? '{}';
    expect(JSON.parse(output)).toMatchObject({ meshFile: 'channel.geo', cells: 40, simulatedSeconds: 600, boundaryConditions: ['1 discharg1', '2 ratcurve'] });
  });

  it('fails a broken case at once with every problem, never retried', async () => {
    const { 'hydrograph.txt': _dropped, ...rest } = channel;
    const run = await uploadCase('broken', {
      ...rest,
      'input.txt': (channel['input.txt'] ?? '').replace('\tts\t', '\ttss\t'),
      'bc.txt': (channel['bc.txt'] ?? '').replace('2\tratcurve\tfile', '2\tratcurve'),
    });
    expect(run.status).toBe('FAILED');
    expect(run.steps['validate-case']).toMatchObject({ status: 'FAILED', attempts: 1, error: { error: 'Orchestra.Permanent' } });
    const cause = run.steps['validate-case']?.error?.cause ?? '';
    expect(cause).toContain('ingest/dassflow2d-case/broken/input.txt:4: unknown key "tss"');
    expect(cause).toContain('did you mean "ts"?');
    expect(cause).toContain('ingest/dassflow2d-case/broken/bc.txt:9: "2 ratcurve" has 2 token(s)');
    expect(cause).toContain('ingest/dassflow2d-case/broken/hydrograph.txt: missing');
  });
});
