/**
 * Local runs hold each step to the IAM the stack deploys for its role (issue 30, part 2): a step that
 * writes outside what its graph grants fails with AccessDenied, as it would on AWS, whether its code
 * is an in-process handler using Orchestra's client or a container process using a plain SDK client;
 * granting it in the graph's `access` makes the same run succeed; turned off, nothing is checked.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PipelineGraph } from '../../lib/graph/schema';
import type { LocalRuntime } from '../../lib/local/runtime';
import { startTestRuntime } from '../helpers/local-runtime';

const lambdaWriting = (name: string, key: string, access?: { write: string[] }): PipelineGraph => ({
  name,
  steps: {
    write: { kind: 'lambda', handler: 'test/fixtures/functions/write-to/index.ts', parameters: { key }, retry: { maxAttempts: 1 }, ...(access === undefined ? {} : { access }) },
  },
});
const containerWriting = (name: string, key: string): PipelineGraph => ({
  name,
  steps: {
    write: {
      kind: 'container',
      image: './containers/dassflow2d',
      parameters: { key },
      retry: { maxAttempts: 1 },
      local: { command: ['node', 'test/fixtures/containers/write-to.mjs'] },
    },
  },
});

/** A handler with its own module-level SDK client, as written for AWS. */
const RAW = 'test/fixtures/functions/raw-client/index.ts';

const graphs: PipelineGraph[] = [
  lambdaWriting('own-folder', 'runs/own-folder/{runId}/write/out.txt'),
  lambdaWriting('outside', 'elsewhere/out.txt'),
  lambdaWriting('granted', 'elsewhere/out.txt', { write: ['elsewhere/'] }),
  lambdaWriting('other-runs', 'runs/own-folder/{runId}/write/out.txt'),
  containerWriting('container-own', 'runs/container-own/{runId}/write/out.txt'),
  containerWriting('container-outside', 'elsewhere/from-container.txt'),
  {
    name: 'map-outside',
    steps: {
      list: { kind: 'lambda', handler: 'test/fixtures/functions/items/list.ts', parameters: { count: 2, inS3: true, listKey: 'lists/items.json' }, access: { write: ['lists/'] } },
      each: { kind: 'lambda', handler: 'test/fixtures/functions/items/item.ts', dependsOn: ['list'], forEach: { from: 'list', manifest: 'list' }, retry: { maxAttempts: 1 } },
    },
  },
  {
    name: 'map-inside',
    steps: {
      list: { kind: 'lambda', handler: 'test/fixtures/functions/items/list.ts', parameters: { count: 2, inS3: true } },
      each: { kind: 'lambda', handler: 'test/fixtures/functions/items/item.ts', dependsOn: ['list'], forEach: { from: 'list', manifest: 'list' } },
    },
  },
  {
    name: 'raw-shared',
    steps: {
      a: { kind: 'lambda', handler: RAW, parameters: { key: 'a/{runId}.txt' }, access: { write: ['a/'] } },
      b: { kind: 'lambda', handler: RAW, parameters: { key: 'b/{runId}.txt' }, access: { write: ['b/'] } },
    },
  },
  { name: 'raw-outside', steps: { c: { kind: 'lambda', handler: RAW, parameters: { key: 'a/{runId}-c.txt' }, retry: { maxAttempts: 1 } } } },
  { name: 'calls-sfn', steps: { call: { kind: 'lambda', handler: 'test/fixtures/functions/call-sfn/index.ts', retry: { maxAttempts: 1 } } } },
];
const enforced = await startTestRuntime(graphs, { retryDelayMs: 1 });
const unenforced = await startTestRuntime(graphs, { retryDelayMs: 1, enforceIam: false });
afterAll(async () => {
  await enforced.stop();
  await unenforced.stop();
});

const run = async (runtime: LocalRuntime, pipeline: string) => runtime.waitForRun((await runtime.startRun(pipeline, { source: 'api' })).runId);

