/**
 * What the runs API answers about a run, as one schema: the function builds its answers to these
 * types, and the console (and any client) reads them through the same schemas, so neither declares its
 * own. zod's "mini" build keeps the function's and the console's bundles small.
 */
import * as z from 'zod/mini';

/**
 * A step's state. RUNNING: an attempt is under way; ABORTED: the run ended (stopped, timed out) during
 * an attempt; PENDING: not started yet; SKIPPED: the run ended without starting it.
 */
export const STEP_STATUSES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'SKIPPED'] as const;

export const stepOutcomeSchema = z.object({
  status: z.enum(STEP_STATUSES),
  attempts: z.number(),
  error: z.optional(z.string()),
  cause: z.optional(z.string()),
  /** ISO 8601: when its first attempt was scheduled. */
  startedAt: z.optional(z.string()),
  /** ISO 8601: when its last attempt ended. */
  stoppedAt: z.optional(z.string()),
});
export type StepOutcome = z.infer<typeof stepOutcomeSchema>;

/** A run in a list: its pipeline, id, status (Step Functions' execution status) and times (ISO 8601). */
export const runSummarySchema = z.object({
  pipeline: z.string(),
  runId: z.string(),
  status: z.string(),
  startedAt: z.string(),
  stoppedAt: z.optional(z.string()),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

/** One run (`GET /pipelines/{pipeline}/runs/{runId}`): its summary, input, error, redrives and every step's outcome. */
export const runDetailSchema = z.extend(runSummarySchema, {
  executionArn: z.string(),
  input: z.unknown(),
  error: z.optional(z.string()),
  cause: z.optional(z.string()),
  redrivenAt: z.array(z.string()),
  steps: z.record(z.string(), stepOutcomeSchema),
});
export type RunDetail = z.infer<typeof runDetailSchema>;
