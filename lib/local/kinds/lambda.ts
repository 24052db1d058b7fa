import { join } from 'node:path';
import { FUNCTION_ENV } from '../../contract/environment';
import { resolveStep } from '../../graph/resolve-step';
import type { LambdaStep } from '../../graph/schema';
import { DEFAULT_LAMBDA_MEMORY_MIB } from '../../kinds/lambda/schema';
import { type LocalKind, runInProcess } from '../task-runners';

/** The handler module is imported and called in-process with the step event. */
export const lambdaLocal: LocalKind<LambdaStep> = {
  // The step's `files` are listed for functions/commons/bundled-files.ts, which refuses others as Lambda would.
  run: (context) =>
    runInProcess(
      join(context.rootDir, context.step.handler),
      // Memory is the step's own or its kind's (the graph's `defaults` have none).
      resolveStep({}, context.step).memoryMiB ?? DEFAULT_LAMBDA_MEMORY_MIB,
      context,
      { [FUNCTION_ENV.stepFiles]: JSON.stringify(context.step.files ?? []) },
      // Its own function: two steps with one handler file are two functions on AWS.
      `${context.pipeline}\n${context.stepId}`,
    ),
  isProcess: false,
};
