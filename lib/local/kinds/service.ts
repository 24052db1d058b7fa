import { PermanentStepError } from '../../contract/errors';
import type { ServiceStep } from '../../graph/schema';
import { SERVICE_CALL_MEMORY_MIB } from '../../kinds/service/schema';
import { builtinFunctionModule } from '../../shared/builtin-functions';
import { isJsonRecord } from '../../shared/json';
import { type LocalKind, runInProcess } from '../task-runners';

/** The built-in function behind every service step (functions/service-call), shipped with Orchestra. */
export const SERVICE_CALL_HANDLER = builtinFunctionModule('service-call');

/**
 * As Lambda's `lambda:invoke` integration does, the function gets the Task's `Payload`; the Task then
 * waits on its token (the engine's part), not on the function's return value.
 */
export const serviceLocal: LocalKind<ServiceStep> = {
  run: (context) => {
    const payload = isJsonRecord(context.attempt.input) ? context.attempt.input['Payload'] : undefined;
    if (!isJsonRecord(payload)) throw new PermanentStepError(`${context.stepId}: the Task has no "Payload" object — was the definition compiled by this version of Orchestra?`);
    return runInProcess(SERVICE_CALL_HANDLER, SERVICE_CALL_MEMORY_MIB, { ...context, attempt: { ...context.attempt, input: payload } });
  },
  isProcess: false,
};
