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
import { createRunProvenanceHandler, handler } from '../../functions/run-provenance';
import { describePipeline, pipelineFromGraph } from '../../lib/catalogue';
import { deployedCodeIdentity } from '../../lib/cdk/code-identity';
import { writeDeployedRunCrate } from '../../lib/cli/deployed-run-crate';
import { BUNDLED_CONFIG_FILE, PIPELINE_DESCRIPTIONS_SETTING } from '../../lib/contract/bundled-config';
import { FUNCTION_ENV, withEnvironment } from '../../lib/contract/environment';
import type { PipelineDescription } from '../../lib/contract/pipeline-description';
import type { InvocationUsage } from '../../lib/contract/run-answers';
import type { PipelineGraph } from '../../lib/graph/schema';
import { localExecutionArn, localStateMachineArn } from '../../lib/local/engine/bindings';
import type { RunRecord } from '../../lib/local/runs/run-record';
import type { LocalRuntime } from '../../lib/local/runtime';
import type { RunUsage } from '../../lib/runtime/run-usage';
import { sfnClientFor } from '../../lib/runtime/sfn-client';
import { defined } from '../../lib/shared/defined';
import { fakeLambda } from '../helpers/fake-sfn';
import { download, ROOT, startTestRuntime, upload } from '../helpers/local-runtime';
import { runCrateProblems } from '../helpers/run-crate-terms';

const graph: PipelineGraph = {
  name: 'counted',
  steps: { count: { kind: 'lambda', handler: 'test/fixtures/functions/count-chars/index.ts', parameters: { file: 'a.txt' } } },
};
let runtime: LocalRuntime;

/** The description the stack bundles: each step with the code identity it deploys (lib/cdk/pipeline.ts). */
function describedAsDeployed(): PipelineDescription {
  const described = describePipeline(pipelineFromGraph(graph, ROOT).graph);
  const steps = Object.fromEntries(
    Object.entries(described.steps).map(([id, step]) => [id, { ...step, codeIdentity: deployedCodeIdentity(defined(graph.steps[id]), ROOT, undefined) }]),
  );
  return { ...described, steps };
}

/** What only the runtime at the run's end knows (what each invocation used, and so the cost at billed durations), and who ran it. */
const MEASURED = /#(engine-orchestra|costUsd|costBasis|pricesAsOf|durationMs|billedDurationMs|cpuMs|maxMemoryMb|memorySizeMb|initDurationMs|measuredBy)$|^#engine-orchestra$/;
function withoutMeasures(crate: { '@graph': Array<Record<string, unknown>> }): Array<Record<string, unknown>> {
  const kept = crate['@graph'].filter((entity) => !MEASURED.test(String(entity['@id'])));
  const keptIds = new Set(kept.map((entity) => entity['@id']));
  return kept.map(({ resourceUsage: _usage, additionalProperty, ...entity }) => {
    const properties = Array.isArray(additionalProperty) ? additionalProperty.filter((p: { '@id': string }) => keptIds.has(p['@id'])) : additionalProperty;
    return properties === undefined || (Array.isArray(properties) && properties.length === 0) ? entity : { ...entity, additionalProperty: properties };
  });
}
const taskRoot = mkdtempSync(join(tmpdir(), 'orchestra-provenance-'));

beforeAll(async () => {
  runtime = await startTestRuntime([graph], { retryDelayMs: 1 });
  // What the stack writes beside the function's bundle (lib/cdk/parts/run-provenance.ts).
  writeFileSync(join(taskRoot, BUNDLED_CONFIG_FILE), JSON.stringify({ [PIPELINE_DESCRIPTIONS_SETTING]: JSON.stringify({ counted: describedAsDeployed() }) }));
}, 60_000);
afterAll(() => runtime?.stop());

/** The environment the stack gives the function, its endpoints this runtime's. */
const functionEnvironment = () => ({
  ...process.env,
  ...runtime.s3.environment,
  [FUNCTION_ENV.bucket]: runtime.s3.bucket,
  [FUNCTION_ENV.stepFunctionsEndpoint]: runtime.stepFunctionsEndpoint,
  [FUNCTION_ENV.stackName]: 'Lab',
});

/** EventBridge's "Step Functions Execution Status Change" of a run of `counted` that ended. */
const statusChangeOf = (run: RunRecord) => ({
  detail: {
    executionArn: localExecutionArn('counted', run.runId),
    stateMachineArn: localStateMachineArn('counted'),
    name: run.runId,
    status: run.status,
    startDate: Date.parse(run.startedAt),
    stopDate: Date.parse(run.stoppedAt ?? run.startedAt),
    input: JSON.stringify(run.input),
  },
});

