import { join } from 'node:path';
import type { LambdaStep } from '../../graph/schema';
import { type LocalKind, runInProcess } from '../../local/task-runners';
import { DEFAULT_LAMBDA_MEMORY_MIB } from './schema';

/** The handler module is imported and called in-process with the step event. */
export const lambdaLocal: LocalKind<LambdaStep> = {
  run: (context) => runInProcess(join(context.rootDir, context.step.handler), context.step.memoryMiB ?? DEFAULT_LAMBDA_MEMORY_MIB, context),
  isProcess: false,
};
