import type { SimulateStep } from '../../graph/schema';
import type { Json, JsonObject } from '../asl-types';
import { ref, SIMULATE_FUNCTION } from '../placeholders';
import { stepEventParameters, type StepBuildContext, type TaskParts } from './common';

/** All simulate steps share one built-in function (functions/simulate-step); the settings travel in the event. */
export function simulateTask(context: StepBuildContext & { step: SimulateStep }): TaskParts {
  const { step } = context;
  const simulate: JsonObject = {
    durationMs: (step.durationMs ?? 0) as Json,
    failureRate: step.failureRate ?? 0,
    output: (step.output ?? { ok: true }) as Json,
  };
  return { Resource: ref(SIMULATE_FUNCTION), Parameters: { ...stepEventParameters(context), simulate } };
}
