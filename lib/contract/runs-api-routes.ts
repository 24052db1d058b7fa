/**
 * The runs API as one table: each route's method, path, parameters, request body, answers and who may
 * call it. Everything else is derived from it — the function's router (functions/runs-api/router.ts,
 * one handler file per route), the API Gateway resources and models (lib/cdk/runs-api.ts), the OpenAPI
 * document (./openapi.ts) and the typed client (lib/client) — so a route is added here once, and
 * test/contract/runs-api-routes.test.ts checks that the four agree.
 */
import * as z from 'zod/mini';
import {
  backfillSchema,
  callbackAnsweredSchema,
  cancelledRunSchema,
  keyReportSchema,
  pipelineAnswerSchema,
  pipelineListSchema,
  redrivenRunSchema,
  refusalSchema,
  reuseDecisionSchema,
  runDetailSchema,
  runListSchema,
  runLogsSchema,
  runOutputsSchema,
  startAgainSchema,
  startedRunSchema,
} from './run-answers';
import { DEFAULT_OUTPUTS_LISTED, MAX_OUTPUTS_ANSWER_BYTES, MAX_OUTPUTS_LISTED, OUTPUT_URL_SECONDS, STEP_REPORT_FILES } from './run-outputs';
import { backfillRequestSchema, callbackRequestSchema, RUN_NAME_MAX_LENGTH, startRunRequestSchema } from './runs-api';
import { RUN_STATUSES } from './statuses';

/** A JSON Schema for a parameter (they are strings on the wire; the schema says what the string holds). */
export type ParameterSchema = Readonly<Record<string, unknown>>;

export interface ParameterSpec {
  readonly name: string;
  readonly schema: ParameterSchema;
  readonly description?: string;
}

/** A schema with the name it has in the OpenAPI document's components and as an API Gateway model. */
export interface NamedSchema<S extends z.core.$ZodType = z.core.$ZodType> {
  readonly name: string;
  readonly schema: S;
}

export interface AnswerSpec {
  readonly description: string;
  /** The body's schema; refusals (4xx, 5xx) all answer `Refusal`. */
  readonly body?: NamedSchema;
  /** Answers with a Location header: where to follow what was started. */
  readonly location?: true;
}

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: `/${string}`;
  readonly summary: string;
  readonly query?: readonly ParameterSpec[];
  readonly headers?: readonly ParameterSpec[];
  /** `checkedByGateway`: API Gateway refuses a body that breaks the schema before the function runs. */
  readonly body?: NamedSchema & { readonly checkedByGateway?: boolean };
  readonly answers: Readonly<Record<number, AnswerSpec>>;
  /** `iam`: SigV4-signed by an IAM principal; `capability`: anyone holding the unguessable id in the path. */
  readonly auth: 'iam' | 'capability';
  /** Deployed only when the stack has what the route serves (locally it is always there and answers 501 or 404 without it). */
  readonly deployedWhen?: 'keyed-pipelines' | 'service-steps';
}

const named = <S extends z.core.$ZodType>(name: string, schema: S): NamedSchema<S> => ({ name, schema });
/** Every refusal answers this body (functions/runs-api/refusals.ts). */
const REFUSAL = named('Refusal', refusalSchema);
const refused = (description: string): AnswerSpec => ({ description, body: REFUSAL });

/** What each path parameter holds. */
export const PATH_PARAMETERS: Readonly<Record<string, ParameterSpec>> = {
  pipeline: { name: 'pipeline', schema: { type: 'string' }, description: 'Pipeline name (its graph `name`)' },
  runId: { name: 'runId', schema: { type: 'string', pattern: `^[A-Za-z0-9_-]{1,${RUN_NAME_MAX_LENGTH}}$` }, description: 'Run id (the execution name)' },
  key: { name: 'key', schema: { type: 'string' }, description: "A keyed trigger's key, e.g. an observation id" },
  backfillId: { name: 'backfillId', schema: { type: 'string' } },
  step: { name: 'step', schema: { type: 'string' }, description: 'Step id (its key in the graph)' },
  callbackId: { name: 'callbackId', schema: { type: 'string' }, description: 'From the callbackUrl a service step sent; it is the credential (no IAM)' },
};

