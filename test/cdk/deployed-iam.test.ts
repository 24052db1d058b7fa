/**
 * The stack's IAM evaluated offline as AWS evaluates it (test/helpers/deployed-iam.ts): calls the
 * deployed system must be able to make are Allowed, and what it must not do is denied (issue 30).
 */
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadCatalogue, pipelineFromGraph } from '../../lib/catalogue';
import { OrchestraStack } from '../../lib/cdk';
import { ACCOUNT, DeployedTemplate, decide, REGION } from '../helpers/deployed-iam';

const ROOT = join(import.meta.dirname, '..', '..');
const template = new DeployedTemplate(Template.fromStack(new OrchestraStack(new App(), 'Lab', { pipelines: loadCatalogue(ROOT), projectRoot: ROOT })), 'Lab');
const only = (ids: string[]): string => {
  expect(ids).toHaveLength(1);
  return ids[0] ?? '';
};

describe('alarms can notify (issue 30: the topic policy held only a Deny, replacing SNS default one)', () => {
  const topic = only(template.idsOf('AWS::SNS::Topic', 'Alarms'));
  const key = only(template.idsOf('AWS::KMS::Key', 'AlarmsKey'));
  const fromAlarm = { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:Lab-flood-failed` };

  it('lets CloudWatch alarms of this account publish to the topic and use its key', async () => {
    expect(await decide(template, { principal: 'cloudwatch.amazonaws.com', action: 'sns:Publish', resource: template.arnOf(topic), resourceId: topic, context: fromAlarm })).toBe(
      'Allowed',
    );
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt'])
      expect(await decide(template, { principal: 'cloudwatch.amazonaws.com', action, resource: template.arnOf(key), resourceId: key, context: fromAlarm })).toBe('Allowed');
  });

  it("refuses another account's alarms (the key trusted CloudWatch without aws:SourceAccount), and plain HTTP", async () => {
    const elsewhere = { 'aws:SourceAccount': '210987654321', 'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:210987654321:alarm:x` };
    expect(
      await decide(template, { principal: 'cloudwatch.amazonaws.com', action: 'sns:Publish', resource: template.arnOf(topic), resourceId: topic, context: elsewhere }),
    ).not.toBe('Allowed');
    expect(
      await decide(template, { principal: 'cloudwatch.amazonaws.com', action: 'kms:GenerateDataKey', resource: template.arnOf(key), resourceId: key, context: elsewhere }),
    ).not.toBe('Allowed');
    expect(
      await decide(template, {
        principal: 'cloudwatch.amazonaws.com',
        action: 'sns:Publish',
        resource: template.arnOf(topic),
        resourceId: topic,
        context: { ...fromAlarm, 'aws:SecureTransport': 'false' },
      }),
    ).toBe('ExplicitlyDenied');
  });
});

describe('unknown ids answer 404, not 500 (issue 30: S3 answers 403 for a missing key the caller may not list)', () => {
  const full = new DeployedTemplate(
    Template.fromStack(
      new OrchestraStack(new App(), 'Full', {
        pipelines: [
          pipelineFromGraph({ name: 'qpo', trigger: { mode: 'keyed', required: ['A'] }, steps: { call: { kind: 'service', url: 'https://svc.example.org/run' } } }, ROOT),
        ],
        projectRoot: ROOT,
      }),
    ),
    'Full',
  );
  const bucket = only(full.idsOf('AWS::S3::Bucket', 'DataBucket'));
  const roleOf = (part: string) => full.roleOfFunction(only(full.idsOf('AWS::Lambda::Function', part)));
  const mayList = (role: string, key: string) =>
    decide(full, { principal: role, action: 's3:ListBucket', resource: full.arnOf(bucket), resourceId: bucket, context: { 's3:prefix': key } });

  it('lets the runs API and the conductor list where backfill records and callback waits are, so a missing one is a 404', async () => {
    expect(await mayList(roleOf('RunsApi'), 'backfills/never-planned.json')).toBe('Allowed');
    expect(await mayList(roleOf('RunsApi'), 'waits/callbacks/never-issued.json')).toBe('Allowed');
    expect(await mayList(roleOf('KeyedTriggersConductor'), 'backfills/never-planned.json')).toBe('Allowed');
    // And no more than that.
    expect(await mayList(roleOf('RunsApi'), 'catalogue/')).not.toBe('Allowed');
  });
});

