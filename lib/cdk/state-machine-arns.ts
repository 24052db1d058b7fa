/** `arn:<partition>:states:<region>:<account>:stateMachine:`: functions append deployedStateMachineName(pipeline). */
import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { deployedStateMachineName } from '../contract/resource-names';

export const stateMachineArnPrefix = (stack: Stack): string =>
  Arn.format({ service: 'states', resource: 'stateMachine', resourceName: '', arnFormat: ArnFormat.COLON_RESOURCE_NAME }, stack);

/**
 * A pipeline's state machine, by its fixed name rather than a reference: policies that name it this way
 * add no dependency on it (the runs API, the conductor and service steps' callbacks would close a cycle).
 */
export const deployedStateMachineArn = (scope: IConstruct, pipeline: string): string =>
  `${stateMachineArnPrefix(Stack.of(scope))}${deployedStateMachineName(Stack.of(scope).stackName, pipeline)}`;
