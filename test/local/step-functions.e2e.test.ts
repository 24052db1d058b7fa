/**
 * The local Step Functions endpoint through the real SDK client over HTTP: every operation, its
 * AWS error names, paging, history that the deployed code reads the same way, stop and redrive.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidExecutionInput,
  InvalidName,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import { type StepFunctionsEndpoint, serveStepFunctions } from '../../lib/local/endpoints/step-functions/server';
import { LocalStepFunctions } from '../../lib/local/endpoints/step-functions/service';
import { LocalRuntime } from '../../lib/local/runtime';
import { readExecutionHistory, stepOutcomesFrom } from '../../lib/runtime/execution-history';
import { countedProject } from '../helpers/counted-steps';
import { simulateGraph } from '../helpers/graphs';
import { ROOT, startTestRuntime } from '../helpers/local-runtime';

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:';
const project = countedProject();
const { calls, failWhile } = project;
let runtime: LocalRuntime;
let endpoint: StepFunctionsEndpoint;
let sfn: SFNClient;

beforeAll(async () => {
  runtime = await startTestRuntime(['state-machines/flood.graph.json', simulateGraph({ quick: [] }, { quick: 0 }, 'quick'), simulateGraph({ slow: [] }, { slow: 60_000 }, 'slow')]);
  runtime.addPipeline(pipelineFromGraph(project.chain, project.root));
  endpoint = await serveStepFunctions(new LocalStepFunctions(runtime));
  sfn = new SFNClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});

afterAll(async () => {
  sfn.destroy();
  await endpoint.close();
  await runtime.stop();
  rmSync(project.root, { recursive: true, force: true });
});

async function finished(executionArn: string): Promise<DescribeExecutionOutput> {
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') return execution;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const start = (pipeline: string, input: Record<string, unknown> = {}, name?: string) =>
  sfn.send(new StartExecutionCommand({ stateMachineArn: `${ARN}${pipeline}`, input: JSON.stringify(input), ...(name === undefined ? {} : { name }) }));

describe('local Step Functions endpoint', () => {
  it('lists the pipelines as state machines and describes each with its committed definition', async () => {
    const listed = await sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((m) => m.name)).toEqual(['chain', 'flood', 'quick', 'slow']);
    const flood = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${ARN}flood` }));
    expect(flood.definition).toBe(readFileSync(join(ROOT, 'state-machines', 'flood.asl.json'), 'utf8'));
    expect(flood).toMatchObject({ name: 'flood', status: 'ACTIVE', type: 'STANDARD' });
    expect(flood.creationDate).toBeInstanceOf(Date);
    await expect(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${ARN}nope` }))).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it('runs an execution to SUCCEEDED with its output, and writes the history AWS would', async () => {
    writeFileSync(calls, '');
    const { executionArn = '', startDate } = await start('chain', { calls, failWhile });
    expect(startDate).toBeInstanceOf(Date);
    const execution = await finished(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({ steps: { a: { step: 'a' }, b: { step: 'b' }, c: { step: 'c' } } });
    expect(execution.stopDate?.getTime()).toBeGreaterThanOrEqual(execution.startDate?.getTime() ?? 0);

    const history = await readExecutionHistory(sfn, executionArn);
    const done = { status: 'SUCCEEDED', attempts: 1, startedAt: expect.any(String), stoppedAt: expect.any(String) };
    expect(stepOutcomesFrom(history)).toEqual({ a: done, b: done, c: done });
    const types = history.map((e) => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    const a = types.indexOf('TaskStateEntered');
    expect(types.slice(a, a + 5)).toEqual(['TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited']);
    expect(history.map((e) => e.id)).toEqual(history.map((_, i) => i + 1));
    // The run record counts them, next to AWS's 25,000 per execution.
    expect(runtime.store.get(String(executionArn.split(':').pop())).historyEvents).toBe(history.length);
    const scheduled = history.find((e) => e.type === 'LambdaFunctionScheduled');
    expect(JSON.parse(scheduled?.lambdaFunctionScheduledEventDetails?.input ?? '{}')).toMatchObject({ pipeline: 'chain', step: 'a' });
  });

  it('pages the history forwards and backwards, each event exactly once', async () => {
    const { executionArn = '' } = await start('chain', { calls, failWhile });
    await finished(executionArn);
    const all = await readExecutionHistory(sfn, executionArn);
    for (const reverseOrder of [false, true]) {
      const ids: number[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 4, reverseOrder, ...(nextToken === undefined ? {} : { nextToken }) }));
        expect(page.events?.length).toBeLessThanOrEqual(4);
        ids.push(...(page.events ?? []).map((e) => e.id ?? 0));
        nextToken = page.nextToken;
      } while (nextToken !== undefined);
      const expected = all.map((e) => e.id ?? 0);
      expect(ids).toEqual(reverseOrder ? expected.reverse() : expected);
    }
  });

  it('uses a name once: the same name and input while running return the same execution, anything else is ExecutionAlreadyExists', async () => {
    const first = await start('slow', {}, 'named-once');
    const again = await start('slow', {}, 'named-once');
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);
    await expect(start('slow', { other: true }, 'named-once')).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn ?? '' }));
    await finished(first.executionArn ?? '');
    await expect(start('slow', {}, 'named-once')).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('stops a running execution: ABORTED with the error and cause given, the history ends with ExecutionAborted', async () => {
    const { executionArn = '' } = await start('slow');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator.Stop', cause: 'wrong dataset' }));
    const execution = await finished(executionArn);
    expect(execution).toMatchObject({ status: 'ABORTED', error: 'Operator.Stop', cause: 'wrong dataset' });
    const history = await readExecutionHistory(sfn, executionArn);
    expect(history.at(-1)).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Operator.Stop', cause: 'wrong dataset' } });
    expect(runtime.activeRuns).toBe(0);
  });

  it('redrives a failed execution: only the failed step and those after it run again', async () => {
    writeFileSync(calls, '');
    writeFileSync(failWhile, '');
    const { executionArn = '' } = await start('chain', { calls, failWhile });
    const failed = await finished(executionArn);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'NotReady', cause: 'b is not ready', redriveStatus: 'REDRIVABLE' });
    expect(readFileSync(calls, 'utf8')).toBe('a\nb\n');

    rmSync(failWhile);
    const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect(redriveDate).toBeInstanceOf(Date);
    const redriven = await finished(executionArn);
    expect(redriven).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(readFileSync(calls, 'utf8')).toBe('a\nb\nb\nc\n');
    expect(JSON.parse(redriven.output ?? '{}')).toMatchObject({ steps: { a: { step: 'a' }, b: { step: 'b' }, c: { step: 'c' } } });

    const history = await readExecutionHistory(sfn, executionArn);
    const types = history.map((e) => e.type);
    expect(types.filter((t) => t === 'ExecutionRedriven')).toHaveLength(1);
    expect(types.filter((t) => t === 'LambdaFunctionScheduled')).toHaveLength(4);
    // Its failure before the redrive is history: it was shown in red beside SUCCEEDED (issue 29, item 24).
    expect(stepOutcomesFrom(history)['b']).toEqual({ status: 'SUCCEEDED', attempts: 2, startedAt: expect.any(String), stoppedAt: expect.any(String) });
    await expect(sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toBeInstanceOf(ExecutionNotRedrivable);
  });

  it('lists executions newest first, filtered by status, each exactly once across pages', async () => {
    const started: string[] = [];
    for (let i = 0; i < 25; i++) started.push((await start('quick')).executionArn ?? '');
    await Promise.all(started.map(finished));
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: `${ARN}quick`, maxResults: 10, ...(nextToken === undefined ? {} : { nextToken }) }));
      seen.push(...(page.executions ?? []).map((e) => e.executionArn ?? ''));
      // A run started between pages must not shift the next page.
      if (seen.length === 10) await start('quick');
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    expect(seen).toHaveLength(25);
    expect(new Set(seen)).toEqual(new Set(started));
    const succeeded = await sfn.send(new ListExecutionsCommand({ stateMachineArn: `${ARN}slow`, statusFilter: 'ABORTED' }));
    expect(succeeded.executions?.every((e) => e.status === 'ABORTED')).toBe(true);
    expect(succeeded.executions?.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses hostile requests without a stack: not JSON, an unknown operation, an oversized body, a prototype-named machine', async () => {
    const post = (target: string, body: string) => fetch(endpoint.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target }, body });

    const notJson = await post('AWSStepFunctions.ListExecutions', '{not json');
    expect([notJson.status, await notJson.json()]).toEqual([400, { __type: 'SerializationException', message: 'the request body is not JSON' }]);
    const unknown = await post('AWSStepFunctions.DeleteStateMachine', '{}');
    expect([unknown.status, ((await unknown.json()) as { __type: string }).__type]).toEqual([400, 'UnknownOperationException']);
    const huge = await post('AWSStepFunctions.StartExecution', JSON.stringify({ stateMachineArn: `${ARN}quick`, input: 'x'.repeat(1_100_000) }));
    expect([huge.status, ((await huge.json()) as { message: string }).message]).toEqual([413, 'request body over 1048576 bytes']);
    await expect(start('__proto__')).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(start('constructor')).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it('answers mistakes with the error names AWS uses', async () => {
    await expect(start('quick', {}, 'has space')).rejects.toBeInstanceOf(InvalidName);
    await expect(start('nope')).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: `${ARN}quick`, input: '{not json' }))).rejects.toBeInstanceOf(InvalidExecutionInput);
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:quick:never' }))).rejects.toBeInstanceOf(
      ExecutionDoesNotExist,
    );
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' }))).rejects.toBeInstanceOf(InvalidArn);
    await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn: `${ARN}quick`, maxResults: 5000 }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('maxResults'),
    });
    await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn: `${ARN}quick`, nextToken: 'bogus' }))).rejects.toMatchObject({ name: 'InvalidToken' });
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: 'unknown', output: '{}' }))).rejects.toBeInstanceOf(TaskDoesNotExist);
  });
});

describe('the local Step Functions endpoint port', () => {
  it('is a clear error when taken, and leaves the data folder free for the next start', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', () => resolve()));
    const address = holder.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-sfn-port-'));
    try {
      await expect(LocalRuntime.start({ dataDir, stepFunctionsPort: port })).rejects.toThrow(
        `Step Functions endpoint: port ${port} is in use — stop what uses it or choose another port`,
      );
      const again = await LocalRuntime.start({ dataDir });
      await again.stop();
    } finally {
      holder.close();
    }
  });
});
