/** `arn:<partition>:states:<region>:<account>:stateMachine:`: functions append deployedStateMachineName(pipeline). */
import { Arn, ArnFormat, type Stack } from 'aws-cdk-lib';

export const stateMachineArnPrefix = (stack: Stack): string =>
  Arn.format({ service: 'states', resource: 'stateMachine', resourceName: '', arnFormat: ArnFormat.COLON_RESOURCE_NAME }, stack);
