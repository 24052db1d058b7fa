import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { stateMachinePlaceholder } from '../../contract/placeholders';
import { deployedStateMachineName } from '../../contract/resource-names';
import type { PipelineStep } from '../../graph/schema';
import { deployedStateMachineArn } from '../state-machine-arns';
import type { CdkKind } from '../step-resources';

/** The rule Step Functions creates to learn that a child execution ended (`.sync`). */
export const SYNC_EXECUTION_RULE = 'StepFunctionsGetEventsForStepFunctionsExecutionRule';

/**
 * What `states:startExecution.sync:2` needs besides starting the child (lib/access/integrations.ts),
 * which CDK cannot infer from raw ASL: follow and stop its executions, and the events rule. The child is named, not referenced, so two
 * pipelines of a stack may run each other's machines without a CloudFormation cycle.
 */
export const pipelineCdk: CdkKind<PipelineStep> = {
  resources: ({ scope, step }) => {
    const stack = Stack.of(scope);
    const child = deployedStateMachineArn(scope, step.pipeline);
    const childExecutions = Arn.format(
      { service: 'states', resource: 'execution', resourceName: `${deployedStateMachineName(stack.stackName, step.pipeline)}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME },
      stack,
    );
    return {
      substitutions: { [stateMachinePlaceholder(step.pipeline)]: child },
      policies: [
        new PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: [childExecutions] }),
        new PolicyStatement({
          actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
          resources: [Arn.format({ service: 'events', resource: 'rule', resourceName: SYNC_EXECUTION_RULE }, stack)],
        }),
      ],
      wildcardReasons: {
        [childExecutions]: "Execution names are assigned when the child run starts; the wildcard stays inside the child pipeline's state machine.",
      },
    };
  },
};
