/**
 * Activity events: what keyed pipelines did for a key, for services and web apps that follow along.
 * `orchestra up` streams them as server-sent events (`GET /events`, `orchestra events`).
 */
export interface ActivityEvent {
  readonly type: 'started' | 'succeeded' | 'failed' | 'expired';
  readonly pipeline: string;
  readonly key: string;
  /** ISO 8601 */
  readonly time: string;
  readonly runId?: string;
  /** failed: the run's status (FAILED, TIMED_OUT, ABORTED); expired: the required types still missing. */
  readonly status?: string;
  readonly missing?: readonly string[];
}

/** One server-sent event: its type on the `event:` line, the whole event as JSON on `data:`. */
export const serverSentEvent = (event: ActivityEvent): string => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
