/** The runs API function through middy (router, body parser, error handler) with a fake Step Functions client. */

import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  InvalidToken,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createRunsApiHandler } from '../../functions/runs-api';
import { encodeRunsToken } from '../../functions/runs-api/all-runs';
import { describePipeline, loadPipeline } from '../../lib/catalogue';
import { parsePipelineDescriptions } from '../../lib/contract/bundled-config';
import { defined } from '../../lib/shared/defined';
import { fakeSfn, type Sent } from '../helpers/fake-sfn';

const FLOOD = 'arn:aws:states:eu-west-1:123456789012:stateMachine:orchestra-flood';
const at = new Date('2026-11-22T10:00:00Z');

const request = (method: string, path: string, pathParameters: Record<string, string> = {}, body?: unknown, query?: Record<string, string>): APIGatewayProxyEvent =>
  ({
    httpMethod: method,
    path,
    resource: path,
    pathParameters,
    queryStringParameters: query ?? null,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {},
  }) as unknown as APIGatewayProxyEvent;

const context = { functionName: 'runs-api', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

async function call(
  respond: (command: string, input: Record<string, unknown>) => unknown,
  event: APIGatewayProxyEvent,
): Promise<{ status: number; body: Record<string, unknown>; sent: Sent[] }> {
  const { sfn, sent } = fakeSfn(respond);
  const response = (await createRunsApiHandler({ sfn, pipelines: { flood: FLOOD } }, { checkAnswers: true })(event, context)) as APIGatewayProxyResult;
  return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown>, sent };
}

const sfnError = <E extends new (opts: { message: string; $metadata: object }) => Error>(Type: E, message: string) => new Type({ message, $metadata: {} });

