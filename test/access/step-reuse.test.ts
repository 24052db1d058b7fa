/**
 * What reuse changes in the IAM both targets use (lib/access): a step's `inputs` narrow what its role
 * may read of the run input, the step-reuse role reads what reused steps read and writes only its
 * records and the reused steps' folders, and a state machine may invoke it only when it reuses steps.
 */
import { describe, expect, it } from 'vitest';
import { dataItemAccessOf } from '../../lib/access/data-items';
import { type AuthorizationRequest, evaluate } from '../../lib/access/evaluate';
import { reuseCallOf, taskCallStatements } from '../../lib/access/integrations';
import { stepRoleAccess } from '../../lib/access/roles';
import { bucketArn } from '../../lib/access/s3-requests';
import { dataAccessStatements } from '../../lib/access/statements';
import { reuseRoleAccess } from '../../lib/access/step-reuse';
import { pipelineFromGraph } from '../../lib/catalogue';
import type { PipelineGraph } from '../../lib/graph/schema';
import { localIntegrationArns } from '../../lib/local/engine/bindings';

const BUCKET = bucketArn('orchestra-data');
const get = (key: string): AuthorizationRequest => ({ action: 's3:GetObject', resource: `${BUCKET}/${key}` });
const put = (key: string): AuthorizationRequest => ({ action: 's3:PutObject', resource: `${BUCKET}/${key}` });
const list = (prefix: string): AuthorizationRequest => ({ action: 's3:ListBucket', resource: BUCKET, context: { 's3:prefix': prefix } });

const graph: PipelineGraph = {
  name: 'two',
  trigger: { ingestPrefix: 'ingest/two/', mode: 'dataset', requiredFiles: ['a.txt', 'b.txt'] },
  defaults: { reuse: true },
  steps: {
    a: { kind: 'lambda', handler: 'functions/a/index.ts', inputs: ['a.txt', '*.geo'] },
    b: { kind: 'lambda', handler: 'functions/a/index.ts', access: { read: ['archive/'] } },
    rows: { kind: 'lambda', handler: 'functions/a/index.ts', tables: ['t'] },
  },
};
const pipelines = [pipelineFromGraph(graph, process.cwd())];

describe("a step's inputs", () => {
  const statements = (stepId: string) => {
    const step = graph.steps[stepId];
    if (step === undefined) throw new Error(stepId);
    return dataAccessStatements(BUCKET, stepRoleAccess(graph, stepId, step, ['ingest/two/'], undefined));
  };

  it('let its role read only those files of the run input, and still list the input folder', () => {
    const a = statements('a');
    expect(evaluate(a, get('ingest/two/set-1/a.txt'))).toBe('Allowed');
    expect(evaluate(a, get('ingest/two/set-1/valley.geo'))).toBe('Allowed');
    expect(evaluate(a, get('ingest/two/set-1/b.txt'))).toBe('ImplicitlyDenied');
    expect(evaluate(a, list('ingest/two/set-1/'))).toBe('Allowed');
    expect(evaluate(a, get('runs/two/r1/b/count.json'))).toBe('Allowed');
  });

  it('leave a step without them reading every file of the input', () => {
    expect(evaluate(statements('b'), get('ingest/two/set-1/b.txt'))).toBe('Allowed');
  });
});

describe('the step-reuse role', () => {
  const access = reuseRoleAccess(pipelines, dataItemAccessOf(pipelines));
  const statements = dataAccessStatements(BUCKET, access ?? {});

  it("reads what reused steps read: the pipeline's inputs and runs, their access.read, its own records", () => {
    for (const key of ['ingest/two/set-1/b.txt', 'runs/two/r1/a/count.json', 'archive/index.json', 'reuse/two/a/latest.json'])
      expect(evaluate(statements, get(key)), key).toBe('Allowed');
    expect(evaluate(statements, get('ingest/other/x.txt'))).toBe('ImplicitlyDenied');
  });

  it("writes only its records and the reused steps' folders of a run (copies), not another step's", () => {
    expect(evaluate(statements, put('reuse/two/a/entries/k.json'))).toBe('Allowed');
    expect(evaluate(statements, put('runs/two/r2/a/count.json'))).toBe('Allowed');
    expect(evaluate(statements, put('runs/two/r2/rows/out.json'))).toBe('ImplicitlyDenied');
    expect(evaluate(statements, put('reuse/other/a/latest.json'))).toBe('ImplicitlyDenied');
  });

  it('is not there when no pipeline reuses a step', () => {
    const none = pipelineFromGraph({ ...graph, defaults: {} }, process.cwd());
    expect(reuseRoleAccess([none], dataItemAccessOf([none]))).toBeUndefined();
  });
});

describe("a state machine's reuse calls", () => {
  it('are allowed when its pipeline reuses steps, and only then', () => {
    const arns = localIntegrationArns('two');
    expect(evaluate(taskCallStatements(graph, arns), reuseCallOf(arns))).toBe('Allowed');
    expect(evaluate(taskCallStatements({ ...graph, defaults: {} }, arns), reuseCallOf(arns))).toBe('ImplicitlyDenied');
  });
});
