/**
 * Activity events: what keyed pipelines did for a key, for services and web apps that follow along.
 * `orchestra up` streams them as server-sent events (`GET /events`, `orchestra events`); in AWS the
 * conductor puts them on the account's default EventBridge bus (source and detail type below).
 */

/** EventBridge `source` of activity events: a rule matches `{"source": ["orchestra.keyed"]}`. */
export const ACTIVITY_EVENT_SOURCE = 'orchestra.keyed';
/** EventBridge `detail-type`; the detail is the ActivityEvent. */
export const ACTIVITY_DETAIL_TYPE = 'Orchestra Keyed Activity';
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

/** What a keyed run's start or end says, on either target: undefined for runs that are not keyed (or still running, when `ended`). */
export function activityOfRun(run: {
  readonly pipeline: string;
  readonly runId: string;
  readonly status: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly time: string;
}): ActivityEvent | undefined {
  const key = run.input['key'];
  if (run.input['source'] !== 'keyed' || typeof key !== 'string') return undefined;
  const { pipeline, runId, status, time } = run;
  if (status === 'RUNNING') return { type: 'started', pipeline, key, runId, time };
  if (status === 'SUCCEEDED') return { type: 'succeeded', pipeline, key, runId, status, time };
  if (status === 'FAILED' || status === 'TIMED_OUT' || status === 'ABORTED') return { type: 'failed', pipeline, key, runId, status, time };
  return undefined;
}
