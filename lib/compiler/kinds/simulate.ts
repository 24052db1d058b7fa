import { PLACEHOLDERS, ref } from '../../contract/placeholders';
import type { SimulateStep } from '../../graph/schema';
import type { Json, JsonObject } from '../asl';
import { type CompileKind, stepEventParameters } from './task';

/** All simulate steps share one built-in function (functions/simulate-step); the settings travel in the event. */
export const simulateCompile: CompileKind<SimulateStep> = {
  buildTask(context) {
    const { step } = context;
    // Only what differs from the defaults (0 ms, never fails, {"ok": true}): every byte repeats per step.
    const simulate: JsonObject = {};
    if (step.durationMs !== undefined) simulate['durationMs'] = step.durationMs as Json;
    if (step.failureRate !== undefined) simulate['failureRate'] = step.failureRate;
    if (step.output !== undefined) simulate['output'] = step.output as Json;
    if (step.writes !== undefined) simulate['writes'] = step.writes;
    return { Resource: ref(PLACEHOLDERS.simulateFunction), Parameters: { ...stepEventParameters(context), simulate } };
  },
  /** Exactly its declared output, else the default: `{"ok":true}`, or the URI of what it writes. */
  resultBytes: (step) => Buffer.byteLength(JSON.stringify(step.output ?? (step.writes === undefined ? { ok: true } : { uri: `s3://${'b'.repeat(63)}/${step.writes}` }))),
  /** Its declared output (JSON is type syntax too), else the default. */
  resultType: (step) => (step.output !== undefined ? JSON.stringify(step.output) : step.writes === undefined ? '{ readonly ok: true }' : '{ readonly uri: string }'),
};
