/**
 * Run changes: a run started or ended, a step's attempt began or ended, a step reported progress.
 * `orchestra up` streams them as server-sent events at `GET /events/runs` so the console redraws a
 * run the moment it changes; a deployed stack has no stream (API Gateway REST answers once), and the
 * console polls it instead.
 */

export interface RunChange {
  readonly type: 'run' | 'step' | 'progress';
  readonly pipeline: string;
  readonly runId: string;
  /** run: the run's status; step: the step's (RUNNING, SUCCEEDED, FAILED, …). */
  readonly status?: string;
  readonly step?: string;
  /** progress: the step's share done, 0–100. */
  readonly percent?: number;
  /** ISO 8601, when the runtime saw the change. */
  readonly time: string;
}

/** The path of the stream, beside the activity stream at /events. */
export const RUN_CHANGES_PATH = '/events/runs';

/** One server-sent event: `event: <type>`, the change as JSON on `data:`. */
export const runChangeEvent = (change: RunChange): string => `event: ${change.type}\ndata: ${JSON.stringify(change)}\n\n`;
