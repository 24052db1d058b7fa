import { lambdaFunctionPlaceholder, ref } from '../../contract/placeholders';
import type { LambdaStep } from '../../graph/schema';
import { type CompileKind, stepEventParameters } from './task';

/**
 * What the run state budgets for a Lambda step's result: a handler may return up to 256 KiB, but
 * Orchestra's handlers return S3 keys of what they wrote, a few hundred bytes (README: "Step results").
 */
export const LAMBDA_RESULT_BUDGET_BYTES = 1024;

/** Direct function-ARN resource: the Task result is the handler's return value, no Payload wrapper. */
export const lambdaCompile: CompileKind<LambdaStep> = {
  buildTask: (context) => ({ Resource: ref(lambdaFunctionPlaceholder(context.id)), Parameters: stepEventParameters(context) }),
  resultBytes: () => LAMBDA_RESULT_BUDGET_BYTES,
  resultType: (step, moduleOf) => `StepResultOf<typeof import('${moduleOf(step.handler)}').handler>`,
};
