/**
 * The runs API: start, list, inspect, cancel and redrive runs of the deployed pipelines, over
 * Step Functions. Routes are built around an injected SFN client so the tests drive them without AWS.
 */

import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
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
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ERRORS } from '../../lib/contract/errors';
import type { PipelineDescription } from '../../lib/contract/pipeline-description';
import type { RunDetail } from '../../lib/contract/run-answers';
import { apiRunName, startInputProblem, startModeOf, unreadableInputProblem } from '../../lib/contract/run-key';
import { DEFAULT_OUTPUTS_LISTED, keyOfOutputsToken, MAX_OUTPUTS_LISTED } from '../../lib/contract/run-outputs';
import { type Parsed, parseBackfillRequest, parseCallbackRequest, parseStartRunRequest, RUN_NAME_MAX_LENGTH, RUN_NAME_PATTERN } from '../../lib/contract/runs-api';
import { parseSchedule } from '../../lib/contract/schedule';
import { CALLBACK_ID } from '../../lib/contract/service-call';
import { runPrefixFor } from '../../lib/contract/step-event';
import { everyStepOutcome, executionArnOf, readExecutionHistory, runIdOf, statesExitedIn, stepOutcomesFrom } from '../../lib/runtime/execution-history';
import { BACKFILL_ID, backfillProgress, DEFAULT_BACKFILL_RATE, newBackfillId, planBackfill, readBackfill, writeBackfill } from '../../lib/runtime/keyed/backfill';
import { listAllObjects, objectExists } from '../../lib/runtime/s3-list';
import { answerCallback } from '../../lib/runtime/service-waits';
import { decodeRunsToken, listAllRuns } from './all-runs';
import { type KeyedPipelines, keyReport } from './keys';
import { listRunOutputs } from './outputs';
import { Refusal } from './refusals';

export interface RunsApiDependencies {
  readonly sfn: SFNClient;
  /** Pipeline name → state machine ARN. */
  readonly pipelines: Readonly<Record<string, string>>;
  /** What `GET /pipelines/{pipeline}` says of each: steps, kinds, dependencies, triggers. @default none (name and ARN only) */
  readonly descriptions?: Readonly<Record<string, PipelineDescription>>;
  /** Where a run's log lines are read (CloudWatch Logs on AWS, the run database locally). @default none: the logs route answers 501 */
  readonly logs?: RunLogs;
  /** The data bucket, for a dry run to check what the run would read. @default none: dry runs check the request only */
  readonly data?: { readonly s3: S3Client; readonly bucket: string };
  /** The keyed triggers and their ledger, for `GET /keys/{key}`. @default none: the keys route answers 404 for every key */
  readonly keyed?: KeyedPipelines;
  /** Hands a planned backfill to the conductor (AWS: an asynchronous invocation). @default none: backfills answer 501 */
  readonly backfills?: { start(id: string): Promise<void> };
}

export interface RunLogLine {
  readonly time: string;
  readonly step?: string;
  readonly message: string;
}

/** A run's log lines across its steps, oldest first. */
export interface RunLogs {
  /** `during`: when the run started and (if it did) stopped, so a store of many runs' lines reads only that span. */
  read(
    pipeline: string,
    runId: string,
    page: { readonly offset: number; readonly limit: number },
    during?: { readonly start: Date; readonly stop?: Date | undefined },
  ): Promise<{ readonly lines: readonly RunLogLine[]; readonly more: boolean }>;
}

/** What the body parser leaves: the JSON body as a value. */
export type ApiEvent = Omit<APIGatewayProxyEvent, 'body'> & { body?: unknown };

export const CANCELLED_ERROR = ERRORS.cancelled;
/** Step Functions' cap on an execution's input (UTF-8 bytes). */
export const MAX_EXECUTION_INPUT_BYTES = 262_144;
const STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
/** Every refusal is `{"message", "field"?}` (./refusals.ts): the field (a JSON path, a query parameter or a header) is the one to fix. */
const fail = (statusCode: number, message: string, field?: string): never => {
  throw new Refusal(statusCode, message, field);
};

/** Idempotency keys: printable ASCII, as most HTTP APIs accept them. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** A header by name, whatever its case (API Gateway passes names as the client sent them). */
const headerOf = (event: ApiEvent, name: string): string | undefined => Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1] ?? undefined;

