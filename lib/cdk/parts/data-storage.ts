/**
 * The data bucket (private, TLS-only, encrypted, versioned, EventBridge notifications on, lifecycle
 * rules for run scratch, replaced uploads, unanswered waits and backfill plans) and the bucket its
 * access logs go to. Both are retained when the stack goes: they hold the lab's data.
 */
import { CfnResource, Duration, Fn, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { BACKFILLS_PREFIX, WAITS_PREFIX } from '../../contract/step-event';
import { asInterface } from '../cdk-interfaces';
import { acknowledge } from '../nag';

export class DataStorage {
  readonly bucket: Bucket;

  /** Built in the stack's own scope (see ../orchestra-stack.ts): the bucket keeps the logical id a deployed stack has. */
  constructor(stack: Stack) {
    const accessLogs = new Bucket(stack, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new Bucket(stack, 'DataBucket', {
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
    this.tameNotificationsHandler(stack);
  }

  /** The bucket's EventBridge switch is a CDK-owned custom resource (BucketNotificationsHandler…): its findings explained, its logs kept a month. */
  private tameNotificationsHandler(stack: Stack): void {
    const handler = stack.node.children.find((child) => child.node.id.startsWith('BucketNotificationsHandler'));
    if (handler === undefined) return;
    const reason = "aws-cdk-lib's own custom resource that turns on EventBridge notifications for the data bucket; its role and policy are fixed by aws-cdk-lib.";
    acknowledge(handler, 'AwsSolutions-IAM4', reason, 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole');
    acknowledge(handler, 'AwsSolutions-IAM5', reason, 'Resource::*');
    // Its log group would be created by Lambda on first use and kept forever: create it first, with a retention.
    const handlerFunction = handler.node.tryFindChild('Resource');
    if (!(handlerFunction instanceof CfnResource)) return;
    const logs = new LogGroup(stack, 'BucketNotificationsHandlerLogs', {
      logGroupName: Fn.join('', ['/aws/lambda/', handlerFunction.ref]),
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.bucket.node.tryFindChild('Notifications')?.node.addDependency(logs);
  }
}
