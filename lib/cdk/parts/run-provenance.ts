/**
 * Each run's provenance on AWS: when one of the stack's state machines ends an execution, EventBridge
 * calls Orchestra's run-provenance function (functions/run-provenance), which writes the run's
 * Workflow Run RO-Crate beside its outputs — what the local runtime does at each run's end.
 */
import { Arn, ArnFormat, CfnOutput, Duration, type Stack } from 'aws-cdk-lib';
import type { ICluster } from 'aws-cdk-lib/aws-ecs';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { DataItemAccess } from '../../access/data-items';
import { provenanceRoleAccess } from '../../access/run-provenance';
import { PIPELINE_DESCRIPTIONS_SETTING } from '../../contract/bundled-config';
import { FUNCTION_ENV } from '../../contract/environment';
import { sharedLogGroupName } from '../../contract/log-groups';
import { deployedStateMachineName } from '../../contract/resource-names';
import { STACK_OUTPUTS } from '../../contract/stack-outputs';
import { orchestraVersion } from '../../shared/package-root';
import { grantDataAccess } from '../data-access';
import { acknowledgeWildcardResources } from '../nag';
import { deployedDescriptionOf, type Pipeline } from '../pipeline';
import { BuiltinFunction } from '../step-function';
import { containerInsightsEnvironment, usageLogGroupArns } from './usage-log-groups';

export const RUN_PROVENANCE_FUNCTION_NAME = 'run-provenance';

/** Undefined for a stack without pipelines. `containerCluster`: where container steps run, whose Container Insights samples say what they used. */
export function runProvenance(
  stack: Stack,
  bucket: IBucket,
  pipelines: readonly Pipeline[],
  dataItems: ReadonlyMap<string, DataItemAccess>,
  deadLetterQueue: IQueue,
  containerCluster?: ICluster,
): BuiltinFunction | undefined {
  // Without pipelines there is no run to describe, and no machine to grant.
  if (pipelines.length === 0) return undefined;
  const fn = new BuiltinFunction(stack, 'RunProvenanceFunction', {
    builtin: 'run-provenance',
    logGroupName: sharedLogGroupName(stack.stackName, RUN_PROVENANCE_FUNCTION_NAME),
    memoryMiB: 1024,
    timeoutSeconds: 900,
    config: { [PIPELINE_DESCRIPTIONS_SETTING]: JSON.stringify(Object.fromEntries(pipelines.map((p) => [p.source.graph.name, deployedDescriptionOf(p)]))) },
    environment: {
      [FUNCTION_ENV.bucket]: bucket.bucketName,
      [FUNCTION_ENV.stackName]: stack.stackName,
      ORCHESTRA_VERSION: orchestraVersion(),
      POWERTOOLS_SERVICE_NAME: 'run-provenance',
      [FUNCTION_ENV.usageSource]: 'cloudwatch',
      ...containerInsightsEnvironment(containerCluster),
    },
  });
  grantDataAccess(
    bucket,
    fn.role,
    provenanceRoleAccess(
      pipelines.map((p) => p.source),
      dataItems,
    ),
  );
  const machines = pipelines.map((p) => p.stateMachine.stateMachineArn);
  const executions = pipelines.map((p) =>
    Arn.format(
      { service: 'states', resource: 'execution', resourceName: `${deployedStateMachineName(stack.stackName, p.source.graph.name)}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME },
      stack,
    ),
  );
  fn.addToRolePolicy(new PolicyStatement({ actions: ['states:DescribeStateMachine'], resources: machines }));
  fn.addToRolePolicy(new PolicyStatement({ actions: ['states:GetExecutionHistory'], resources: executions }));
  acknowledgeWildcardResources(fn.role, executions, "Reads the history of this stack's executions, named at run time.");
  // What each step used: Lambda's REPORT lines in the steps' groups, Container Insights' task samples.
  const usageLogs = usageLogGroupArns(stack, containerCluster);
  fn.addToRolePolicy(new PolicyStatement({ actions: ['logs:FilterLogEvents'], resources: usageLogs }));
  acknowledgeWildcardResources(fn.role, usageLogs, "Reads what this stack's steps used from their log groups; streams are created at run time.");
  new Rule(stack, 'RunProvenanceRule', {
    description: "A run's Workflow Run RO-Crate beside its outputs, once it ends",
    eventPattern: {
      source: ['aws.states'],
      detailType: ['Step Functions Execution Status Change'],
      detail: { status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: machines },
    },
    targets: [new LambdaFunction(fn, { retryAttempts: 8, maxEventAge: Duration.hours(6), deadLetterQueue })],
  });
  new CfnOutput(stack, STACK_OUTPUTS.runProvenanceFunction, {
    value: fn.functionName,
    description: "writes a run's RO-Crate when it ends; `orchestra export ro-crate --stack` invokes it for a run without one",
  });
  return fn;
}