const nextToken: ParameterSpec = { name: 'nextToken', schema: { type: 'string' }, description: 'From the previous page' };
const status: ParameterSpec = { name: 'status', schema: { enum: [...RUN_STATUSES] } };
const limit = (max: number, fallback: number): ParameterSpec => ({ name: 'limit', schema: { type: 'integer', minimum: 1, maximum: max, default: fallback } });

const RUN_LIST = named('RunList', runListSchema);
const BACKFILL = named('Backfill', backfillSchema);

export const RUNS_API_ROUTES = {
  listPipelines: {
    method: 'GET',
    path: '/pipelines',
    summary: 'List the pipelines',
    answers: { 200: { description: 'The pipelines', body: named('PipelineList', pipelineListSchema) } },
    auth: 'iam',
  },
  listRunsEverywhere: {
    method: 'GET',
    path: '/runs',
    summary: 'List runs across pipelines, newest first',
    query: [
      { name: 'pipeline', schema: { type: 'string' } },
      status,
      {
        name: 'key',
        schema: { type: 'string', minLength: 1 },
        description:
          "Runs started for it, exactly: a keyed run's observation id, a per-object run's object key, a dataset run's folder (with or without its final \"/\"). Runs started by the triggers, or by this API without a runId, are found; a run named by its caller is found by its id",
      },
      { name: 'since', schema: { type: 'string', format: 'date-time' }, description: 'Runs started at or after this time' },
      limit(100, 50),
      nextToken,
    ],
    answers: { 200: { description: 'A page of runs', body: RUN_LIST }, 400: refused('A bad filter or token'), 404: refused('No such pipeline') },
    auth: 'iam',
  },
  describeKey: {
    method: 'GET',
    path: '/keys/{key}',
    summary: 'What the keyed triggers recorded for a key, per pipeline: types arrived, types missing, runs started',
    answers: { 200: { description: 'The key', body: named('KeyReport', keyReportSchema) }, 404: refused('No data item with this key reached a keyed pipeline') },
    auth: 'iam',
  },
  describePipeline: {
    method: 'GET',
    path: '/pipelines/{pipeline}',
    summary: 'A pipeline: its steps, kinds, dependencies and triggers',
    answers: { 200: { description: 'The pipeline', body: named('Pipeline', pipelineAnswerSchema) }, 404: refused('No such pipeline') },
    auth: 'iam',
  },
  readLogs: {
    method: 'GET',
    path: '/pipelines/{pipeline}/runs/{runId}/logs',
    summary: "A run's log lines across its steps, oldest first",
    query: [limit(10_000, 1000), nextToken],
    answers: {
      200: { description: 'A page of lines', body: named('RunLogs', runLogsSchema) },
      400: refused('A bad run id, limit or token'),
      404: refused('No such run'),
      501: refused('Logs are not served by this deployment'),
    },
    auth: 'iam',
  },
  listOutputs: {
    method: 'GET',
    path: '/pipelines/{pipeline}/runs/{runId}/outputs',
    summary: `What a run wrote, a page at a time in key order: presigned URLs to show and download each file (valid ${OUTPUT_URL_SECONDS} s), the text of small text files; a page ends early rather than answer over ${MAX_OUTPUTS_ANSWER_BYTES} bytes`,
    query: [
      limit(MAX_OUTPUTS_LISTED, DEFAULT_OUTPUTS_LISTED),
      nextToken,
      {
        name: 'only',
        schema: { enum: ['reports'] },
        description: `"reports": only each finished step's report (${STEP_REPORT_FILES.join(', ')} at its folder's root), wherever it falls among the run's outputs; no paging`,
      },
    ],
    answers: {
      200: { description: "The run's outputs", body: named('RunOutputs', runOutputsSchema) },
      400: refused('A bad run id, limit or token'),
      404: refused('No such run'),
      501: refused('Outputs are not served by this deployment'),
    },
    auth: 'iam',
  },
  explainStep: {
    method: 'GET',
    path: '/pipelines/{pipeline}/runs/{runId}/steps/{step}/reuse',
    summary: "Why a step of a run was reused or computed: its fingerprint, the entry it looked up, and the parts that changed since the step's newest entry (docs/reuse.md)",
    answers: {
      200: { description: 'The decision, as the step-reuse function recorded it', body: named('ReuseDecision', reuseDecisionSchema) },
      404: refused('The run has no decision for this step: the step is not reused, or the run has not reached it'),
      501: refused('Reuse decisions are not served by this deployment (it has no data bucket)'),
    },
    auth: 'iam',
  },
  listRuns: {
    method: 'GET',
    path: '/pipelines/{pipeline}/runs',
    summary: "List a pipeline's runs, newest first",
    query: [status, nextToken],
    answers: { 200: { description: 'A page of runs', body: RUN_LIST }, 400: refused('A bad filter or token'), 404: refused('No such pipeline') },
    auth: 'iam',
  },
  startRun: {
    method: 'POST',
    path: '/pipelines/{pipeline}/runs',
    summary: 'Start a run',
    query: [{ name: 'dryRun', schema: { enum: ['true', 'false'] }, description: 'Check the request and start nothing' }],
    headers: [
      {
        name: 'Idempotency-Key',
        schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
        description: 'The same key returns the same run (200) instead of starting another',
      },
    ],
    body: { ...named('StartRunRequest', startRunRequestSchema), checkedByGateway: true },
    answers: {
      202: { description: 'Started', body: named('StartedRun', startedRunSchema), location: true },
      200: { description: 'The run this Idempotency-Key started before, or the dry run’s verdict', body: named('StartAgain', startAgainSchema), location: true },
      400: refused('A mistake in the request; `field` names it'),
      404: refused('No such pipeline'),
      409: refused('The run id is used'),
    },
    auth: 'iam',
  },
  inspectRun: {
    method: 'GET',
    path: '/pipelines/{pipeline}/runs/{runId}',
    summary: 'A run with its steps',
    answers: { 200: { description: 'The run', body: named('Run', runDetailSchema) }, 400: refused('A bad run id'), 404: refused('No such run') },
    auth: 'iam',
  },
  cancelRun: {
    method: 'DELETE',
    path: '/pipelines/{pipeline}/runs/{runId}',
    summary: 'Cancel a run',
    answers: {
      202: { description: 'Cancelling', body: named('CancelledRun', cancelledRunSchema), location: true },
      404: refused('No such run'),
      409: refused('The run is not running'),
    },
    auth: 'iam',
  },
  redriveRun: {
    method: 'POST',
    path: '/pipelines/{pipeline}/runs/{runId}/redrive',
    summary: 'Run again the failed steps of a FAILED, TIMED_OUT or ABORTED run',
    answers: {
      202: { description: 'Redriven', body: named('RedrivenRun', redrivenRunSchema), location: true },
      404: refused('No such run'),
      409: refused('The run cannot be redriven'),
    },
    auth: 'iam',
  },
  answerServiceCallback: {
    method: 'POST',
    path: '/callbacks/{callbackId}',
    summary: 'An external service answers its service step: succeeded (with a small output), failed, or running (a heartbeat)',
    body: named('CallbackRequest', callbackRequestSchema),
    answers: {
      200: { description: 'Delivered to the waiting step', body: named('CallbackAnswered', callbackAnsweredSchema) },
      400: refused('The body is not a callback'),
      404: refused('No step waits on this callback (answered already, or not a URL Orchestra sent)'),
      410: refused('The step has ended (timed out, failed or stopped)'),
      501: refused('This deployment has no data bucket'),
    },
    auth: 'capability',
    deployedWhen: 'service-steps',
  },
  startBackfill: {
    method: 'POST',
    path: '/backfills',
    summary: 'Decide again for keys of keyed pipelines, through the conductor, at a rate (nothing starts twice; "manual" pipelines run again)',
    body: named('BackfillRequest', backfillRequestSchema),
    answers: {
      202: { description: 'Planned and handed to the conductor', body: BACKFILL, location: true },
      400: refused('Not a backfill request, or nothing to backfill'),
      501: refused('This deployment has no keyed pipelines'),
    },
    auth: 'iam',
    deployedWhen: 'keyed-pipelines',
  },
  describeBackfill: {
    method: 'GET',
    path: '/backfills/{backfillId}',
    summary: "A backfill's progress",
    answers: { 200: { description: 'The backfill', body: BACKFILL }, 404: refused('No such backfill') },
    auth: 'iam',
    deployedWhen: 'keyed-pipelines',
  },
} as const satisfies Readonly<Record<string, RouteSpec>>;

