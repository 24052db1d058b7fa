import type { Step } from '../../graph/schema';
import type { StepBuildContext, TaskParts } from './common';
import { containerTask } from './container';
import { lambdaTask } from './lambda';
import { simulateTask } from './simulate';

export type { TaskParts } from './common';
export { CONTAINER_NAME } from './container';

type Builders = { [K in Step['kind']]: (context: StepBuildContext & { step: Extract<Step, { kind: K }> }) => TaskParts };

/** One builder per step kind, picked by lookup. */
const builders: Builders = { lambda: lambdaTask, container: containerTask, simulate: simulateTask };

export function buildTask(context: StepBuildContext): TaskParts {
  const build = builders[context.step.kind] as (c: StepBuildContext) => TaskParts;
  return build(context);
}

/** Defaults when neither the step nor the graph's `defaults` say otherwise. */
export const DEFAULT_TIMEOUT_SECONDS: Record<Step['kind'], number> = { lambda: 300, simulate: 300, container: 3600 };
export const DEFAULT_ESTIMATED_SECONDS: Record<Step['kind'], number> = { lambda: 1, simulate: 0, container: 60 };
