/** Shared machinery the step kinds' local modules (lib/local/kinds/<kind>.ts) run on. */

import type { Json } from '../../compiler/asl';
import { withEnvironment } from '../../contract/environment';
import type { StepRunContext } from './context';
import { invokeInProcess, requestIdFor } from './lambda';
import { scopeProcessEnvToInvocations } from './process-env';

export { ContainerOverridesTooLongError, ContainerStepError, MAX_CONTAINER_OVERRIDES_CHARACTERS, runLocalContainer } from './container';
export type { LocalKind, StepRunContext } from './context';

/**
 * Calls a handler module in-process, inside this runtime's environment, as the Lambda runtime would
 * call its bundle. `instance` names the deployed function it stands for: each gets its own copy of the
 * module (module-level clients and state), as each Lambda function has its own process.
 */
export async function runInProcess(
  modulePath: string,
  memoryMiB: number,
  context: StepRunContext,
  environment: Readonly<Record<string, string>> = {},
  instance: string = modulePath,
): Promise<Json> {
  scopeProcessEnvToInvocations();
  // Lambda sets LAMBDA_TASK_ROOT to the bundle, where a step's `files` are; here they are in the project.
  // Its memory size too, which handlers may size their work by.
  const overlay = { ...context.environment, LAMBDA_TASK_ROOT: context.rootDir, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMiB), ...environment };
  return withEnvironment(
    { ...context.handlerEnvironment, ...overlay },
    // Loaded inside the invocation: module-level code (a client, `process.env.X`) sees the function's environment, as on Lambda.
    async () =>
      invokeInProcess(await context.handlers.load(modulePath, context.rootDir, instance), context.attempt.input, {
        functionName: `${context.pipeline}-${context.stepId}`.slice(0, 64),
        requestId: requestIdFor(context.runId, context.stepId, context.attempt.attempt),
        timeoutSeconds: context.attempt.timeoutSeconds,
        memoryMiB,
        log: context.log,
      }),
    context.attempt.signal,
    overlay,
  );
}
