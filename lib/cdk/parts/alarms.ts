/**
 * Where the stack's alarms go: an SNS topic under a key of its own (CloudWatch alarms cannot publish
 * under the AWS-managed SNS key), open to this account's alarms only; the dead-letter queue of
 * undelivered upload events and scheduled starts, with its alarm; and one way to raise an alarm.
 */
import { Arn, ArnFormat, Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag';

/** Every alarm looks at 5-minute periods. */
export const ALARM_PERIOD = Duration.minutes(5);

export class StackAlarms {
  readonly topic: Topic;
  /** Upload events and scheduled starts that could not be delivered, kept 14 days for a retry. */
  readonly deadLetterQueue: Queue;

  /** Built in the stack's own scope (see ../orchestra-stack.ts). */
  constructor(stack: Stack) {
    const key = new Key(stack, 'AlarmsKey', { description: 'Orchestra alarm topic', enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
    // Only this account's alarms: CloudWatch is a service of every account (the confused deputy).
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': Arn.format({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }, stack) },
    };
    key.addToResourcePolicy(new PolicyStatement({ principals: [cloudWatch], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'], conditions: fromOwnAlarms }));
    this.topic = new Topic(stack, 'Alarms', { displayName: 'Orchestra pipeline alarms', enforceSSL: true, masterKey: key });
    // enforceSSL gives the topic a policy, which replaces SNS's default one: without this Allow no alarm could publish.
    this.topic.addToResourcePolicy(new PolicyStatement({ principals: [cloudWatch], actions: ['sns:Publish'], resources: [this.topic.topicArn], conditions: fromOwnAlarms }));
    this.deadLetterQueue = new Queue(stack, 'Undelivered', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    acknowledge(this.deadLetterQueue, 'AwsSolutions-SQS3', 'This queue is itself the dead-letter queue for upload events and scheduled starts.');
    this.alarmOn(
      stack,
      'UndeliveredAlarm',
      'Upload events or scheduled starts could not be delivered: see the Undelivered queue and the ingest trigger logs',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }),
    );
  }

  /** An alarm that fires on the first occurrence in a period and notifies the topic. */
  alarmOn(scope: Construct, id: string, alarmDescription: string, metric: IMetric): void {
    new Alarm(scope, id, {
      alarmDescription,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new SnsAction(this.topic));
  }
}
