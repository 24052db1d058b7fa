/**
 * Orchestra pipelines as product providers, on the embedded runtime: a product's step runs the
 * provider pipeline (startExecution.sync:2, the same ASL as in AWS) with {product, obs_id, inputs};
 * the provider imports the product as a data item, so the products that need it start after it.
 * A failed child fails the step with States.TaskFailed and the child's error; stopping the parent
 * stops the child.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import type { PipelineGraph } from '../../lib/graph/schema';
import { importProducts } from '../../lib/importers/products';
import type { RunRecord } from '../../lib/local/runs/run-record';
import { isJsonRecord } from '../../lib/shared/json';
import { download, ROOT, startTestRuntime, upload } from '../helpers/local-runtime';

const provider: PipelineGraph = {
  name: 'qpo_ecl_pipeline',
  steps: { make: { kind: 'lambda', handler: 'test/fixtures/functions/make-product/index.ts', retry: { maxAttempts: 1 } } },
};

const { graphs, issues } = importProducts({
  inputs: ['EclTmVhfAlert'],
  products: {
    QPO_ECL: { m_input: ['EclTmVhfAlert'], provider: 'qpo_ecl_pipeline' },
    QPO_FIT: { m_input: ['QPO_ECL'], provider: 'simulate' },
  },
});
const runtime = await startTestRuntime([provider], { retryDelayMs: 1, simulateSeed: 'pipeline-provider' });
for (const graph of graphs) runtime.addPipeline(pipelineFromGraph(graph, ROOT));
afterAll(() => runtime.stop());

/** The first run of `pipeline` whose input matches, once it has ended. */
function finished(pipeline: string, matches: (input: Record<string, unknown>) => boolean): Promise<RunRecord> {
  return new Promise((resolve) => {
    const off = runtime.on((event) => {
      if (event.type === 'run-finished' && event.run.pipeline === pipeline && matches(event.run.input)) {
        off();
        resolve(event.run);
      }
    });
  });
}
const started = (pipeline: string, key: string): Promise<RunRecord> =>
  new Promise((resolve) => {
    const off = runtime.on((event) => {
      if (event.type === 'run-started' && event.run.pipeline === pipeline && event.run.input['obs_id'] === key) {
        off();
        resolve(event.run);
      }
    });
  });

describe('an Orchestra pipeline as a product provider', () => {
  it('imports without issues into a pipeline step that runs the provider and publishes the product', () => {
    expect(issues).toEqual([]);
    expect(graphs.find((graph) => graph.name === 'QPO_ECL')?.steps['produce']).toMatchObject({
      kind: 'pipeline',
      pipeline: 'qpo_ecl_pipeline',
      input: { product: 'QPO_ECL', obs_id: '{key}', inputs: '{inputs}' },
      publishes: 'QPO_ECL',
    });
  });

  it('runs the provider with the product, the key and the inputs; its product starts the next product', async () => {
    const child = finished('qpo_ecl_pipeline', (input) => input['obs_id'] === 'obs-1');
    const parent = finished('QPO_ECL', (input) => input['key'] === 'obs-1');
    const next = finished('QPO_FIT', (input) => input['key'] === 'obs-1');
    await upload(runtime, 'data/EclTmVhfAlert/obs-1/alert.fits', 'alert');
    const childRun = await child;
    expect(childRun.status).toBe('SUCCEEDED');
    expect(childRun.input).toMatchObject({
      source: 'pipeline',
      product: 'QPO_ECL',
      obs_id: 'obs-1',
      inputs: { EclTmVhfAlert: [{ key: 'data/EclTmVhfAlert/obs-1/alert.fits' }] },
    });
    const parentRun = await parent;
    expect(parentRun.status).toBe('SUCCEEDED');
    // The child names its parent, and the parent's step result names the child's run.
    expect(childRun.input['parent']).toEqual({ pipeline: 'QPO_ECL', step: 'produce', runId: parentRun.runId });
    expect(childRun.input['AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID']).toContain(`:QPO_ECL:${parentRun.runId}`);
    expect((await next).status).toBe('SUCCEEDED');
    expect(JSON.parse((await download(runtime, 'data/QPO_ECL/obs-1/QPO_ECL.json')).toString())).toEqual({ product: 'QPO_ECL', obsId: 'obs-1' });
    const history = runtime.store.readHistory(parentRun.runId);
    const succeeded = history.find((event) => event.type === 'TaskSucceeded');
    const output: unknown = JSON.parse(succeeded?.taskSucceededEventDetails?.output ?? 'null');
    expect(output).toMatchObject({ Name: childRun.runId, Status: 'SUCCEEDED', Output: { input: { obs_id: 'obs-1' } } });
  });

  it("fails the step with States.TaskFailed and the child run's own error when the provider fails", async () => {
    const child = finished('qpo_ecl_pipeline', (input) => input['obs_id'] === 'obs-bad');
    const parent = finished('QPO_ECL', (input) => input['key'] === 'obs-bad');
    await upload(runtime, 'data/EclTmVhfAlert/obs-bad/alert.fits', 'alert');
    expect((await child).status).toBe('FAILED');
    const parentRun = await parent;
    expect(parentRun.status).toBe('FAILED');
    // Step Functions retries the step (States.TaskFailed is not Orchestra.Permanent): each attempt runs the provider anew.
    expect(parentRun.steps['produce']).toMatchObject({ status: 'FAILED', attempts: 3, error: { error: 'States.TaskFailed' } });
    const cause: unknown = JSON.parse(parentRun.steps['produce']?.error?.cause ?? 'null');
    expect(isJsonRecord(cause) && cause).toMatchObject({ Status: 'FAILED', Error: 'Orchestra.Permanent' });
    expect(isJsonRecord(cause) ? String(cause['Cause']) : '').toContain('no signal in obs-bad');
  });

  it('stops the child run when the parent run is stopped', async () => {
    const childStarted = started('qpo_ecl_pipeline', 'obs-slow');
    const child = finished('qpo_ecl_pipeline', (input) => input['obs_id'] === 'obs-slow');
    const parent = finished('QPO_ECL', (input) => input['key'] === 'obs-slow');
    await upload(runtime, 'data/EclTmVhfAlert/obs-slow/alert.fits', 'alert');
    const parentRunId = (await childStarted).input['parent'];
    expect(isJsonRecord(parentRunId)).toBe(true);
    runtime.abortRun(String(isJsonRecord(parentRunId) ? parentRunId['runId'] : ''), 'stopped by the operator');
    expect((await parent).status).toBe('ABORTED');
    expect((await child).status).toBe('ABORTED');
  });
});
