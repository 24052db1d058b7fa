/**
 * Every pipeline in state-machines/ on AWS, secure by default: one data bucket (private, TLS-only,
 * encrypted, versioned, EventBridge notifications on), a low-cost network for Fargate steps and a
 * Pipeline construct per graph, with alarms on failed runs sent to an SNS topic.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { dataItemAccessOf } from '../access/data-items';
import type { PipelineSource } from '../catalogue';
import { pipelineConstructId, STACK_OUTPUTS } from '../contract/stack-outputs';
import { hasServiceSteps } from '../kinds/service/spec';
import { asInterface } from './cdk-interfaces';
import { resourceCountProblem } from './cloudformation-limits';
import { KeyedConductor } from './keyed-conductor';
import { needsContainerNetwork } from './kinds/registry';
import { simulateStepFunction } from './kinds/simulate';
import { StackAlarms } from './parts/alarms';
import { ContainerNetwork } from './parts/container-network';
import { DataStorage } from './parts/data-storage';
import { addPipelineAlarms, addPipelineOutputs } from './parts/pipeline-outputs';
import { runProvenance } from './parts/run-provenance';
import { stepReuseFunction } from './parts/step-reuse';
import { Pipeline } from './pipeline';
import { PipelinesDashboard } from './pipelines-dashboard';
import { RunsApi } from './runs-api';
import { ServiceCalls } from './service-calls';

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

  /**
   * The stack is made of parts (./parts, and each kind's shared resources in ./kinds). A part builds
   * its resources in the stack's own scope rather than as a nested construct: nesting would change
   * their logical ids, and CloudFormation would replace a deployed stack's bucket, topic and network
   * (test/cdk/logical-ids.test.ts holds them).
   */
  constructor(scope: Construct, id: string, props: OrchestraStackProps) {
    super(scope, id, props);
    // Before CDK's own count, which names neither the pipelines that take the most nor what to do.
    this.node.addValidation({
      validate: () => {
        const problem = resourceCountProblem(this, (construct) => construct.node.scopes.find((scope) => scope instanceof Pipeline)?.node.id);
        return problem === undefined ? [] : [problem];
      },
    });
    this.bucket = new DataStorage(this).bucket;
    const alarms = new StackAlarms(this);
    this.alarmTopic = alarms.topic;
    this.deadLetterQueue = alarms.deadLetterQueue;
    const bucket = asInterface(this.bucket);
    const simulateFunction = simulateStepFunction(this, bucket, props.pipelines);
    const network = props.pipelines.some((p) => Object.values(p.graph.steps).some(needsContainerNetwork)) ? new ContainerNetwork(this, props.vpcId) : undefined;
    const serviceCalls = props.pipelines.some((source) => hasServiceSteps(source.graph))
      ? new ServiceCalls(this, 'ServiceCalls', { pipelines: props.pipelines, bucket, projectRoot: props.projectRoot })
      : undefined;

    const dataItems = dataItemAccessOf(props.pipelines);
    const stepReuse = stepReuseFunction(this, bucket, props.pipelines, dataItems);
    for (const source of props.pipelines) {
      const access = dataItems.get(source.name);
      const pipeline = new Pipeline(this, pipelineConstructId(source.name), {
        source,
        bucket,
        ...(access === undefined ? {} : { dataItems: access }),
        simulateFunction,
        ...(serviceCalls === undefined ? {} : { serviceCallFunction: serviceCalls.function }),
        ...(stepReuse === undefined ? {} : { stepReuseFunction: stepReuse }),
        deadLetterQueue: this.deadLetterQueue,
        ...(network === undefined ? {} : { cluster: asInterface(network.cluster), vpc: network.vpc, securityGroup: asInterface(network.securityGroup) }),
      });
      this.pipelines[source.name] = pipeline;
      addPipelineAlarms(pipeline, alarms);
      addPipelineOutputs(this, pipeline, bucket);
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
    runProvenance(this, bucket, Object.values(this.pipelines), dataItems, this.deadLetterQueue, network === undefined ? undefined : asInterface(network.cluster));
    this.dashboard = new PipelinesDashboard(this, 'Dashboard', { pipelines: Object.values(this.pipelines), deadLetterQueue: this.deadLetterQueue });
    this.runsApi = new RunsApi(this, 'RunsApi', {
      pipelines: Object.values(this.pipelines),
      bucket,
      projectRoot: props.projectRoot,
      ...(this.keyedConductor === undefined ? {} : { keyedConductor: this.keyedConductor }),
      ...(network === undefined ? {} : { containerCluster: asInterface(network.cluster) }),
    });
    serviceCalls?.useRunsApi(this.runsApi.url);
    new CfnOutput(this, STACK_OUTPUTS.runsApiUrl, { value: this.runsApi.url, description: 'runs API (IAM-authorized): GET <url>pipelines' });
    new CfnOutput(this, STACK_OUTPUTS.dataBucket, { value: this.bucket.bucketName });
    new CfnOutput(this, STACK_OUTPUTS.alarmTopic, { value: alarms.topic.topicArn, description: 'subscribe to be told about failed runs and undelivered uploads' });
    new CfnOutput(this, STACK_OUTPUTS.dashboard, { value: this.dashboard.dashboard.dashboardName });
  }
}
