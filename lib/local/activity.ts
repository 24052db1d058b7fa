/** The runtime's events seen as activity events: keyed runs that start and end, keys that expire. */
import type { ActivityEvent } from '../contract/activity';
import type { RuntimeEvent } from './runtime-events';

export function activityOf(event: RuntimeEvent, now: () => Date = () => new Date()): ActivityEvent | undefined {
  const time = now().toISOString();
  if (event.type === 'run-started' || event.type === 'run-finished') {
    const { run } = event;
    const key = run.input['key'];
    if (run.input.source !== 'keyed' || typeof key !== 'string') return undefined;
    if (event.type === 'run-started') return { type: 'started', pipeline: run.pipeline, key, runId: run.runId, time };
    return { type: run.status === 'SUCCEEDED' ? 'succeeded' : 'failed', pipeline: run.pipeline, key, runId: run.runId, status: run.status, time };
  }
  if (event.type === 'keyed' && event.outcome.action === 'expired') {
    return { type: 'expired', pipeline: event.outcome.pipeline, key: event.outcome.key, missing: event.outcome.missing, time };
  }
  return undefined;
}
