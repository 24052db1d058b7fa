/**
 * Step outcomes of a run whose machine reuses steps: the Tasks around a reused step (its check and
 * save, lib/compiler/reuse.ts) are not steps of their own but speak for it. A reuse makes the step
 * SUCCEEDED with no attempt and `reusedFrom`; a check or save that failed fails it.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { PipelineDescription } from '../contract/pipeline-description';
import type { StepOutcome } from '../contract/run-answers';
import { isJsonRecord } from '../shared/json';
import { taskResultsFrom } from './execution-history';

const reusedFromOf = (result: unknown): StepOutcome['reusedFrom'] => {
  if (!isJsonRecord(result) || result['reused'] !== true || !isJsonRecord(result['reusedFrom'])) return undefined;
  const { runId, step } = result['reusedFrom'];
  return typeof runId === 'string' && typeof step === 'string' ? { runId, step } : undefined;
};

export function withReuseOutcomes(
  outcomes: Readonly<Record<string, StepOutcome>>,
  events: readonly HistoryEvent[],
  description: PipelineDescription | undefined,
): Record<string, StepOutcome> {
  const steps: Record<string, StepOutcome> = { ...outcomes };
  const reused = Object.entries(description?.steps ?? {}).flatMap(([id, step]) => (step.reuseStates === undefined ? [] : [[id, step.reuseStates] as const]));
  if (reused.length === 0) return steps;
  const results = taskResultsFrom(events);
  for (const [id, names] of reused) {
    const check = steps[names.check];
    const save = steps[names.save];
    delete steps[names.check];
    delete steps[names.save];
    const reusedFrom = reusedFromOf(results.get(names.check));
    if (check !== undefined && reusedFrom !== undefined) {
      const { error: _error, cause: _cause, ...times } = check;
      steps[id] = { ...times, status: 'SUCCEEDED', attempts: 0, reusedFrom };
    } else if (check !== undefined && (check.status !== 'SUCCEEDED' || steps[id] === undefined)) {
      // Checking, or the check failed: the step's own Task has not started.
      steps[id] = { ...check, attempts: 0 };
    }
    const own = steps[id];
    if (save?.status === 'FAILED' && own !== undefined)
      steps[id] = {
        ...own,
        status: 'FAILED',
        ...(save.error === undefined ? {} : { error: save.error }),
        ...(save.cause === undefined ? {} : { cause: `saving the result for reuse failed: ${save.cause}` }),
      };
  }
  return steps;
}
