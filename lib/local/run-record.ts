/** What the local runtime records about a run: the same facts `DescribeExecution` gives in AWS, per step too. */
import type { ErrorRecord, RunStatus, StepStatus } from '../contract/statuses';
import type { RunInput } from '../contract/step-event';

export { type RunStatus, type StepStatus, TERMINAL_RUN_STATUSES } from '../contract/statuses';
/** An error as Step Functions records it. */
export type StepError = ErrorRecord;

export interface StepRecord {
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  stoppedAt?: string;
  error?: StepError;
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
  readonly ownerPid: number;
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
  readonly steps: Record<string, { status: StepStatus; attempts: number; startedAt: string | null; stoppedAt: string | null; error: string | null }>;
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
    steps: Object.fromEntries(
      Object.entries(record.steps).map(([id, step]) => [
        id,
        { status: step.status, attempts: step.attempts, startedAt: step.startedAt ?? null, stoppedAt: step.stoppedAt ?? null, error: errorText(step.error) },
      ]),
    ),
  };
}
