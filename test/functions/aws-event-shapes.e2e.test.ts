/**
 * What AWS hands the deployed handlers, in the shapes AWS documents (fixtures under test/fixtures/):
 * a Step Functions "Execution Status Change" event through the keyed conductor, and a Distributed Map's
 * ResultWriter files (manifest.json, SUCCEEDED_0.json) through the catalogue's upload step (issue 30).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyedConductor } from '../../functions/keyed-conductor';
import type { ActivityEvent } from '../../lib/contract/activity';
import { LocalKeyLedger } from '../../lib/local/triggers/key-ledger';
import { keyedTriggersOf } from '../../lib/local/triggers/keyed-router';
import { download, startTestRuntime, upload } from '../helpers/local-runtime';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const fixture = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');

const runtime = await startTestRuntime([
  'state-machines/nightly-catalogue.graph.json',
  { name: 'qpo', trigger: { mode: 'keyed', required: ['Alert'] }, steps: { make: { kind: 'simulate' } } },
]);
afterAll(() => runtime.stop());

describe('a Step Functions status change, as EventBridge delivers it', () => {
  it("becomes the keyed run's activity event, its pipeline found by the stack-scoped name", async () => {
    const emitted: ActivityEvent[] = [];
    const conductor = createKeyedConductor({
      s3: runtime.s3.client,
      sfn: runtime.sfn,
      ledger: new LocalKeyLedger(mkdtempSync(join(tmpdir(), 'orchestra-shapes-'))),
      scheduleCheck: async () => undefined,
      configuration: () => ({
        triggers: keyedTriggersOf(runtime.pipelines),
        awaited: [],
        stateMachineArnOf: (pipeline) => `arn:aws:states:eu-west-1:123456789012:stateMachine:Prod-${pipeline}`,
      }),
      emit: async (events) => void emitted.push(...events),
      logger: { info: () => undefined, warn: () => undefined },
    });

    expect(await conductor(JSON.parse(fixture('events/sfn-execution-status-change.json')))).toEqual([]);
    expect(emitted).toEqual([expect.objectContaining({ type: 'succeeded', pipeline: 'qpo', key: 'obs-1', runId: 'obs-1-0123456789abcdef', status: 'SUCCEEDED' })]);
  });
});

describe("a Distributed Map's ResultWriter files, as AWS writes them", () => {
  it('archive the products they list, verified', async () => {
    const run = 'shapes-1';
    const results = `runs/nightly-catalogue/${run}/recognise-peaks/results`;
    const body = JSON.stringify({ obs_id: 'obs-1', count: 2 });
    const scratch = `runs/nightly-catalogue/${run}/recognise-peaks/items/0/peaks.json`;
    await upload(runtime, scratch, body);
    const product = { obsId: 'obs-1', code: 'peaks', key: scratch, bytes: Buffer.byteLength(body), sha256: createHash('sha256').update(body).digest('hex'), count: 2 };
    await upload(
      runtime,
      `${results}/1f7a1c66-3c5d-3f6e-8f47-3a9c1d2e4b5a/SUCCEEDED_0.json`,
      fixture('result-writer/SUCCEEDED_0.json').replace('"OUTPUT"', JSON.stringify(JSON.stringify(product))),
    );
    await upload(
      runtime,
      `${results}/1f7a1c66-3c5d-3f6e-8f47-3a9c1d2e4b5a/manifest.json`,
      fixture('result-writer/manifest.json').replace('DATA_BUCKET', runtime.s3.bucket).replace('RESULTS_PREFIX', results),
    );

    const written = {
      mapRunArn: 'arn:aws:states:eu-west-1:123456789012:mapRun:x',
      results: { Bucket: runtime.s3.bucket, Key: `${results}/1f7a1c66-3c5d-3f6e-8f47-3a9c1d2e4b5a/manifest.json` },
    };
    const event = {
      pipeline: 'nightly-catalogue',
      step: 'upload-products',
      runId: run,
      input: { source: 'schedule' },
      dependencies: { 'recognise-peaks': written },
      parameters: { archive: 'catalogue/products/' },
    };
    const result = await runtime.invokeStep('nightly-catalogue', 'upload-products', event, () => undefined);

    expect(result).toMatchObject({ products: 1 });
    expect((await download(runtime, 'catalogue/products/obs-1/peaks.json')).toString()).toBe(body);
  });
});
