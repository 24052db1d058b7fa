/** The synthesized template: the deployed definition is the committed ASL, triggers and IAM as intended. */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { LABEL_FONT_FILE } from '../../functions/flood/df2d-to-raster/render';
import { loadCatalogue, loadPipeline } from '../../lib/catalogue';
import { OrchestraStack } from '../../lib/cdk';
import { deployedDescriptionOf, Pipeline } from '../../lib/cdk/pipeline';
import { placeholdersIn } from '../../lib/contract/placeholders';
import { deployedStateMachineName } from '../../lib/contract/resource-names';
import { defined } from '../../lib/shared/defined';

const ROOT = join(import.meta.dirname, '..', '..');

describe('OrchestraStack', () => {
  let template: Template;
  let stack: OrchestraStack;

  beforeAll(() => {
    const app = new App();
    stack = new OrchestraStack(app, 'Test', { pipelines: loadCatalogue(ROOT), projectRoot: ROOT });
    template = Template.fromStack(stack);
  });

  it('keeps the logical ids of what a deployed stack holds (the stack is made of parts; renaming one would make CloudFormation replace its bucket, table, topic or network)', () => {
    const held = Object.entries(template.toJSON()['Resources'] as Record<string, { Type: string }>)
      .filter(([, resource]) =>
        [
          'AWS::S3::Bucket',
          'AWS::DynamoDB::Table',
          'AWS::SNS::Topic',
          'AWS::KMS::Key',
          'AWS::SQS::Queue',
          'AWS::EC2::VPC',
          'AWS::ECS::Cluster',
          'AWS::EC2::SecurityGroup',
        ].includes(resource.Type),
      )
      .map(([id]) => id)
      .sort();

    expect(held).toEqual(
      [
        'AccessLogs8B620ECA',
        'Alarms04B5A0BF',
        'AlarmsKey8B9C40AB',
        'ClusterEB0386A7',
        'DataBucketE3889A50',
        'PipelinenightlycatalogueTableCatalogueE741EAE3',
        'TaskSecurityGroup2D2EA438',
        'UndeliveredF3CF66A9',
        'Vpc8378EB38',
      ].sort(),
    );
  });

  it("gives each Lambda the timeout its Task waits, the graph's default included (issue 30: 300 s beside a 120 s Task)", () => {
    const timeoutOf = (part: string) =>
      Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.includes(part))?.[1]?.['Properties'].Timeout as number | undefined;
    expect([timeoutOf('ListWindowFunction'), timeoutOf('UploadProductsFunction'), timeoutOf('ValidateInputsFunction')]).toEqual([120, 600, 60]);
  });

  it("sets API Gateway's account logging role its access logs need, and keeps it when the stack goes (the stage was refused without it: issue 30)", () => {
    const accounts = Object.values(template.findResources('AWS::ApiGateway::Account'));
    expect(accounts).toHaveLength(1);
    expect(JSON.stringify(accounts[0]?.['Properties'].CloudWatchRoleArn)).toContain('CloudWatchRole');
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: {
        ManagedPolicyArns: Match.arrayWith([
          Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('AmazonAPIGatewayPushToCloudWatchLogs')])]) }),
        ]),
      },
    });
    expect(Object.values(roles).map((role) => role['DeletionPolicy'])).toEqual(['Retain']);
    template.hasResourceProperties('AWS::ApiGateway::Stage', { AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }) });
  });

  it('deploys each committed definition byte for byte, with a substitution for every placeholder', () => {
    for (const name of ['flood', 'nightly-catalogue']) {
      const text = readFileSync(join(ROOT, 'state-machines', `${name}.asl.json`), 'utf8');
      const machines = template.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: `Test-${name}` } });
      const properties = Object.values(machines)[0]?.Properties as { DefinitionString: string; DefinitionSubstitutions: Record<string, unknown> };

      expect(properties.DefinitionString).toBe(text);
      expect(Object.keys(properties.DefinitionSubstitutions).sort()).toEqual(placeholdersIn(text));
    }
  });

  it("fills each reused step's code identity: a Lambda's bundle and files, the model's image asset, and the step-reuse function's ARN", () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: 'Test-flood' } });
    const substitutions = Object.values(machines)[0]?.Properties['DefinitionSubstitutions'];
    expect(substitutions).toMatchObject({
      CodeIdentity_ValidateInputs: expect.stringMatching(/^[0-9a-f]{64}$/),
      CodeIdentity_Df2dToRaster: expect.stringMatching(/^[0-9a-f]{64}$/),
      CodeIdentity_RunModel: expect.stringMatching(/^image asset [0-9a-f]{64}$/),
      StepReuseFunctionArn: { 'Fn::GetAtt': [expect.stringMatching(/^StepReuseFunction/), 'Arn'] },
    });
    // The same formula as the local runtime's (lib/bundling/code-identity.ts): the same handler, the same identity.
    expect(substitutions['CodeIdentity_ValidateInputs']).not.toBe(substitutions['CodeIdentity_PublishManifest']);
  });

  it("tells the run-provenance and runs-API functions every step's code identity, the same a reuse check is given", () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: 'Test-flood' } });
    const substitutions = Object.values(machines)[0]?.Properties['DefinitionSubstitutions'];
    const pipelines = stack.node.findAll().filter((construct): construct is Pipeline => construct instanceof Pipeline);
    const flood = deployedDescriptionOf(defined(pipelines.find((p) => p.source.graph.name === 'flood')));
    expect(flood.steps['validate-inputs']?.codeIdentity).toBe(substitutions['CodeIdentity_ValidateInputs']);
    expect(flood.steps['run-model']?.codeIdentity).toBe(substitutions['CodeIdentity_RunModel']);
    // Steps that are not reused have one too: every run's crate names the code of each step.
    const catalogue = deployedDescriptionOf(defined(pipelines.find((p) => p.source.graph.name === 'nightly-catalogue')));
    for (const [id, step] of Object.entries(catalogue.steps)) expect(step.codeIdentity, id).toMatch(/^([0-9a-f]{64}|orchestra \S+ \w+|image .+)$/);
  });

  it('starts flood runs from uploads under its ingest prefix', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { object: { key: [{ prefix: 'ingest/flood/' }] } } },
    });
  });

  it('schedules the nightly catalogue with EventBridge Scheduler, in its time zone, the fire time in the run input', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      Target: Match.objectLike({ Input: JSON.stringify({ source: 'schedule', scheduledTime: '<aws.scheduler.scheduled-time>' }), RetryPolicy: Match.anyValue() }),
    });
  });

  it('runs light steps on Node 24 ARM64 Lambdas and the model on Fargate with awslogs', () => {
    const ours = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { POWERTOOLS_METRICS_NAMESPACE: 'Orchestra' } } } }));

    expect(ours).toHaveLength(15); // 3 flood steps, 7 nightly-catalogue steps, the flood ingest trigger, the shared simulate-step, the step-reuse function (flood reuses its steps), run provenance, the runs API
    for (const fn of ours) expect(fn['Properties']).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      ContainerDefinitions: [Match.objectLike({ Name: 'step', LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }) })],
    });
  });

  it('keeps the data bucket private, encrypted, versioned and TLS-only, with EventBridge notifications', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    template.hasResourceProperties('Custom::S3BucketNotifications', { NotificationConfiguration: { EventBridgeConfiguration: {} } });
  });

  it('grants what runTask.sync needs, and no "*" action on a "*" resource', () => {
    const statements = Object.values(policiesOf(template)).flat();
    const actions = statements.flatMap((s) => [s.Action].flat());

    expect(actions).toEqual(expect.arrayContaining(['ecs:RunTask', 'ecs:StopTask', 'ecs:DescribeTasks', 'iam:PassRole', 'events:PutRule']));
    expect(statements.filter((s) => [s.Action].flat().some((a) => a.includes('*')))).toEqual([]);
    expect(statements.filter((s) => [s.Action].flat().includes('*') && [s.Resource].flat().includes('*'))).toEqual([]);
  });

  it("lets each step read its pipeline's inputs and runs, and write only its own folder of a run", () => {
    const policies = policiesOf(template);
    const validate = defined(policies[policyIdOf(template, 'PipelinefloodValidateInputsFunctionRole')]);
    const model = defined(policies[policyIdOf(template, 'PipelinefloodRunModelTaskTaskRole')]);

    for (const [statements, step] of [
      [validate, 'validate-inputs'],
      [model, 'run-model'],
    ] as const) {
      expect(resourcesFor(statements, 's3:PutObject')).toEqual([`<bucket>/runs/flood/*/${step}/*`]);
      expect(resourcesFor(statements, 's3:GetObject')).toEqual(['<bucket>/ingest/flood/*', '<bucket>/runs/flood/*']);
      expect(statements.find((s) => s.Action === 's3:ListBucket')?.Condition).toEqual({ StringLike: { 's3:prefix': ['ingest/flood/*', 'runs/flood/*'] } });
    }
    const trigger = defined(policies[policyIdOf(template, 'PipelinefloodIngestTriggerRole')]);
    // The flood trigger reads the case's input.txt and bc.txt to know which files it waits for: only under its prefix.
    expect(trigger.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('s3:'))).toEqual(['s3:ListBucket', 's3:GetObject']);
    expect(resourcesFor(trigger, 's3:GetObject')).toEqual(['<bucket>/ingest/flood/*']);
  });

  it("invokes only the pipeline's own functions, unqualified", () => {
    const machine = defined(policiesOf(template)[policyIdOf(template, 'PipelinefloodStateMachineRole')]);
    const invoked = machine.filter((s) => s.Action === 'lambda:InvokeFunction').flatMap((s) => [s.Resource].flat());

    expect(invoked.map((r) => JSON.stringify(r))).toEqual([
      ...['ValidateInputs', 'Df2dToRaster', 'PublishManifest'].map((n) => expect.stringContaining(`Pipelineflood${n}Function`)),
      // The reuse check and save around each of its steps (flood's defaults.reuse).
      expect.stringContaining('StepReuseFunction'),
    ]);
    expect(invoked.map((r) => JSON.stringify(r)).join()).not.toContain(':*');
  });

  it('sends undeliverable upload events and scheduled starts to an encrypted dead-letter queue with an alarm', () => {
    const [queueId] = Object.keys(template.findResources('AWS::SQS::Queue'));
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } }, RetryPolicy: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', { DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } } });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { Target: Match.objectLike({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } } }) });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', AlarmActions: [Match.anyValue()] });
  });

  it('encrypts the alarm topic with a rotating key CloudWatch may use (issue 11 review)', () => {
    const keys = template.findResources('AWS::KMS::Key');
    const [keyId, key] = defined(Object.entries(keys)[0]);
    const statements = (key['Properties'] as { KeyPolicy: { Statement: Array<{ Principal?: { Service?: string }; Action: string | string[] }> } }).KeyPolicy.Statement;

    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    expect(key['Properties']).toMatchObject({ EnableKeyRotation: true });
    expect(statements).toContainEqual(expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }));
  });

  it("gives aws-cdk-lib's bucket-notifications helper a log group that expires, created before the helper runs", () => {
    const handlerId = defined(Object.keys(template.findResources('AWS::Lambda::Function')).find((id) => id.startsWith('BucketNotificationsHandler')));
    const groups = template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: { 'Fn::Join': ['', ['/aws/lambda/', { Ref: handlerId }]] } } });
    const [groupId, group] = defined(Object.entries(groups)[0]);
    const notifications = defined(Object.values(template.findResources('Custom::S3BucketNotifications'))[0]);

    expect(group['Properties']).toMatchObject({ RetentionInDays: 30 });
    expect(notifications['DependsOn']).toContain(groupId);
  });

  it('lets only schedules of its own account assume the schedule role, and expires replaced uploads', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } })],
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'old-uploads', Prefix: 'ingest/', NoncurrentVersionExpiration: { NoncurrentDays: 90 } })]) },
    });
    // Orchestra's own records do not pile up: waits no step can still answer, backfill plans long done.
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Id: 'unanswered-waits', Prefix: 'waits/', ExpirationInDays: 366 }),
          Match.objectLike({ Id: 'old-backfills', Prefix: 'backfills/', ExpirationInDays: 90 }),
        ]),
      },
    });
  });

  it('has a dashboard with a row per pipeline and alarms on failed and throttled runs', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboards[0]?.['Properties']);

    expect(dashboards).toHaveLength(1);
    for (const title of ['flood: runs', 'flood: run duration', 'flood: Lambda step errors and throttles', 'nightly-catalogue: runs', 'dead-letter queue'])
      expect(body).toContain(title);
    for (const metric of ['ExecutionsFailed', 'ExecutionThrottled']) {
      template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: metric, AlarmActions: [Match.anyValue()] }, 2);
    }
  });

  it('outputs the bucket, ingest prefix, state machines, log groups, alarm topic and dashboard', () => {
    const outputs = Object.keys(template.findOutputs('*'));

    expect(outputs).toEqual(
      expect.arrayContaining([
        'DataBucketName',
        'PipelinefloodIngestPrefix',
        'PipelinefloodStateMachineArn',
        'PipelinefloodLogGroup',
        'PipelinefloodStepLogGroups',
        'PipelinefloodStepTargets',
        'EcsClusterName',
        'ContainerSubnetIds',
        'ContainerSecurityGroupId',
        'PipelinenightlycatalogueStateMachineArn',
        'AlarmTopicArn',
        'DashboardName',
        'RunsApiUrl',
      ]),
    );
  });

  it("outputs each step's function or task definition for `orchestra export airflow --stack`", () => {
    const targets = JSON.stringify(template.findOutputs('PipelinefloodStepTargets'));
    for (const step of ['validate-inputs', 'run-model', 'df2d-to-raster', 'publish-manifest']) expect(targets).toContain(`["=",["${step}",`);
    expect(targets).toMatch(/"Ref":"PipelinefloodRunModelTask[0-9A-F]+"/);
  });

  it('serves the runs API: every route IAM-authorized, validated, and backed by the runs function', () => {
    const resources = Object.values(template.findResources('AWS::ApiGateway::Resource')).map((r) => (r['Properties'] as { PathPart: string }).PathPart);
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map(
      (m) => m['Properties'] as { HttpMethod: string; AuthorizationType: string; RequestValidatorId?: unknown },
    );

    expect(resources.sort()).toEqual(['keys', 'logs', 'outputs', 'pipelines', 'redrive', 'reuse', 'runs', 'runs', 'steps', '{key}', '{pipeline}', '{runId}', '{step}']);
    expect(methods.map((m) => m.HttpMethod).sort()).toEqual(['DELETE', 'GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'POST', 'POST']);
    expect(methods.every((m) => m.AuthorizationType === 'AWS_IAM' && m.RequestValidatorId !== undefined)).toBe(true);
    // The model is the function's own request schema (lib/contract/runs-api.ts), as JSON Schema draft-04.
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Schema: {
        $schema: 'http://json-schema.org/draft-04/schema#',
        type: 'object',
        properties: { runId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,80}$' }, input: { type: 'object', additionalProperties: {} } },
        additionalProperties: false,
      },
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'v1', TracingEnabled: true, AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }) });
  });

  it("lets the runs function start and list runs of the stack's machines and manage only their executions", () => {
    const statements = defined(policiesOf(template)[policyIdOf(template, 'RunsApiFunctionRole')]);
    const states = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('states:')));

    expect(states.map((s) => [s.Action].flat().sort())).toEqual([
      ['states:ListExecutions', 'states:StartExecution'],
      ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:RedriveExecution', 'states:StopExecution'],
    ]);
    expect(JSON.stringify(defined(states[1]).Resource)).toContain(':execution:');
    // Named from the stack's ARN prefix, not referenced (a reference would close a cycle through service steps' callback URL).
    expect(JSON.stringify(defined(states[0]).Resource)).toContain(':stateMachine:Test-flood');
    expect(JSON.stringify(defined(states[1]).Resource)).toContain(':execution:Test-flood:*');
  });

  it("names every step's log group at synth and lets the runs function read only those and the execution logs", () => {
    const names = Object.values(template.findResources('AWS::Logs::LogGroup')).map((g) => (g['Properties'] as { LogGroupName?: unknown }).LogGroupName);
    const statements = defined(policiesOf(template)[policyIdOf(template, 'RunsApiFunctionRole')]);
    const reads = statements.filter((s) => [s.Action].flat().includes('logs:FilterLogEvents'));

    expect(names).toEqual(
      expect.arrayContaining([
        '/orchestra/Test/flood/validate-inputs',
        '/orchestra/Test/flood/run-model',
        '/orchestra/Test/shared/simulate-step',
        '/aws/vendedlogs/states/Test-flood',
      ]),
    );
    const lists = statements.filter((s) => [s.Action].flat().includes('s3:ListBucket'));
    const objectReads = statements.filter((s) => [s.Action].flat().includes('s3:GetObject'));
    // Dry runs list the ingest folders; outputs are listed, read and presigned under the runs' prefixes only.
    expect(JSON.stringify(lists)).toContain('"s3:prefix":["ingest/flood/*","runs/flood/*"');
    expect(objectReads).toHaveLength(1);
    expect(JSON.stringify(defined(objectReads[0]).Resource)).toContain('/runs/flood/*');
    expect(JSON.stringify(defined(objectReads[0]).Resource)).not.toContain('/ingest/');
    expect(reads).toHaveLength(1);
    expect(JSON.stringify(defined(reads[0]).Resource)).toContain(':log-group:/orchestra/Test/*');
    expect(JSON.stringify(defined(reads[0]).Resource)).toContain(':log-group:/aws/vendedlogs/states/Test-flood:*');
  });

  it.each([
    ['runs API', 'RunsApiFunctionRole', 'orchestra-runs-api'],
    ['run-provenance', 'RunProvenanceFunctionRole', 'run-provenance'],
  ])("lets the %s function read what steps used: the steps' REPORT lines and the cluster's Container Insights samples, named to it", (_name, role, service) => {
    const statements = defined(policiesOf(template)[policyIdOf(template, role)]);
    const reads = JSON.stringify(statements.filter((s) => [s.Action].flat().includes('logs:FilterLogEvents')));
    const clusters = Object.entries(template.findResources('AWS::ECS::Cluster'));
    expect(clusters).toHaveLength(1);
    const [clusterId, cluster] = defined(clusters[0]);
    expect(cluster['Properties']).toMatchObject({ ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
    expect(reads).toContain(':log-group:/orchestra/Test/*');
    expect(reads).toContain(':log-group:/aws/ecs/containerinsights/');
    expect(reads).toContain(`{"Ref":"${clusterId}"}`);
    expect(reads).toContain('/performance:*');
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => JSON.stringify(f['Properties']).includes(`"POWERTOOLS_SERVICE_NAME":"${service}"`));
    expect(JSON.stringify(fn?.['Properties'])).toContain(
      '"ORCHESTRA_CONTAINER_INSIGHTS_LOG_GROUP":{"Fn::Join":["",["/aws/ecs/containerinsights/",{"Ref":"' + clusterId + '"},"/performance"]]}',
    );
  });

  it("has the run-provenance function read usage from CloudWatch, and no other log group than the steps' and Container Insights'", () => {
    const statements = defined(policiesOf(template)[policyIdOf(template, 'RunProvenanceFunctionRole')]);
    const reads = statements.filter((s) => [s.Action].flat().includes('logs:FilterLogEvents'));
    expect(reads).toHaveLength(1);
    expect(JSON.stringify(defined(reads[0]).Resource)).not.toContain('vendedlogs');
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => JSON.stringify(f['Properties']).includes('"POWERTOOLS_SERVICE_NAME":"run-provenance"'));
    expect(JSON.stringify(fn?.['Properties'])).toContain('"ORCHESTRA_USAGE_SOURCE":"cloudwatch"');
  });
});

