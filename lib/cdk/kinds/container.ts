import { join } from 'node:path';
import { Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { SubnetType } from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { ContainerImage, CpuArchitecture, FargateTaskDefinition, LogDrivers } from 'aws-cdk-lib/aws-ecs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { stepLogGroupName } from '../../contract/log-groups';
import { PLACEHOLDERS, taskDefinitionPlaceholder } from '../../contract/placeholders';
import { resourceNameOf } from '../../contract/resource-names';
import { resolveStep } from '../../graph/resolve-step';
import type { ContainerStep } from '../../graph/schema';
import { CONTAINER_NAME, DEFAULT_CONTAINER_CPU, DEFAULT_CONTAINER_MEMORY_MIB, imageSourceOf } from '../../kinds/container/schema';
import { InvariantError } from '../../shared/errors';
import { isJsonRecord } from '../../shared/json';
import { grantDataAccess } from '../data-access';
import { acknowledge } from '../nag';
import type { CdkKind } from '../step-resources';

/** CDK context key: `{"<pipeline>/<step>": "<image URI>"}`, so a site deploys its own build (e.g. of DassFlow-2D) without editing the graph. */
export const IMAGES_CONTEXT = 'orchestra:images';

/** The image the deployment names for this step, if any; a malformed setting fails the synth, naming the key. */
function imageOverride(scope: Construct, pipeline: string, stepId: string): string | undefined {
  const images: unknown = scope.node.tryGetContext(IMAGES_CONTEXT);
  if (images === undefined) return undefined;
  let parsed: unknown = images;
  if (typeof images === 'string')
    try {
      parsed = JSON.parse(images);
    } catch {
      parsed = undefined;
    }
  if (!isJsonRecord(parsed))
    throw new Error(
      `CDK context ${IMAGES_CONTEXT} must be a JSON object {"<pipeline>/<step>": "<image URI>"}, e.g. -c '${IMAGES_CONTEXT}={"my-pipeline/my-step":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-model:1.0"}'`,
    );
  const image = parsed[`${pipeline}/${stepId}`];
  if (image !== undefined && (typeof image !== 'string' || image === '')) throw new Error(`CDK context ${IMAGES_CONTEXT}: "${pipeline}/${stepId}" must be an image URI string`);
  return image;
}

/**
 * Left out of every image's build context, with or without a .dockerignore (CDK adds its lines): without
 * them a project's synth copied its node_modules — and cdk.out into itself — into each image asset.
 */
const NEVER_IN_A_BUILD_CONTEXT = ['node_modules', 'cdk.out', '.orchestra', '.git'];

/** A Fargate task definition per step, with its log group and task role; run by `ecs:runTask.sync`. */
const resources: CdkKind<ContainerStep>['resources'] = ({ scope, graph, stepId, step, rootDir, bucket, access, network }) => {
  if (network === undefined) throw new InvariantError(`pipeline ${graph.name} has container steps: pass cluster, vpc and securityGroup`);
  const name = resourceNameOf(stepId);
  const logGroupName = stepLogGroupName(Stack.of(scope).stackName, graph.name, stepId);
  const logGroup = new LogGroup(scope, `${name}Logs`, { logGroupName, retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  const task = new FargateTaskDefinition(scope, `${name}Task`, {
    cpu: step.cpu ?? DEFAULT_CONTAINER_CPU,
    memoryLimitMiB: resolveStep(graph, step).memoryMiB ?? DEFAULT_CONTAINER_MEMORY_MIB,
    runtimePlatform: { cpuArchitecture: CpuArchitecture.X86_64 },
  });
  const source = imageSourceOf(imageOverride(scope, graph.name, stepId) ?? step.image);
  // The build context is the project root, filtered by its .dockerignore (which CDK also reads for the asset hash).
  // Built for the task's x86_64 CPUs whatever machine builds it (an image built on arm64 would not start).
  const image =
    source.type === 'dockerfile'
      ? ContainerImage.fromAsset(rootDir, { file: join(source.folder, 'Dockerfile'), platform: Platform.LINUX_AMD64, exclude: NEVER_IN_A_BUILD_CONTEXT })
      : ContainerImage.fromRegistry(source.uri);
  task.addContainer(CONTAINER_NAME, {
    image,
    essential: true,
    ...(step.command === undefined ? {} : { command: step.command }),
    environment: { AWS_REGION: Stack.of(scope).region, ...(step.environment ?? {}) },
    logging: LogDrivers.awsLogs({ streamPrefix: `${graph.name}/${stepId}`, logGroup }),
  });
  acknowledge(
    task,
    'AwsSolutions-ECS2',
    "The environment holds the region and the step's non-secret settings from the graph; run values arrive as container overrides. Secrets belong in Secrets Manager, not in the graph.",
  );
  acknowledge(task.obtainExecutionRole(), 'AwsSolutions-IAM5', 'Pulling from ECR needs ecr:GetAuthorizationToken, which has no resource-level permissions.', 'Resource::*');
  grantDataAccess(bucket, task.taskRole, access);
  return {
    substitutions: {
      [taskDefinitionPlaceholder(stepId)]: task.taskDefinitionArn,
      [PLACEHOLDERS.ecsCluster]: network.cluster.clusterArn,
      [PLACEHOLDERS.subnetIds]: Fn.join(',', network.vpc.selectSubnets({ subnetType: SubnetType.PUBLIC }).subnetIds),
      [PLACEHOLDERS.securityGroupIds]: network.securityGroup.securityGroupId,
    },
    taskDefinition: task,
    logGroup,
  };
};

export const containerCdk: CdkKind<ContainerStep> = { resources, needsContainerNetwork: true };
