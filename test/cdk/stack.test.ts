/** The synthesized template: the deployed definition is the committed ASL, triggers and IAM as intended. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { OrchestraStack } from '../../lib/cdk';
import { placeholdersIn } from '../../lib/compiler';
import { graphFilesIn } from '../../lib/graph/pipeline-files';
import { loadPipeline } from '../../lib/local/pipeline';

const ROOT = join(__dirname, '..', '..');

describe('OrchestraStack', () => {
  let template: Template;

  beforeAll(() => {
    const app = new App();
    const stack = new OrchestraStack(app, 'Test', { pipelines: graphFilesIn(join(ROOT, 'state-machines')).map(loadPipeline), projectRoot: ROOT });
    template = Template.fromStack(stack);
  });

  it('deploys each committed definition byte for byte, with a substitution for every placeholder', () => {
    for (const name of ['flood', 'nightly-catalogue']) {
      const text = readFileSync(join(ROOT, 'state-machines', `${name}.asl.json`), 'utf8');
      const machines = template.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: `orchestra-${name}` } });
      const properties = Object.values(machines)[0]?.Properties as { DefinitionString: string; DefinitionSubstitutions: Record<string, unknown> };

      expect(properties.DefinitionString).toBe(text);
      expect(Object.keys(properties.DefinitionSubstitutions).sort()).toEqual(placeholdersIn(text));
    }
  });

  it('starts flood runs from uploads under its ingest prefix', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { object: { key: [{ prefix: 'ingest/flood/' }] } } },
    });
  });

  it('schedules the nightly catalogue with EventBridge Scheduler', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 2 * * ? *)' });
  });

  it('runs light steps on Node 24 ARM64 Lambdas and the model on Fargate with awslogs', () => {
    const ours = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { POWERTOOLS_METRICS_NAMESPACE: 'Orchestra' } } } }));

    expect(ours).toHaveLength(5); // 3 flood steps, the flood ingest trigger, the shared simulate-step
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
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => (policy as { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown }> } } }).Properties.PolicyDocument.Statement,
    );
    const actions = statements.flatMap((s) => [s.Action].flat());

    expect(actions).toEqual(expect.arrayContaining(['ecs:RunTask', 'ecs:StopTask', 'ecs:DescribeTasks', 'iam:PassRole', 'events:PutRule']));
    expect(statements.filter((s) => [s.Action].flat().includes('*') && [s.Resource].flat().includes('*'))).toEqual([]);
  });
});
