import { lambdaFunctionPlaceholder, ref } from '../../contract/placeholders';
import type { LambdaStep } from '../../graph/schema';
import { type StepBuildContext, stepEventParameters, type TaskParts } from './common';

/** Direct function-ARN resource: the Task result is the handler's return value, no Payload wrapper. */
export function lambdaTask(context: StepBuildContext & { step: LambdaStep }): TaskParts {
  return { Resource: ref(lambdaFunctionPlaceholder(context.id)), Parameters: stepEventParameters(context) };
}
