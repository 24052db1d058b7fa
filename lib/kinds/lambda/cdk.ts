import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { grantDataAccess } from '../../cdk/data-access';
import { StepFunction } from '../../cdk/step-function';
import type { CdkKind } from '../../cdk/step-resources';
import { FUNCTION_ENV } from '../../contract/environment';
import { stepLogGroupName } from '../../contract/log-groups';
import { lambdaFunctionPlaceholder } from '../../contract/placeholders';
import { resourceNameOf } from '../../contract/resource-names';
import type { LambdaStep } from '../../graph/schema';
import { LAMBDA_MAX_TIMEOUT_SECONDS } from './schema';

/** One NodejsFunction per step, with its own role and log group. */
const resources: CdkKind<LambdaStep>['resources'] = ({ scope, graph, stepId, step, rootDir, bucket, access }) => {
  const logGroupName = stepLogGroupName(Stack.of(scope).stackName, graph.name, stepId);
  const fn = new StepFunction(scope, `${resourceNameOf(stepId)}Function`, {
    logGroupName,
    entry: join(rootDir, step.handler),
    projectRoot: rootDir,
    ...(step.files === undefined ? {} : { files: step.files }),
    ...(step.memoryMiB === undefined ? {} : { memoryMiB: step.memoryMiB }),
    ...(step.timeoutSeconds === undefined ? {} : { timeoutSeconds: Math.min(step.timeoutSeconds, LAMBDA_MAX_TIMEOUT_SECONDS) }),
    environment: { [FUNCTION_ENV.bucket]: bucket.bucketName, POWERTOOLS_SERVICE_NAME: graph.name },
  });
  grantDataAccess(bucket, fn.role, access);
  return { substitutions: { [lambdaFunctionPlaceholder(stepId)]: fn.functionArn }, invokes: fn, function: fn, logGroup: fn.logGroup, logGroupName };
};

export const lambdaCdk: CdkKind<LambdaStep> = { resources, functionEntry: (step, rootDir) => join(rootDir, step.handler) };