/** The JSON body as `parse` reads it; refused (400) with every problem, the first one's field named. */
function requestOf<T>(event: ApiEvent, parse: (body: unknown) => Parsed<T>): T {
  // The body parser leaves a body without a JSON Content-Type as text (curl -d sends form encoding).
  if (typeof event.body === 'string' && !/json/i.test(headerOf(event, 'content-type') ?? ''))
    fail(400, 'body: sent without Content-Type: application/json — add the header (curl -H "Content-Type: application/json" -d …)', 'Content-Type');
  const parsed = parse(event.body);
  return 'problems' in parsed ? fail(400, parsed.problems.map((p) => p.message).join('; '), parsed.problems[0]?.field) : parsed.request;
}

/**
 * The run name an Idempotency-Key stands for: the same key always names the same run of a pipeline, so
 * Step Functions keeps it unique. The pipeline is part of it: keys of two pipelines are two namespaces
 * (the local runtime names runs across pipelines, where one key on two pipelines collided).
 */
const runNameForKey = (pipeline: string, key: string): string => `key-${createHash('sha256').update(`${pipeline}\n${key}`).digest('hex').slice(0, 40)}`;

/** Where a run is, as seen by the client: the stage prefix API Gateway adds (e.g. /prod) is kept. */
const stageOf = (event: ApiEvent): string => {
  const fullPath = event.requestContext?.path ?? event.path;
  return fullPath.endsWith(event.path) ? fullPath.slice(0, fullPath.length - event.path.length) : '';
};
const locationOf = (event: ApiEvent, pipeline: string, runId: string): string => `${stageOf(event)}/pipelines/${encodeURIComponent(pipeline)}/runs/${encodeURIComponent(runId)}`;

