/**
 * Least-privilege access to the data bucket for one role: the statements lib/access/statements.ts
 * gives (the ones the local runtime enforces), rendered with the bucket's ARN token.
 */
import { Effect, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { type DataAccess, dataAccessStatements, type StatementSpec } from '../access/statements';
import { acknowledgeWildcardResources } from './nag';

export type { DataAccess } from '../access/statements';

/** A statement of lib/access as CDK's PolicyStatement. */
export const policyStatementOf = (spec: StatementSpec): PolicyStatement =>
  new PolicyStatement({
    effect: spec.effect === 'Allow' ? Effect.ALLOW : Effect.DENY,
    actions: [...spec.actions],
    resources: [...spec.resources],
    ...(spec.conditions === undefined ? {} : { conditions: spec.conditions }),
  });

export function grantDataAccess(bucket: IBucket, role: IRole, access: DataAccess): void {
  const statements = dataAccessStatements(bucket.bucketArn, access);
  for (const statement of statements) role.addToPrincipalPolicy(policyStatementOf(statement));
  acknowledgeWildcardResources(
    role,
    statements.filter((statement) => statement.conditions === undefined).flatMap((statement) => statement.resources),
    "Object keys under a run or ingest prefix are created at run time, so they cannot be listed; the wildcard stays inside this pipeline's prefixes.",
  );
}
