/** The keyed triggers in the template: ledger table, conductor, its rule, schedules and least-privilege IAM, clean under cdk-nag. */
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import { OrchestraStack } from '../../lib/cdk';
import type { PipelineGraph } from '../../lib/graph/schema';
import { actionsOf, checkedStack, statementsOf } from '../helpers/cdk-template';

const ROOT = join(import.meta.dirname, '..', '..');
const product = (name: string, required: string[], optional: string[] = []): PipelineGraph => ({
  name,
  trigger: { mode: 'keyed', required, optional, optionalGraceSeconds: 60 },
  steps: { make: { kind: 'simulate', writes: `data/${name}/{key}/${name}.json` } },
});

describe('keyed triggers in the stack', () => {
  let app: App;
  let template: Template;

  beforeAll(() => {
    const pipelines = [
      product('qpo-ecl', ['EclTmVhfAlert', 'EclHk'], ['EclAux']),
      product('qpo-sum', ['QPO_ECL']),
      pipelineFromGraph({ name: 'plain', steps: { a: { kind: 'simulate' } } }, ROOT),
    ].map((graph) => ('graph' in graph ? graph : pipelineFromGraph(graph, ROOT)));
    ({ app, template } = checkedStack('Keyed', pipelines));
  });

  it('keeps the ledger in an on-demand, encrypted DynamoDB table with point-in-time recovery, retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      },
      DeletionPolicy: 'Retain',
    });
    // Its logical id is what keeps it through an upgrade: a new id would be a new, empty ledger.
    expect(Object.keys(template.findResources('AWS::DynamoDB::Table'))).toEqual(['KeyedTriggersKeys32AA2B3A']);
  });

  it('sends "Object Created" under the data prefix to one conductor, with retries and the dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { object: { key: [{ prefix: 'data/' }] } } },
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 }, DeadLetterConfig: Match.anyValue() })],
    });
    const conductors = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { SCHEDULE_GROUP: Match.anyValue() } } } });
    expect(Object.keys(conductors)).toHaveLength(1);
    const variables = Object.values(conductors)[0]?.['Properties'].Environment.Variables as Record<string, unknown>;
    // The triggers are bundled (esbuild define), not in the 4 KB environment; one ARN prefix finds every state machine.
    expect(Object.keys(variables).sort()).toEqual([
      'DATA_BUCKET',
      'KEY_TABLE',
      'NODE_OPTIONS',
      'ORCHESTRA_STACK_NAME',
      'POWERTOOLS_METRICS_NAMESPACE',
      'SCHEDULER_ROLE_ARN',
      'SCHEDULE_GROUP',
      'STATE_MACHINE_ARN_PREFIX',
    ]);
    expect(JSON.stringify(variables['STATE_MACHINE_ARN_PREFIX'])).toContain(':stateMachine:');
  });

  it('lets the conductor write only its table, start only the keyed pipelines and create schedules only in its group', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) => JSON.stringify(policy).includes('dynamodb:PutItem'));
    expect(policies).toHaveLength(1);
    const statements = statementsOf(template, 'KeyedTriggersConductorRole');
    const actions = actionsOf(statements).sort();
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'iam:PassRole',
        'scheduler:CreateSchedule',
        's3:ListBucket',
        'states:StartExecution',
      ]),
    );
    expect(actions.filter((a) => a.startsWith('dynamodb:'))).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    const starts = statements.filter((s) => s.Action === 'states:StartExecution').map((s) => JSON.stringify(s.Resource));
    expect(starts).toHaveLength(1);
    expect(starts.join()).toContain(':stateMachine:Keyed-qpo-ecl');
    expect(starts.join()).toContain(':stateMachine:Keyed-qpo-sum');
    expect(starts.join()).not.toContain('Keyed-plain');
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'Keyed-keyed-checks' });
  });

  it("sends the keyed runs' status changes, and only theirs, to the conductor, which may put activity events on the default bus only", () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (rule) => JSON.stringify(rule).includes('aws.states') && JSON.stringify(rule).includes('Conductor'),
    );
    expect(rules).toHaveLength(1);
    const pattern = rules[0]?.['Properties'].EventPattern;
    expect(pattern).toMatchObject({ source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'] });
    const machines = JSON.stringify(pattern.detail.stateMachineArn);
    expect(machines).toContain(':stateMachine:Keyed-qpo-ecl');
    expect(machines).not.toContain('Keyed-plain');
    const puts = statementsOf(template, 'KeyedTriggersConductorRole').filter((s) => s.Action === 'events:PutEvents');
    expect(puts).toHaveLength(1);
    expect(JSON.stringify(puts[0]?.Resource)).toContain(':event-bus/default');
  });

  it("sends every run's end, keyed or not, to the run-provenance function, which writes only crates beside runs' outputs", () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter((rule) => JSON.stringify(rule).includes('RunProvenanceFunction'));
    expect(rules).toHaveLength(1);
    const pattern = rules[0]?.['Properties'].EventPattern;
    expect(pattern).toMatchObject({ source: ['aws.states'], detail: { status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] } });
    for (const machine of ['Pipelineqpoecl', 'Pipelineplain']) expect(JSON.stringify(pattern.detail.stateMachineArn)).toContain(machine);
    const puts = statementsOf(template, 'RunProvenanceFunctionRole').filter((s) => s.Action === 's3:PutObject');
    expect(JSON.stringify(puts.map((s) => s.Resource))).toMatch(/runs\/plain\/\*\/ro-crate-metadata\.json/);
    expect(JSON.stringify(puts.map((s) => s.Resource))).not.toMatch(/runs\/plain\/\*\/\*"/);
    // Named in an output: `orchestra export ro-crate --stack` asks it for a run that ended without a crate.
    const output = template.findOutputs('RunProvenanceFunctionName');
    expect(JSON.stringify(output)).toMatch(/"Ref":"RunProvenanceFunction[0-9A-F]+"/);
  });

  it('lets the shared simulate function write simulated products where their steps say, no further', () => {
    const writes = statementsOf(template)
      .filter((statement) => statement.Action === 's3:PutObject')
      .flatMap((statement) => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).map((resource) => JSON.stringify(resource)));

    expect(writes.filter((resource) => resource.includes('/data/'))).toEqual([
      expect.stringContaining('/data/qpo-ecl/*/qpo-ecl.json'),
      expect.stringContaining('/data/qpo-sum/*/qpo-sum.json'),
    ]);
  });

  it('lets the runs API read the ledger, and only read it, for GET /keys/{key}', () => {
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{key}' });
    const api = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'orchestra-runs-api' } } } }));
    expect(Object.keys(api[0]?.['Properties'].Environment.Variables)).toEqual(expect.arrayContaining(['KEY_TABLE']));
    const reads = statementsOf(template)
      .filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:Query'))
      .map((statement) => statement.Action);
    expect(reads).toContainEqual(['dynamodb:GetItem', 'dynamodb:Query']);
  });

  it('lets the runs API plan backfills and hand them to the conductor, which may read and update them', () => {
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'backfills' });
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{backfillId}' });
    const api = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'orchestra-runs-api' } } } }));
    expect(Object.keys(api[0]?.['Properties'].Environment.Variables)).toEqual(expect.arrayContaining(['CONDUCTOR_FUNCTION']));
    const statements = statementsOf(template);
    expect(statements.some((s) => s.Action === 'lambda:InvokeFunction' && JSON.stringify(s.Resource).includes('KeyedTriggersConductor'))).toBe(true);
    const backfillWrites = statements.filter((s) => JSON.stringify(s.Resource).includes('/backfills/*'));
    expect(backfillWrites.map((s) => s.Action)).toEqual([
      ['s3:GetObject', 's3:PutObject'],
      ['s3:GetObject', 's3:PutObject'],
    ]);
  });

  it('passes cdk-nag with its wildcards acknowledged one by one', () => {
    expect(() => app.synth()).not.toThrow();
  });
});

describe('a stack of many imported products', () => {
  it("keeps every function's environment far under Lambda's 4 KB however many pipelines there are (40 here)", () => {
    const app = new App();
    const pipelines = Array.from({ length: 40 }, (_, i) => pipelineFromGraph(product(`PRODUCT_NUMBER_${i}`, ['EclTmVhfAlert', `INPUT_${i}`], ['EclAux']), ROOT));
    const template = Template.fromStack(new OrchestraStack(app, 'Many', { pipelines, projectRoot: ROOT }));

    const sizes = Object.entries(template.findResources('AWS::Lambda::Function')).map(
      ([id, fn]) => [id, JSON.stringify(fn['Properties'].Environment?.Variables ?? {}).length] as const,
    );
    expect(sizes.filter(([, bytes]) => bytes > 1024)).toEqual([]);
  });
});
