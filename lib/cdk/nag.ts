/**
 * cdk-nag acknowledgements, kept next to the resources they justify. A wildcard finding is named by
 * the policy's resource as cdk-nag flattens it (`Resource::<DataBucketE3889A50.Arn>/runs/flood/*`), so
 * we flatten with cdk-nag's own function: an acknowledgement can never drift from the finding it covers.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

export type NagRule =
  | 'AwsSolutions-IAM4'
  | 'AwsSolutions-IAM5'
  | 'AwsSolutions-ECS2'
  | 'AwsSolutions-SQS3'
  | 'AwsSolutions-L1'
  | 'AwsSolutions-APIG3'
  | 'AwsSolutions-APIG4'
  | 'AwsSolutions-APIG6'
  | 'AwsSolutions-COG4';

/** Acknowledges one rule (or one finding of it) on `scope` and everything below it. */
export function acknowledge(scope: IConstruct, rule: NagRule, reason: string, finding?: string): void {
  Validations.of(scope).acknowledge({ id: finding === undefined ? rule : `${rule}[${finding}]`, reason });
}

/** The finding id cdk-nag gives a wildcard resource, e.g. `Resource::<DataBucketE3889A50.Arn>/runs/*`. */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}`;
}

/** Acknowledges the IAM5 findings of wildcard resources on `scope`, all for one reason. */
export function acknowledgeWildcardResources(scope: IConstruct, resources: readonly string[], reason: string): void {
  for (const resource of resources) acknowledge(scope, 'AwsSolutions-IAM5', reason, wildcardResourceFinding(scope, resource));
}

export const XRAY_REASON = 'X-Ray PutTraceSegments and PutTelemetryRecords have no resource-level permissions, so AWS requires Resource "*".';
