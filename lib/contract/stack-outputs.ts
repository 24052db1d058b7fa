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
  stateMachineArn: (pipeline: string): string => `${pipelineConstructId(pipeline)}StateMachineArn`,
  executionLogGroup: (pipeline: string): string => `${pipelineConstructId(pipeline)}LogGroup`,
  ingestPrefix: (pipeline: string): string => `${pipelineConstructId(pipeline)}IngestPrefix`,
  /** `step=log-group` pairs joined by commas. */
  stepLogGroups: (pipeline: string): string => `${pipelineConstructId(pipeline)}StepLogGroups`,
} as const;

/** Parses the stepLogGroups output. */
export function parseStepLogGroups(value: string): Record<string, string> {
  return Object.fromEntries(
    value
      .split(',')
      .filter((pair) => pair.includes('='))
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}
