import { Stack } from 'aws-cdk-lib';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { simulateRoleAccess } from '../../access/roles';
import type { PipelineSource } from '../../catalogue';
import { SIMULATE_FUNCTION_NAME, sharedLogGroupName } from '../../contract/log-groups';
import { PLACEHOLDERS } from '../../contract/placeholders';
import type { SimulateStep } from '../../graph/schema';
import { SIMULATE_MEMORY_MIB } from '../../kinds/simulate/schema';
import { grantDataAccess } from '../data-access';
import { BuiltinFunction } from '../step-function';
import type { CdkKind } from '../step-resources';

/**
 * The kind's shared resource: one function every simulate step of every pipeline calls. Simulated
 * products are data items: it may write where the pipelines' `writes` templates point, no further.
 */
export function simulateStepFunction(stack: Stack, bucket: IBucket, pipelines: readonly PipelineSource[]): BuiltinFunction {
  const simulateFunction = new BuiltinFunction(stack, 'SimulateStepFunction', {
    builtin: 'simulate-step',
    logGroupName: sharedLogGroupName(stack.stackName, SIMULATE_FUNCTION_NAME),
    memoryMiB: SIMULATE_MEMORY_MIB,
    environment: { ORCHESTRA_BUCKET: bucket.bucketName, POWERTOOLS_SERVICE_NAME: 'simulate-step' },
  });
  grantDataAccess(bucket, simulateFunction.role, simulateRoleAccess(pipelines));
  return simulateFunction;
}

/** Every simulate step calls the stack's one shared function; the settings travel in the event. */
export const simulateCdk: CdkKind<SimulateStep> = {
  resources: ({ scope, simulateFunction }) => ({
    substitutions: { [PLACEHOLDERS.simulateFunction]: simulateFunction.functionArn },
    invokes: simulateFunction,
    logGroupName: sharedLogGroupName(Stack.of(scope).stackName, SIMULATE_FUNCTION_NAME),
  }),
};
