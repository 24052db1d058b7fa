/** Shared machinery the step kinds' local modules (lib/local/kinds/<kind>.ts) run on. */

import type { Json } from '../../compiler/asl';
import { withEnvironment } from '../../contract/environment';
import { meterInProcess } from '../usage/in-process-meter';
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
    async () => {
      const handler = await context.handlers.load(modulePath, context.rootDir, instance);
      // Measured from the call, as Lambda's Duration is (loading stands for its Init, not billed here).
      const meter = meterInProcess();
      try {
        return await invokeInProcess(handler, context.attempt.input, {
          functionName: `${context.pipeline}-${context.stepId}`.slice(0, 64),
          requestId: requestIdFor(context.runId, context.stepId, context.attempt.attempt),
          timeoutSeconds: context.attempt.timeoutSeconds,
          memoryMiB,
          log: context.log,
        });
      } finally {
        const used = meter.stop();
        context.reportUsage?.({
          endedAt: new Date().toISOString(),
          measuredBy: 'in-process',
          scope: 'process',
          billedDurationMs: Math.max(1, Math.ceil(used.durationMs)),
          memorySizeMb: memoryMiB,
          ...used,
        });
      }
    },
    context.attempt.signal,
    overlay,
  );
}