describe('the run-provenance function', () => {
  it("writes an ended run's crate beside its outputs from an EventBridge status change, and skips a run still going", async () => {
    await upload(runtime, 'ingest/counted/set/a.txt', 'twelve chars');
    const run = await runtime.waitForRun(runtime.startRun('counted', { source: 'api', prefix: 'ingest/counted/set/' }).runId);
    const key = `runs/counted/${run.runId}/ro-crate-metadata.json`;
    const written = JSON.parse((await download(runtime, key)).toString());
    await runtime.s3.client.send(new DeleteObjectCommand({ Bucket: runtime.s3.bucket, Key: key }));

    const { detail } = statusChangeOf(run);
    const environment = functionEnvironment();
    const previousRoot = process.env['LAMBDA_TASK_ROOT'];
    process.env['LAMBDA_TASK_ROOT'] = taskRoot;
    try {
      const answer = await withEnvironment(environment, () => handler({ 'detail-type': 'Step Functions Execution Status Change', source: 'aws.states', detail }));
      expect(answer).toEqual({ crate: key, usage: 'not read: the stack gives this function no usage source' });
      const skipped = await withEnvironment(environment, () => handler({ detail: { ...detail, status: 'RUNNING' } }));
      expect(skipped).toEqual({ skipped: `run ${run.runId} is RUNNING` });
    } finally {
      if (previousRoot === undefined) delete process.env['LAMBDA_TASK_ROOT'];
      else process.env['LAMBDA_TASK_ROOT'] = previousRoot;
    }
    const rewritten = JSON.parse((await download(runtime, key)).toString());
    expect(runCrateProblems(rewritten)).toEqual([]);
    // The same crate — the same code identities too — but for who ran it, and what only the runtime measured.
    expect(withoutMeasures(rewritten)).toEqual(withoutMeasures(written));
    const byId = (crate: { '@graph': Array<Record<string, unknown>> }, id: string) => crate['@graph'].find((entity) => entity['@id'] === id);
    expect(byId(written, '#tool/count')?.['identifier']).toMatch(/^code:[0-9a-f]{64}$/);
    expect(byId(written, `#run-${run.runId}#costBasis`)?.['value']).toBe('billed');
    expect(byId(rewritten, `#run-${run.runId}#costBasis`)?.['value']).toBe('history');
    expect(rewritten['@graph'].find((entity: Record<string, unknown>) => entity['@id'] === '#engine-orchestra')?.description).toBe('on AWS Step Functions');
  }, 60_000);

  it("puts what each step used in the crate as CloudWatch has it, reading once more when a Lambda's REPORT line is late, and writes the crate when it cannot read", async () => {
    await upload(runtime, 'ingest/counted/used/a.txt', 'used');
    const run = await runtime.waitForRun(runtime.startRun('counted', { source: 'api', prefix: 'ingest/counted/used/' }).runId);
    const key = `runs/counted/${run.runId}/ro-crate-metadata.json`;
    const event = statusChangeOf(run);
    const report: InvocationUsage = {
      endedAt: run.stoppedAt ?? run.startedAt,
      measuredBy: 'lambda-report',
      scope: 'invocation',
      durationMs: 41.5,
      billedDurationMs: 42,
      memorySizeMb: 512,
      maxMemoryMb: 88,
    };
    const reads: string[] = [];
    // The REPORT line reaches CloudWatch only for the second reading.
    const late: RunUsage = { read: async (_pipeline, runId) => (reads.push(runId) === 1 ? {} : { count: [report] }) };
    const previousRoot = process.env['LAMBDA_TASK_ROOT'];
    process.env['LAMBDA_TASK_ROOT'] = taskRoot;
    try {
      const withUsage = createRunProvenanceHandler({ usageOf: () => late, reportWaitMs: 10 });
      expect(await withEnvironment(functionEnvironment(), () => withUsage(event))).toEqual({ crate: key, usage: 'complete' });
      expect(reads).toEqual([run.runId, run.runId]);
      const crate = JSON.parse((await download(runtime, key)).toString());
      expect(runCrateProblems(crate)).toEqual([]);
      const byId = (id: string) => crate['@graph'].find((entity: Record<string, unknown>) => entity['@id'] === id);
      const attempt = `#run-${run.runId}/step/count/attempt-1`;
      expect(byId(attempt)?.resourceUsage).toEqual(expect.arrayContaining([{ '@id': `${attempt}#maxMemoryMb` }, { '@id': `${attempt}#billedDurationMs` }]));
      expect(byId(`${attempt}#maxMemoryMb`)).toMatchObject({ value: '88', unitCode: 'https://qudt.org/vocab/unit/MegaBYTE' });
      expect(byId(`${attempt}#measuredBy`)?.value).toBe('lambda-report');
      // Priced at the billed duration, as the runs API prices it.
      expect(byId(`#run-${run.runId}#costBasis`)?.value).toBe('billed');

      const denied: RunUsage = { read: async () => Promise.reject(new Error('AccessDeniedException: logs:FilterLogEvents')) };
      const blind = createRunProvenanceHandler({ usageOf: () => denied, reportWaitMs: 10 });
      expect(await withEnvironment(functionEnvironment(), () => blind(event))).toEqual({ crate: key, usage: 'unavailable: AccessDeniedException: logs:FilterLogEvents' });
      expect(runCrateProblems(JSON.parse((await download(runtime, key)).toString()))).toEqual([]);
    } finally {
      if (previousRoot === undefined) delete process.env['LAMBDA_TASK_ROOT'];
      else process.env['LAMBDA_TASK_ROOT'] = previousRoot;
    }
  }, 60_000);

  it('writes the crate of a run that ended without one when `orchestra export ro-crate --stack` asks: the event it builds from DescribeExecution is one the function takes', async () => {
    await upload(runtime, 'ingest/counted/older/a.txt', 'older');
    const run = await runtime.waitForRun(runtime.startRun('counted', { source: 'api', prefix: 'ingest/counted/older/' }).runId);
    const key = `runs/counted/${run.runId}/ro-crate-metadata.json`;
    await runtime.s3.client.send(new DeleteObjectCommand({ Bucket: runtime.s3.bucket, Key: key }));
    const environment = functionEnvironment();
    // Lambda's Invoke, answered by the function itself as the stack deploys it.
    const { lambda, sent } = fakeLambda(async (_command, input) => {
      const event: unknown = JSON.parse(String(input['Payload']));
      const answer = await withEnvironment(environment, () => handler(event));
      return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(answer)) };
    });
    const previousRoot = process.env['LAMBDA_TASK_ROOT'];
    process.env['LAMBDA_TASK_ROOT'] = taskRoot;
    try {
      await writeDeployedRunCrate({ sfn: sfnClientFor(environment), lambda }, 'Lab-run-provenance', localExecutionArn('counted', run.runId));
    } finally {
      if (previousRoot === undefined) delete process.env['LAMBDA_TASK_ROOT'];
      else process.env['LAMBDA_TASK_ROOT'] = previousRoot;
    }
    expect(sent.map((s) => [s.input['FunctionName'], s.input['InvocationType']])).toEqual([['Lab-run-provenance', 'RequestResponse']]);
    expect(runCrateProblems(JSON.parse((await download(runtime, key)).toString()))).toEqual([]);

    // A function that fails, or skips the run, says so, naming the function.
    const failing = fakeLambda(() => ({ StatusCode: 200, FunctionError: 'Unhandled', Payload: new TextEncoder().encode('{"errorMessage":"AccessDenied on runs/counted/"}') }));
    await expect(writeDeployedRunCrate({ sfn: sfnClientFor(environment), lambda: failing.lambda }, 'Lab-run-provenance', localExecutionArn('counted', run.runId))).rejects.toThrow(
      "the stack's run-provenance function (Lab-run-provenance) could not write the crate: AccessDenied on runs/counted/ — its log group says more",
    );
    const skipping = fakeLambda(() => ({ StatusCode: 200, Payload: new TextEncoder().encode('{"skipped":"run x is RUNNING"}') }));
    await expect(writeDeployedRunCrate({ sfn: sfnClientFor(environment), lambda: skipping.lambda }, 'f', localExecutionArn('counted', run.runId))).rejects.toThrow(
      'no crate written: run x is RUNNING',
    );
  }, 60_000);

  it('refuses an event that is not a status change, as a permanent error', async () => {
    await expect(handler({ detail: { executionArn: 'x' } })).rejects.toMatchObject({ name: 'Orchestra.Permanent' });
  });
});
