import { Stack } from 'aws-cdk-lib';
import { SIMULATE_FUNCTION_NAME, sharedLogGroupName } from '../../contract/log-groups';
import { PLACEHOLDERS } from '../../contract/placeholders';
import type { SimulateStep } from '../../graph/schema';
import type { CdkKind } from '../step-resources';

/** Every simulate step calls the stack's one shared function; the settings travel in the event. */
export const simulateCdk: CdkKind<SimulateStep> = {
  resources: ({ scope, simulateFunction }) => ({
    substitutions: { [PLACEHOLDERS.simulateFunction]: simulateFunction.functionArn },
    invokes: simulateFunction,
    logGroupName: sharedLogGroupName(Stack.of(scope).stackName, SIMULATE_FUNCTION_NAME),
  }),
};
