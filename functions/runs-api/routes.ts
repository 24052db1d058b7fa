/**
 * The runs API: start, list, inspect, cancel and redrive runs of the deployed pipelines, over
 * Step Functions. Routes are built around an injected SFN client so the tests drive them without AWS.
 */
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  type ExecutionStatus,
  InvalidToken,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Route } from '@middy/http-router';
import { createError } from '@middy/util';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ERRORS } from '../../lib/contract/errors';
import { parseStartRunRequest, RUN_NAME_MAX_LENGTH, RUN_NAME_PATTERN } from '../../lib/contract/runs-api';
import { executionArnOf, readExecutionHistory, runIdOf, stepOutcomesFrom } from '../../lib/runtime/execution-history';

export interface RunsApiDependencies {
  readonly sfn: SFNClient;
  /** Pipeline name → state machine ARN. */
  readonly pipelines: Readonly<Record<string, string>>;
}

/** What the body parser leaves: the JSON body as a value. */
export type ApiEvent = Omit<APIGatewayProxyEvent, 'body'> & { body?: unknown };

export const CANCELLED_ERROR = ERRORS.cancelled;
/** Step Functions' cap on an execution's input (UTF-8 bytes). */
export const MAX_EXECUTION_INPUT_BYTES = 262_144;
const STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const fail = (statusCode: number, message: string): never => {
  throw createError(statusCode, JSON.stringify({ message }), { expose: true });
};

export function runsApiRoutes({ sfn, pipelines }: RunsApiDependencies): Array<Route<APIGatewayProxyEvent, APIGatewayProxyResult>> {
  const stateMachineOf = (event: ApiEvent): { pipeline: string; arn: string } => {
    const pipeline = event.pathParameters?.['pipeline'] ?? '';
    const arn = Object.hasOwn(pipelines, pipeline) ? pipelines[pipeline] : undefined;
    return arn === undefined ? fail(404, `no pipeline "${pipeline}" (known: ${Object.keys(pipelines).sort().join(', ') || 'none'})`) : { pipeline, arn };
  };
  const runOf = (event: ApiEvent): { pipeline: string; runId: string; executionArn: string } => {
    const { pipeline, arn } = stateMachineOf(event);
    const runId = event.pathParameters?.['runId'] ?? '';
    if (!RUN_NAME_PATTERN.test(runId)) fail(400, `run id "${runId}": 1-${RUN_NAME_MAX_LENGTH} letters, digits, "-" or "_"`);
    return { pipeline, runId, executionArn: executionArnOf(arn, runId) };
  };
  const notFound =
    (pipeline: string, runId: string) =>
    (error: unknown): never => {
      if (error instanceof ExecutionDoesNotExist) fail(404, `no run "${runId}" of ${pipeline}`);
      throw error;
    };

  const listPipelines = async (): Promise<APIGatewayProxyResult> =>
    json(200, {
      pipelines: Object.entries(pipelines)
        .sort()
        .map(([name, stateMachineArn]) => ({ name, stateMachineArn })),
    });

  const startRun = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const { pipeline, arn } = stateMachineOf(event);
    const parsed = parseStartRunRequest(event.body);
    if ('problems' in parsed) return fail(400, parsed.problems.join('; '));
    const body = parsed.request;
    const input = JSON.stringify({ ...body.input, source: 'api' });
    const bytes = Buffer.byteLength(input);
    if (bytes > MAX_EXECUTION_INPUT_BYTES)
      fail(400, `body.input: ${bytes} bytes; Step Functions accepts at most ${MAX_EXECUTION_INPUT_BYTES} (256 KiB) — upload the data to S3 and pass its keys`);
    try {
      const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input, ...(body.runId === undefined ? {} : { name: body.runId }) }));
      const executionArn = started.executionArn ?? '';
      return json(202, { pipeline, runId: runIdOf(executionArn), executionArn, startedAt: started.startDate });
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) fail(409, `run "${String(body.runId)}" of ${pipeline} already exists: run ids are used once`);
      throw error;
    }
  };

  const listRuns = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const { pipeline, arn } = stateMachineOf(event);
    const status = event.queryStringParameters?.['status'];
    if (status !== undefined && !STATUSES.includes(status as ExecutionStatus)) fail(400, `status "${status}": one of ${STATUSES.join(', ')}`);
    const nextToken = event.queryStringParameters?.['nextToken'];
    const page = await sfn
      .send(
        new ListExecutionsCommand({
          stateMachineArn: arn,
          maxResults: 100,
          ...(status === undefined ? {} : { statusFilter: status as ExecutionStatus }),
          ...(nextToken === undefined ? {} : { nextToken }),
        }),
      )
      .catch((error: unknown) => {
        if (error instanceof InvalidToken) return fail(400, 'nextToken: not a token from a previous answer of this API (or expired) — list again without it');
        throw error;
      });
    return json(200, {
      pipeline,
      runs: (page.executions ?? []).map((e) => ({ runId: e.name, status: e.status, startedAt: e.startDate, stoppedAt: e.stopDate })),
      ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }),
    });
  };

  const inspectRun = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const { pipeline, runId, executionArn } = runOf(event);
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn })).catch(notFound(pipeline, runId));
    const steps = stepOutcomesFrom(await readExecutionHistory(sfn, executionArn));
    return json(200, {
      pipeline,
      runId,
      executionArn,
      status: execution.status,
      startedAt: execution.startDate,
      stoppedAt: execution.stopDate,
      input: JSON.parse(execution.input ?? '{}') as unknown,
      ...(execution.error === undefined ? {} : { error: execution.error, cause: execution.cause }),
      steps,
    });
  };

  const cancelRun = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const { pipeline, runId, executionArn } = runOf(event);
    await sfn.send(new StopExecutionCommand({ executionArn, error: CANCELLED_ERROR, cause: 'cancelled through the runs API' })).catch(notFound(pipeline, runId));
    return json(202, { pipeline, runId, status: 'ABORTED' });
  };

  const redriveRun = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const { pipeline, runId, executionArn } = runOf(event);
    try {
      const redriven = await sfn.send(new RedriveExecutionCommand({ executionArn }));
      return json(202, { pipeline, runId, status: 'RUNNING', redrivenAt: redriven.redriveDate });
    } catch (error) {
      if (error instanceof ExecutionNotRedrivable) fail(409, `run "${runId}" cannot be redriven: ${error.message}`);
      return notFound(pipeline, runId)(error);
    }
  };

  type Handler = (event: ApiEvent) => Promise<APIGatewayProxyResult>;
  const route = (method: Route<APIGatewayProxyEvent, APIGatewayProxyResult>['method'], path: string, handler: Handler): Route<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
    method,
    path,
    handler: handler as Route<APIGatewayProxyEvent, APIGatewayProxyResult>['handler'],
  });
  return [
    route('GET', '/pipelines', listPipelines),
    route('GET', '/pipelines/{pipeline}/runs', listRuns),
    route('POST', '/pipelines/{pipeline}/runs', startRun),
    route('GET', '/pipelines/{pipeline}/runs/{runId}', inspectRun),
    route('DELETE', '/pipelines/{pipeline}/runs/{runId}', cancelRun),
    route('POST', '/pipelines/{pipeline}/runs/{runId}/redrive', redriveRun),
  ];
}