describe('OrchestraStack with an existing VPC (-c vpcId=…)', () => {
  it('looks the VPC up instead of creating one', () => {
    // What `cdk synth` caches in cdk.context.json after looking the VPC up in the account.
    const lookup = {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidrBlock: '10.0.0.0/16',
      ownerAccountId: '123456789012',
      availabilityZones: [],
      subnetGroups: [
        {
          name: 'Public',
          type: 'Public',
          subnets: [{ subnetId: 'subnet-0123456789abcdef0', cidr: '10.0.0.0/24', availabilityZone: 'eu-west-1a', routeTableId: 'rtb-0123456789abcdef0' }],
        },
      ],
    };
    const app = new App({ context: { 'vpc-provider:account=123456789012:filter.vpc-id=vpc-0123456789abcdef0:region=eu-west-1:returnAsymmetricSubnets=true': lookup } });
    const stack = new OrchestraStack(app, 'Existing', {
      pipelines: loadCatalogue(ROOT),
      projectRoot: ROOT,
      vpcId: lookup.vpcId,
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: lookup.vpcId });
    const flood = Object.values(template.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: 'Existing-flood' } }))[0];
    expect(JSON.stringify(flood?.['Properties'])).toContain('subnet-0123456789abcdef0');
  });
});

describe('the flood assets', () => {
  it("builds the image for the task's x86_64 CPUs, whatever machine builds it (issue 30: no platform)", () => {
    const app = new App();
    const stack = new OrchestraStack(app, 'Platform', { pipelines: [loadPipeline(join(ROOT, 'state-machines', 'flood.graph.json'))], projectRoot: ROOT });
    const assembly = app.synth();
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8')) as {
      dockerImages: Record<string, { source: { platform?: string } }>;
    };
    expect(Object.values(manifest.dockerImages).map((image) => image.source.platform)).toEqual(['linux/amd64']);
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', { RuntimePlatform: { CpuArchitecture: 'X86_64' } });
  });

  it('holds every path its Dockerfile copies, and no node_modules or tests', () => {
    const app = new App();
    const stack = new OrchestraStack(app, 'Assets', { pipelines: [loadPipeline(join(ROOT, 'state-machines', 'flood.graph.json'))], projectRoot: ROOT });
    const assembly = app.synth();
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile: string } }>;
    };
    const [image] = Object.values(manifest.dockerImages);
    const context = join(assembly.directory, defined(image).source.directory);
    const copied = readFileSync(join(context, defined(image).source.dockerFile), 'utf8')
      .split('\n')
      .filter((line) => /^COPY (?!--from)/.test(line))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));

    expect(copied).toEqual(expect.arrayContaining(['package.json', 'lib/runtime', 'containers/dassflow2d']));
    for (const path of copied) expect(existsSync(join(context, path))).toBe(true);
    for (const excluded of ['node_modules', 'test', 'examples', 'cdk.out']) expect(existsSync(join(context, excluded))).toBe(false);
  });

  it("copies a Lambda step's `files` into its bundle at the same path (the flood map's font)", () => {
    const app = new App();
    const stack = new OrchestraStack(app, 'Files', { pipelines: [loadPipeline(join(ROOT, 'state-machines', 'flood.graph.json'))], projectRoot: ROOT });
    const assembly = app.synth();
    const template = Template.fromStack(stack);
    const assetDirectory = (logicalPrefix: string) => {
      const [fn] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith(logicalPrefix));
      // The code's S3 key is the asset's hash, and cdk.out keeps the bundle as asset.<hash>.
      const key: string = defined(fn)[1]['Properties'].Code.S3Key;
      return join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
    };
    const raster = assetDirectory('PipelinefloodDf2dToRasterFunction');
    expect(readFileSync(join(raster, 'node_modules', 'dejavu-fonts-ttf', 'ttf', 'DejaVuSans.ttf'))).toEqual(readFileSync(join(ROOT, LABEL_FONT_FILE)));
    expect(existsSync(join(raster, 'index.js'))).toBe(true);
    expect(existsSync(join(assetDirectory('PipelinefloodPublishManifestFunction'), 'node_modules'))).toBe(false);
  });
});

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Policy statements by policy logical id. */
function policiesOf(template: Template): Record<string, Statement[]> {
  return Object.fromEntries(
    Object.entries(template.findResources('AWS::IAM::Policy')).map(([id, policy]) => [
      id,
      (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    ]),
  );
}

function policyIdOf(template: Template, rolePrefix: string): string {
  const id = Object.keys(template.findResources('AWS::IAM::Policy')).find((policyId) => policyId.startsWith(`${rolePrefix}DefaultPolicy`));
  if (id === undefined) throw new Error(`no policy for ${rolePrefix}`);
  return id;
}

/** The resources of `action`, with the data bucket's ARN written `<bucket>`. */
function resourcesFor(statements: Statement[], action: string): string[] {
  return statements
    .filter((s) => [s.Action].flat().includes(action))
    .flatMap((s) => [s.Resource].flat())
    .map((r) => JSON.stringify(r).replace(/\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["DataBucket[0-9A-F]+","Arn"\]\},"([^"]*)"\]\]\}/, '<bucket>$1'));
}

