import { CONTAINER_ENV, dependencyEnvName } from '../../contract/environment';
import { PLACEHOLDERS, ref, taskDefinitionPlaceholder } from '../../contract/placeholders';
import { ITEM_RUN_ID_PATH, itemOutputPrefixExpression, outputPrefixExpression } from '../../contract/step-event';
import type { ContainerStep } from '../../graph/schema';
import { CONTAINER_NAME } from '../../kinds/container/schema';
import type { JsonObject } from '../asl';
import { type CompileKind, eventDependenciesOf, type StepBuildContext, type TaskParts } from './task';

/** The ECS integration that waits for the task to stop. */
export const ECS_RUN_TASK_SYNC = 'arn:aws:states:::ecs:runTask.sync';

/**
 * Fargate task run synchronously (`runTask.sync` waits for the task to stop). The container learns
 * where to read and write from environment variables; a non-zero exit fails the step.
 */
function containerTask({ graph, id, step }: StepBuildContext<ContainerStep>): TaskParts {
  const deps = eventDependenciesOf(step);
  const env = CONTAINER_ENV;
  const environment: JsonObject[] = [
    { Name: env.pipeline, Value: graph.name },
    { Name: env.step, Value: id },
    { Name: env.runId, 'Value.$': step.forEach === undefined ? '$$.Execution.Name' : ITEM_RUN_ID_PATH },
    { Name: env.bucket, Value: ref(PLACEHOLDERS.dataBucket) },
    { Name: env.outputPrefix, 'Value.$': step.forEach === undefined ? outputPrefixExpression(graph.name, id) : itemOutputPrefixExpression(graph.name, id) },
    { Name: env.input, 'Value.$': 'States.JsonToString($.input)' },
    { Name: env.dependencies, Value: deps.join(',') },
    ...deps.map((dep) => ({ Name: dependencyEnvName(dep), 'Value.$': `States.JsonToString($.steps.${dep})` })),
    ...(step.parameters === undefined ? [] : [{ Name: env.parameters, Value: JSON.stringify(step.parameters) }]),
    ...(step.forEach === undefined
      ? []
      : [
          { Name: env.item, 'Value.$': 'States.JsonToString($.item)' },
          { Name: env.itemIndex, 'Value.$': "States.Format('{}',$.itemIndex)" },
        ]),
  ];
  return {
    Resource: ECS_RUN_TASK_SYNC,
    Parameters: {
      LaunchType: 'FARGATE',
      Cluster: ref(PLACEHOLDERS.ecsCluster),
      TaskDefinition: ref(taskDefinitionPlaceholder(id)),
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          'Subnets.$': `States.StringSplit('${ref(PLACEHOLDERS.subnetIds)}', ',')`,
          'SecurityGroups.$': `States.StringSplit('${ref(PLACEHOLDERS.securityGroupIds)}', ',')`,
          AssignPublicIp: 'ENABLED',
        },
      },
      Overrides: { ContainerOverrides: [{ Name: CONTAINER_NAME, Environment: environment }] },
    },
    ResultSelector: { 'taskArn.$': '$.TaskArn' },
  };
}

/** The ResultSelector keeps only the task ARN: `{"taskArn": "arn:aws:ecs:<region>:<account>:task/<cluster>/<id>"}`, under 300 bytes. */
const CONTAINER_RESULT_BYTES = 300;

export const containerCompile: CompileKind<ContainerStep> = {
  buildTask: containerTask,
  resultBytes: () => CONTAINER_RESULT_BYTES,
  /** What its result.json holds (stepHandler and containerStep read it in), or `{taskArn}` when it wrote none. */
  resultType: () => 'unknown',
};
