import { lambdaFunctionPlaceholder, ref } from '../../contract/placeholders';
import type { LambdaStep } from '../../graph/schema';
import { type CompileKind, stepEventParameters } from '../task';

/** Direct function-ARN resource: the Task result is the handler's return value, no Payload wrapper. */
export const lambdaCompile: CompileKind<LambdaStep> = {
  buildTask: (context) => ({ Resource: ref(lambdaFunctionPlaceholder(context.id)), Parameters: stepEventParameters(context) }),
  defaultTimeoutSeconds: 300,
  estimatedSeconds: () => 1,
};
