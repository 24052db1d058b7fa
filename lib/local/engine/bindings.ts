/**
 * Local values for the definition's `${...}` placeholders. Locally every Task is served by a local
 * handler, so the ARNs only need to be well-formed; the bucket is the embedded one.
 */
import type { IntegrationArns } from '../../access/integrations';
import {
  codeIdentityPlaceholder,
  lambdaFunctionPlaceholder,
  PLACEHOLDERS,
  stateMachinePlaceholder,
  substitutionsFor,
  taskDefinitionPlaceholder,
} from '../../contract/placeholders';
import type { PipelineGraph } from '../../graph/schema';
import { executionArnOf } from '../../runtime/execution-history';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';
const ACCOUNT = LOCAL_ACCOUNT;
const REGION = LOCAL_REGION;

/** The local state machine of a pipeline: named after it, as the runs API and `aws stepfunctions` see it. */
export const localStateMachineArn = (pipeline: string): string => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${pipeline}`;

/** The local execution of run `runId`: what `$$.Execution.Id` and the Step Functions endpoint call it. */
export const localExecutionArn = (pipeline: string, runId: string): string => executionArnOf(localStateMachineArn(pipeline), runId);

export const localFunctionName = (pipeline: string, step: string): string => `${pipeline}-${step}`.slice(0, 64);

const localFunctionArn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const localTaskDefinitionArn = (pipeline: string, step: string): string => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${localFunctionName(pipeline, step)}:1`;

/** What a pipeline's Tasks call, locally: the same ARNs the definition's placeholders get. */
export const localIntegrationArns = (pipeline: string): IntegrationArns => ({
  function: (stepId, step) =>
    localFunctionArn(step.kind === 'simulate' ? 'orchestra-simulate-step' : step.kind === 'service' ? 'orchestra-service-call' : localFunctionName(pipeline, stepId)),
  taskDefinition: (stepId) => localTaskDefinitionArn(pipeline, stepId),
  stateMachine: localStateMachineArn,
  stepReuse: localFunctionArn(LOCAL_STEP_REUSE_FUNCTION),
});

export const LOCAL_STEP_REUSE_FUNCTION = 'orchestra-step-reuse';

/**
 * What a reused step's code identity placeholder is filled with locally: a marker the reuse check's
 * local handler replaces with the code as it is when the check runs (lib/local/reuse/code-identity.ts),
 * since handlers here change without a deploy.
 */
export const LOCAL_CODE_IDENTITY_MARKER = 'local-code-identity';

export function localSubstitutions(graph: PipelineGraph, definitionText: string, bucket: string): Record<string, string> {
  const values: Record<string, string> = {
    [PLACEHOLDERS.dataBucket]: bucket,
    [PLACEHOLDERS.simulateFunction]: localFunctionArn('orchestra-simulate-step'),
    [PLACEHOLDERS.serviceCallFunction]: localFunctionArn('orchestra-service-call'),
    [PLACEHOLDERS.stepReuseFunction]: localFunctionArn(LOCAL_STEP_REUSE_FUNCTION),
    [PLACEHOLDERS.ecsCluster]: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/orchestra-local`,
    [PLACEHOLDERS.subnetIds]: 'subnet-local',
    [PLACEHOLDERS.securityGroupIds]: 'sg-local',
  };
  for (const [id, step] of Object.entries(graph.steps)) {
    if (step.kind === 'pipeline') values[stateMachinePlaceholder(step.pipeline)] = localStateMachineArn(step.pipeline);
    values[lambdaFunctionPlaceholder(id)] = localFunctionArn(localFunctionName(graph.name, id));
    values[taskDefinitionPlaceholder(id)] = localTaskDefinitionArn(graph.name, id);
    values[codeIdentityPlaceholder(id)] = LOCAL_CODE_IDENTITY_MARKER;
  }
  return substitutionsFor(definitionText, values);
}
