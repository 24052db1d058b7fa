/** The runtime's events seen as activity events: keyed runs that start and end, keys that expire. */
import { type ActivityEvent, activityOfRun } from '../../contract/activity';
import type { RuntimeEvent } from './runtime-events';

export function activityOf(event: RuntimeEvent, now: () => Date = () => new Date()): ActivityEvent | undefined {
  const time = now().toISOString();
  if (event.type === 'run-started' || event.type === 'run-finished') {
    const { run } = event;
    return activityOfRun({ pipeline: run.pipeline, runId: run.runId, status: event.type === 'run-started' ? 'RUNNING' : run.status, input: run.input, time });
  }
  if (event.type === 'keyed' && event.outcome.action === 'expired') {
    return { type: 'expired', pipeline: event.outcome.pipeline, key: event.outcome.key, missing: event.outcome.missing, time };
  }
  return undefined;
}
