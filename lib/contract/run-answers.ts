/**
 * What the runs API answers, as one schema per answer: the function builds its answers to these types
 * (its router checks them locally and in the tests), the OpenAPI document is generated from them, and
 * the typed client (lib/client) reads every answer through them, so no client declares its own. zod's
 * "mini" build keeps the function's and the console's bundles small.
 */
import * as z from 'zod/mini';
import { pipelineDescriptionSchema } from './pipeline-description';

/**
 * A step's state. RUNNING: an attempt is under way; ABORTED: the run ended (stopped, timed out) during
 * an attempt; PENDING: not started yet; SKIPPED: the run ended without starting it.
 */
export const STEP_STATUSES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'SKIPPED'] as const;

/** ISO 8601 times: the API answers strings, never Date objects. */
const time = (description: string) => z.string().check(z.describe(description));

/**
 * What one invocation of a step used, as measured where it ran (`measuredBy`): on AWS, Lambda's REPORT
 * line or Container Insights' task samples; locally, the operating system's figures for a container's
 * process group, or the Orchestra process's own for an in-process handler (`scope: "process"`).
 */
export const invocationUsageSchema = z.object({
  endedAt: time('When the invocation ended'),
  measuredBy: z.enum(['lambda-report', 'container-insights', 'local-process', 'in-process']),
  scope: z
    .enum(['invocation', 'process'])
    .check(z.describe('"process": the figures are the whole Orchestra process\'s while the handler ran alone (engine and embedded S3 included), an upper bound')),
  durationMs: z.number(),
  billedDurationMs: z.optional(z.number().check(z.describe("What AWS bills for it (Lambda's Billed Duration; locally the duration rounded up to 1 ms as Lambda rounds)"))),
  memorySizeMb: z.optional(z.number().check(z.describe('Memory configured for the function or task'))),
  maxMemoryMb: z.optional(z.number().check(z.describe('Peak resident memory'))),
  cpuMs: z.optional(z.number().check(z.describe('CPU time, user and system'))),
  initDurationMs: z.optional(z.number().check(z.describe("A Lambda cold start's Init Duration"))),
  note: z.optional(z.string().check(z.describe('How the figures were measured, or why one is missing'))),
});
export type InvocationUsage = z.infer<typeof invocationUsageSchema>;

export const stepOutcomeSchema = z.object({
  status: z.enum(STEP_STATUSES),
  attempts: z.number(),
  error: z.optional(z.string().check(z.describe('The last attempt that failed'))),
  cause: z.optional(z.string()),
  startedAt: z.optional(time('When its first attempt was scheduled')),
  stoppedAt: z.optional(time('When its last attempt ended')),
  reusedFrom: z.optional(
    z
      .object({ runId: z.string(), step: z.string() })
      .check(z.describe('Set when the step was not run: its result and outputs were reused from this finished run (`orchestra why` says why)')),
  ),
  usage: z.optional(
    z.array(invocationUsageSchema).check(z.describe("What each invocation used, in the order they ended (a step's attempts; a forEach step's items too), the first 100")),
  ),
  usageOmitted: z.optional(z.number().check(z.describe('Invocations after the first 100, not listed in usage'))),
});
export type StepOutcome = z.infer<typeof stepOutcomeSchema>;

