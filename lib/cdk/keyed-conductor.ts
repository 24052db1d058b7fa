/**
 * The keyed triggers in AWS: one conductor function for every keyed pipeline of the stack, fed by an
 * EventBridge rule on "Object Created" under their data prefixes; its ledger is a DynamoDB table (on
 * demand, point-in-time recovery, encrypted) and its grace windows and expiries are one-time
 * EventBridge Scheduler schedules in a group of its own. It may write only its table, start only the
 * keyed pipelines, list only their data prefixes and create schedules only in its group. It also
 * turns the keyed runs' status changes and its expiries into activity events on the default bus.
 */
import { Arn, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AWAITED_ITEMS_SETTING, KEYED_TRIGGERS_SETTING } from '../contract/bundled-config';
import { FUNCTION_ENV } from '../contract/environment';
import { BACKFILLS_PREFIX } from '../contract/step-event';
import { EXECUTION_STATUS_CHANGE } from '../runtime/keyed/execution-status';
import { awaitedItemsOf, type KeyedTrigger, keyedTriggerOf } from '../runtime/keyed/keyed-trigger';
import { grantDataAccess } from './data-access';
import { acknowledgeWildcardResources } from './nag';
import type { Pipeline } from './pipeline';
import { grantAnswerWaits, serviceStateMachineArns } from './service-calls';
import { deployedStateMachineArn, stateMachineArnPrefix } from './state-machine-arns';
import { BuiltinFunction, type OrchestraFunction } from './step-function';

export interface KeyedConductorProps {
  /** The stack's pipelines; those with a keyed trigger are the conductor's. */
  readonly pipelines: readonly Pipeline[];
  readonly bucket: IBucket;
  readonly projectRoot: string;
  readonly deadLetterQueue?: IQueue;
}

/** Read and write backfill records (`backfills/<id>.json`): the runs API plans them, the conductor records its progress. */
function grantBackfillRecords(role: IRole, bucket: IBucket): void {
  const backfills = bucket.arnForObjects(`${BACKFILLS_PREFIX}*`);
  role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [backfills] }));
  // S3 answers 403, not 404, for a missing key the caller may not list: an unknown backfill id was a 500, and a retry into the DLQ.
  grantDataAccess(bucket, role, { list: [BACKFILLS_PREFIX] });
  acknowledgeWildcardResources(role, [backfills], 'Backfill records are named by random ids when a backfill is planned; the wildcard stays under backfills/.');
}

export class KeyedConductor extends Construct {
  readonly table: Table;
  readonly conductor: BuiltinFunction;
  readonly triggers: readonly KeyedTrigger[];
  private readonly bucket: IBucket;
  private readonly dataPrefixes: readonly string[];

