/**
 * The local evaluator decides as AWS does: every decision is compared with @cloud-copilot/iam-simulate
 * (AWS's evaluation logic, resource types and condition keys), over the statements Orchestra grants a
 * step and the other shapes the evaluator supports, on keys inside, beside and outside each grant.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import { type AuthorizationRequest, evaluate } from '../../lib/access/evaluate';
import { dataAccessStatements, multipartStatement, type StatementSpec } from '../../lib/access/statements';

const ACCOUNT = '123456789012';
const BUCKET = 'arn:aws:s3:::orchestra-data';

const documentOf = (statements: readonly StatementSpec[]) => ({
  Version: '2012-10-17',
  Statement: statements.map((s) => ({
    Effect: s.effect,
    Action: [...s.actions],
    Resource: [...s.resources],
    ...(s.conditions === undefined ? {} : { Condition: s.conditions }),
  })),
});

async function awsDecision(statements: readonly StatementSpec[], request: AuthorizationRequest): Promise<string> {
  const simulation = {
    request: {
      principal: `arn:aws:iam::${ACCOUNT}:role/step`,
      action: request.action,
      resource: { resource: request.resource, accountId: ACCOUNT },
      contextVariables: { 'aws:PrincipalAccount': ACCOUNT, ...request.context },
    },
    identityPolicies: [{ name: 'step', policy: documentOf(statements) }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  } as unknown as Simulation;
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') throw new Error(JSON.stringify(response.errors));
  return response.overallResult;
}

/** What a catalogue step is granted (inputs, runs, its own folder, its `access`), and shapes beyond it. */
const stepStatements = dataAccessStatements(BUCKET, {
  read: ['ingest/flood/', 'runs/flood/', 'catalogue/processed.json'],
  write: ['runs/flood/*/model/*', 'catalogue/products/*'],
  delete: ['runs/flood/*/scratch/*'],
});
const otherShapes: StatementSpec[] = [
  multipartStatement(BUCKET, ['runs/flood/*/map/results/*']),
  { effect: 'Deny', actions: ['s3:DeleteObject', 's3:PutObject'], resources: [`${BUCKET}/catalogue/products/locked/*`] },
  { effect: 'Allow', actions: ['s3:Get*'], resources: [`${BUCKET}/shared/?/*`] },
  { effect: 'Allow', actions: ['s3:ListBucket'], resources: [BUCKET], conditions: { StringNotLike: { 's3:prefix': ['private/*'] }, StringEquals: { 's3:delimiter': '/' } } },
  { effect: 'Allow', actions: ['s3:ListBucket'], resources: [BUCKET], conditions: { StringLikeIfExists: { 's3:prefix': ['open/*'] } } },
  { effect: 'Deny', actions: ['s3:ListBucket'], resources: [BUCKET], conditions: { Null: { 's3:max-keys': 'false' }, StringLike: { 's3:prefix': ['open/secret*'] } } },
];

const KEYS = [
  'ingest/flood/case/a.geo',
  'ingest/flood-other/a.geo',
  'ingest/floo',
  'runs/flood/r1/model/out.dat',
  'runs/flood/r1/model2/out.dat',
  'runs/flood/r1/other/model/x',
  'runs/flooding/r1/model/out.dat',
  'runs/flood/r1/scratch/tmp',
  'runs/flood/r1/map/results/part-1.json',
  'catalogue/processed.json',
  'catalogue/processed.json.bak',
  'catalogue/products/a/peaks.json',
  'catalogue/products/locked/a.json',
  'shared/x/y.txt',
  'shared/xy/z.txt',
  'observations/2026/x.fits',
  'Ingest/flood/case/a.geo',
];
const OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectTagging', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];
const LIST_CONTEXTS: Array<Record<string, string> | undefined> = [
  undefined,
  { 's3:prefix': 'ingest/flood/' },
  { 's3:prefix': 'ingest/flood/case/' },
  { 's3:prefix': 'ingest/' },
  { 's3:prefix': 'runs/flood/r1/' },
  { 's3:prefix': '' },
  { 's3:prefix': 'private/x', 's3:delimiter': '/' },
  { 's3:prefix': 'public/x', 's3:delimiter': '/' },
  { 's3:prefix': 'public/x' },
  { 's3:prefix': 'open/a' },
  { 's3:prefix': 'open/secret/a', 's3:max-keys': '10' },
  { 's3:prefix': 'open/secret/a' },
];

const requests: AuthorizationRequest[] = [
  ...KEYS.flatMap((key) => OBJECT_ACTIONS.map((action) => ({ action, resource: `${BUCKET}/${key}` }))),
  ...LIST_CONTEXTS.map((context) => ({ action: 's3:ListBucket', resource: BUCKET, ...(context === undefined ? {} : { context }) })),
];

describe('the local IAM evaluator', () => {
  for (const [name, statements, outcomes] of [
    ["a step's data grants", stepStatements, ['Allowed', 'ImplicitlyDenied']],
    ['the other shapes it supports', [...stepStatements, ...otherShapes], ['Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied']],
  ] as const) {
    it(`decides as AWS's evaluation on ${name}, for ${requests.length} calls`, async () => {
      const disagreements: string[] = [];
      const seen = new Set<string>();
      for (const request of requests) {
        const aws = await awsDecision(statements, request);
        seen.add(aws);
        const local = evaluate(statements, request);
        if (aws !== local) disagreements.push(`${request.action} ${request.resource} ${JSON.stringify(request.context ?? {})}: AWS ${aws}, local ${local}`);
      }
      expect(disagreements).toEqual([]);
      expect([...seen].sort()).toEqual(outcomes);
    });
  }

  it('allows what the grants name and nothing beside them', () => {
    expect(evaluate(stepStatements, { action: 's3:PutObject', resource: `${BUCKET}/runs/flood/r1/model/out.dat` })).toBe('Allowed');
    expect(evaluate(stepStatements, { action: 's3:PutObject', resource: `${BUCKET}/runs/flood/r1/validate/out.dat` })).toBe('ImplicitlyDenied');
    expect(evaluate(stepStatements, { action: 's3:ListBucket', resource: BUCKET })).toBe('ImplicitlyDenied');
    expect(evaluate([...stepStatements, ...otherShapes], { action: 's3:PutObject', resource: `${BUCKET}/catalogue/products/locked/a` })).toBe('ExplicitlyDenied');
  });

  it('never lets an operator it does not know allow, and always lets it deny', () => {
    const unknown = { NumericLessThan: { 's3:max-keys': '10' } };
    const allow: StatementSpec = { effect: 'Allow', actions: ['s3:GetObject'], resources: ['*'], conditions: unknown };
    const deny: StatementSpec = { effect: 'Deny', actions: ['s3:GetObject'], resources: ['*'], conditions: unknown };
    const everything: StatementSpec = { effect: 'Allow', actions: ['s3:*'], resources: ['*'] };
    expect(evaluate([allow], { action: 's3:GetObject', resource: `${BUCKET}/a` })).toBe('ImplicitlyDenied');
    expect(evaluate([everything, deny], { action: 's3:GetObject', resource: `${BUCKET}/a` })).toBe('ExplicitlyDenied');
  });
});
