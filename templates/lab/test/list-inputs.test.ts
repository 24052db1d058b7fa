/** The list-inputs step alone, in-process on Orchestra's embedded runtime (no AWS, no Docker). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invokeStep, runPipeline } from 'orchestra/testing';

test('list-inputs lists each input file with its size', async () => {
  const { result } = await invokeStep('hello', 'list-inputs', {
    objects: { 'ingest/hello/a.txt': 'one two three' },
    input: { source: 'cli', prefix: 'ingest/hello/', keys: ['ingest/hello/a.txt'] },
  });

  assert.deepEqual(result, { files: [{ key: 'ingest/hello/a.txt', bytes: 13 }], bytes: 13 });
});

test('list-inputs refuses a run without input files, at once', async () => {
  await assert.rejects(invokeStep('hello', 'list-inputs', { input: { source: 'cli', keys: [] } }), { name: 'Orchestra.Permanent', message: /no input files/ });
});

test('the whole pipeline counts the words of the sample', async () => {
  const run = await runPipeline('hello', { input: 'examples/sample' });

  assert.equal(run.status, 'SUCCEEDED');
  assert.match(run.outputText('count-words/words.csv'), /greeting\.txt,5/);
});
