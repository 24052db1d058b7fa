/**
 * What the stack says of each pipeline (its outputs, read by the CLI, the smoke test and
 * `orchestra export airflow --stack`) and the alarms on its runs.
 */
import { CfnOutput, Fn, type Stack } from 'aws-cdk-lib';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { STACK_OUTPUTS } from '../../contract/stack-outputs';
import type { Pipeline } from '../pipeline';
import { ALARM_PERIOD, type StackAlarms } from './alarms';

/** Step id → value pairs in one output (`a=x,b=y`). */
const pairs = (entries: ReadonlyArray<readonly [string, string]>): string =>
  Fn.join(
    ',',
    entries.map(([stepId, value]) => Fn.join('=', [stepId, value])),
  );

export function addPipelineOutputs(stack: Stack, pipeline: Pipeline, bucket: IBucket): void {
  const name = pipeline.source.name;
  new CfnOutput(stack, STACK_OUTPUTS.stateMachineArn(name), { value: pipeline.stateMachine.stateMachineArn, description: `${name} state machine` });
  new CfnOutput(stack, STACK_OUTPUTS.executionLogGroup(name), { value: pipeline.logGroup.logGroupName, description: `${name} execution logs` });
  const stepLogGroups = Object.entries(pipeline.stepLogGroups).map(([stepId, group]) => [stepId, group.logGroupName] as const);
  if (stepLogGroups.length > 0)
    new CfnOutput(stack, STACK_OUTPUTS.stepLogGroups(name), {
      value: pairs(stepLogGroups),
      description: `${name} step log groups, as step=log-group pairs (aws logs tail <group> --follow)`,
    });
  const targets = [
    ...Object.entries(pipeline.functions).map(([stepId, fn]) => [stepId, fn.functionName] as const),
    ...Object.entries(pipeline.taskDefinitions).map(([stepId, task]) => [stepId, task.taskDefinitionArn] as const),
  ];
  if (targets.length > 0)
    new CfnOutput(stack, STACK_OUTPUTS.stepTargets(name), {
      value: pairs(targets),
      description: `${name} steps' functions and task definitions, as step=name pairs (orchestra export airflow --stack)`,
    });
  const ingestPrefix = pipeline.source.graph.trigger?.ingestPrefix;
  if (ingestPrefix !== undefined)
    new CfnOutput(stack, STACK_OUTPUTS.ingestPrefix(name), { value: `s3://${bucket.bucketName}/${ingestPrefix}`, description: `upload here to start ${name}` });
}

/** Failed, timed out or aborted runs, and throttling, raise the stack's alarm. */
export function addPipelineAlarms(pipeline: Pipeline, alarms: StackAlarms): void {
  const name = pipeline.source.name;
  alarms.alarmOn(pipeline, 'FailedRunsAlarm', `Runs of ${name} failed, timed out or were aborted`, pipeline.stateMachine.metricFailed({ period: ALARM_PERIOD, statistic: 'Sum' }));
  alarms.alarmOn(pipeline, 'ThrottledAlarm', `Step Functions throttled ${name}`, pipeline.stateMachine.metricThrottled({ period: ALARM_PERIOD, statistic: 'Sum' }));
}
