/**
 * Where the runs API reads a run's log lines: CloudWatch Logs on AWS (functions/runs-api/cloudwatch-logs.ts),
 * the run database locally. A port, so the function and the local runtime share it without either
 * importing the other.
 */
import type { LogLine } from '../contract/run-answers';

/** A run's log lines across its steps, oldest first. */
export interface RunLogs {
  /** `during`: when the run started and (if it did) stopped, so a store of many runs' lines reads only that span. */
  read(
    pipeline: string,
    runId: string,
    page: { readonly offset: number; readonly limit: number },
    during?: { readonly start: Date; readonly stop?: Date | undefined },
  ): Promise<{ readonly lines: readonly LogLine[]; readonly more: boolean }>;
}
