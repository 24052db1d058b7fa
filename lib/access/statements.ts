/**
 * The data-bucket statements of a role, as plain data: the stack renders them with its bucket's ARN
 * token (lib/cdk/data-access.ts), the local runtime with the embedded bucket's ARN and enforces them
 * (lib/local/endpoints/step-identities.ts). One function, so what a local run allows is what AWS will.
 * Written out instead of bucket.grantRead/grantPut, whose `s3:GetObject*`, `s3:List*` and `s3:Abort*`
 * action wildcards grant more than a step uses.
 */

/** A role's access to the data bucket, as key prefixes and IAM object patterns. */
export interface DataAccess {
  /** Key prefixes (ending in "/") the principal may list. */
  readonly list?: readonly string[];
  /** Key prefixes (ending in "/") the principal may list and read. */
  readonly read?: readonly string[];
  /** Object keys the principal may read, as IAM patterns (what it may list is in `list`). */
  readonly readObjects?: readonly string[];
  /** Object keys the step may write, as IAM patterns, e.g. `runs/flood/*\/validate-inputs/*`. */
  readonly write?: string | readonly string[];
  /** Object keys the step may delete, as IAM patterns. */
  readonly delete?: readonly string[];
}

/** One IAM statement, in IAM's own vocabulary (what CDK's PolicyStatement takes). */
export interface StatementSpec {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** Operator → condition key → values, as in a policy document. */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

const listOf = (value: string | readonly string[] | undefined): readonly string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : value);

/** The statements that grant `access` to the bucket whose ARN is `bucketArn` (a CDK token or a plain ARN). */
export function dataAccessStatements(bucketArn: string, access: DataAccess): StatementSpec[] {
  const objects = (patterns: readonly string[]) => patterns.map((pattern) => `${bucketArn}/${pattern}`);
  const read = access.read ?? [];
  const listed = [...new Set([...(access.list ?? []), ...read])];
  const statements: StatementSpec[] = [];
  if (listed.length > 0)
    statements.push({ effect: 'Allow', actions: ['s3:ListBucket'], resources: [bucketArn], conditions: { StringLike: { 's3:prefix': listed.map((prefix) => `${prefix}*`) } } });
  const grants = [
    ['s3:GetObject', [...read.map((prefix) => `${prefix}*`), ...(access.readObjects ?? [])]],
    ['s3:PutObject', listOf(access.write)],
    ['s3:DeleteObject', access.delete ?? []],
  ] as const;
  for (const [action, patterns] of grants) if (patterns.length > 0) statements.push({ effect: 'Allow', actions: [action], resources: objects(patterns) });
  return statements;
}

/** What a Distributed Map's ResultWriter needs besides writing: it writes large result files in parts, which it may abort and list. */
export function multipartStatement(bucketArn: string, patterns: readonly string[]): StatementSpec {
  return { effect: 'Allow', actions: ['s3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], resources: patterns.map((pattern) => `${bucketArn}/${pattern}`) };
}
