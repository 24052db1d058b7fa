/**
 * The CloudFormation output keys of OrchestraStack, shared with what reads them (the LocalStack
 * smoke script, the end-to-end tests against a deployed stack). No aws-cdk-lib here: readers stay light.
 */

/** Construct id of a pipeline in the stack; CloudFormation output keys allow only letters and digits. */
export const pipelineConstructId = (pipeline: string): string => `Pipeline${pipeline.replace(/[^A-Za-z0-9]/g, '')}`;

export const STACK_OUTPUTS = {
  dataBucket: 'DataBucketName',
  alarmTopic: 'AlarmTopicArn',
  dashboard: 'DashboardName',
  runsApiUrl: 'RunsApiUrl',
  keyTable: 'KeyTableName',
  /** The run-provenance function: `orchestra export ro-crate --stack` asks it for a run that ended without a crate. */
  runProvenanceFunction: 'RunProvenanceFunctionName',
  stateMachineArn: (pipeline: string): string => `${pipelineConstructId(pipeline)}StateMachineArn`,
  executionLogGroup: (pipeline: string): string => `${pipelineConstructId(pipeline)}LogGroup`,
  ingestPrefix: (pipeline: string): string => `${pipelineConstructId(pipeline)}IngestPrefix`,
  /** `step=log-group` pairs joined by commas. */
  stepLogGroups: (pipeline: string): string => `${pipelineConstructId(pipeline)}StepLogGroups`,
  /** `step=target` pairs joined by commas: a Lambda step's function name, a container step's task definition ARN. */
  stepTargets: (pipeline: string): string => `${pipelineConstructId(pipeline)}StepTargets`,
  /** Where container steps run: the ECS cluster, its subnets (comma-separated) and security group. */
  ecsCluster: 'EcsClusterName',
  containerSubnets: 'ContainerSubnetIds',
  containerSecurityGroup: 'ContainerSecurityGroupId',
} as const;

/** Parses a `key=value,key=value` output (stepLogGroups, stepTargets). */
export function parseStepPairs(value: string): Record<string, string> {
  return Object.fromEntries(
    value
      .split(',')
      .filter((pair) => pair.includes('='))
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

export const parseStepLogGroups = parseStepPairs;