describe('local runs enforce the deployed IAM', () => {
  it("lets a step write its own folder of its run, with its role's key", async () => {
    expect((await run(enforced, 'own-folder')).status).toBe('SUCCEEDED');
    expect((await run(enforced, 'container-own')).status).toBe('SUCCEEDED');
  });

  it('fails a Lambda step that writes outside its grants with AccessDenied, naming the action, the resource, the role and the fix', async () => {
    const record = await run(enforced, 'outside');
    expect(record.status).toBe('FAILED');
    expect(record.steps['write']?.error?.error).toBe('AccessDenied');
    expect(record.steps['write']?.error?.cause).toContain(
      'User: arn:aws:sts::000000000000:assumed-role/orchestra-outside-write/outside-write is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::orchestra-data/elsewhere/out.txt" because no identity-based policy allows the s3:PutObject action',
    );
    expect(record.steps['write']?.error?.cause).toContain('add "elsewhere/" to steps.write.access.write in <memory>');
    expect(await enforced.s3.listKeys('elsewhere/')).toEqual([]);
  });

  it("refuses a write into another pipeline's runs, which no access entry may grant", async () => {
    const record = await run(enforced, 'other-runs');
    expect(record.status).toBe('FAILED');
    expect(record.steps['write']?.error?.cause).toMatch(
      /s3:PutObject on resource: "arn:aws:s3:::orchestra-data\/runs\/own-folder\/.*no step may be granted this: "runs\/own-folder\/.*" reaches other pipelines' runs/,
    );
  });

  it('succeeds once the graph grants the write in `access`', async () => {
    expect((await run(enforced, 'granted')).status).toBe('SUCCEEDED');
    expect((await enforced.s3.listKeys('elsewhere/')).map(({ key }) => key)).toEqual(['elsewhere/out.txt']);
  });

  it("fails a container step whose plain SDK client writes outside its grants: the process's key is its task role's", async () => {
    const record = await run(enforced, 'container-outside');
    expect(record.status).toBe('FAILED');
    const lines = enforced.store.readLog(record.runId).map((line) => line.message);
    expect(lines.join('\n')).toContain(
      'AccessDenied: User: arn:aws:sts::000000000000:assumed-role/orchestra-container-outside-write/container-outside-write is not authorized to perform: s3:PutObject',
    );
  });

  it('refuses a step role what the stack never grants it on the Step Functions endpoint', async () => {
    const record = await run(enforced, 'calls-sfn');
    expect(record.status).toBe('FAILED');
    expect(record.steps['call']?.error?.error).toBe('AccessDeniedException');
    expect(record.steps['call']?.error?.cause).toContain(
      'User: arn:aws:sts::000000000000:assumed-role/orchestra-calls-sfn-call/calls-sfn-call is not authorized to perform: states:ListStateMachines on resource: "*"',
    );
  });

  it("reads a Distributed Map's items and writes its results as the state machine's role: a list outside the pipeline's inputs and runs is AccessDenied", async () => {
    expect((await run(enforced, 'map-inside')).status).toBe('SUCCEEDED');
    const record = await run(enforced, 'map-outside');
    expect(record.status).toBe('FAILED');
    expect(record.steps['list']?.status).toBe('SUCCEEDED');
    expect(record.error?.cause).toContain(
      'assumed-role/orchestra-map-outside-state-machine/map-outside-state-machine is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::orchestra-data/lists/items.json"',
    );
  });

  it("holds a handler's own module-level SDK client to its step's role, each step with its own copy of the module", async () => {
    const shared = await run(enforced, 'raw-shared');
    expect(shared.status).toBe('SUCCEEDED');
    expect((await enforced.s3.listKeys('a/')).map(({ key }) => key)).toEqual([`a/${shared.runId}.txt`]);
    expect((await enforced.s3.listKeys('b/')).map(({ key }) => key)).toEqual([`b/${shared.runId}.txt`]);
    const outside = await run(enforced, 'raw-outside');
    expect(outside.status).toBe('FAILED');
    expect(outside.steps['c']?.error?.cause).toContain('assumed-role/orchestra-raw-outside-c/raw-outside-c is not authorized to perform: s3:PutObject');
  });

  it('checks nothing when turned off', async () => {
    expect((await run(unenforced, 'map-outside')).status).toBe('SUCCEEDED');
    expect((await run(unenforced, 'calls-sfn')).status).toBe('SUCCEEDED');
    expect((await run(unenforced, 'outside')).status).toBe('SUCCEEDED');
    expect((await run(unenforced, 'container-outside')).status).toBe('SUCCEEDED');
  });
});
