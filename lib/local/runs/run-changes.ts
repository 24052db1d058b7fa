/** The runtime's events seen as run changes (lib/contract/run-changes.ts), for the console's live view. */
import type { RunChange } from '../../contract/run-changes';
import type { RuntimeEvent } from './runtime-events';

/** `pipelineOf` names a run's pipeline from its id (step events carry the run id only). */
export function runChangeOf(event: RuntimeEvent, pipelineOf: (runId: string) => string | undefined, now: () => Date = () => new Date()): RunChange | undefined {
  const time = now().toISOString();
  if (event.type === 'run-started' || event.type === 'run-finished') {
    const { run } = event;
    return { type: 'run', pipeline: run.pipeline, runId: run.runId, status: run.status, time };
  }
  if (event.type !== 'step' && event.type !== 'step-progress') return undefined;
  const pipeline = pipelineOf(event.runId);
  if (pipeline === undefined) return undefined;
  return event.type === 'step'
    ? { type: 'step', pipeline, runId: event.runId, step: event.step, status: event.status, time }
    : { type: 'progress', pipeline, runId: event.runId, step: event.step, percent: event.percent, time };
}
