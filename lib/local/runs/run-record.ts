/** What the local runtime records about a run: the same facts `DescribeExecution` gives in AWS, per step too. */
import { z } from 'zod';
import { MAX_HISTORY_EVENTS } from '../../compiler/limits';
import { MAX_PAYLOAD_BYTES } from '../../contract/errors';
import { type InvocationUsage, invocationUsageSchema, type RunCost, runCostSchema } from '../../contract/run-answers';
import { type ErrorRecord, RUN_STATUSES, type RunStatus, STEP_STATUSES, type StepStatus } from '../../contract/statuses';
import type { RunInput } from '../../contract/step-event';
import { RUN_SOURCES } from '../../contract/step-event';
import { OrchestraError } from '../../shared/errors';

export { type RunStatus, type StepStatus, TERMINAL_RUN_STATUSES } from '../../contract/statuses';
/** An error as Step Functions records it. */
export type StepError = ErrorRecord;

export interface StepRecord {
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  stoppedAt?: string;
  error?: StepError;
  /** Not run: its result and outputs were reused from this finished run (lib/compiler/reuse.ts). */
  reusedFrom?: { readonly runId: string; readonly step: string };
  /** What each invocation used, in the order they ended (lib/local/usage), the first MAX_USAGE_PER_STEP. */
  usage?: InvocationUsage[];
  /** Invocations after those, counted only. */
  usageOmitted?: number;
}

export interface RunRecord {
  readonly runId: string;
  readonly pipeline: string;
  readonly input: RunInput;
  status: RunStatus;
  readonly startedAt: string;
  stoppedAt?: string;
  error?: StepError;
  steps: Record<string, StepRecord>;
  /** Where the run's outputs are, e.g. s3://orchestra-data/runs/<pipeline>/<id>/ */
  readonly outputs: string;
  /** Process that owns the run while RUNNING: a record whose owner died was interrupted. */
  ownerPid: number;
  /** How many times the run was redriven, and when last (as DescribeExecution reports them). */
  redriveCount?: number;
  redriveDate?: string;
  /** Step Functions history events the run wrote (AWS allows 25,000 per execution). */
  historyEvents?: number;
  /** The largest state input or output of the run (AWS fails a state over 262,144 bytes). */
  largestPayload?: { readonly bytes: number; readonly state: string };
  /** What it would have cost on AWS at its durations, recorded when it ended (lib/runtime/run-cost.ts). */
  cost?: RunCost;
}

/** The `--json` summary of a run. */
export interface RunSummary {
  readonly runId: string;
  readonly pipeline: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly stoppedAt: string | null;
  readonly error: string | null;
  readonly outputs: string;
  /** History events the run wrote, next to AWS's per-execution limit. */
  readonly historyEvents: { readonly count: number | null; readonly limit: number };
  /** The largest state payload, next to AWS's quota. */
  readonly largestPayload: { readonly bytes: number | null; readonly state: string | null; readonly limit: number };
  readonly steps: Record<string, { status: StepStatus; attempts: number; startedAt: string | null; stoppedAt: string | null; error: string | null; usage: InvocationUsage[] }>;
  /** What it would cost on AWS at its durations (USD, per step and total), once it ended; null while it runs. */
  readonly cost: RunCost | null;
}

const errorText = (error: StepError | undefined): string | null => (error === undefined ? null : `${error.error}: ${error.cause}`);

export function summarise(record: RunRecord): RunSummary {
  return {
    runId: record.runId,
    pipeline: record.pipeline,
    status: record.status,
    startedAt: record.startedAt,
    stoppedAt: record.stoppedAt ?? null,
    error: errorText(record.error),
    outputs: record.outputs,
    historyEvents: { count: record.historyEvents ?? null, limit: MAX_HISTORY_EVENTS },
    largestPayload: { bytes: record.largestPayload?.bytes ?? null, state: record.largestPayload?.state ?? null, limit: MAX_PAYLOAD_BYTES },
    steps: Object.fromEntries(
      Object.entries(record.steps).map(([id, step]) => [
        id,
        {
          status: step.status,
          attempts: step.attempts,
          startedAt: step.startedAt ?? null,
          stoppedAt: step.stoppedAt ?? null,
          error: errorText(step.error),
          usage: step.usage ?? [],
        },
      ]),
    ),
    cost: record.cost ?? null,
  };
}