describe('two stacks of the same pipelines in one account and region (issue 30: the names collided)', () => {
  it('name their state machines and execution log groups after the stack, within 80 characters', () => {
    const app = new App();
    const pipelines = [loadPipeline(join(ROOT, 'state-machines', 'flood.graph.json'))];
    const stacks = ['Staging', 'Production'].map((id) => new OrchestraStack(app, id, { pipelines, projectRoot: ROOT }));
    const names = (id: string) => {
      const template = Template.fromStack(defined(stacks.find((stack) => stack.stackName === id)));
      const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]?.['Properties'].StateMachineName;
      const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup')).map((group) => String(group['Properties'].LogGroupName));
      return { machine, executionLogs: logGroups.filter((name) => name.startsWith('/aws/vendedlogs/states/')) };
    };

    expect(names('Staging')).toEqual({ machine: 'Staging-flood', executionLogs: ['/aws/vendedlogs/states/Staging-flood'] });
    expect(names('Production')).toEqual({ machine: 'Production-flood', executionLogs: ['/aws/vendedlogs/states/Production-flood'] });
  });

  it('keeps a 64-character pipeline name whole beside a long stack name, shortened with a hash', () => {
    const pipeline = 'p'.repeat(64);
    const [a, b] = [deployedStateMachineName(`Lab-${'x'.repeat(60)}-staging`, pipeline), deployedStateMachineName(`Lab-${'x'.repeat(60)}-production`, pipeline)];
    expect([a.length, b.length]).toEqual([80, 80]);
    expect(a.endsWith(`-${pipeline}`) && b.endsWith(`-${pipeline}`)).toBe(true);
    expect(a).not.toBe(b);
    expect(deployedStateMachineName('Orchestra', 'flood')).toBe('Orchestra-flood');
  });
});