/** A run in a list: its pipeline, id, status (Step Functions' execution status) and times (ISO 8601). */
export const runSummarySchema = z.object({
  pipeline: z.string(),
  runId: z.string(),
  status: z.string(),
  startedAt: z.string(),
  stoppedAt: z.optional(z.string()),
  costUsd: z.optional(
    z.number().check(z.describe("A finished run's cost on AWS at its durations, in USD, from its history (recorded the first time it is listed); see RunDetail.cost")),
  ),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

/** A page of runs, newest first (`GET /runs`, `GET /pipelines/{pipeline}/runs`). */
export const runListSchema = z.object({
  pipeline: z.optional(z.string().check(z.describe('The pipeline listed, when one was'))),
  runs: z.array(runSummarySchema),
  nextToken: z.optional(z.string().check(z.describe('Where the next page starts: pass it back as nextToken'))),
});
export type RunList = z.infer<typeof runListSchema>;

const stepCostSchema = z.object({
  transitions: z.number(),
  runs: z.number().check(z.describe('Attempts × items')),
  lambda: z.optional(z.object({ requests: z.number(), gbSeconds: z.number(), architecture: z.literal('arm64') })),
  fargate: z.optional(z.object({ vcpuHours: z.number(), gbHours: z.number() })),
  reuse: z.optional(
    z.object({ requests: z.number(), gbSeconds: z.number(), usd: z.number() }).check(z.describe("The step-reuse function's check and save around the step, included in usd")),
  ),
  usd: z.number(),
});

/** What a run cost, in USD, per step and in all, from its history and the dated price table (lib/contract/prices.ts): an estimate. */
export const runCostSchema = z.object({
  basis: z
    .enum(['history', 'billed'])
    .check(
      z.describe(
        '"billed": each Lambda invocation at its billed duration (step usage); "history": times from the run\'s history (close to, not exactly, the billed durations) where a step had no usage. Priced by the price table',
      ),
    ),
  totalUsd: z.number(),
  orchestration: z.object({ transitions: z.number(), usd: z.number() }),
  steps: z.record(z.string(), stepCostSchema),
  prices: z.object({ region: z.string(), asOf: z.string() }),
});
export type RunCost = z.infer<typeof runCostSchema>;

/** One run (`GET /pipelines/{pipeline}/runs/{runId}`): its summary, input, error, redrives and every step's outcome. */
export const runDetailSchema = z.extend(runSummarySchema, {
  executionArn: z.string(),
  input: z.unknown(),
  error: z.optional(z.string()),
  cause: z.optional(z.string()),
  redrivenAt: z.array(time('When the run was redriven, oldest first')),
  steps: z.record(z.string(), stepOutcomeSchema),
  cost: z.optional(runCostSchema),
});
export type RunDetail = z.infer<typeof runDetailSchema>;

const recordedOutputSchema = z.object({ path: z.string(), size: z.number(), etag: z.string(), sha256: z.string() });

/**
 * Why a step of a run was reused or computed (`GET …/runs/{runId}/steps/{step}/reuse`, `orchestra why`):
 * the step-reuse function's decision as it recorded it (lib/contract/step-reuse.ts ReuseDecision).
 */
export const reuseDecisionSchema = z.object({
  pipeline: z.string(),
  step: z.string(),
  runId: z.string(),
  decidedAt: time('When the check ran'),
  key: z.string().check(z.describe('The digest of the fingerprint: the entry it looked up')),
  fingerprint: z.record(z.string(), z.string()).check(z.describe("Each part that decides the step's result, with its digest")),
  outcome: z.enum(['reused', 'computed']),
  reason: z.string(),
  reusedFrom: z.optional(z.object({ runId: z.string(), step: z.string() })),
  changes: z.optional(
    z
      .array(z.object({ part: z.string(), change: z.enum(['changed', 'added', 'removed']), before: z.optional(z.string()), after: z.optional(z.string()) }))
      .check(z.describe('How the fingerprint differs from the newest entry of the step')),
  ),
  comparedWith: z.optional(z.object({ runId: z.string(), key: z.string() })),
  outputs: z.optional(z.array(recordedOutputSchema)),
  savedAt: z.optional(time('When its entry was saved, after it ran')),
});
export type ReuseDecisionAnswer = z.infer<typeof reuseDecisionSchema>;

/** Every refusal: what was wrong, and the field (a JSON path, a query parameter or a header) to fix. */
export const refusalSchema = z.object({
  message: z.string(),
  field: z.optional(z.string().check(z.describe('The JSON path, query parameter or header to fix'))),
});
export type RefusalAnswer = z.infer<typeof refusalSchema>;

/** A pipeline's schedule, when it has one, with its next fire computed by the code that fires it. */
export const scheduleSchema = z.object({
  expression: z.string().check(z.describe('EventBridge Scheduler expression, e.g. cron(0 2 * * ? *)')),
  timezone: z.string().check(z.describe('IANA time zone the expression is read in')),
  next: z.optional(time('The next fire (absent when the expression has no more)')),
});

export const pipelineListSchema = z.object({
  pipelines: z.array(z.object({ name: z.string(), stateMachineArn: z.string(), schedule: z.optional(scheduleSchema) })),
});
export type PipelineList = z.infer<typeof pipelineListSchema>;

/** `GET /pipelines/{pipeline}`: what the stack says of it (steps, kinds, dependencies, trigger), its state machine and schedule. */
export const pipelineAnswerSchema = z.extend(pipelineDescriptionSchema, { stateMachineArn: z.string(), schedule: z.optional(scheduleSchema) });
export type PipelineAnswer = z.infer<typeof pipelineAnswerSchema>;

export const logLineSchema = z.object({ time: z.string(), step: z.optional(z.string()), message: z.string() });
export type LogLine = z.infer<typeof logLineSchema>;

export const runLogsSchema = z.object({ pipeline: z.string(), runId: z.string(), lines: z.array(logLineSchema), nextToken: z.optional(z.string()) });
export type RunLogsAnswer = z.infer<typeof runLogsSchema>;

export const runOutputSchema = z.object({
  key: z.string().check(z.describe("The object's key in the data bucket")),
  step: z.string().check(z.describe('The step that wrote it ("" for a file outside step folders)')),
  path: z.string().check(z.describe("Its path under the step's folder")),
  size: z.number(),
  contentType: z.string(),
  url: z.string().check(z.describe('Presigned GET, shown inline by a browser')),
  downloadUrl: z.string().check(z.describe('Presigned GET that a browser saves as a file')),
  preview: z.optional(z.string().check(z.describe('The text of a small text file'))),
  unfinished: z.optional(z.literal(true).check(z.describe('Written by a step that did not succeed (failed, stopped or still running): it may be incomplete'))),
});
export type RunOutput = z.infer<typeof runOutputSchema>;

export const runOutputsSchema = z.object({
  pipeline: z.string(),
  runId: z.string(),
  prefix: z.string().check(z.describe("The run's prefix in the data bucket")),
  outputs: z.array(runOutputSchema),
  truncated: z.boolean().check(z.describe('More files than this page: ask again with nextToken')),
  nextToken: z.optional(z.string()),
});
export type RunOutputsAnswer = z.infer<typeof runOutputsSchema>;

/** 202 to a start: the run is under way at `Location`. */
export const startedRunSchema = z.object({ pipeline: z.string(), runId: z.string(), executionArn: z.string(), startedAt: z.string() });
export type StartedRun = z.infer<typeof startedRunSchema>;

/** 200 to a start with a used Idempotency-Key: the run that key started. */
export const existingRunSchema = z.extend(startedRunSchema, { status: z.string() });

/** 200 to a start with `?dryRun=true`: everything a start checks, and nothing started. */
export const dryRunSchema = z.object({
  dryRun: z.literal(true),
  pipeline: z.string(),
  stateMachineArn: z.string(),
  runId: z.nullable(z.string()),
  input: z.unknown(),
  inputBytes: z.number(),
  reads: z.optional(z.object({ bucket: z.string(), keys: z.array(z.string()) }).check(z.describe('What the run would read, checked to be there'))),
});
export type DryRun = z.infer<typeof dryRunSchema>;

export const startAgainSchema = z.union([dryRunSchema, existingRunSchema]);

export const cancelledRunSchema = z.object({ pipeline: z.string(), runId: z.string(), status: z.literal('ABORTED') });
export const redrivenRunSchema = z.object({ pipeline: z.string(), runId: z.string(), status: z.literal('RUNNING'), redrivenAt: z.string() });

/** `GET /keys/{key}`: per keyed pipeline, what arrived for the key, what is missing, which runs it started. */
export const keyReportSchema = z.object({
  key: z.string(),
  pipelines: z.array(
    z.object({
      pipeline: z.string(),
      /** WAITING for required types, READY (started; a backfill of an expired key too, which keeps its expiredAt), or EXPIRED. */
      state: z.enum(['WAITING', 'READY', 'EXPIRED']),
      firstSeen: z.string(),
      readyAt: z.optional(z.string()),
      expiredAt: z.optional(z.string()),
      arrived: z.array(z.object({ type: z.string(), objectKey: z.string(), etag: z.string(), at: z.string() })),
      missing: z.array(z.string()),
      runs: z.array(
        z.object({
          runId: z.string(),
          version: z.string(),
          claimedAt: z.string(),
          status: z.string(),
          costUsd: z.optional(z.number().check(z.describe("What the run cost on AWS at its durations (from its history; see a run's cost)"))),
        }),
      ),
    }),
  ),
  totalUsd: z.optional(z.number().check(z.describe('What the runs started for this key cost in all, across pipelines'))),
});
export type KeyReport = z.infer<typeof keyReportSchema>;

/** A backfill's progress (`POST /backfills`, `GET /backfills/{backfillId}`). */
export const backfillSchema = z.object({
  id: z.string(),
  status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']),
  total: z.number().check(z.describe('(pipeline, key) decisions planned')),
  done: z.number(),
  outcomes: z.record(z.string(), z.number()).check(z.describe('Decisions so far by outcome: start, duplicate, wait, grace, expired')),
  ratePerSecond: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  error: z.optional(z.string()),
  cost: z.optional(
    z
      .object({
        usd: z.number().check(z.describe('The finished runs it started, on AWS at their durations (each from its history)')),
        finishedRuns: z.number(),
        runningRuns: z.number().check(z.describe('Started and not finished yet: not in usd')),
      })
      .check(z.describe('What the runs it started cost, summed')),
  ),
});
export type BackfillProgress = z.infer<typeof backfillSchema>;

/** 200 to a service's callback: delivered to the step waiting on it. */
export const callbackAnsweredSchema = z.object({ pipeline: z.string(), runId: z.string(), step: z.string(), status: z.string() });

/** A pipeline in `GET /pipelines`. */
export type PipelineSummary = PipelineList['pipelines'][number];