describe('runs API', () => {
  it('lists the deployed pipelines', async () => {
    const { status, body } = await call(() => ({}), request('GET', '/pipelines'));

    expect(status).toBe(200);
    expect(body).toEqual({ pipelines: [{ name: 'flood', stateMachineArn: FLOOD }] });
  });

  it('starts a run with a chosen id and the given input, marked as coming from the API', async () => {
    const { status, body, sent } = await call(
      () => ({ executionArn: `${FLOOD.replace(':stateMachine:', ':execution:')}:nightly-1`, startDate: at }),
      request('POST', '/pipelines/flood/runs', { pipeline: 'flood' }, { runId: 'nightly-1', input: { prefix: 'ingest/flood/valley/' } }),
    );

    expect(status).toBe(202);
    expect(body).toMatchObject({ pipeline: 'flood', runId: 'nightly-1' });
    expect(sent).toEqual([
      { command: StartExecutionCommand.name, input: { stateMachineArn: FLOOD, name: 'nightly-1', input: JSON.stringify({ prefix: 'ingest/flood/valley/', source: 'api' }) } },
    ]);
  });

  it('refuses a run id used before with 409, and a malformed one with 400 before calling AWS', async () => {
    const used = await call(
      () => {
        throw sfnError(ExecutionAlreadyExists, 'exists');
      },
      request('POST', '/pipelines/flood/runs', { pipeline: 'flood' }, { runId: 'nightly-1' }),
    );
    const malformed = await call(() => ({}), request('POST', '/pipelines/flood/runs', { pipeline: 'flood' }, { runId: 'has spaces' }));

    expect([used.status, used.body['message']]).toEqual([409, 'run "nightly-1" of flood already exists: run ids are used once']);
    expect(malformed.status).toBe(400);
    expect(malformed.body['message']).toContain('body.runId');
    expect(malformed.sent).toEqual([]);
  });

  it.each([
    [{ runId: 'x', inptu: {} }, 'body: unknown field(s) "inptu" — allowed: "runId", "input"'],
    [{ input: [1] }, 'body.input: expected a JSON object (the run input)'],
    [{ runId: 7 }, 'body.runId: 1-80 letters, digits, "-" or "_"'],
    [[], 'body: expected a JSON object such as {"runId": "2026-11-22", "input": {"prefix": "ingest/<pipeline>/<dataset>/"}} (send {} to start with no input)'],
  ])('fails with 400 naming the field when the start body is %j, before calling AWS', async (body, message) => {
    const { status, body: answer, sent } = await call(() => ({}), request('POST', '/pipelines/flood/runs', { pipeline: 'flood' }, body));

    expect([status, answer['message']]).toEqual([400, message]);
    expect(sent).toEqual([]);
  });

  it("refuses a prototype-polluting body (middy's secure JSON parser) with 400 naming the body, before calling AWS (it was 422 without a field: issue 29, item 12)", async () => {
    const { sfn, sent } = fakeSfn(() => ({}));
    const event = { ...request('POST', '/pipelines/flood/runs', { pipeline: 'flood' }, {}), body: '{"__proto__": {"runId": "x"}}' };

    const response = (await createRunsApiHandler({ sfn, pipelines: { flood: FLOOD } }, { checkAnswers: true })(event, context)) as APIGatewayProxyResult;

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ field: 'body', message: expect.stringContaining('body: holds a key named "__proto__"') });
    expect(sent).toEqual([]);
  });

  it('answers 400 with a JSON message for a body that is not JSON, before calling AWS', async () => {
    const { sfn, sent } = fakeSfn(() => ({}));
    const event = { ...request('POST', '/pipelines/flood/runs', { pipeline: 'flood' }, {}), body: '{"runId": ' };

    const response = (await createRunsApiHandler({ sfn, pipelines: { flood: FLOOD } }, { checkAnswers: true })(event, context)) as APIGatewayProxyResult;

    expect([response.statusCode, JSON.parse(response.body)]).toEqual([
      400,
      { message: 'body: not valid JSON — send a JSON object such as {"input": {"prefix": "ingest/<pipeline>/<dataset>/"}}', field: 'body' },
    ]);
    expect(sent).toEqual([]);
  });

  it('refuses a null body and an input over 256 KiB with 400, before calling AWS', async () => {
    const nullBody = await call(() => ({}), { ...request('POST', '/pipelines/flood/runs', { pipeline: 'flood' }, {}), body: 'null' });
    const huge = await call(() => ({}), request('POST', '/pipelines/flood/runs', { pipeline: 'flood' }, { input: { data: 'x'.repeat(300_000) } }));

    expect([nullBody.status, String(nullBody.body['message'])]).toEqual([400, expect.stringContaining('body: expected a JSON object')]);
    expect([huge.status, String(huge.body['message'])]).toEqual([400, expect.stringMatching(/^body\.input: 300\d{3} bytes; Step Functions accepts at most 262144/)]);
    expect([...nullBody.sent, ...huge.sent]).toEqual([]);
  });

  it('answers 400 for a forged nextToken, and 404 for a pipeline named like an Object.prototype property', async () => {
    const forged = await call(
      () => {
        throw sfnError(InvalidToken, 'Invalid Token');
      },
      request('GET', '/pipelines/flood/runs', { pipeline: 'flood' }, undefined, { nextToken: 'forged' }),
    );
    const prototypeName = await call(() => ({}), request('GET', '/pipelines/constructor/runs', { pipeline: 'constructor' }));

    expect([forged.status, forged.body['message']]).toEqual([400, 'nextToken: not a token from a previous answer of this API (or expired) — list again without it']);
    expect([prototypeName.status, prototypeName.body['message']]).toEqual([404, 'no pipeline "constructor" (known: flood)']);
  });

  it('answers 400 for GET /runs with a well-formed token whose cursor Step Functions does not know (it answered 500: issue 29, item 12)', async () => {
    const token = encodeRunsToken({ after: { startedAt: at.getTime(), pipeline: 'flood', runId: 'a' }, cursors: { flood: 'forged-cursor' } });
    const forged = await call(
      () => {
        throw sfnError(InvalidToken, 'Invalid Token');
      },
      request('GET', '/runs', {}, undefined, { nextToken: token }),
    );

    expect([forged.status, forged.body['message'], forged.body['field']]).toEqual([
      400,
      'nextToken: not a token from a previous answer of this API (or expired) — list again without it',
      'nextToken',
    ]);
  });

  it('answers 404 naming the known pipelines for an unknown one', async () => {
    const { status, body } = await call(() => ({}), request('GET', '/pipelines/flod/runs', { pipeline: 'flod' }));

    expect([status, body['message']]).toEqual([404, 'no pipeline "flod" (known: flood)']);
  });

  it('lists runs, filtered by status, with the next page token', async () => {
    const { status, body, sent } = await call(
      () => ({ executions: [{ name: 'a', status: 'FAILED', startDate: at, stopDate: at }], nextToken: 'page-2' }),
      request('GET', '/pipelines/flood/runs', { pipeline: 'flood' }, undefined, { status: 'FAILED' }),
    );

    expect(status).toBe(200);
    expect(body).toMatchObject({ runs: [{ runId: 'a', status: 'FAILED' }], nextToken: 'page-2' });
    expect(sent[0]).toEqual({ command: ListExecutionsCommand.name, input: { stateMachineArn: FLOOD, maxResults: 100, statusFilter: 'FAILED' } });
  });

  it('inspects a run: status, error and each step with its attempts', async () => {
    const { status, body } = await call(
      (command) =>
        command === DescribeExecutionCommand.name
          ? { status: 'FAILED', startDate: at, stopDate: at, input: '{"source":"upload"}', error: 'Orchestra.Permanent', cause: 'discharge -5 is negative' }
          : {
              events: [
                { id: 1, type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'validate-inputs' } },
                { id: 2, previousEventId: 1, type: 'LambdaFunctionScheduled' },
                { id: 3, previousEventId: 2, type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error: 'Orchestra.Permanent', cause: 'discharge -5 is negative' } },
              ],
            },
      request('GET', '/pipelines/flood/runs/valley-1', { pipeline: 'flood', runId: 'valley-1' }),
    );

    expect(status).toBe(200);
    expect(body).toMatchObject({
      runId: 'valley-1',
      status: 'FAILED',
      input: { source: 'upload' },
      error: 'Orchestra.Permanent',
      steps: { 'validate-inputs': { status: 'FAILED', attempts: 1, error: 'Orchestra.Permanent', cause: 'discharge -5 is negative' } },
    });
  });

  it('answers 404 for a run that does not exist', async () => {
    const { status, body } = await call(
      () => {
        throw sfnError(ExecutionDoesNotExist, 'none');
      },
      request('GET', '/pipelines/flood/runs/nope', { pipeline: 'flood', runId: 'nope' }),
    );

    expect([status, body['message']]).toEqual([404, 'no run "nope" of flood']);
  });

  it('cancels a run with a named error, so it reads as cancelled, not failed', async () => {
    const { status, sent } = await call(
      (command) => (command === DescribeExecutionCommand.name ? { status: 'RUNNING' } : { stopDate: at }),
      request('DELETE', '/pipelines/flood/runs/valley-1', { pipeline: 'flood', runId: 'valley-1' }),
    );

    expect(status).toBe(202);
    expect(sent.slice(1)).toEqual([
      {
        command: StopExecutionCommand.name,
        input: { executionArn: `${FLOOD.replace(':stateMachine:', ':execution:')}:valley-1`, error: 'Orchestra.Cancelled', cause: 'cancelled through the runs API' },
      },
    ]);
  });

  it('refuses to cancel a run that has ended, with 409 and its status (it answered 202 ABORTED and changed nothing: issue 29, item 12)', async () => {
    const { status, body, sent } = await call(() => ({ status: 'SUCCEEDED' }), request('DELETE', '/pipelines/flood/runs/valley-1', { pipeline: 'flood', runId: 'valley-1' }));

    expect([status, body['message'], body['field']]).toEqual([409, 'run "valley-1" is SUCCEEDED: only a RUNNING run can be cancelled', 'runId']);
    expect(sent.map((s) => s.command)).toEqual([DescribeExecutionCommand.name]);
  });

  it('redrives a failed run, and says why when Step Functions cannot', async () => {
    const redriven = await call(() => ({ redriveDate: at }), request('POST', '/pipelines/flood/runs/valley-1/redrive', { pipeline: 'flood', runId: 'valley-1' }));
    const refused = await call(
      () => {
        throw sfnError(ExecutionNotRedrivable, 'the execution succeeded');
      },
      request('POST', '/pipelines/flood/runs/valley-1/redrive', { pipeline: 'flood', runId: 'valley-1' }),
    );

    expect(redriven.status).toBe(202);
    expect(defined(redriven.sent[0]).command).toBe(RedriveExecutionCommand.name);
    expect([refused.status, refused.body['message']]).toEqual([409, 'run "valley-1" cannot be redriven: the execution succeeded']);
  });

  it('hides internal errors behind a 500 that points at the logs', async () => {
    const { status, body } = await call(
      () => {
        throw new Error('socket hang up');
      },
      request('GET', '/pipelines/flood/runs', { pipeline: 'flood' }),
    );

    expect([status, body['message']]).toEqual([500, 'internal error: see the runs API function logs']);
  });

  it('answers 404 for an unknown route', async () => {
    const { sfn } = fakeSfn(() => ({}));
    const response = (await createRunsApiHandler({ sfn, pipelines: { flood: FLOOD } }, { checkAnswers: true })(request('GET', '/nothing/here'), context)) as APIGatewayProxyResult;

    expect(response.statusCode).toBe(404);
  });
});

