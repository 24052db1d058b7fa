import { Stack } from 'aws-cdk-lib';
import { SERVICE_CALL_FUNCTION_NAME, sharedLogGroupName } from '../../contract/log-groups';
import { PLACEHOLDERS } from '../../contract/placeholders';
import type { ServiceStep } from '../../graph/schema';
import { InvariantError } from '../../shared/errors';
import type { CdkKind } from '../step-resources';

/** Every service step calls the stack's one service-call function (lib/cdk/service-calls.ts); the settings travel in the event. */
export const serviceCdk: CdkKind<ServiceStep> = {
  resources: ({ scope, serviceCallFunction }) => {
    if (serviceCallFunction === undefined) throw new InvariantError('a service step, but the stack created no service-call function');
    return {
      substitutions: { [PLACEHOLDERS.serviceCallFunction]: serviceCallFunction.functionArn },
      invokes: serviceCallFunction,
      logGroupName: sharedLogGroupName(Stack.of(scope).stackName, SERVICE_CALL_FUNCTION_NAME),
    };
  },
};
