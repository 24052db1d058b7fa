/**
 * The run-provenance function as AWS calls it (an EventBridge "Step Functions Execution Status Change"
 * event), against the local runtime's S3 and Step Functions endpoints: it writes the run's crate as
 * the local runtime does at the run's end.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../functions/run-provenance';
import { describePipeline, pipelineFromGraph } from '../../lib/catalogue';
import { BUNDLED_CONFIG_FILE, PIPELINE_DESCRIPTIONS_SETTING } from '../../lib/contract/bundled-config';
import { FUNCTION_ENV, withEnvironment } from '../../lib/contract/environment';
import type { PipelineGraph } from '../../lib/graph/schema';
import { localExecutionArn, localStateMachineArn } from '../../lib/local/engine/bindings';
import type { LocalRuntime } from '../../lib/local/runtime';
import { download, ROOT, startTestRuntime, upload } from '../helpers/local-runtime';
import { runCrateProblems } from '../helpers/run-crate-terms';

const graph: PipelineGraph = {
  name: 'counted',
  steps: { count: { kind: 'lambda', handler: 'test/fixtures/functions/count-chars/index.ts', parameters: { file: 'a.txt' } } },
};
let runtime: LocalRuntime;
const taskRoot = mkdtempSync(join(tmpdir(), 'orchestra-provenance-'));

beforeAll(async () => {
  runtime = await startTestRuntime([graph], { retryDelayMs: 1 });
  // What the stack writes beside the function's bundle (lib/cdk/parts/run-provenance.ts).
  writeFileSync(
    join(taskRoot, BUNDLED_CONFIG_FILE),
    JSON.stringify({ [PIPELINE_DESCRIPTIONS_SETTING]: JSON.stringify({ counted: describePipeline(pipelineFromGraph(graph, ROOT).graph) }) }),
  );
}, 60_000);
afterAll(() => runtime?.stop());

describe('the run-provenance function', () => {
  it("writes an ended run's crate beside its outputs from an EventBridge status change, and skips a run still going", async () => {
    await upload(runtime, 'ingest/counted/set/a.txt', 'twelve chars');
    const run = await runtime.waitForRun(runtime.startRun('counted', { source: 'api', prefix: 'ingest/counted/set/' }).runId);
    const key = `runs/counted/${run.runId}/ro-crate-metadata.json`;
    const written = JSON.parse((await download(runtime, key)).toString());
    await runtime.s3.client.send(new DeleteObjectCommand({ Bucket: runtime.s3.bucket, Key: key }));

    const detail = {
      executionArn: localExecutionArn('counted', run.runId),
      stateMachineArn: localStateMachineArn('counted'),
      name: run.runId,
      status: run.status,
      startDate: Date.parse(run.startedAt),
      stopDate: Date.parse(run.stoppedAt ?? run.startedAt),
      input: JSON.stringify(run.input),
    };
    const environment = {
      ...process.env,
      ...runtime.s3.environment,
      [FUNCTION_ENV.bucket]: runtime.s3.bucket,
      [FUNCTION_ENV.stepFunctionsEndpoint]: runtime.stepFunctionsEndpoint,
      [FUNCTION_ENV.stackName]: 'Lab',
    };
    const previousRoot = process.env['LAMBDA_TASK_ROOT'];
    process.env['LAMBDA_TASK_ROOT'] = taskRoot;
    try {
      const answer = await withEnvironment(environment, () => handler({ 'detail-type': 'Step Functions Execution Status Change', source: 'aws.states', detail }));
      expect(answer).toEqual({ crate: key });
      const skipped = await withEnvironment(environment, () => handler({ detail: { ...detail, status: 'RUNNING' } }));
      expect(skipped).toEqual({ skipped: `run ${run.runId} is RUNNING` });
    } finally {
      if (previousRoot === undefined) delete process.env['LAMBDA_TASK_ROOT'];
      else process.env['LAMBDA_TASK_ROOT'] = previousRoot;
    }
    const rewritten = JSON.parse((await download(runtime, key)).toString());
    expect(runCrateProblems(rewritten)).toEqual([]);
    // The same crate, but for who ran it.
    const engineless = (crate: { '@graph': Array<Record<string, unknown>> }) => crate['@graph'].filter((entity) => entity['@id'] !== '#engine-orchestra');
    expect(engineless(rewritten)).toEqual(engineless(written));
    expect(rewritten['@graph'].find((entity: Record<string, unknown>) => entity['@id'] === '#engine-orchestra')?.description).toBe('on AWS Step Functions');
  }, 60_000);

  it('refuses an event that is not a status change, as a permanent error', async () => {
    await expect(handler({ detail: { executionArn: 'x' } })).rejects.toMatchObject({ name: 'Orchestra.Permanent' });
  });
});
