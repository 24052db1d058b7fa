/**
 * What every route handler of the runs API shares: its dependencies (Step Functions, the data bucket,
 * the logs, the keyed ledger) and the checks that several routes make the same way — the pipeline and
 * run named in the path, `limit`, the JSON body, the Idempotency-Key header. Each check refuses with the
 * field to fix (./refusals.ts).
 */

import type { S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { PipelineDescription } from '../../lib/contract/pipeline-description';
import { startModeOf } from '../../lib/contract/run-key';
import { type Parsed, RUN_NAME_MAX_LENGTH, RUN_NAME_PATTERN } from '../../lib/contract/runs-api';
import { parseSchedule } from '../../lib/contract/schedule';
import { executionArnOf } from '../../lib/runtime/execution-history';
import type { RunLogs } from '../../lib/runtime/run-logs';
import type { RunUsage } from '../../lib/runtime/run-usage';
import type { KeyedPipelines } from './keys';
import { Refusal } from './refusals';

export interface RunsApiDependencies {
  readonly sfn: SFNClient;
  /** Pipeline name → state machine ARN. */
  readonly pipelines: Readonly<Record<string, string>>;
  /** What `GET /pipelines/{pipeline}` says of each: steps, kinds, dependencies, triggers. @default none (name and ARN only) */
  readonly descriptions?: Readonly<Record<string, PipelineDescription>>;
  /** Where a run's log lines are read (CloudWatch Logs on AWS, the run database locally). @default none: the logs route answers 501 */
  readonly logs?: RunLogs;
  /** Where what each step used is read (CloudWatch Logs on AWS, the run database locally). @default none: steps have no usage, costs take the history's times */
  readonly usage?: RunUsage;
  /** The data bucket, for a dry run to check what the run would read. @default none: dry runs check the request only */
  readonly data?: { readonly s3: S3Client; readonly bucket: string };
  /** The keyed triggers and their ledger, for `GET /keys/{key}`. @default none: the keys route answers 404 for every key */
  readonly keyed?: KeyedPipelines;
  /** Hands a planned backfill to the conductor (AWS: an asynchronous invocation). @default none: backfills answer 501 */
  readonly backfills?: { start(id: string): Promise<void> };
}

/** What the body parser leaves: the JSON body as a value. */
export type ApiEvent = Omit<APIGatewayProxyEvent, 'body'> & { body?: unknown };

/** Every refusal is `{"message", "field"?}` (./refusals.ts): the field (a JSON path, a query parameter or a header) is the one to fix. */
export const fail = (statusCode: number, message: string, field?: string): never => {
  throw new Refusal(statusCode, message, field);
};

/** A header by name, whatever its case (API Gateway passes names as the client sent them). */
export const headerOf = (event: ApiEvent, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1] ?? undefined;

export const queryOf = (event: ApiEvent, name: string): string | undefined => event.queryStringParameters?.[name];

/** A value the caller sent, quoted in a refusal: its first 60 characters, so a long one does not flood the answer and the log. */
export const quotedValue = (value: string): string => JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);

/** The JSON body as `parse` reads it; refused (400) with every problem, the first one's field named. */
export function requestOf<T>(event: ApiEvent, parse: (body: unknown) => Parsed<T>): T {
  // The body parser leaves a body without a JSON Content-Type as text (curl -d sends form encoding).
  if (typeof event.body === 'string' && !/json/i.test(headerOf(event, 'content-type') ?? ''))
    fail(400, 'body: sent without Content-Type: application/json — add the header (curl -H "Content-Type: application/json" -d …)', 'Content-Type');
  const parsed = parse(event.body);
  return 'problems' in parsed ? fail(400, parsed.problems.map((p) => p.message).join('; '), parsed.problems[0]?.field) : parsed.request;
}

/** `limit` of a query: a whole number from 1 to `max`. */
export function limitOf(event: ApiEvent, fallback: number, max: number): number {
  const text = queryOf(event, 'limit');
  if (text === undefined) return fallback;
  const limit = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return Number.isSafeInteger(limit) && limit >= 1 && limit <= max ? limit : fail(400, `limit: a whole number from 1 to ${max}, not "${text}"`, 'limit');
}

/** The dependencies with the lookups every route makes the same way. */
export class RouteContext {
  constructor(readonly dependencies: RunsApiDependencies) {}

  get sfn(): SFNClient {
    return this.dependencies.sfn;
  }

  /** The pipeline named in the path (or `name`), refused (404) when the API does not serve it. */
  stateMachineOf(event: ApiEvent, name = event.pathParameters?.['pipeline'] ?? ''): { pipeline: string; arn: string } {
    const { pipelines } = this.dependencies;
    const arn = Object.hasOwn(pipelines, name) ? pipelines[name] : undefined;
    return arn === undefined ? fail(404, `no pipeline "${name}" (known: ${Object.keys(pipelines).sort().join(', ') || 'none'})`) : { pipeline: name, arn };
  }

  /** The run named in the path, its id checked (400) and its pipeline known (404). */
  runOf(event: ApiEvent): { pipeline: string; runId: string; executionArn: string } {
    const { pipeline, arn } = this.stateMachineOf(event);
    const runId = event.pathParameters?.['runId'] ?? '';
    if (!RUN_NAME_PATTERN.test(runId)) fail(400, `run id "${runId}": 1-${RUN_NAME_MAX_LENGTH} letters, digits, "-" or "_"`, 'runId');
    return { pipeline, runId, executionArn: executionArnOf(arn, runId) };
  }

  /** The run as Step Functions describes it, refused (404) when there is none. */
  describeRun(pipeline: string, runId: string, executionArn: string) {
    return this.sfn.send(new DescribeExecutionCommand({ executionArn })).catch(this.notFound(pipeline, runId));
  }

  /** Turns Step Functions' "no such execution" into the API's 404. */
  notFound(pipeline: string, runId: string) {
    return (error: unknown): never => {
      if (error instanceof ExecutionDoesNotExist) fail(404, `no run "${runId}" of ${pipeline}`);
      throw error;
    };
  }

  /** What the stack says of a pipeline (its steps, its trigger), when it says anything. */
  describedOf(pipeline: string): PipelineDescription | undefined {
    const { descriptions = {} } = this.dependencies;
    return Object.hasOwn(descriptions, pipeline) ? descriptions[pipeline] : undefined;
  }

  modeOf(pipeline: string) {
    return startModeOf(this.describedOf(pipeline)?.trigger);
  }

  /** The pipeline's schedule and its next fire, computed now by the code that fires it. */
  scheduleOf(pipeline: string) {
    const trigger = this.describedOf(pipeline)?.trigger;
    if (trigger?.schedule === undefined) return {};
    const timezone = trigger.timezone ?? 'UTC';
    const next = parseSchedule(trigger.schedule, timezone).next(new Date());
    return { schedule: { expression: trigger.schedule, timezone, ...(next === undefined ? {} : { next: next.toISOString() }) } };
  }
}

/** Where a run is, as the client sees it (the router adds the stage prefix). */
export const runPath = (pipeline: string, runId: string): string => `/pipelines/${encodeURIComponent(pipeline)}/runs/${encodeURIComponent(runId)}`;
