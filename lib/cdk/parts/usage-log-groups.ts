/**
 * The log groups where what each step used is read on AWS (lib/runtime/cloudwatch-usage.ts): the
 * steps' own groups (Lambda's REPORT lines, under /orchestra/<stack>/) and the cluster's Container
 * Insights performance group. The runs API and the run-provenance function both read them.
 */
import { Arn, ArnFormat, type Stack } from 'aws-cdk-lib';
import type { ICluster } from 'aws-cdk-lib/aws-ecs';
import { FUNCTION_ENV } from '../../contract/environment';

/** Where Container Insights writes a cluster's task samples (AWS names it; it is not the stack's). */
export const containerInsightsLogGroupName = (clusterName: string): string => `/aws/ecs/containerinsights/${clusterName}/performance`;

const logGroupArn = (stack: Stack, resourceName: string): string =>
  Arn.format({ service: 'logs', resource: 'log-group', resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }, stack);

/** The ARNs of the groups a reader of steps' usage needs (`logs:FilterLogEvents`), streams included. */
export function usageLogGroupArns(stack: Stack, containerCluster: ICluster | undefined): string[] {
  return [
    logGroupArn(stack, `/orchestra/${stack.stackName}/*`),
    ...(containerCluster === undefined ? [] : [logGroupArn(stack, `${containerInsightsLogGroupName(containerCluster.clusterName)}:*`)]),
  ];
}

/** The environment that tells the function where Container Insights samples are, when the stack runs containers. */
export const containerInsightsEnvironment = (containerCluster: ICluster | undefined): Record<string, string> =>
  containerCluster === undefined ? {} : { [FUNCTION_ENV.containerInsightsLogGroup]: containerInsightsLogGroupName(containerCluster.clusterName) };
