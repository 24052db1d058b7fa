/**
 * aws-cdk-lib's classes are written without `exactOptionalPropertyTypes`: their optional properties
 * lack `| undefined`, so under this project's strict settings a `Bucket` is not assignable to the
 * `IBucket` it implements (likewise Vpc, Cluster, SecurityGroup). At runtime each is exactly that
 * interface; this is the one place that says so to TypeScript, for the constructs the stack builds.
 */
import type { ISecurityGroup, IVpc, SecurityGroup, Vpc } from 'aws-cdk-lib/aws-ec2';
import type { Cluster, ICluster } from 'aws-cdk-lib/aws-ecs';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';

export function asInterface(construct: Bucket): IBucket;
export function asInterface(construct: Vpc | IVpc): IVpc;
export function asInterface(construct: Cluster): ICluster;
export function asInterface(construct: SecurityGroup): ISecurityGroup;
export function asInterface(construct: Bucket | Vpc | IVpc | Cluster | SecurityGroup): IBucket | IVpc | ICluster | ISecurityGroup {
  // cast: see the module comment — the class implements the interface; only the optional-property typing differs.
  return construct as unknown as IBucket | IVpc | ICluster | ISecurityGroup;
}
