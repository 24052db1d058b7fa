/**
 * Least-privilege access to the data bucket for one step: list and read under given prefixes, write
 * under one key pattern. Written out instead of bucket.grantRead/grantPut, whose `s3:GetObject*`,
 * `s3:List*` and `s3:Abort*` action wildcards grant more than a step uses.
 */
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { acknowledgeWildcardResources } from './nag';

export interface DataAccess {
  /** Key prefixes (ending in "/") the principal may list. */
  readonly list?: readonly string[];
  /** Key prefixes (ending in "/") the principal may list and read. */
  readonly read?: readonly string[];
  /** Object keys the step may write, as IAM patterns, e.g. `runs/flood/*\/validate-inputs/*`. */
  readonly write?: string | readonly string[];
  /** Object keys the step may delete, as IAM patterns. */
  readonly delete?: readonly string[];
}

export function grantDataAccess(bucket: IBucket, role: IRole, access: DataAccess): void {
  const read = access.read ?? [];
  const listed = [...new Set([...(access.list ?? []), ...read])];
  if (listed.length > 0) {
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': listed.map((prefix) => `${prefix}*`) } } }),
    );
  }
  const readObjects = read.map((prefix) => bucket.arnForObjects(`${prefix}*`));
  if (readObjects.length > 0) role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: readObjects }));
  const writeObjects = (access.write === undefined ? [] : typeof access.write === 'string' ? [access.write] : access.write).map((pattern) => bucket.arnForObjects(pattern));
  if (writeObjects.length > 0) role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: writeObjects }));
  const deleteObjects = (access.delete ?? []).map((pattern) => bucket.arnForObjects(pattern));
  if (deleteObjects.length > 0) role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:DeleteObject'], resources: deleteObjects }));
  acknowledgeWildcardResources(
    role,
    [...readObjects, ...writeObjects, ...deleteObjects],
    "Object keys under a run or ingest prefix are created at run time, so they cannot be listed; the wildcard stays inside this pipeline's prefixes.",
  );
}
