import { PLACEHOLDERS, ref } from '../../contract/placeholders';
import type { SimulateStep } from '../../graph/schema';
import type { Json, JsonObject } from '../asl';
import { type StepBuildContext, stepEventParameters, type TaskParts } from './common';

/** All simulate steps share one built-in function (functions/simulate-step); the settings travel in the event. */
export function simulateTask(context: StepBuildContext & { step: SimulateStep }): TaskParts {
  const { step } = context;
  // Only what differs from the defaults (0 ms, never fails, {"ok": true}): every byte repeats per step.
  const simulate: JsonObject = {};
  if (step.durationMs !== undefined) simulate['durationMs'] = step.durationMs as Json;
  if (step.failureRate !== undefined) simulate['failureRate'] = step.failureRate;
  if (step.output !== undefined) simulate['output'] = step.output as Json;
  return { Resource: ref(PLACEHOLDERS.simulateFunction), Parameters: { ...stepEventParameters(context), simulate } };
}
