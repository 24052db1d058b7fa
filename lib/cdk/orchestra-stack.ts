/**
 * Every pipeline in state-machines/ on AWS, secure by default: one data bucket (private, TLS-only,
 * encrypted, versioned, EventBridge notifications on), a low-cost network for Fargate steps and a
 * Pipeline construct per graph, with alarms on failed runs sent to an SNS topic.
 */
import { Arn, ArnFormat, CfnOutput, CfnResource, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { FlowLogDestination, type IVpc, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Cluster, ContainerInsights } from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { dataItemAccessOf } from '../access/data-items';
import { simulateRoleAccess } from '../access/roles';
import type { PipelineSource } from '../catalogue';
import { SIMULATE_FUNCTION_NAME, sharedLogGroupName } from '../contract/log-groups';
import { pipelineConstructId, STACK_OUTPUTS } from '../contract/stack-outputs';
import { BACKFILLS_PREFIX, WAITS_PREFIX } from '../contract/step-event';
import { hasServiceSteps } from '../kinds/service/spec';
import { SIMULATE_MEMORY_MIB } from '../kinds/simulate/schema';
import { asInterface } from './cdk-interfaces';
import { resourceCountProblem } from './cloudformation-limits';
import { grantDataAccess } from './data-access';
import { KeyedConductor } from './keyed-conductor';
import { needsContainerNetwork } from './kinds/registry';
import { acknowledge } from './nag';
import { Pipeline } from './pipeline';
import { PipelinesDashboard } from './pipelines-dashboard';
import { RunsApi } from './runs-api';
import { ServiceCalls } from './service-calls';
import { BuiltinFunction } from './step-function';

/** What to deploy: a project's pipelines (`loadCatalogue(projectRoot)`), from that project. */
export interface OrchestraStackProps extends StackProps {
  readonly pipelines: readonly PipelineSource[];
  readonly projectRoot: string;
  /**
   * Run Fargate steps in this existing VPC (its public subnets) instead of a new one; looked up at
   * synth time, so the stack needs an explicit account and region. `cdk deploy -c vpcId=vpc-…`.
   * @default - a new VPC
   */
  readonly vpcId?: string;
}

/**
 * Every pipeline of a project on AWS: the data bucket and its upload triggers, a state machine per
 * pipeline with its Lambda functions and Fargate tasks, schedules, keyed triggers, the runs API,
 * a dashboard and alarms. The pipelines' handlers are bundled from `projectRoot`.
 */
export class OrchestraStack extends Stack {
  readonly bucket: Bucket;
  readonly pipelines: Record<string, Pipeline> = {};
  readonly alarmTopic: Topic;
  /** Upload events and scheduled starts that could not be delivered, kept 14 days for a retry. */
  readonly deadLetterQueue: Queue;
  readonly dashboard: PipelinesDashboard;
  readonly runsApi: RunsApi;
  /** Present when a pipeline has a keyed trigger. */
  readonly keyedConductor?: KeyedConductor;

  constructor(scope: Construct, id: string, props: OrchestraStackProps) {
    super(scope, id, props);
    // Before CDK's own count, which names neither the pipelines that take the most nor what to do.
    this.node.addValidation({
      validate: () => {
        const problem = resourceCountProblem(this, (construct) => construct.node.scopes.find((scope) => scope instanceof Pipeline)?.node.id);
        return problem === undefined ? [] : [problem];
      },
    });
    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new Bucket(this, 'DataBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      eventBridgeEnabled: true,
      serverAccessLogsBucket: asInterface(accessLogs),
      serverAccessLogsPrefix: 'data-bucket/',
      lifecycleRules: [
        { id: 'run-scratch', prefix: 'runs/', noncurrentVersionExpiration: Duration.days(30) },
        // Replaced or deleted uploads: the current object stays; older versions go after 90 days.
        { id: 'old-uploads', prefix: 'ingest/', noncurrentVersionExpiration: Duration.days(90) },
        { id: 'incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        // A service step's wait is removed when answered; one whose step timed out unanswered cannot outlive
        // its run (a year at most). Backfill plans matter while they run and for a while after.
        { id: 'unanswered-waits', prefix: WAITS_PREFIX, expiration: Duration.days(366), noncurrentVersionExpiration: Duration.days(1) },
        { id: 'old-backfills', prefix: BACKFILLS_PREFIX, expiration: Duration.days(90), noncurrentVersionExpiration: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The bucket's EventBridge switch is a CDK-owned custom resource (BucketNotificationsHandler…).
    const notificationsHandler = this.node.children.find((child) => child.node.id.startsWith('BucketNotificationsHandler'));
    if (notificationsHandler !== undefined) {
      const reason = "aws-cdk-lib's own custom resource that turns on EventBridge notifications for the data bucket; its role and policy are fixed by aws-cdk-lib.";
      acknowledge(notificationsHandler, 'AwsSolutions-IAM4', reason, 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole');
      acknowledge(notificationsHandler, 'AwsSolutions-IAM5', reason, 'Resource::*');
      // Its log group would be created by Lambda on first use and kept forever: create it first, with a retention.
      const handlerFunction = notificationsHandler.node.tryFindChild('Resource');
      const notifications = this.bucket.node.tryFindChild('Notifications');
      if (handlerFunction instanceof CfnResource) {
        const logs = new LogGroup(this, 'BucketNotificationsHandlerLogs', {
          logGroupName: Fn.join('', ['/aws/lambda/', handlerFunction.ref]),
          retention: RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        });
        notifications?.node.addDependency(logs);
      }
    }

    // Encrypted with a key of our own: CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key.
    const alarmsKey = new Key(this, 'AlarmsKey', { description: 'Orchestra alarm topic', enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
    // Only this account's alarms: CloudWatch is a service of every account (the confused deputy).
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': this.account },
      ArnLike: { 'aws:SourceArn': Arn.format({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }, this) },
    };
    alarmsKey.addToResourcePolicy(new PolicyStatement({ principals: [cloudWatch], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'], conditions: fromOwnAlarms }));
    const alarms = new Topic(this, 'Alarms', { displayName: 'Orchestra pipeline alarms', enforceSSL: true, masterKey: alarmsKey });
    // enforceSSL gives the topic a policy, which replaces SNS's default one: without this Allow no alarm could publish.
    alarms.addToResourcePolicy(new PolicyStatement({ principals: [cloudWatch], actions: ['sns:Publish'], resources: [alarms.topicArn], conditions: fromOwnAlarms }));
    this.alarmTopic = alarms;
    this.deadLetterQueue = new Queue(this, 'Undelivered', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    acknowledge(this.deadLetterQueue, 'AwsSolutions-SQS3', 'This queue is itself the dead-letter queue for upload events and scheduled starts.');
    // Every alarm fires on the first occurrence in a 5-minute period and notifies the topic.
    const alarmOn = (scope: Construct, id: string, alarmDescription: string, metric: IMetric) =>
      new Alarm(scope, id, {
        alarmDescription,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new SnsAction(alarms));
    const ALARM_PERIOD = Duration.minutes(5);
    alarmOn(
      this,
      'UndeliveredAlarm',
      'Upload events or scheduled starts could not be delivered: see the Undelivered queue and the ingest trigger logs',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }),
    );
    const simulateFunction = new BuiltinFunction(this, 'SimulateStepFunction', {
      builtin: 'simulate-step',
      logGroupName: sharedLogGroupName(this.stackName, SIMULATE_FUNCTION_NAME),
      memoryMiB: SIMULATE_MEMORY_MIB,
      environment: { ORCHESTRA_BUCKET: this.bucket.bucketName, POWERTOOLS_SERVICE_NAME: 'simulate-step' },
    });

    const needsContainers = props.pipelines.some((p) => Object.values(p.graph.steps).some(needsContainerNetwork));
    let network: { vpc: IVpc; cluster: Cluster; securityGroup: SecurityGroup } | undefined;
    if (needsContainers) {
      // Public subnets with public IPs and no NAT gateway or VPC endpoints: tasks reach S3, ECR and
      // CloudWatch directly, at no hourly network cost; the security group allows no inbound traffic.
      const vpc: IVpc =
        props.vpcId !== undefined
          ? asInterface(Vpc.fromLookup(this, 'Vpc', { vpcId: props.vpcId }))
          : asInterface(
              new Vpc(this, 'Vpc', {
                natGateways: 0,
                maxAzs: 2,
                subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC }],
                flowLogs: { all: { destination: FlowLogDestination.toCloudWatchLogs() } },
              }),
            );
      const cluster = new Cluster(this, 'Cluster', { vpc, containerInsightsV2: ContainerInsights.ENABLED });
      const securityGroup = new SecurityGroup(this, 'TaskSecurityGroup', { vpc, description: 'Orchestra container steps: egress only', allowAllOutbound: true });
      network = { vpc, cluster, securityGroup };
      new CfnOutput(this, STACK_OUTPUTS.ecsCluster, { value: cluster.clusterName, description: 'the ECS cluster container steps run in' });
      new CfnOutput(this, STACK_OUTPUTS.containerSubnets, {
        value: Fn.join(',', vpc.selectSubnets({ subnetType: SubnetType.PUBLIC }).subnetIds),
        description: 'subnets container steps run in, comma-separated',
      });
      new CfnOutput(this, STACK_OUTPUTS.containerSecurityGroup, { value: securityGroup.securityGroupId, description: "container steps' security group" });
    }

    const bucket = asInterface(this.bucket);
    // Simulated products are data items: the shared function may write where `writes` templates point, no further.
    grantDataAccess(bucket, simulateFunction.role, simulateRoleAccess(props.pipelines));

    const serviceCalls = props.pipelines.some((source) => hasServiceSteps(source.graph))
      ? new ServiceCalls(this, 'ServiceCalls', { pipelines: props.pipelines, bucket, projectRoot: props.projectRoot })
      : undefined;

    const dataItems = dataItemAccessOf(props.pipelines);
    for (const source of props.pipelines) {
      const access = dataItems.get(source.name);
      const pipeline = new Pipeline(this, pipelineConstructId(source.name), {
        source,
        bucket,
        ...(access === undefined ? {} : { dataItems: access }),
        simulateFunction,
        ...(serviceCalls === undefined ? {} : { serviceCallFunction: serviceCalls.function }),
        deadLetterQueue: this.deadLetterQueue,
        ...(network === undefined ? {} : { cluster: asInterface(network.cluster), vpc: network.vpc, securityGroup: asInterface(network.securityGroup) }),
      });
      this.pipelines[source.name] = pipeline;
      alarmOn(
        pipeline,
        'FailedRunsAlarm',
        `Runs of ${source.name} failed, timed out or were aborted`,
        pipeline.stateMachine.metricFailed({ period: ALARM_PERIOD, statistic: 'Sum' }),
      );
      alarmOn(pipeline, 'ThrottledAlarm', `Step Functions throttled ${source.name}`, pipeline.stateMachine.metricThrottled({ period: ALARM_PERIOD, statistic: 'Sum' }));
      new CfnOutput(this, STACK_OUTPUTS.stateMachineArn(source.name), { value: pipeline.stateMachine.stateMachineArn, description: `${source.name} state machine` });
      new CfnOutput(this, STACK_OUTPUTS.executionLogGroup(source.name), { value: pipeline.logGroup.logGroupName, description: `${source.name} execution logs` });
      const stepLogGroups = Object.entries(pipeline.stepLogGroups);
      if (stepLogGroups.length > 0) {
        new CfnOutput(this, STACK_OUTPUTS.stepLogGroups(source.name), {
          value: Fn.join(
            ',',
            stepLogGroups.map(([stepId, group]) => Fn.join('=', [stepId, group.logGroupName])),
          ),
          description: `${source.name} step log groups, as step=log-group pairs (aws logs tail <group> --follow)`,
        });
      }
      const targets = [
        ...Object.entries(pipeline.functions).map(([stepId, fn]) => Fn.join('=', [stepId, fn.functionName])),
        ...Object.entries(pipeline.taskDefinitions).map(([stepId, task]) => Fn.join('=', [stepId, task.taskDefinitionArn])),
      ];
      if (targets.length > 0) {
        new CfnOutput(this, STACK_OUTPUTS.stepTargets(source.name), {
          value: Fn.join(',', targets),
          description: `${source.name} steps' functions and task definitions, as step=name pairs (orchestra export airflow --stack)`,
        });
      }
      if (source.graph.trigger?.ingestPrefix !== undefined) {
        new CfnOutput(this, STACK_OUTPUTS.ingestPrefix(source.name), {
          value: `s3://${this.bucket.bucketName}/${source.graph.trigger.ingestPrefix}`,
          description: `upload here to start ${source.name}`,
        });
      }
    }
    if (props.pipelines.some((source) => source.graph.trigger?.mode === 'keyed')) {
      this.keyedConductor = new KeyedConductor(this, 'KeyedTriggers', {
        pipelines: Object.values(this.pipelines),
        bucket,
        projectRoot: props.projectRoot,
        deadLetterQueue: this.deadLetterQueue,
      });
      new CfnOutput(this, STACK_OUTPUTS.keyTable, {
        value: this.keyedConductor.table.tableName,
        description: "the keyed triggers' ledger: arrivals, readiness and runs per (pipeline, key)",
      });
    }
    this.dashboard = new PipelinesDashboard(this, 'Dashboard', { pipelines: Object.values(this.pipelines), deadLetterQueue: this.deadLetterQueue });
    this.runsApi = new RunsApi(this, 'RunsApi', {
      pipelines: Object.values(this.pipelines),
      bucket,
      projectRoot: props.projectRoot,
      ...(this.keyedConductor === undefined ? {} : { keyedConductor: this.keyedConductor }),
    });
    serviceCalls?.useRunsApi(this.runsApi.url);
    new CfnOutput(this, STACK_OUTPUTS.runsApiUrl, { value: this.runsApi.url, description: 'runs API (IAM-authorized): GET <url>pipelines' });
    new CfnOutput(this, STACK_OUTPUTS.dataBucket, { value: this.bucket.bucketName });
    new CfnOutput(this, STACK_OUTPUTS.alarmTopic, { value: alarms.topicArn, description: 'subscribe to be told about failed runs and undelivered uploads' });
    new CfnOutput(this, STACK_OUTPUTS.dashboard, { value: this.dashboard.dashboard.dashboardName });
  }
}
