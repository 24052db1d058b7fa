import { resourceNameOf } from '../../graph/resource-names';
import type { ContainerStep } from '../../graph/schema';
import type { JsonObject } from '../asl-types';
import { DATA_BUCKET, ECS_CLUSTER, ref, SECURITY_GROUP_IDS, SUBNET_IDS, taskDefinitionPlaceholder } from '../placeholders';
import { outputPrefixExpression, type StepBuildContext, type TaskParts } from './common';

/** Name of the container in every Orchestra task definition. */
export const CONTAINER_NAME = 'step';

export const dependencyEnvName = (dep: string): string => `ORCHESTRA_DEPENDENCY_${resourceNameOf(dep).toUpperCase()}`;

/**
 * Fargate task run synchronously (`runTask.sync` waits for the task to stop). The container learns
 * where to read and write from environment variables; a non-zero exit fails the step.
 */
export function containerTask({ graph, id, step }: StepBuildContext & { step: ContainerStep }): TaskParts {
  const deps = step.dependsOn ?? [];
  const environment: JsonObject[] = [
    { Name: 'ORCHESTRA_PIPELINE', Value: graph.name },
    { Name: 'ORCHESTRA_STEP', Value: id },
    { Name: 'ORCHESTRA_RUN_ID', 'Value.$': '$$.Execution.Name' },
    { Name: 'ORCHESTRA_BUCKET', Value: ref(DATA_BUCKET) },
    { Name: 'ORCHESTRA_OUTPUT_PREFIX', 'Value.$': outputPrefixExpression(graph.name, id) },
    { Name: 'ORCHESTRA_INPUT', 'Value.$': 'States.JsonToString($.input)' },
    { Name: 'ORCHESTRA_DEPENDENCIES', Value: deps.join(',') },
    ...deps.map((dep) => ({ Name: dependencyEnvName(dep), 'Value.$': `States.JsonToString($.steps.${dep})` })),
  ];
  return {
    Resource: 'arn:aws:states:::ecs:runTask.sync',
    Parameters: {
      LaunchType: 'FARGATE',
      Cluster: ref(ECS_CLUSTER),
      TaskDefinition: ref(taskDefinitionPlaceholder(id)),
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          'Subnets.$': `States.StringSplit('${ref(SUBNET_IDS)}', ',')`,
          'SecurityGroups.$': `States.StringSplit('${ref(SECURITY_GROUP_IDS)}', ',')`,
          AssignPublicIp: 'ENABLED',
        },
      },
      Overrides: { ContainerOverrides: [{ Name: CONTAINER_NAME, Environment: environment }] },
    },
    ResultSelector: { 'taskArn.$': '$.TaskArn' },
  };
}
