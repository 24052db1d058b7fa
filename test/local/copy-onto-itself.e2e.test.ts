/** Issue 11, item 13: copying an object onto itself (same content) never starts a second run, as the README says. */
import { CopyObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../lib/local/runtime';
import { nextRunOn, startTestRuntime, upload } from '../helpers/local-runtime';

describe('copy onto itself', () => {
  let runtime: LocalRuntime;
  afterAll(async () => {
    await runtime.stop();
  });

  it('is a duplicate of the run the upload started', async () => {
    runtime = await startTestRuntime([{ name: 'each', trigger: { ingestPrefix: 'ingest/each/' }, steps: { a: { kind: 'simulate' } } }]);
    const decisions: string[] = [];
    runtime.on((event) => {
      if (event.type === 'ingest') decisions.push(event.decision.action);
    });
    const finished = nextRunOn(runtime, 'ingest/each/');
    await upload(runtime, 'ingest/each/x.csv', 'a,b\n');
    await finished;

    await runtime.s3.client.send(
      new CopyObjectCommand({ Bucket: runtime.s3.bucket, Key: 'ingest/each/x.csv', CopySource: `${runtime.s3.bucket}/ingest/each/x.csv`, MetadataDirective: 'REPLACE' }),
    );
    await runtime.settleUploads();
    await runtime.idle();

    expect(decisions).toEqual(['start', 'duplicate']);
    expect(runtime.store.list()).toHaveLength(1);
  });
});