describe("the state machines' own calls (issue 30)", () => {
  const machineRole = (pipeline: string) => template.roleOfFunction(only(template.idsOf('AWS::StepFunctions::StateMachine', `Pipeline${pipeline}`)));

  it('passes the ECS task roles to ECS tasks only', async () => {
    const role = machineRole('flood');
    const taskRole = only(template.idsOf('AWS::IAM::Role', 'RunModelTaskTaskRole'));
    const pass = (service: string) =>
      decide(template, { principal: role, action: 'iam:PassRole', resource: template.arnOf(taskRole), context: { 'iam:PassedToService': service } });
    expect(await pass('ecs-tasks.amazonaws.com')).toBe('Allowed');
    expect(await pass('lambda.amazonaws.com')).not.toBe('Allowed');
  });

  it("lets a Distributed Map's ResultWriter write, abort and list the parts of its results, under its step's results/ only", async () => {
    const role = machineRole('nightlycatalogue');
    const bucket = only(template.idsOf('AWS::S3::Bucket', 'DataBucket'));
    const results = `${template.arnOf(bucket)}/runs/nightly-catalogue/run-1/recognise-peaks/results/abc/SUCCEEDED_0.json`;
    for (const action of ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'])
      expect([action, await decide(template, { principal: role, action, resource: results, resourceId: bucket })]).toEqual([action, 'Allowed']);
    expect(await decide(template, { principal: role, action: 's3:AbortMultipartUpload', resource: `${template.arnOf(bucket)}/catalogue/x`, resourceId: bucket })).not.toBe(
      'Allowed',
    );
  });
});

describe("nightly-catalogue's calls (issue 30: it failed every night on IAM, 8 calls denied)", () => {
  const bucket = only(template.idsOf('AWS::S3::Bucket', 'DataBucket'));
  const object = (key: string) => `${template.arnOf(bucket)}/${key}`;
  const roleOf = (step: string) => template.roleOfFunction(only(template.idsOf('AWS::Lambda::Function', `Pipelinenightlycatalogue${step}Function`)));
  const run = 'runs/nightly-catalogue/20261207T010000Z';
  // Each step's S3 calls, as its handler makes them (functions/catalogue): [action, key or listed prefix].
  const calls: Array<[step: string, action: string, key: string]> = [
    ['ListWindow', 's3:ListBucket', 'catalogue/processed.json'],
    ['ListWindow', 's3:GetObject', 'catalogue/processed.json'],
    ['ListWindow', 's3:ListBucket', 'observations/'],
    ['ListWindow', 's3:PutObject', `${run}/list-window/observations.json`],
    ['RecognisePeaks', 's3:GetObject', 'observations/2026-12-01/obs-1.json'],
    ['RecognisePeaks', 's3:PutObject', `${run}/recognise-peaks/items/0/peaks.json`],
    ['UploadProducts', 's3:GetObject', `${run}/recognise-peaks/results/abc/manifest.json`],
    ['UploadProducts', 's3:GetObject', `${run}/recognise-peaks/items/0/peaks.json`],
    ['UploadProducts', 's3:PutObject', 'catalogue/products/obs-1/peaks.json'],
    ['UploadProducts', 's3:GetObject', 'catalogue/products/obs-1/peaks.json'],
    ['UploadProducts', 's3:DeleteObject', `${run}/recognise-peaks/items/0/peaks.json`],
    ['UploadProducts', 's3:PutObject', `${run}/upload-products/rows.csv`],
    ['InsertRows', 's3:GetObject', `${run}/upload-products/rows.csv`],
    ['RecordProcessed', 's3:GetObject', `${run}/upload-products/complete.json`],
    ['RecordProcessed', 's3:ListBucket', 'catalogue/processed.json'],
    ['RecordProcessed', 's3:GetObject', 'catalogue/processed.json'],
    ['RecordProcessed', 's3:PutObject', 'catalogue/processed.json'],
  ];

  it.each(calls)('%s may %s %s', async (step, action, key) => {
    const call =
      action === 's3:ListBucket'
        ? { principal: roleOf(step), action, resource: template.arnOf(bucket), resourceId: bucket, context: { 's3:prefix': key } }
        : { principal: roleOf(step), action, resource: object(key), resourceId: bucket };
    expect(await decide(template, call)).toBe('Allowed');
  });

  it('grants no step more than its graph says: the archive is written by upload-products only, and nothing deletes outside its run', async () => {
    expect(await decide(template, { principal: roleOf('RecognisePeaks'), action: 's3:PutObject', resource: object('catalogue/products/x.json'), resourceId: bucket })).not.toBe(
      'Allowed',
    );
    expect(await decide(template, { principal: roleOf('UploadProducts'), action: 's3:DeleteObject', resource: object('catalogue/products/x.json'), resourceId: bucket })).not.toBe(
      'Allowed',
    );
    expect(await decide(template, { principal: roleOf('ListWindow'), action: 's3:PutObject', resource: object('catalogue/processed.json'), resourceId: bucket })).not.toBe(
      'Allowed',
    );
  });
});