describe('pipeline descriptions', () => {
  it('answers GET /pipelines/{pipeline} with the bundled description and the state machine ARN', async () => {
    const { sfn } = fakeSfn(() => ({}));
    const flood = describePipeline(loadPipeline(join(import.meta.dirname, '..', '..', 'state-machines', 'flood.graph.json')).graph);
    const handler = createRunsApiHandler({ sfn, pipelines: { flood: FLOOD }, descriptions: { flood } }, { checkAnswers: true });

    const response = (await handler(request('GET', '/pipelines/flood', { pipeline: 'flood' }), context)) as APIGatewayProxyResult;

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      name: 'flood',
      stateMachineArn: FLOOD,
      trigger: { ingestPrefix: 'ingest/flood/', mode: 'dataset' },
      steps: { 'validate-inputs': { kind: 'lambda', dependsOn: [] }, 'run-model': { kind: 'container', dependsOn: ['validate-inputs'] } },
    });
  });

  it('refuses bundled descriptions that do not match the schema, naming the field', () => {
    expect(parsePipelineDescriptions('{"flood": {"name": "flood", "steps": {"a": {"kind": 1}}}}')).toEqual({
      problem: expect.stringContaining('flood.steps.a.kind'),
    });
    expect(parsePipelineDescriptions('not json')).toEqual({ problem: 'ORCHESTRA_PIPELINE_DESCRIPTIONS is not JSON' });
  });
});