const errorRecordSchema = z.object({ error: z.string(), cause: z.string() });
const runRecordSchema = z.object({
  runId: z.string().regex(/^[A-Za-z0-9_-]+$/),
  pipeline: z.string(),
  input: z.looseObject({ source: z.enum(RUN_SOURCES) }),
  status: z.enum(RUN_STATUSES),
  startedAt: z.string(),
  stoppedAt: z.optional(z.string()),
  error: z.optional(errorRecordSchema),
  steps: z.record(
    z.string(),
    z.object({
      status: z.enum(STEP_STATUSES),
      attempts: z.int().min(0),
      startedAt: z.optional(z.string()),
      stoppedAt: z.optional(z.string()),
      error: z.optional(errorRecordSchema),
      reusedFrom: z.optional(z.object({ runId: z.string(), step: z.string() })),
      usage: z.optional(z.array(invocationUsageSchema)),
      usageOmitted: z.optional(z.int().min(0)),
    }),
  ),
  outputs: z.string(),
  ownerPid: z.int(),
  redriveCount: z.optional(z.int().min(0)),
  redriveDate: z.optional(z.string()),
  historyEvents: z.optional(z.int().min(0)),
  largestPayload: z.optional(z.object({ bytes: z.int().min(0), state: z.string() })),
  cost: z.optional(runCostSchema),
});

/** A run record file that cannot be read: reported with what to do, never a reason for other runs to fail. */
export class DamagedRunRecordError extends OrchestraError {
  override readonly name = 'DamagedRunRecordError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super('damaged-run-record', `${file} is damaged (${reason}) — move it away or delete it; other runs are not affected`);
  }
}

/** Reads a run record file's text, checked field by field (the file may be truncated, empty or edited). */
export function parseRunRecord(text: string, file: string): RunRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DamagedRunRecordError(file, text.trim() === '' ? 'it is empty' : `not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = runRecordSchema.safeParse(json);
  if (!parsed.success) throw new DamagedRunRecordError(file, parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; '));
  const { stoppedAt, error, input, steps, redriveCount, redriveDate, historyEvents, largestPayload, cost, ...rest } = parsed.data;
  return {
    ...rest,
    input: { ...input, source: input.source },
    steps: Object.fromEntries(
      Object.entries(steps).map(([id, step]) => [
        id,
        {
          status: step.status,
          attempts: step.attempts,
          ...(step.startedAt === undefined ? {} : { startedAt: step.startedAt }),
          ...(step.stoppedAt === undefined ? {} : { stoppedAt: step.stoppedAt }),
          ...(step.error === undefined ? {} : { error: step.error }),
          ...(step.reusedFrom === undefined ? {} : { reusedFrom: step.reusedFrom }),
          ...(step.usage === undefined ? {} : { usage: step.usage }),
          ...(step.usageOmitted === undefined ? {} : { usageOmitted: step.usageOmitted }),
        },
      ]),
    ),
    ...(stoppedAt === undefined ? {} : { stoppedAt }),
    ...(error === undefined ? {} : { error }),
    ...(redriveCount === undefined ? {} : { redriveCount }),
    ...(redriveDate === undefined ? {} : { redriveDate }),
    ...(historyEvents === undefined ? {} : { historyEvents }),
    ...(largestPayload === undefined ? {} : { largestPayload }),
    ...(cost === undefined ? {} : { cost }),
  };
}

/** Each step's measured invocations, as the runs API's usage port and the cost read them. */
export function usageOfRecord(record: RunRecord): Record<string, InvocationUsage[]> {
  return Object.fromEntries(Object.entries(record.steps).flatMap(([id, step]) => (step.usage === undefined ? [] : [[id, step.usage]])));
}