export function runsApiRoutes({ sfn, pipelines, descriptions = {}, logs, data, keyed, backfills }: RunsApiDependencies): Array<Route<APIGatewayProxyEvent, APIGatewayProxyResult>> {
  const stateMachineOf = (event: ApiEvent): { pipeline: string; arn: string } => {
    const pipeline = event.pathParameters?.['pipeline'] ?? '';
    const arn = Object.hasOwn(pipelines, pipeline) ? pipelines[pipeline] : undefined;
    return arn === undefined ? fail(404, `no pipeline "${pipeline}" (known: ${Object.keys(pipelines).sort().join(', ') || 'none'})`) : { pipeline, arn };
  };
  const runOf = (event: ApiEvent): { pipeline: string; runId: string; executionArn: string } => {
    const { pipeline, arn } = stateMachineOf(event);
    const runId = event.pathParameters?.['runId'] ?? '';
    if (!RUN_NAME_PATTERN.test(runId)) fail(400, `run id "${runId}": 1-${RUN_NAME_MAX_LENGTH} letters, digits, "-" or "_"`, 'runId');
    return { pipeline, runId, executionArn: executionArnOf(arn, runId) };
  };
  /** What the stack says of a pipeline (its steps, its trigger), when it says anything. */
  const describedOf = (pipeline: string): PipelineDescription | undefined => (Object.hasOwn(descriptions, pipeline) ? descriptions[pipeline] : undefined);
  const modeOf = (pipeline: string) => startModeOf(describedOf(pipeline)?.trigger);
  const notFound =
    (pipeline: string, runId: string) =>
    (error: unknown): never => {
      if (error instanceof ExecutionDoesNotExist) fail(404, `no run "${runId}" of ${pipeline}`);
      throw error;
    };

  /** The pipeline's schedule and its next fire, computed now by the code that fires it. */
  const scheduleOf = (pipeline: string) => {
    const trigger = describedOf(pipeline)?.trigger;
    if (trigger?.schedule === undefined) return {};
    const timezone = trigger.timezone ?? 'UTC';
    const next = parseSchedule(trigger.schedule, timezone).next(new Date());
    return { schedule: { expression: trigger.schedule, timezone, ...(next === undefined ? {} : { next: next.toISOString() }) } };
  };

  const listPipelines = async (): Promise<APIGatewayProxyResult> =>
    json(200, {
      pipelines: Object.entries(pipelines)
        .sort()
        .map(([name, stateMachineArn]) => ({ name, stateMachineArn, ...scheduleOf(name) })),
    });

  /** The run named `runId` if it exists (for idempotent starts and dry runs). */
  const existingRun = (arn: string, runId: string) =>
    sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(arn, runId) })).catch((error: unknown) => {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw error;
    });

  /** `limit` of a query: a whole number from 1 to `max`. */
  const limitOf = (event: ApiEvent, fallback: number, max: number): number => {
    const text = event.queryStringParameters?.['limit'];
    if (text === undefined) return fallback;
    const limit = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    return Number.isSafeInteger(limit) && limit >= 1 && limit <= max ? limit : fail(400, `limit: a whole number from 1 to ${max}, not "${text}"`, 'limit');
  };

  const listRunsEverywhere = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const query = event.queryStringParameters ?? {};
    const { pipeline, status, key, since, nextToken } = query;
    if (pipeline !== undefined) stateMachineOf({ ...event, pathParameters: { pipeline } });
    if (status !== undefined && !STATUSES.includes(status as ExecutionStatus)) fail(400, `status "${status}": one of ${STATUSES.join(', ')}`, 'status');
    const sinceDate = since === undefined ? undefined : new Date(since);
    if (sinceDate !== undefined && Number.isNaN(sinceDate.getTime())) fail(400, `since: an ISO 8601 time such as 2026-12-01T00:00:00Z, not "${String(since)}"`, 'since');
    if (key === '') fail(400, 'key: empty — give an observation id, an object key or a dataset folder, or leave key out', 'key');
    const token = nextToken === undefined ? undefined : decodeRunsToken(nextToken);
    if (nextToken !== undefined && token === undefined) fail(400, 'nextToken: not a token from a previous answer of this API — list again without it', 'nextToken');
    const page = await listAllRuns(sfn, {
      startModeOf: modeOf,
      pipelines: Object.entries(pipelines)
        .filter(([name]) => pipeline === undefined || name === pipeline)
        .sort(([a], [b]) => a.localeCompare(b)),
      ...(status === undefined ? {} : { status: status as ExecutionStatus }),
      ...(key === undefined ? {} : { key }),
      ...(sinceDate === undefined ? {} : { since: sinceDate }),
      ...(token === undefined ? {} : { token }),
      limit: limitOf(event, 50, 100),
    }).catch((error: unknown) => {
      // A well-formed token whose cursors Step Functions does not know (forged, or expired): the caller's mistake, not a 500.
      if (error instanceof InvalidToken) return fail(400, 'nextToken: not a token from a previous answer of this API (or expired) — list again without it', 'nextToken');
      throw error;
    });
    return json(200, page);
  };

  const readLogs = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const { pipeline, runId, executionArn } = runOf(event);
    if (logs === undefined) return fail(501, 'logs are not available from this deployment of the runs API');
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn })).catch(notFound(pipeline, runId));
    const token = event.queryStringParameters?.['nextToken'];
    const offset = token === undefined ? 0 : /^\d{1,9}$/.test(token) ? Number(token) : fail(400, 'nextToken: not a token from a previous answer of this API', 'nextToken');
    const limit = limitOf(event, 1000, 10_000);
    const during = execution.startDate === undefined ? undefined : { start: execution.startDate, stop: execution.stopDate };
    const page = await logs.read(pipeline, runId, { offset, limit }, during);
    return json(200, { pipeline, runId, lines: page.lines, ...(page.more ? { nextToken: String(offset + page.lines.length) } : {}) });
  };

  const listOutputs = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const { pipeline, runId, executionArn } = runOf(event);
    if (data === undefined) return fail(501, 'outputs are not available from this deployment of the runs API (it has no data bucket)');
    await sfn.send(new DescribeExecutionCommand({ executionArn })).catch(notFound(pipeline, runId));
    const token = event.queryStringParameters?.['nextToken'];
    const after = token === undefined ? undefined : keyOfOutputsToken(token, runPrefixFor(pipeline, runId));
    if (token !== undefined && after === undefined) fail(400, "nextToken: not a token from a previous answer for this run's outputs — list again without it", 'nextToken');
    const limit = limitOf(event, DEFAULT_OUTPUTS_LISTED, MAX_OUTPUTS_LISTED);
    // A step's files are the run's results only once its state exited without a failure (a Map's, once
    // every item did): a stopped or failed step's may be partial. State names are step ids.
    const history = await readExecutionHistory(sfn, executionArn);
    const [exited, steps] = [statesExitedIn(history), stepOutcomesFrom(history)];
    const succeeded = (step: string) => exited.has(step) && !(Object.hasOwn(steps, step) && steps[step]?.status === 'FAILED');
    return json(200, { pipeline, runId, ...(await listRunOutputs(data, pipeline, runId, { limit, ...(after === undefined ? {} : { after }) }, succeeded)) });
  };

  const describePipeline = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const { pipeline, arn } = stateMachineOf(event);
    const described = describedOf(pipeline);
    return json(200, { ...(described ?? { name: pipeline }), stateMachineArn: arn, ...scheduleOf(pipeline) });
  };

  /**
   * What a run of a dataset pipeline would read under `prefix`, refused (400) when the files its trigger
   * requires are not all there: the run would fail on its first step.
   */
  const datasetReads = async (pipeline: string, prefix: unknown): Promise<{ reads?: { bucket: string; keys: string[] } }> => {
    const trigger = describedOf(pipeline)?.trigger;
    if (data === undefined || typeof prefix !== 'string' || trigger?.mode !== 'dataset') return {};
    const keys = (await listAllObjects(data.s3, data.bucket, prefix)).map((o) => o.key);
    const required = [...(trigger.requiredFiles ?? []), ...(trigger.marker === undefined ? [] : [trigger.marker])];
    const missing = required.filter((file) => !keys.includes(`${prefix}${file}`));
    if (missing.length > 0)
      fail(
        400,
        `body.input.prefix: s3://${data.bucket}/${prefix} lacks ${missing.join(', ')}, which ${pipeline} needs (${required.join(', ')}) — upload them first`,
        'body.input.prefix',
      );
    return { reads: { bucket: data.bucket, keys } };
  };

  /** What a run of a per-object pipeline would read: its objects, refused (400) when one is not there. */
  const objectReads = async (keys: readonly string[]): Promise<{ reads?: { bucket: string; keys: string[] } }> => {
    if (data === undefined) return {};
    const missing = await Promise.all(keys.map(async (key) => ((await objectExists(data.s3, data.bucket, key)) ? undefined : key)));
    const index = missing.findIndex((key) => key !== undefined);
    if (index >= 0)
      fail(
        400,
        `body.input.keys[${index}]: s3://${data.bucket}/${missing[index]} does not exist — upload it first, or give the key of an uploaded object`,
        `body.input.keys[${index}]`,
      );
    return { reads: { bucket: data.bucket, keys: [...keys] } };
  };

  const startRun = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const { pipeline, arn } = stateMachineOf(event);
    const dryRun = event.queryStringParameters?.['dryRun'];
    if (dryRun !== undefined && dryRun !== 'true' && dryRun !== 'false') fail(400, `dryRun: "true" or "false", not "${dryRun}"`, 'dryRun');
    const key = headerOf(event, 'idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) fail(400, 'Idempotency-Key: 1-255 printable ASCII characters, no spaces', 'Idempotency-Key');
    const body = requestOf(event, parseStartRunRequest);
    // A run whose input lacks what its steps read would fail at once: the input its trigger gives is asked for.
    const mode = modeOf(pipeline);
    const inputProblem = startInputProblem(pipeline, mode, body.input ?? {});
    if (inputProblem !== undefined) fail(400, inputProblem.message, inputProblem.field);
    const unreadable = unreadableInputProblem(pipeline, describedOf(pipeline)?.inputPrefixes, body.input ?? {});
    if (unreadable !== undefined) fail(400, unreadable.message, unreadable.field);
    const input = JSON.stringify({ ...body.input, source: 'api' });
    const bytes = Buffer.byteLength(input);
    if (bytes > MAX_EXECUTION_INPUT_BYTES)
      fail(400, `body.input: ${bytes} bytes; Step Functions accepts at most ${MAX_EXECUTION_INPUT_BYTES} (256 KiB) — upload the data to S3 and pass its keys`, 'body.input');
    const runId = body.runId ?? (key === undefined ? undefined : runNameForKey(pipeline, key));
    const answerExisting = async (): Promise<APIGatewayProxyResult | undefined> => {
      const existing = runId === undefined ? undefined : await existingRun(arn, runId);
      if (existing === undefined || runId === undefined) return undefined;
      if (key === undefined) return fail(409, `run "${runId}" of ${pipeline} already exists: run ids are used once`, 'body.runId');
      return json(
        200,
        { pipeline, runId, executionArn: existing.executionArn, status: existing.status, startedAt: existing.startDate },
        { location: locationOf(event, pipeline, runId) },
      );
    };
    if (dryRun === 'true') {
      // The "testing" mode: everything is checked as for a real start, and nothing starts.
      await answerExisting();
      const keys = body.input?.['keys'];
      const reads = mode === 'per-object' && Array.isArray(keys) ? await objectReads(keys.map(String)) : await datasetReads(pipeline, body.input?.['prefix']);
      return json(200, { dryRun: true, pipeline, stateMachineArn: arn, runId: runId ?? null, input: JSON.parse(input) as unknown, inputBytes: bytes, ...reads });
    }
    if (key !== undefined) {
      const existing = await answerExisting();
      if (existing !== undefined) return existing;
    }
    try {
      // Unnamed, it is named from what it was started for when that is something, so that listing by key finds it.
      const name = runId ?? apiRunName(body.input, mode);
      const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input, ...(name === undefined ? {} : { name }) }));
      const executionArn = started.executionArn ?? '';
      const startedId = runIdOf(executionArn);
      return json(202, { pipeline, runId: startedId, executionArn, startedAt: started.startDate }, { location: locationOf(event, pipeline, startedId) });
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
      // Two requests with one key at once: the second finds the run the first started.
      const existing = key === undefined ? undefined : await answerExisting();
      return existing ?? fail(409, `run "${String(runId)}" of ${pipeline} already exists: run ids are used once`, 'body.runId');
    }
  };

  const listRuns = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const { pipeline, arn } = stateMachineOf(event);
    const status = event.queryStringParameters?.['status'];
    if (status !== undefined && !STATUSES.includes(status as ExecutionStatus)) fail(400, `status "${status}": one of ${STATUSES.join(', ')}`, 'status');
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
        if (error instanceof InvalidToken) return fail(400, 'nextToken: not a token from a previous answer of this API (or expired) — list again without it', 'nextToken');
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
    const history = await readExecutionHistory(sfn, executionArn);
    const stepIds = Object.keys(describedOf(pipeline)?.steps ?? {});
    const steps = everyStepOutcome(stepOutcomesFrom(history), stepIds, execution.status !== 'RUNNING');
    const redrivenAt = history.flatMap((e) => (e.type === 'ExecutionRedriven' && e.timestamp !== undefined ? [e.timestamp.toISOString()] : []));
    const answer: RunDetail = {
      pipeline,
      runId,
      executionArn,
      status: execution.status ?? 'RUNNING',
      startedAt: (execution.startDate ?? new Date(0)).toISOString(),
      ...(execution.stopDate === undefined ? {} : { stoppedAt: execution.stopDate.toISOString() }),
      input: JSON.parse(execution.input ?? '{}') as unknown,
      ...(execution.error === undefined ? {} : { error: execution.error }),
      ...(execution.cause === undefined ? {} : { cause: execution.cause }),
      redrivenAt,
      steps,
    };
    return json(200, answer);
  };

  const cancelRun = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const { pipeline, runId, executionArn } = runOf(event);
    // StopExecution answers for a finished run too, changing nothing: saying ABORTED then would be false.
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn })).catch(notFound(pipeline, runId));
    if (status !== 'RUNNING') fail(409, `run "${runId}" is ${status ?? 'not running'}: only a RUNNING run can be cancelled`, 'runId');
    await sfn.send(new StopExecutionCommand({ executionArn, error: CANCELLED_ERROR, cause: 'cancelled through the runs API' })).catch(notFound(pipeline, runId));
    return json(202, { pipeline, runId, status: 'ABORTED' }, { location: locationOf(event, pipeline, runId) });
  };

  const redriveRun = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const { pipeline, runId, executionArn } = runOf(event);
    try {
      const redriven = await sfn.send(new RedriveExecutionCommand({ executionArn }));
      return json(202, { pipeline, runId, status: 'RUNNING', redrivenAt: redriven.redriveDate }, { location: locationOf(event, pipeline, runId) });
    } catch (error) {
      if (error instanceof ExecutionNotRedrivable) fail(409, `run "${runId}" cannot be redriven: ${error.message}`);
      return notFound(pipeline, runId)(error);
    }
  };

  const describeKey = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const key = event.pathParameters?.['key'] ?? '';
    const report = keyed === undefined ? undefined : await keyReport(key, keyed, sfn, pipelines);
    if (report === undefined)
      fail(404, `no data item with key "${key}" reached a keyed pipeline${keyed === undefined || keyed.triggers.length === 0 ? ' (no pipeline has a keyed trigger)' : ''}`, 'key');
    return json(200, report);
  };

  /** An external service answers its `service` step: the callback id in the URL is its capability. */
  const answerServiceCallback = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const callbackId = event.pathParameters?.['callbackId'] ?? '';
    const unknown = 'no service step waits on this callback: it was answered already, or the URL is not one Orchestra sent';
    if (!CALLBACK_ID.test(callbackId)) fail(404, unknown, 'callbackId');
    if (data === undefined) return fail(501, 'callbacks are not available from this deployment of the runs API (it has no data bucket)');
    const request = requestOf(event, parseCallbackRequest);
    const answered = await answerCallback({ s3: data.s3, sfn, bucket: data.bucket }, callbackId, request);
    if (answered === 'unknown') return fail(404, unknown, 'callbackId');
    const { wait, delivered } = answered;
    if (!delivered) fail(410, `step ${wait.step} of ${wait.pipeline} run ${wait.runId} has ended (timed out, failed or stopped): the callback came too late`);
    return json(200, { pipeline: wait.pipeline, runId: wait.runId, step: wait.step, status: request.status });
  };

  const startBackfill = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    if (keyed === undefined || keyed.triggers.length === 0 || data === undefined || backfills === undefined)
      return fail(501, 'backfills need keyed pipelines and their conductor, which this deployment does not have');
    const request = requestOf(event, parseBackfillRequest);
    const known = keyed.triggers.map((trigger) => trigger.pipeline);
    for (const [index, pipeline] of (request.pipelines ?? []).entries())
      if (!known.includes(pipeline)) fail(400, `body.pipelines[${index}]: "${pipeline}" is not a keyed pipeline (keyed: ${known.join(', ')})`, `body.pipelines[${index}]`);
    const prefixes = keyed.triggers.map((trigger) => trigger.dataPrefix);
    if (request.prefix !== undefined && !prefixes.some((dataPrefix) => request.prefix?.startsWith(dataPrefix)))
      fail(400, `body.prefix: "${request.prefix}" is not under a keyed pipeline's data prefix (${[...new Set(prefixes)].join(', ')})`, 'body.prefix');
    const targets = await planBackfill(keyed.triggers, request, (prefix) => listAllObjects(data.s3, data.bucket, prefix));
    if (targets.length === 0) fail(400, `body.prefix: no data item under "${String(request.prefix)}" feeds the chosen pipelines: nothing to backfill`, 'body.prefix');
    const now = new Date().toISOString();
    const record = {
      id: newBackfillId(),
      createdAt: now,
      updatedAt: now,
      ratePerSecond: request.ratePerSecond ?? DEFAULT_BACKFILL_RATE,
      status: 'RUNNING' as const,
      total: targets.length,
      done: 0,
      outcomes: {},
      targets,
    };
    await writeBackfill(data.s3, data.bucket, record);
    await backfills.start(record.id);
    return json(202, backfillProgress(record), { location: `${stageOf(event)}/backfills/${record.id}` });
  };

  const describeBackfill = async (event: ApiEvent): Promise<APIGatewayProxyResult> => {
    const id = event.pathParameters?.['backfillId'] ?? '';
    const record = data === undefined || !BACKFILL_ID.test(id) ? undefined : await readBackfill(data.s3, data.bucket, id);
    if (record === undefined) return fail(404, `no backfill "${id}"`, 'backfillId');
    return json(200, backfillProgress(record));
  };

  type Handler = (event: ApiEvent) => Promise<APIGatewayProxyResult>;
  const route = (method: Route<APIGatewayProxyEvent, APIGatewayProxyResult>['method'], path: string, handler: Handler): Route<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
    method,
    path,
    handler: handler as Route<APIGatewayProxyEvent, APIGatewayProxyResult>['handler'],
  });
  return [
    route('GET', '/pipelines', listPipelines),
    route('GET', '/runs', listRunsEverywhere),
    route('GET', '/keys/{key}', describeKey),
    route('GET', '/pipelines/{pipeline}', describePipeline),
    route('GET', '/pipelines/{pipeline}/runs/{runId}/logs', readLogs),
    route('GET', '/pipelines/{pipeline}/runs/{runId}/outputs', listOutputs),
    route('GET', '/pipelines/{pipeline}/runs', listRuns),
    route('POST', '/pipelines/{pipeline}/runs', startRun),
    route('GET', '/pipelines/{pipeline}/runs/{runId}', inspectRun),
    route('DELETE', '/pipelines/{pipeline}/runs/{runId}', cancelRun),
    route('POST', '/pipelines/{pipeline}/runs/{runId}/redrive', redriveRun),
    route('POST', '/callbacks/{callbackId}', answerServiceCallback),
    route('POST', '/backfills', startBackfill),
    route('GET', '/backfills/{backfillId}', describeBackfill),
  ];
}
