/**
 * Orchestra's step-reuse function (functions/step-reuse), one per stack, when a pipeline reuses steps:
 * the states around each reused step call it. Its role is lib/access/step-reuse.ts's, which the local
 * runtime enforces too.
 */
import type { Stack } from 'aws-cdk-lib';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { DataItemAccess } from '../../access/data-items';
import { reuseRoleAccess } from '../../access/step-reuse';
import type { PipelineSource } from '../../catalogue';
import { STEP_REUSE_FUNCTION_NAME, sharedLogGroupName } from '../../contract/log-groups';
import { STEP_REUSE_MEMORY_MIB } from '../../contract/step-reuse';
import { grantDataAccess } from '../data-access';
import { BuiltinFunction } from '../step-function';

/** As long as the reuse Tasks wait (lib/compiler/reuse.ts). */
const STEP_REUSE_TIMEOUT_SECONDS = 900;

export function stepReuseFunction(
  stack: Stack,
  bucket: IBucket,
  pipelines: readonly PipelineSource[],
  dataItems: ReadonlyMap<string, DataItemAccess>,
): BuiltinFunction | undefined {
  const access = reuseRoleAccess(pipelines, dataItems);
  if (access === undefined) return undefined;
  const fn = new BuiltinFunction(stack, 'StepReuseFunction', {
    builtin: 'step-reuse',
    logGroupName: sharedLogGroupName(stack.stackName, STEP_REUSE_FUNCTION_NAME),
    memoryMiB: STEP_REUSE_MEMORY_MIB,
    timeoutSeconds: STEP_REUSE_TIMEOUT_SECONDS,
    environment: { ORCHESTRA_BUCKET: bucket.bucketName, POWERTOOLS_SERVICE_NAME: 'step-reuse' },
  });
  grantDataAccess(bucket, fn.role, access);
  return fn;
}