  constructor(scope: Construct, id: string, props: KeyedConductorProps) {
    super(scope, id);
    const keyed = props.pipelines.flatMap((pipeline) => {
      const trigger = keyedTriggerOf(pipeline.source.name, pipeline.source.graph.trigger);
      return trigger === undefined ? [] : [{ pipeline, trigger }];
    });
    this.triggers = keyed.map(({ trigger }) => trigger);
    this.table = new Table(this, 'Keys', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      // The record of what ran for which key is what exactly-once rests on: keep it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const group = new CfnScheduleGroup(this, 'Checks', { name: `${Stack.of(this).stackName}-keyed-checks`.slice(0, 64) });
    const dataPrefixes = [...new Set(this.triggers.map((trigger) => trigger.dataPrefix))];
    this.bucket = props.bucket;
    this.dataPrefixes = dataPrefixes;
    this.conductor = new BuiltinFunction(this, 'Conductor', {
      builtin: 'keyed-conductor',
      // Decisions take milliseconds; backfills work up to this long per invocation, then schedule the rest.
      timeoutSeconds: 300,
      memoryMiB: 256,
      ...(props.deadLetterQueue === undefined ? {} : { deadLetterQueue: props.deadLetterQueue }),
      // Bundled, not in the environment: a product graph's dozens of triggers would pass Lambda's 4 KB.
      config: {
        [KEYED_TRIGGERS_SETTING]: JSON.stringify(this.triggers),
        [AWAITED_ITEMS_SETTING]: JSON.stringify(props.pipelines.flatMap((pipeline) => awaitedItemsOf(pipeline.source.graph))),
      },
      environment: {
        KEY_TABLE: this.table.tableName,
        [FUNCTION_ENV.stateMachineArnPrefix]: stateMachineArnPrefix(Stack.of(this)),
        [FUNCTION_ENV.stackName]: Stack.of(this).stackName,
        DATA_BUCKET: props.bucket.bucketName,
        SCHEDULE_GROUP: group.ref,
      },
    });
    const role = this.conductor.role;
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], resources: [this.table.tableArn] }),
    );
    // Named, not referenced: the runs API invokes the conductor, and service steps' state machines need the runs API's URL.
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['states:StartExecution'], resources: keyed.map(({ pipeline }) => deployedStateMachineArn(this, pipeline.source.name)) }),
    );
    grantDataAccess(props.bucket, role, { list: dataPrefixes });
    // Backfills: the plan and its progress, read and rewritten as the conductor works through them.
    grantBackfillRecords(role, props.bucket);
    // An awaited item that lands answers the service steps waiting for it.
    grantAnswerWaits(
      role,
      props.bucket,
      serviceStateMachineArns(
        this,
        props.pipelines.map((pipeline) => pipeline.source),
      ),
    );

    this.scheduleChecks(group, role);
    this.routeEvents(
      keyed.map(({ pipeline }) => deployedStateMachineArn(this, pipeline.source.name)),
      dataPrefixes,
      props.deadLetterQueue,
    );
  }

  /** Later checks (a key's grace or expiry) are one-off EventBridge schedules in the conductor's own group, run as a role that may only invoke it. */
  private scheduleChecks(group: CfnScheduleGroup, role: IRole): void {
    // Schedules run as this role, which may only invoke the conductor; only this account's schedules may use it.
    const schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
    });
    this.conductor.grantInvoke(schedulerRole);
    acknowledgeWildcardResources(schedulerRole, [`${this.conductor.functionArn}:*`], "Lambda's grantInvoke also covers the conductor's own versions and aliases; nothing else.");
    this.conductor.addEnvironment('SCHEDULER_ROLE_ARN', schedulerRole.roleArn);
    const schedules = Arn.format({ service: 'scheduler', resource: 'schedule', resourceName: `${group.ref}/*` }, Stack.of(this));
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['scheduler:CreateSchedule'], resources: [schedules] }));
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['iam:PassRole'], resources: [schedulerRole.roleArn], conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } } }),
    );
    acknowledgeWildcardResources(
      role,
      [schedules],
      "A check's schedule is named when it is created (from pipeline, key and time); the wildcard stays inside the conductor's own schedule group.",
    );
  }

  /**
   * What reaches the conductor: data items under the keyed prefixes (S3 "Object Created") and the keyed
   * runs' own status changes, which it reports as Orchestra activity events on the default bus.
   */
  private routeEvents(keyedMachines: readonly string[], dataPrefixes: readonly string[], deadLetterQueue: KeyedConductorProps['deadLetterQueue']): void {
    const role = this.conductor.role;
    const target = () => new LambdaFunction(this.conductor, { retryAttempts: 8, maxEventAge: Duration.hours(2), ...(deadLetterQueue === undefined ? {} : { deadLetterQueue }) });
    // Activity events: keyed runs' own status changes come in, and go out on the default bus with the expiries.
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['events:PutEvents'], resources: [Arn.format({ service: 'events', resource: 'event-bus', resourceName: 'default' }, Stack.of(this))] }),
    );
    new Rule(this, 'RunStatusRule', {
      description: "Keyed runs' starts and ends reach the conductor, which reports them as Orchestra activity events",
      eventPattern: {
        source: ['aws.states'],
        detailType: [EXECUTION_STATUS_CHANGE],
        detail: { stateMachineArn: keyedMachines },
      },
      targets: [target()],
    });

    new Rule(this, 'DataRule', {
      description: `Data items under ${dataPrefixes.map((prefix) => `s3://<bucket>/${prefix}`).join(', ')} reach the keyed triggers' conductor`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [this.bucket.bucketName] }, object: { key: dataPrefixes.map((prefix) => ({ prefix })) } },
      },
      targets: [target()],
    });
  }

  /** Lets `planner` (the runs API) plan backfills — list the data prefixes, write the record — and hand them to the conductor. */
  grantPlanBackfills(planner: OrchestraFunction): void {
    planner.addEnvironment('CONDUCTOR_FUNCTION', this.conductor.functionName);
    this.conductor.grantInvoke(planner);
    grantBackfillRecords(planner.role, this.bucket);
    grantDataAccess(this.bucket, planner.role, { list: this.dataPrefixes });
    acknowledgeWildcardResources(planner.role, [`${this.conductor.functionArn}:*`], "Lambda's grantInvoke also covers the conductor's own versions and aliases; nothing else.");
  }
}
