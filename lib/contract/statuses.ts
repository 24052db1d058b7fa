/** Run and step statuses, the same words Step Functions uses, for AWS and the local runtime alike. */

/** Step Functions execution statuses (PENDING_REDRIVE only in AWS, between a redrive and its restart). */
export const RUN_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
export const isTerminal = (status: RunStatus): boolean => TERMINAL_RUN_STATUSES.has(status);

export const STEP_STATUSES = ['PENDING', 'RUNNING', 'RETRYING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'ABORTED'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** An error as Step Functions records it. */
export interface ErrorRecord {
  readonly error: string;
  readonly cause: string;
}
