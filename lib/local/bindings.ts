/**
 * Local values for the definition's `${...}` placeholders. Locally every Task is served by a local
 * handler, so the ARNs only need to be well-formed; the bucket is the embedded one.
 */
import {
  DATA_BUCKET,
  ECS_CLUSTER,
  lambdaFunctionPlaceholder,
  placeholdersIn,
  SECURITY_GROUP_IDS,
  SIMULATE_FUNCTION,
  SUBNET_IDS,
  taskDefinitionPlaceholder,
} from '../compiler/placeholders';
import type { PipelineGraph } from '../graph/schema';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

export const localFunctionName = (pipeline: string, step: string): string => `${pipeline}-${step}`.slice(0, 64);

export function localSubstitutions(graph: PipelineGraph, definitionText: string, bucket: string): Record<string, string> {
  const values: Record<string, string> = {
    [DATA_BUCKET]: bucket,
    [SIMULATE_FUNCTION]: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orchestra-simulate-step`,
    [ECS_CLUSTER]: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/orchestra-local`,
    [SUBNET_IDS]: 'subnet-local',
    [SECURITY_GROUP_IDS]: 'sg-local',
  };
  for (const id of Object.keys(graph.steps)) {
    values[lambdaFunctionPlaceholder(id)] = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${localFunctionName(graph.name, id)}`;
    values[taskDefinitionPlaceholder(id)] = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${localFunctionName(graph.name, id)}:1`;
  }
  // Only what the definition uses, so a typo in a placeholder still fails loudly in substitute().
  return Object.fromEntries(
    placeholdersIn(definitionText)
      .filter((name) => name in values)
      .map((name) => [name, values[name] as string]),
  );
}
