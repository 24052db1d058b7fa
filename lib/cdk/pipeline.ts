/**
 * One pipeline on AWS: its state machine from the committed ASL (DefinitionBody.fromString with
 * definitionSubstitutions: the bytes the local runtime runs), a Lambda per light step, a Fargate task
 * definition per heavy step, the upload trigger and the schedule. Raw ASL gets no automatic IAM, so
 * every permission the definition needs is granted here, scoped to its resources.
 */
import { join } from 'node:path';
import { Arn, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import { SubnetType } from 'aws-cdk-lib/aws-ec2';
import { ContainerImage, CpuArchitecture, FargateTaskDefinition, LogDrivers, type ICluster } from 'aws-cdk-lib/aws-ecs';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { DefinitionBody, LogLevel, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { CONTAINER_NAME, DATA_BUCKET, ECS_CLUSTER, lambdaFunctionPlaceholder, placeholdersIn, SECURITY_GROUP_IDS, SIMULATE_FUNCTION, SUBNET_IDS, taskDefinitionPlaceholder } from '../compiler';
import { resourceNameOf } from '../graph/resource-names';
import type { PipelineGraph } from '../graph/schema';
import { StepFunction } from './step-function';

/** A validated graph with its committed, compiled definition. */
export interface PipelineSource {
  readonly name: string;
  readonly graph: PipelineGraph;
  readonly definitionText: string;
  /** Project root: handler and image paths in the graph are relative to it. */
  readonly rootDir: string;
}

export interface PipelineProps {
  readonly source: PipelineSource;
  readonly bucket: IBucket;
  /** The shared function behind `simulate` steps. */
  readonly simulateFunction: IFunction;
  /** Needed when the pipeline has container steps. */
  readonly cluster?: ICluster;
  readonly vpc?: IVpc;
  readonly securityGroup?: ISecurityGroup;
}

export class Pipeline extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;
  readonly functions: Record<string, StepFunction> = {};
  readonly taskDefinitions: Record<string, FargateTaskDefinition> = {};
  /** Exactly what CloudFormation substitutes into the definition. */
  readonly substitutions: Record<string, string>;
  readonly triggerFunction?: StepFunction;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const { source, bucket } = props;
    const { graph } = source;
    const values: Record<string, string> = { [DATA_BUCKET]: bucket.bucketName, [SIMULATE_FUNCTION]: props.simulateFunction.functionArn };
    const grantStep = (grantee: Parameters<IBucket['grantRead']>[0]) => {
      bucket.grantRead(grantee);
      bucket.grantPut(grantee, 'runs/*');
    };

    for (const [stepId, step] of Object.entries(graph.steps)) {
      const name = resourceNameOf(stepId);
      if (step.kind === 'lambda') {
        const fn = new StepFunction(this, `${name}Function`, {
          entry: join(source.rootDir, step.handler),
          projectRoot: source.rootDir,
          ...(step.memoryMiB === undefined ? {} : { memoryMiB: step.memoryMiB }),
          ...(step.timeoutSeconds === undefined ? {} : { timeoutSeconds: Math.min(step.timeoutSeconds, 900) }),
          environment: { ORCHESTRA_BUCKET: bucket.bucketName, ORCHESTRA_PIPELINE: graph.name, POWERTOOLS_SERVICE_NAME: graph.name },
        });
        grantStep(fn);
        this.functions[stepId] = fn;
        values[lambdaFunctionPlaceholder(stepId)] = fn.functionArn;
      } else if (step.kind === 'container') {
        const task = new FargateTaskDefinition(this, `${name}Task`, {
          cpu: step.cpu ?? 1024,
          memoryLimitMiB: step.memoryMiB ?? 2048,
          runtimePlatform: { cpuArchitecture: CpuArchitecture.X86_64 },
        });
        const image = step.image.startsWith('.')
          ? ContainerImage.fromAsset(source.rootDir, { file: join(step.image, 'Dockerfile'), exclude: ['node_modules', 'cdk.out', '.git', '.orchestra', 'outputs'] })
          : ContainerImage.fromRegistry(step.image);
        task.addContainer(CONTAINER_NAME, {
          image,
          essential: true,
          ...(step.command === undefined ? {} : { command: step.command }),
          environment: { AWS_REGION: Stack.of(this).region, ...(step.environment ?? {}) },
          logging: LogDrivers.awsLogs({ streamPrefix: `${graph.name}/${stepId}`, logGroup: new LogGroup(this, `${name}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }) }),
        });
        grantStep(task.taskRole);
        this.taskDefinitions[stepId] = task;
        values[taskDefinitionPlaceholder(stepId)] = task.taskDefinitionArn;
      }
    }
    const hasContainers = Object.keys(this.taskDefinitions).length > 0;
    if (hasContainers) {
      if (props.cluster === undefined || props.vpc === undefined || props.securityGroup === undefined) throw new Error(`pipeline ${graph.name} has container steps: pass cluster, vpc and securityGroup`);
      values[ECS_CLUSTER] = props.cluster.clusterArn;
      values[SUBNET_IDS] = Fn.join(',', props.vpc.selectSubnets({ subnetType: SubnetType.PUBLIC }).subnetIds);
      values[SECURITY_GROUP_IDS] = props.securityGroup.securityGroupId;
    }
    // Only the placeholders the definition uses: CloudFormation fails on a missing one, and an unused one hides a mistake.
    this.substitutions = Object.fromEntries(placeholdersIn(source.definitionText).map((placeholder) => {
      const value = values[placeholder];
      if (value === undefined) throw new Error(`${graph.name}: no value for placeholder \${${placeholder}}`);
      return [placeholder, value];
    }));

    this.logGroup = new LogGroup(this, 'ExecutionLogs', { logGroupName: `/aws/vendedlogs/states/orchestra-${graph.name}`, retention: RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: `orchestra-${graph.name}`,
      definitionBody: DefinitionBody.fromString(source.definitionText),
      definitionSubstitutions: this.substitutions,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    for (const fn of Object.values(this.functions)) fn.grantInvoke(this.stateMachine);
    if (Object.values(graph.steps).some((s) => s.kind === 'simulate')) props.simulateFunction.grantInvoke(this.stateMachine);
    if (hasContainers) this.grantRunTasks();

    const trigger = graph.trigger;
    if (trigger?.ingestPrefix !== undefined) {
      const triggerFunction = new StepFunction(this, 'IngestTrigger', {
        entry: join(__dirname, '..', '..', 'functions', 'ingest-trigger', 'index.ts'),
        projectRoot: source.rootDir,
        timeoutSeconds: 60,
        memoryMiB: 256,
        environment: {
          STATE_MACHINE_ARN: this.stateMachine.stateMachineArn,
          INGEST_TRIGGER: JSON.stringify({ pipeline: graph.name, ingestPrefix: trigger.ingestPrefix, mode: trigger.mode, requiredFiles: trigger.requiredFiles, marker: trigger.marker }),
        },
      });
      this.stateMachine.grantStartExecution(triggerFunction);
      bucket.grantRead(triggerFunction);
      new Rule(this, 'UploadRule', {
        description: `Uploads under s3://<bucket>/${trigger.ingestPrefix} start ${graph.name} runs`,
        eventPattern: { source: ['aws.s3'], detailType: ['Object Created'], detail: { bucket: { name: [bucket.bucketName] }, object: { key: [{ prefix: trigger.ingestPrefix }] } } },
        targets: [new LambdaFunction(triggerFunction, { retryAttempts: 8, maxEventAge: Duration.hours(2) })],
      });
      this.triggerFunction = triggerFunction;
    }
    if (trigger?.schedule !== undefined) {
      const role = new Role(this, 'ScheduleRole', { assumedBy: new ServicePrincipal('scheduler.amazonaws.com') });
      this.stateMachine.grantStartExecution(role);
      new CfnSchedule(this, 'Schedule', {
        scheduleExpression: trigger.schedule,
        flexibleTimeWindow: { mode: 'OFF' },
        target: { arn: this.stateMachine.stateMachineArn, roleArn: role.roleArn, input: JSON.stringify({ source: 'schedule' }) },
      });
    }
  }

  /** What `ecs:runTask.sync` needs, which CDK cannot infer from raw ASL. */
  private grantRunTasks(): void {
    const stack = Stack.of(this);
    const tasks = Object.values(this.taskDefinitions);
    this.stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['ecs:RunTask'], resources: tasks.map((t) => t.taskDefinitionArn) }));
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['ecs:StopTask', 'ecs:DescribeTasks'], resources: [Arn.format({ service: 'ecs', resource: 'task', resourceName: '*' }, stack)] }),
    );
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [Arn.format({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForECSTaskRule' }, stack)],
      }),
    );
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['iam:PassRole'], resources: tasks.flatMap((t) => [t.taskRole.roleArn, t.obtainExecutionRole().roleArn]) }),
    );
  }
}
