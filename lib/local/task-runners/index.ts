/** Shared machinery the step kinds' local modules (lib/kinds/<kind>/local.ts) run on. */

import type { Json } from '../../compiler/asl';
import { withEnvironment } from '../../contract/environment';
import type { StepRunContext } from './context';
import { invokeInProcess, requestIdFor } from './lambda';

export { ContainerOverridesTooLongError, ContainerStepError, MAX_CONTAINER_OVERRIDES_CHARACTERS, runLocalContainer } from './container';
export type { LocalKind, StepRunContext } from './context';

/** Calls a handler module in-process, inside this runtime's environment, as the Lambda runtime would call its bundle. */
export async function runInProcess(modulePath: string, memoryMiB: number, context: StepRunContext, environment: Readonly<Record<string, string>> = {}): Promise<Json> {
  const handler = await context.handlers.load(modulePath, context.rootDir);
  return withEnvironment(
    // Lambda sets LAMBDA_TASK_ROOT to the bundle, where a step's `files` are; here they are in the project.
    // Its memory size too, which handlers may size their work by.
    { ...context.handlerEnvironment, LAMBDA_TASK_ROOT: context.rootDir, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMiB), ...environment },
    () =>
      invokeInProcess(handler, context.attempt.input, {
        functionName: `${context.pipeline}-${context.stepId}`.slice(0, 64),
        requestId: requestIdFor(context.runId, context.stepId, context.attempt.attempt),
        timeoutSeconds: context.attempt.timeoutSeconds,
        memoryMiB,
        log: context.log,
      }),
    context.attempt.signal,
  );
}