export type RunsApiRoutes = typeof RUNS_API_ROUTES;
export type OperationId = keyof RunsApiRoutes;

/** The table's routes with their operation ids, in the table's order (the router matches in this order). */
export const routeEntries = (): ReadonlyArray<readonly [OperationId, RouteSpec]> =>
  (Object.keys(RUNS_API_ROUTES) as OperationId[]).map((operation) => [operation, RUNS_API_ROUTES[operation]] as const);

/** The path parameters a path names, in order: `/pipelines/{pipeline}/runs/{runId}` → pipeline, runId. */
export const pathParametersOf = (path: string): string[] => [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');

/** `/pipelines/{pipeline}` → `{ pipeline: string }`. */
export type PathParameters<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? { readonly [K in Name]: string } & PathParameters<Rest> : unknown;

type Names<L> = L extends readonly ParameterSpec[] ? L[number]['name'] : never;

/** What a caller sends for an operation: its path parameters, query, headers and body, each typed from the table. */
export type RequestOf<Op extends OperationId> = PathParameters<RunsApiRoutes[Op]['path']> &
  (RunsApiRoutes[Op] extends { readonly query: infer Q } ? { readonly query?: { readonly [K in Names<Q>]?: string } } : unknown) &
  (RunsApiRoutes[Op] extends { readonly headers: infer H } ? { readonly headers?: { readonly [K in Names<H>]?: string } } : unknown) &
  (RunsApiRoutes[Op] extends { readonly body: NamedSchema<infer S> } ? { readonly body: z.input<S> } : unknown);

type SuccessStatus<Op extends OperationId> = Extract<keyof RunsApiRoutes[Op]['answers'], 200 | 201 | 202 | 204>;

type BodyAt<Op extends OperationId, S extends keyof RunsApiRoutes[Op]['answers']> = RunsApiRoutes[Op]['answers'][S] extends { readonly body: NamedSchema<infer B> } ? B : never;

/** What an operation answers when it succeeds, by status: the body as its schema reads it, and the Location when it has one. */
export type AnswerOf<Op extends OperationId> = {
  [S in SuccessStatus<Op>]: { readonly status: S; readonly body: z.output<BodyAt<Op, S>>; readonly location?: string };
}[SuccessStatus<Op>];

/** What a handler gives for a status of its route: the body its schema takes in. */
export type AnswerBodyOf<Op extends OperationId, S extends SuccessStatus<Op>> = z.input<BodyAt<Op, S>>;
export type { SuccessStatus };

/** What is wrong with an answer of `route` (a status it does not give, or a body its schema refuses); undefined when nothing. */
export function answerProblem(route: RouteSpec, status: number, body: unknown): string | undefined {
  const schema = route.answers[status]?.body?.schema;
  if (schema === undefined) return `${route.method} ${route.path} does not answer ${status}`;
  const checked = z.safeParse(schema, body);
  return checked.success ? undefined : `${route.method} ${route.path} answered ${status} with a body its schema refuses: ${z.prettifyError(checked.error)}`;
}
